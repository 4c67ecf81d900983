//! Adversarial training through burn's autodiff, for any generator and critic: the DCGAN with
//! either loss, and the classic MLP with WGAN-GP. (The MLP with BCE, the default, takes the
//! hand-written path in `training`, which needs far fewer GPU dispatches.)

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::activation::sigmoid;

use crate::dcgan::{ConvDiscriminator, ConvGenerator};
use crate::model::{Discriminator, GanConfig, Generator, Loss, noise_tensor};
use crate::rng::HostRng;
use crate::training::{PendingStats, bce_with_logits};
use crate::weights::{WeightsError, load_networks};

/// A network that maps latent noise to images in [-1, 1].
pub trait ImageGenerator: Module + Clone + 'static {
    fn forward(&self, noise: Tensor<2>) -> Tensor<2>; // [n, latent] → [n, 784]
}

/// A network that scores images with one logit each.
pub trait Critic: Module + Clone + 'static {
    fn forward(&self, images: Tensor<2>) -> Tensor<2>; // [n, 784] → [n, 1]

    /// d(Σ D(x))/dx as a graph autodiff can differentiate again with respect to the weights,
    /// for the gradient penalties. Only called on critics without batch norm.
    fn input_grad(&self, images: Tensor<2>) -> Tensor<2>; // [n, 784]
}

impl ImageGenerator for Generator {
    fn forward(&self, noise: Tensor<2>) -> Tensor<2> {
        Generator::forward(self, noise)
    }
}

impl ImageGenerator for ConvGenerator {
    fn forward(&self, noise: Tensor<2>) -> Tensor<2> {
        ConvGenerator::forward(self, noise)
    }
}

impl Critic for Discriminator {
    fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        Discriminator::forward(self, images)
    }

    /// Exact: LeakyReLU's slope pattern is constant almost everywhere.
    fn input_grad(&self, images: Tensor<2>) -> Tensor<2> {
        let slope = self.activation.negative_slope;
        let pre = self.hidden.forward(images).detach(); // [n, hidden]
        let slopes = pre.ones_like().mask_fill(pre.lower_elem(0.0), slope); // [n, hidden]
        let d_hidden = self.output.weight.val().reshape([1, -1]) * slopes; // [n, hidden]
        d_hidden.matmul(self.hidden.weight.val().transpose()) // [n, 784]
    }
}

impl Critic for ConvDiscriminator {
    fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        ConvDiscriminator::forward(self, images)
    }

    fn input_grad(&self, images: Tensor<2>) -> Tensor<2> {
        ConvDiscriminator::input_grad(self, images)
    }
}

/// Trains a generator `G` against a critic `D` with burn's autodiff and Adam; both optimizers'
/// moments persist across steps.
pub struct AdversarialTrainer<G, D> {
    config: GanConfig,
    /// The autodiff device that training runs on.
    device: Device,
    generator: G,
    discriminator: D,
    optimizer_g: ModuleOptimizer,
    optimizer_d: ModuleOptimizer,
    rng: HostRng,
    step: u64,
    /// `[d_loss, g_loss, d_real, d_fake]` of the latest step, without autodiff. // [4]
    latest: Option<Tensor<1>>,
    /// The latest generator loss: WGAN-GP updates G only every few steps. // [1]
    g_loss: Option<Tensor<1>>,
}

impl<G: ImageGenerator, D: Critic> AdversarialTrainer<G, D> {
    /// Takes networks built on any device and trains them on its autodiff version; `rng`
    /// continues the stream their weights were drawn from and supplies the noise.
    pub fn new(config: GanConfig, generator: G, discriminator: D, rng: HostRng, device: &Device) -> Self {
        let device = device.clone().autodiff();
        let adam = AdamConfig::new()
            .with_beta_1(config.beta1)
            .with_beta_2(config.beta2)
            .with_epsilon(config.epsilon);
        Self {
            generator: generator.to_device(&device).train(),
            discriminator: discriminator.to_device(&device).train(),
            optimizer_g: adam.init(),
            optimizer_d: adam.init(),
            config,
            device,
            rng,
            step: 0,
            latest: None,
            g_loss: None,
        }
    }

