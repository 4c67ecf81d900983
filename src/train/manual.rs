//! The MLP with BCE, one or two hidden layers deep, trained with gradients written out by hand
//! (`manual_grads`) and Adam as one fused chain per parameter (`fused_adam`): at depth 1, 37
//! WebGPU kernels a step where burn's autodiff takes 352. One step is a discriminator update on
//! a real batch and a detached fake batch, then a generator update through the freshly updated
//! discriminator: on the same fakes at depth 1 (the classic step), on fresh ones at depth 2 (the
//! autodiff trainer's step, which the Default preset was tuned with).

use burn::prelude::*;
use burn::tensor::activation::sigmoid;

use super::api::{PendingStats, Trainer};
use super::augment::Augmentation;
use super::average::{WeightAverage, average_of};
use super::checkpoint::{self, Checkpoint, CheckpointError};
use super::fused_adam::FusedAdam;
use super::loss::bce_with_logits;
use super::manual_grads::matmul::tanh_slope;
use super::manual_grads::{
    GeneratorPass, R1Penalty, discriminator_backward, discriminator_forward, discriminator_input_grad,
    generator_backward, generator_forward,
};
use crate::config::GanConfig;
use crate::nets::ImageGenerator;
use crate::nets::conditioning::{generator_input, labels_or_random, one_hot};
use crate::nets::mlp::{self, MlpDiscriminator, MlpGenerator};
use crate::rng::HostRng;
use crate::weights::{Export, ParamShape, WeightsError, load_networks};

/// The layers each `FusedAdam` steps, in order, at depth 1 and at depth 2, and D's plain
/// matrices: the names their moments have in a checkpoint, as the autodiff trainer's
/// `ModuleAdam` names them.
pub(super) const LAYERS: [&[&str]; 2] = [&["hidden", "output"], &["hidden", "hidden2", "output"]];
const MATRICES: [&str; 1] = ["embed"];

/// Owns both networks and both Adam optimizers, whose moments persist across steps.
pub struct HandWrittenTrainer {
    config: GanConfig,
    device: Device,
    generator: MlpGenerator,
    discriminator: MlpDiscriminator,
    optimizer_g: FusedAdam,
    optimizer_d: FusedAdam,
    /// G's running weight average, when `average_decay` > 0: what samples come from.
    average: Option<WeightAverage<MlpGenerator>>,
    noise_rng: HostRng,
    step: u64,
    latest: Option<LatestStep>,
}

/// What the latest step leaves behind for its statistics.
struct LatestStep {
    /// D's logits on the real half, then the fake half, before its update. // [2·batch, 1]
    logits: Tensor<2>,
    /// The updated D's logits on the fakes, which the generator step trained on. // [batch, 1]
    fake_logits: Tensor<2>,
}

impl HandWrittenTrainer {
    /// A trainer with freshly initialised weights on `device`. The gradients are written out
    /// in `manual_grads`, so no autodiff device is needed.
    pub fn new(config: GanConfig, device: &Device) -> Self {
        let device = device.clone();
        let mut rng = HostRng::new(config.seed);
        let (generator, discriminator) = mlp::init(&config.model, &mut rng, &device);
        Self {
            optimizer_g: FusedAdam::new(config.optim),
            optimizer_d: FusedAdam::new(config.optim.discriminator()),
            average: average_of(&config, &generator),
            config,
            device,
            generator,
            discriminator,
            noise_rng: rng,
            step: 0,
            latest: None,
        }
    }

    /// The generator samples come from: the running average when there is one.
    fn sampled_generator(&self) -> &MlpGenerator {
        self.average.as_ref().map_or(&self.generator, |average| &average.module)
    }
}

impl Trainer for HandWrittenTrainer {
    /// Replaces the weights of both networks, e.g. to resume from an export. The file is fully
    /// validated first, so on error the trainer is unchanged.
    fn load_weights(&mut self, bytes: &[u8]) -> Result<(), WeightsError> {
        (self.generator, self.discriminator) =
            load_networks(bytes, &self.config.model, &self.generator, &self.discriminator)?;
        if self.average.is_some() {
            self.average = average_of(&self.config, &self.generator);
        }
        Ok(())
    }

