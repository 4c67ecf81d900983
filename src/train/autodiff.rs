//! Adversarial training through burn's autodiff, for any generator and critic: the DCGAN with
//! either loss, and the classic MLP with WGAN-GP. (The MLP with BCE, the default, takes the
//! hand-written path in `manual`, which needs far fewer GPU dispatches.)

use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::activation::sigmoid;

use super::api::{PendingStats, Trainer};
use super::augment::Augmentation;
use super::average::{WeightAverage, average_of};
use super::checkpoint::{self, Checkpoint, CheckpointError};
use super::loss::bce_with_logits;
use super::module_adam::ModuleAdam;
use crate::config::{GanConfig, Loss};
use crate::nets::conditioning::{generator_input, labels_or_random, one_hot};
use crate::nets::{Critic, ImageGenerator};
use crate::rng::HostRng;
use crate::weights::{Export, ParamShape, WeightsError, load_networks};

/// Trains a generator `G` against a critic `D` with burn's autodiff and Adam; both optimizers'
/// moments persist across steps.
pub struct AutodiffTrainer<G, D> {
    config: GanConfig,
    /// The autodiff device that training runs on.
    device: Device,
    generator: G,
    discriminator: D,
    optimizer_g: ModuleAdam,
    optimizer_d: ModuleAdam,
    /// G's running weight average, when `average_decay` > 0: what samples come from.
    average: Option<WeightAverage<G>>,
    rng: HostRng,
    step: u64,
    /// `[d_loss, g_loss, d_real, d_fake]` of the latest step, without autodiff. // [4]
    latest: Option<Tensor<1>>,
    /// The latest generator loss: WGAN-GP updates G only every few steps. // [1]
    g_loss: Option<Tensor<1>>,
}

impl<G: ImageGenerator, D: Critic> AutodiffTrainer<G, D> {
    /// Takes networks built on any device and trains them on its autodiff version; `rng`
    /// continues the stream their weights were drawn from and supplies the noise.
    pub fn new(config: GanConfig, generator: G, discriminator: D, rng: HostRng, device: &Device) -> Self {
        let device = device.clone().autodiff();
        let generator = generator.to_device(&device).train();
        Self {
            average: average_of(&config, &generator),
            generator,
            discriminator: discriminator.to_device(&device).train(),
            optimizer_g: ModuleAdam::new(config.optim),
            optimizer_d: ModuleAdam::new(config.optim.discriminator()),
            config,
            device,
            rng,
            step: 0,
            latest: None,
            g_loss: None,
        }
    }

    /// One critic update on `real` and a fresh fake batch, both of classes `labels` when
    /// conditional. Returns its loss and its mean output on the reals and on the fakes
    /// (probabilities with BCE), without autodiff. // [1] each
    fn update_critic(&mut self, real: Tensor<2>, labels: Option<&[u8]>) -> (Tensor<1>, Tensor<1>, Tensor<1>) {
        let batch = real.dims()[0];
        let real = real.inner().to_device(&self.device.clone().inner()).autodiff(); // [batch, 784]
        let input = self.input(batch, labels); // [batch, latent (+ classes)]
        let fake = self.generator.forward(input).detach(); // [batch, 784]
        let one_hot = labels.map(|l| one_hot(l, &self.device)); // [batch, classes]
        // D sees both augmented alike (and R1 and the gradient penalty look at what it sees).
        let (real, fake) = match self.augmentation(2 * batch) {
            Some(augmentation) => {
                let both = augmentation.apply(Tensor::cat(vec![real, fake], 0)); // [2·batch, 784]
                (both.clone().slice(0..batch), both.slice(batch..2 * batch))
            }
            None => (real, fake),
        };

        // Real and fake pass through D separately: batch norm must not mix their statistics.
        let gamma = match self.config.loss.kind {
            Loss::Bce => self.config.loss.r1_penalty,
            Loss::WganGp => 0.0,
        };
        let (real_scores, r1) = self.real_scores_and_r1(real.clone(), one_hot.clone(), gamma); // [batch, 1], [1]
        let fake_scores = self.discriminator.forward(fake.clone(), one_hot.clone()); // [batch, 1]
        let d_loss = match self.config.loss.kind {
            Loss::Bce => {
                let bce = bce_with_logits(real_scores.clone(), self.config.loss.real_label)
                    + bce_with_logits(fake_scores.clone(), 0.0);
                match r1 {
                    Some(penalty) => bce + penalty.mul_scalar(gamma / 2.0),
                    None => bce,
                }
            }
            Loss::WganGp => {
                fake_scores.clone().mean() - real_scores.clone().mean()
                    + self.gradient_penalty(real, fake, one_hot).mul_scalar(self.config.loss.gradient_penalty)
            }
        }; // [1]
        let grads = GradientsParams::from_grads(d_loss.backward(), &self.discriminator);
        self.discriminator = self.optimizer_d.step(self.discriminator.clone(), grads);
        let (real_mean, fake_mean) = match self.config.loss.kind {
            Loss::Bce => (sigmoid(real_scores).mean(), sigmoid(fake_scores).mean()),
            Loss::WganGp => (real_scores.mean(), fake_scores.mean()),
        };
        (d_loss.inner(), real_mean.inner(), fake_mean.inner())
    }