    pub fn generator(&self) -> &G {
        &self.generator
    }

    pub fn discriminator(&self) -> &D {
        &self.discriminator
    }

    /// One critic update on `real` (images in [-1, 1]), then a generator update: on every
    /// call with BCE, on every `critic_steps`-th call with WGAN-GP.
    pub fn step(&mut self, real: Tensor<2>) {
        let batch = real.dims()[0];
        let (d_loss, real_mean, fake_mean) = self.train_discriminator(real);
        let generator_turn = match self.config.loss {
            Loss::Bce => true,
            Loss::WganGp => self.step % self.config.critic_steps.max(1) as u64 == 0,
        };
        if generator_turn {
            self.g_loss = Some(self.train_generator(batch));
        }
        let g_loss = self.g_loss.clone().expect("G trains on the first step");
        self.latest = Some(Tensor::cat(vec![d_loss, g_loss, real_mean, fake_mean], 0));
        self.step += 1;
    }

    /// One critic update on `real` and a fresh fake batch. Returns its loss and its mean
    /// output on the reals and on the fakes (probabilities with BCE), without autodiff. // [1] each
    pub fn train_discriminator(&mut self, real: Tensor<2>) -> (Tensor<1>, Tensor<1>, Tensor<1>) {
        let batch = real.dims()[0];
        let real = real.inner().to_device(&self.device.clone().inner()).autodiff(); // [batch, 784]
        let noise = self.noise(batch); // [batch, latent]
        let fake = self.generator.forward(noise).detach(); // [batch, 784]

        // Real and fake pass through D separately: batch norm must not mix their statistics.
        let real_scores = self.discriminator.forward(real.clone()); // [batch, 1]
        let fake_scores = self.discriminator.forward(fake.clone()); // [batch, 1]
        let d_loss = match self.config.loss {
            Loss::Bce => {
                let bce = bce_with_logits(real_scores.clone(), self.config.real_label)
                    + bce_with_logits(fake_scores.clone(), 0.0);
                let gamma = self.config.r1_penalty;
                if gamma > 0.0 {
                    bce + self.r1_penalty(real).mul_scalar(gamma / 2.0)
                } else {
                    bce
                }
            }
            Loss::WganGp => {
                fake_scores.clone().mean() - real_scores.clone().mean()
                    + self.gradient_penalty(real, fake).mul_scalar(self.config.gradient_penalty)
            }
        }; // [1]
        let grads = GradientsParams::from_grads(d_loss.backward(), &self.discriminator);
        let lr = self.config.learning_rate;
        self.discriminator = self.optimizer_d.step(lr, self.discriminator.clone(), grads);
        let (real_mean, fake_mean) = match self.config.loss {
            Loss::Bce => (sigmoid(real_scores).mean(), sigmoid(fake_scores).mean()),
            Loss::WganGp => (real_scores.mean(), fake_scores.mean()),
        };
        (d_loss.inner(), real_mean.inner(), fake_mean.inner())
    }

    /// One generator update on `batch` fresh fakes; returns its loss without autodiff. // [1]
    pub fn train_generator(&mut self, batch: usize) -> Tensor<1> {
        // Backpropagated in two graphs split at the images: through D to the images, then
        // from the images into G. In one graph, burn 0.22.1's fused WebGPU backward returned
        // a gradient for G unrelated to the CPU's (cosine 0.02) whenever the loss applied a
        // nonlinearity to D's logits; split, the backends agree.
        let noise = self.noise(batch); // [batch, latent]
        let fake = self.generator.forward(noise); // [batch, 784]
        let images = fake.clone().detach().require_grad(); // [batch, 784]
        let scores = self.discriminator.forward(images.clone()); // [batch, 1]
        let g_loss = match self.config.loss {
            Loss::Bce => bce_with_logits(scores, 1.0), // non-saturating
            Loss::WganGp => scores.mean().neg(),
        }; // [1]
        let d_images = images.grad(&g_loss.backward()).expect("the images require a gradient"); // [batch, 784]
        let chain = (fake * d_images.autodiff()).sum(); // [1]
        let grads = GradientsParams::from_grads(chain.backward(), &self.generator);
        self.generator = self.optimizer_g.step(self.config.learning_rate, self.generator.clone(), grads);
        g_loss.inner()
    }