    fn export_generator(&self) -> Export {
        Export::of_generator(&self.config.model, self.sampled_generator())
    }

    fn export(&self) -> Export {
        self.export_generator().add("discriminator", &self.discriminator)
    }

    fn layers(&self) -> Vec<ParamShape> {
        Export::layers(&self.generator, &self.discriminator)
    }

    /// The live G (not the average) under `generator.*`, the average under `average.*`.
    fn checkpoint(&self) -> Export {
        let mut export = Export::of_generator(&self.config.model, &self.generator).add("discriminator", &self.discriminator);
        if let Some(average) = &self.average {
            export = export.add("average", &average.module);
        }
        let layers = self.layer_names();
        let optimizers = [self.optimizer_g.state(layers, &[]), self.optimizer_d.state(layers, &MATRICES)];
        checkpoint::write(export, &self.config, self.step, &self.noise_rng, optimizers)
    }

    fn restore(&mut self, checkpoint: &Checkpoint) -> Result<(), CheckpointError> {
        let (generator, discriminator) = checkpoint.networks(&self.generator, &self.discriminator)?;
        let average = checkpoint.average(self.average.as_ref())?;
        let optimizer_g = checkpoint.optimizer(checkpoint::OPTIMIZERS[0], &self.device)?;
        let optimizer_d = checkpoint.optimizer(checkpoint::OPTIMIZERS[1], &self.device)?;
        (self.generator, self.discriminator) = (generator, discriminator);
        if let (Some(mean), Some(module)) = (&mut self.average, average) {
            mean.module = module;
        }
        let layers = self.layer_names();
        self.optimizer_g.restore(optimizer_g, layers, &[]);
        self.optimizer_d.restore(optimizer_d, layers, &MATRICES);
        self.noise_rng = checkpoint.rng.clone();
        self.step = checkpoint.step;
        self.latest = None;
        Ok(())
    }

    fn steps(&self) -> u64 {
        self.step
    }

    /// Runs one step on `real`, a batch of images scaled to [-1, 1]. Nothing is read back;
    /// [`Trainer::stats`] describes the latest step on demand.
    fn step(&mut self, real: Tensor<2>, labels: Option<&[u8]>) {
        let batch = real.dims()[0];
        let labels = labels_or_random(&self.config.model, labels, batch, &mut self.noise_rng);
        let labels = labels.as_deref();
        let input = self.input(batch, labels); // [batch, latent (+ classes)]
        let real = real.to_device(&self.device); // [batch, 784]
        let fake = generator_forward(&self.generator, input);
        let logits = self.discriminator_update(real, fake.images.clone(), labels);
        let fake = match self.fresh_fakes_for_generator() {
            true => {
                let input = self.input(batch, labels); // [batch, latent (+ classes)]
                generator_forward(&self.generator, input)
            }
            false => fake,
        };
        let fake_logits = self.generator_update(fake, labels);
        self.step += 1;
        self.latest = Some(LatestStep {
            logits,
            fake_logits,
        });
    }

    /// One discriminator update alone, on `real` and a fresh fake batch (the tutorial steps
    /// D and G separately). Not counted as a step.
    fn train_discriminator(&mut self, real: Tensor<2>, labels: Option<&[u8]>) {
        let batch = real.dims()[0];
        let labels = labels_or_random(&self.config.model, labels, batch, &mut self.noise_rng);
        let input = self.input(batch, labels.as_deref());
        let fake = generator_forward(&self.generator, input).images;
        self.discriminator_update(real.to_device(&self.device), fake, labels.as_deref());
    }

    /// One generator update alone, on `batch` fresh fakes. Not counted as a step.
    fn train_generator(&mut self, batch: usize) {
        let labels = labels_or_random(&self.config.model, None, batch, &mut self.noise_rng);
        let input = self.input(batch, labels.as_deref());
        let fake = generator_forward(&self.generator, input);
        self.generator_update(fake, labels.as_deref());
    }