    /// One generator update on `batch` fresh fakes, of classes `labels` when conditional;
    /// returns its loss without autodiff. // [1]
    fn update_generator(&mut self, batch: usize, labels: Option<&[u8]>) -> Tensor<1> {
        // Backpropagated in two graphs split at the images: through D to the images, then
        // from the images into G. In one graph, burn 0.22.1's fused WebGPU backward returned
        // a gradient for G unrelated to the CPU's (cosine 0.02) whenever the loss applied a
        // nonlinearity to D's logits; split, the backends agree.
        let input = self.input(batch, labels); // [batch, latent (+ classes)]
        let fake = self.generator.forward(input); // [batch, 784]
        let images = fake.clone().detach().require_grad(); // [batch, 784]
        let one_hot = labels.map(|l| one_hot(l, &self.device)); // [batch, classes]
        let seen = match self.augmentation(batch) {
            Some(augmentation) => augmentation.apply(images.clone()), // [batch, 784]
            None => images.clone(),
        };
        // D's weights need no gradient here: without them autodiff skips every weight
        // gradient of D's backward pass (its batch-norm statistics are shared with D's).
        let scores = self.discriminator.clone().no_grad().forward(seen, one_hot); // [batch, 1]
        let g_loss = match self.config.loss.kind {
            Loss::Bce => bce_with_logits(scores, 1.0), // non-saturating
            Loss::WganGp => scores.mean().neg(),
        }; // [1]
        let d_images = images.grad(&g_loss.backward()).expect("the images require a gradient"); // [batch, 784]
        let chain = (fake * d_images.autodiff()).sum(); // [1]
        let grads = GradientsParams::from_grads(chain.backward(), &self.generator);
        self.generator = self.optimizer_g.step(self.generator.clone(), grads);
        g_loss.inner()
    }

    /// mean((‖∇D(x̂)‖ − 1)²) at random points x̂ on the lines between real and fake images
    /// (Gulrajani et al., 2017).
    /// For a conditional critic the points keep their pair's label.
    fn gradient_penalty(&mut self, real: Tensor<2>, fake: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<1> {
        let batch = real.dims()[0];
        let mix: Vec<f32> = (0..batch).map(|_| self.rng.uniform()).collect();
        let mix = Tensor::<2>::from_data(TensorData::new(mix, [batch, 1]), &self.device); // [batch, 1]
        let between = (real * mix.clone() + fake * mix.neg().add_scalar(1.0)).detach(); // [batch, 784]
        let grad = self.discriminator.input_grad(between, labels); // [batch, 784]
        let norm = (grad.square().sum_dim(1) + 1e-12).sqrt(); // [batch, 1]
        norm.sub_scalar(1.0).square().mean() // [1]
    }

    /// D's scores on the real images and, when R1 is on (γ > 0), the penalty E‖∇ₓD(x)‖² over
    /// them (Mescheder et al., 2018), its input gradient taken from the same pass. // [batch, 1], [1]
    fn real_scores_and_r1(&self, real: Tensor<2>, labels: Option<Tensor<2>>, gamma: f32) -> (Tensor<2>, Option<Tensor<1>>) {
        if gamma <= 0.0 {
            return (self.discriminator.forward(real, labels), None);
        }
        let (scores, input_grad) = self.discriminator.forward_with_input_grad(real, labels); // [batch, 1], [batch, 784]
        (scores, Some(input_grad.square().sum_dim(1).mean()))
    }

    /// The augmentation of what D sees for `rows` images, drawn on the host; `None` when
    /// `augment` is 0.
    fn augmentation(&mut self, rows: usize) -> Option<Augmentation> {
        Augmentation::draw(self.config.stabilizers.augment, rows, &mut self.rng, &self.device)
    }

    /// Moves the running average towards the G just updated.
    fn update_average(&mut self) {
        if let Some(average) = &mut self.average {
            average.update(&self.generator, self.step);
        }
    }

    /// G's input for `batch` fresh noise vectors, with `labels` one-hot after each. // [batch, latent (+ classes)]
    fn input(&mut self, batch: usize, labels: Option<&[u8]>) -> Tensor<2> {
        let latent = self.config.model.latent_dim;
        generator_input(self.rng.normal(batch * latent), labels, latent, &self.device)
    }
}

impl<G: ImageGenerator, D: Critic> Trainer for AutodiffTrainer<G, D> {
    /// One critic update on `real` (images in [-1, 1]), then a generator update: on every
    /// call with BCE, on every `critic_steps`-th call with WGAN-GP.
    fn step(&mut self, real: Tensor<2>, labels: Option<&[u8]>) {
        let batch = real.dims()[0];
        let labels = labels_or_random(&self.config.model, labels, batch, &mut self.rng);
        let labels = labels.as_deref();
        let (d_loss, real_mean, fake_mean) = self.update_critic(real, labels);
        let generator_turn = match self.config.loss.kind {
            Loss::Bce => true,
            Loss::WganGp => self.step % self.config.loss.critic_steps.max(1) as u64 == 0,
        };
        if generator_turn {
            self.g_loss = Some(self.update_generator(batch, labels));
            self.update_average();
        }
        let g_loss = self.g_loss.clone().expect("G trains on the first step");
        self.latest = Some(Tensor::cat(vec![d_loss, g_loss, real_mean, fake_mean], 0));
        self.step += 1;
    }