    /// D's verdict on `images`: probabilities with BCE, critic scores with WGAN-GP. Batch norm
    /// runs in inference mode. // [n, 1]
    pub fn discriminate(&self, images: Tensor<2>) -> Tensor<2> {
        let scores = self.discriminator.valid().forward(images.inner());
        match self.config.loss {
            Loss::Bce => sigmoid(scores),
            Loss::WganGp => scores,
        }
    }

    /// mean((‖∇D(x̂)‖ − 1)²) at random points x̂ on the lines between real and fake images
    /// (Gulrajani et al., 2017).
    fn gradient_penalty(&mut self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        let batch = real.dims()[0];
        let mix: Vec<f32> = (0..batch).map(|_| self.rng.uniform()).collect();
        let mix = Tensor::<2>::from_data(TensorData::new(mix, [batch, 1]), &self.device); // [batch, 1]
        let between = (real * mix.clone() + fake * mix.neg().add_scalar(1.0)).detach(); // [batch, 784]
        let grad = self.discriminator.input_grad(between); // [batch, 784]
        let norm = (grad.square().sum_dim(1) + 1e-12).sqrt(); // [batch, 1]
        norm.sub_scalar(1.0).square().mean() // [1]
    }

    /// E‖∇ₓD(x)‖² over the real images (Mescheder et al., 2018). // [1]
    fn r1_penalty(&self, real: Tensor<2>) -> Tensor<1> {
        self.discriminator.input_grad(real).square().sum_dim(1).mean()
    }

    fn noise(&mut self, batch: usize) -> Tensor<2> {
        let latent = self.config.latent_dim;
        noise_tensor(self.rng.normal(batch * latent), latent, &self.device) // [batch, latent]
    }

    pub fn stats(&self) -> Option<PendingStats> {
        Some(PendingStats {
            step: self.step,
            values: self.latest.clone()?,
        })
    }

    /// Images for `noise` (`n × latent` values) in [-1, 1], with batch norm in inference mode.
    pub fn generate(&self, noise: Vec<f32>) -> Tensor<2> {
        let noise = noise_tensor(noise, self.config.latent_dim, &self.device.clone().inner());
        self.generator.valid().forward(noise) // [n, 784]
    }

    /// Replaces both networks' weights; the file is validated first, so on error nothing
    /// changes.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<(), WeightsError> {
        (self.generator, self.discriminator) = load_networks(bytes, &self.generator, &self.discriminator)?;
        Ok(())
    }
}

/// The DCGAN trainer for `config` on `device`.
pub fn dcgan(config: GanConfig, device: &Device) -> AdversarialTrainer<ConvGenerator, ConvDiscriminator> {
    let mut rng = HostRng::new(config.seed);
    let (generator, discriminator) = config.init_dcgan(&mut rng, device);
    AdversarialTrainer::new(config, generator, discriminator, rng, device)
}

/// The classic MLP trained through autodiff, for WGAN-GP.
pub fn mlp(config: GanConfig, device: &Device) -> AdversarialTrainer<Generator, Discriminator> {
    let mut rng = HostRng::new(config.seed);
    let (generator, discriminator) = config.init(&mut rng, device);
    AdversarialTrainer::new(config, generator, discriminator, rng, device)
}