    /// D's verdict on `images` (scaled to [-1, 1]): the probability that each is real.
    fn discriminate(&self, images: Tensor<2>, labels: Option<&[u8]>) -> Tensor<2> {
        let labels = labels.map(|l| one_hot(l, &self.device));
        let pass = discriminator_forward(&self.discriminator, self.config.model.leaky_slope, images, None, labels);
        sigmoid(pass.logits) // [n, 1]
    }

    /// The statistics of the latest step, still on the device; `None` before the first step.
    /// The losses are only needed here, so they cost nothing on steps nobody reads.
    fn stats(&self) -> Option<PendingStats> {
        let latest = self.latest.as_ref()?;
        let batch = latest.fake_logits.dims()[0];
        let real = latest.logits.clone().slice(0..batch); // [batch, 1]
        let fake = latest.logits.clone().slice(batch..2 * batch); // [batch, 1]
        let values = Tensor::cat(
            vec![
                bce_with_logits(real.clone(), 1.0) + bce_with_logits(fake.clone(), 0.0),
                bce_with_logits(latest.fake_logits.clone(), 1.0),
                sigmoid(real).mean(),
                sigmoid(fake).mean(),
            ],
            0,
        ); // [4]
        Some(PendingStats {
            step: self.step,
            values,
        })
    }

    /// Images for `noise` (`n × latent` values), in [-1, 1], without a gradient graph.
    fn generate(&self, noise: Vec<f32>, labels: Option<&[u8]>) -> Tensor<2> {
        let generator = self.sampled_generator();
        generator.forward(generator_input(noise, labels, generator.latent_dim(), &self.device)) // [n, 784]
    }
}