    fn train_discriminator(&mut self, real: Tensor<2>, labels: Option<&[u8]>) {
        let labels = labels_or_random(&self.config.model, labels, real.dims()[0], &mut self.rng);
        self.update_critic(real, labels.as_deref());
    }

    fn train_generator(&mut self, batch: usize) {
        let labels = labels_or_random(&self.config.model, None, batch, &mut self.rng);
        self.update_generator(batch, labels.as_deref());
        self.update_average();
    }

    /// D's verdict on `images`: probabilities with BCE, critic scores with WGAN-GP. Batch norm
    /// runs in inference mode. // [n, 1]
    fn discriminate(&self, images: Tensor<2>, labels: Option<&[u8]>) -> Tensor<2> {
        let labels = labels.map(|l| one_hot(l, &self.device.clone().inner()));
        let scores = self.discriminator.valid().forward(images.inner(), labels);
        match self.config.loss.kind {
            Loss::Bce => sigmoid(scores),
            Loss::WganGp => scores,
        }
    }

    fn stats(&self) -> Option<PendingStats> {
        Some(PendingStats {
            step: self.step,
            values: self.latest.clone()?,
        })
    }

    /// Images for `noise` (`n × latent` values) in [-1, 1], with batch norm in inference mode,
    /// from the running average when there is one.
    fn generate(&self, noise: Vec<f32>, labels: Option<&[u8]>) -> Tensor<2> {
        let input = generator_input(noise, labels, self.config.model.latent_dim, &self.device.clone().inner());
        match &self.average {
            Some(average) => average.module.forward(input), // [n, 784]
            None => self.generator.valid().forward(input),  // [n, 784]
        }
    }

    /// Replaces both networks' weights; the file is validated first, so on error nothing
    /// changes.
    fn load_weights(&mut self, bytes: &[u8]) -> Result<(), WeightsError> {
        (self.generator, self.discriminator) =
            load_networks(bytes, &self.config.model, &self.generator, &self.discriminator)?;
        if self.average.is_some() {
            self.average = average_of(&self.config, &self.generator);
        }
        Ok(())
    }

    /// The generator samples come from: the running average when there is one.
    fn export_generator(&self) -> Export {
        match &self.average {
            Some(average) => Export::of_generator(&self.config.model, &average.module),
            None => Export::of_generator(&self.config.model, &self.generator),
        }
    }

    fn export(&self) -> Export {
        self.export_generator().add("discriminator", &self.discriminator)
    }

    fn layers(&self) -> Vec<ParamShape> {
        Export::layers(&self.generator, &self.discriminator)
    }

    /// With WGAN-GP, the latest generator loss as `state.g_loss`: G may not train on the
    /// first step after a resume, and its statistics report it.
    fn checkpoint(&self) -> Export {
        let mut export = Export::of_generator(&self.config.model, &self.generator).add("discriminator", &self.discriminator);
        if let Some(average) = &self.average {
            export = export.add("average", &average.module);
        }
        if let Some(g_loss) = &self.g_loss {
            export = export.tensor("state.g_loss", vec![1], g_loss.clone());
        }
        let optimizers = [self.optimizer_g.state(), self.optimizer_d.state()];
        checkpoint::write(export, &self.config, self.step, &self.rng, optimizers)
    }

    fn restore(&mut self, checkpoint: &Checkpoint) -> Result<(), CheckpointError> {
        let (generator, discriminator) = checkpoint.networks(&self.generator, &self.discriminator)?;
        let inner = self.device.clone().inner();
        let optimizer_g = checkpoint.optimizer(checkpoint::OPTIMIZERS[0], &inner)?;
        let optimizer_d = checkpoint.optimizer(checkpoint::OPTIMIZERS[1], &inner)?;
        let average = checkpoint.average(self.average.as_ref())?;
        (self.generator, self.discriminator) = (generator, discriminator);
        if let (Some(mean), Some(module)) = (&mut self.average, average) {
            mean.module = module;
        }
        self.optimizer_g.restore(optimizer_g);
        self.optimizer_d.restore(optimizer_d);
        self.g_loss = checkpoint.state_tensor("g_loss", &inner);
        self.rng = checkpoint.rng.clone();
        self.step = checkpoint.step;
        self.latest = None;
        Ok(())
    }

    fn steps(&self) -> u64 {
        self.step
    }
}