impl HandWrittenTrainer {
    /// The names of the layers each optimizer steps, for this trainer's depth.
    fn layer_names(&self) -> &'static [&'static str] {
        LAYERS[self.config.model.depth - 1]
    }

    /// Whether G's update in a step draws a fresh fake batch, as the autodiff trainer's does
    /// (the two-layer MLP of the Default preset was tuned and measured so), rather than
    /// stepping on the batch D has just seen, as the classic GAN of the tutorial does at depth 1.
    fn fresh_fakes_for_generator(&self) -> bool {
        self.config.model.depth > 1
    }

    /// G's input for `batch` fresh noise vectors, with `labels` one-hot after each. // [batch, latent (+ classes)]
    fn input(&mut self, batch: usize, labels: Option<&[u8]>) -> Tensor<2> {
        let latent = self.config.model.latent_dim;
        generator_input(self.noise_rng.normal(batch * latent), labels, latent, &self.device)
    }

    /// Updates D on `real` and `fake`, both of classes `labels` when conditional, with the R1
    /// penalty on `real` when it is on; returns its logits on both, before the update.
    fn discriminator_update(&mut self, real: Tensor<2>, fake: Tensor<2>, labels: Option<&[u8]>) -> Tensor<2> {
        let batch = real.dims()[0];
        let slope = self.config.model.leaky_slope;
        // Discriminator: real and fake go through D as one batch, half the kernels of two.
        // Loss: BCE against 1 on the reals plus BCE against 0 on the fakes, i.e. twice the
        // mean over both halves; its gradient on the logits is (σ(x) − target) / batch.
        let images = Tensor::cat(vec![real, fake], 0); // [2·batch, 784]
        let images = match self.augmentation(2 * batch) {
            Some(augmentation) => augmentation.apply(images), // [2·batch, 784]
            None => images,
        };
        let real_label = self.config.loss.real_label;
        let targets = Tensor::<2>::from_data(
            TensorData::new(
                (0..2 * batch)
                    .map(|i| if i < batch { real_label } else { 0.0 })
                    .collect(),
                [2 * batch, 1],
            ),
            &self.device,
        ); // [2·batch, 1]
        let keep = self.dropout_mask(2 * batch);
        let labels = labels.map(|l| one_hot(&[l, l].concat(), &self.device)); // [2·batch, classes]
        let pass = discriminator_forward(&self.discriminator, slope, images, keep, labels);
        let logits = pass.logits.clone(); // [2·batch, 1]
        let d_logits = (sigmoid(logits.clone()) - targets).div_scalar(batch as f32); // [2·batch, 1]
        let gamma = self.config.loss.r1_penalty;
        let r1 = (gamma > 0.0).then_some(R1Penalty { rows: batch, gamma });
        let grads = discriminator_backward(&self.discriminator, slope, pass, d_logits, r1);
        let d = &mut self.discriminator;
        self.optimizer_d.step(d.layers_mut(), grads.layers);
        if let (Some(embed), Some(grad)) = (&mut d.embed, grads.embed) {
            self.optimizer_d.step_matrices([embed], [grad]);
        }
        logits
    }

    /// Updates G, non-saturating: make the current D call the fakes real (BCE against 1),
    /// back-propagated through D to the images and on into G. Returns D's logits on them.
    fn generator_update(&mut self, fake: GeneratorPass, labels: Option<&[u8]>) -> Tensor<2> {
        let batch = fake.images.dims()[0];
        let slope = self.config.model.leaky_slope;
        let keep = self.dropout_mask(batch);
        let labels = labels.map(|l| one_hot(l, &self.device)); // [batch, classes]
        let augmentation = self.augmentation(batch);
        let seen = match &augmentation {
            Some(augmentation) => augmentation.apply(fake.images.clone()), // [batch, 784]
            None => fake.images.clone(),
        };
        let pass = discriminator_forward(&self.discriminator, slope, seen, keep, labels);
        let fake_logits = pass.logits.clone(); // [batch, 1]
        let d_fake_logits = sigmoid(fake_logits.clone())
            .sub_scalar(1.0)
            .div_scalar(batch as f32); // [batch, 1]
        // Back to G's output layer before its tanh: through the augmentation when there is one,
        // else in the kernel that takes the gradient to D's input.
        let d_pre_output = match &augmentation {
            Some(augmentation) => {
                let d_seen = discriminator_input_grad(&self.discriminator, slope, pass, d_fake_logits, None); // [batch, 784]
                tanh_slope(augmentation.backward(d_seen), fake.images.clone())
            }
            None => discriminator_input_grad(&self.discriminator, slope, pass, d_fake_logits, Some(fake.images.clone())),
        }; // [batch, 784]
        let grads = generator_backward(&self.generator, fake, d_pre_output);
        self.optimizer_g.step(self.generator.layers_mut(), grads);
        self.update_average();
        fake_logits
    }

    /// A dropout mask for D's last hidden layer over `rows` images, drawn on the host so every
    /// backend drops the same units; `None` without dropout.
    fn dropout_mask(&mut self, rows: usize) -> Option<Tensor<2>> {
        let p = self.config.stabilizers.dropout;
        if p <= 0.0 {
            return None;
        }
        let hidden = self.config.model.hidden_dim;
        let scale = 1.0 / (1.0 - p);
        let keep = (0..rows * hidden)
            .map(|_| if self.noise_rng.uniform() < p { 0.0 } else { scale })
            .collect();
        Some(Tensor::from_data(TensorData::new(keep, [rows, hidden]), &self.device)) // [rows, hidden]
    }

    /// The augmentation of what D sees for `rows` images, drawn on the host; `None` when
    /// `augment` is 0.
    fn augmentation(&mut self, rows: usize) -> Option<Augmentation> {
        Augmentation::draw(self.config.stabilizers.augment, rows, &mut self.noise_rng, &self.device)
    }

    /// Moves the running average towards the latest G.
    fn update_average(&mut self) {
        if let Some(average) = &mut self.average {
            average.update(&self.generator, self.step);
        }
    }
}

// Native only: the tests block on futures with pollster.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
