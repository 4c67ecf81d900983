//! One GAN training step: a discriminator update on a real batch and a detached fake batch,
//! then a generator update through the freshly updated discriminator.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::activation::{relu, sigmoid};

use crate::adam::{Adam, AdamSettings};
use crate::backprop::{
    GeneratorPass, discriminator_backward, discriminator_forward, discriminator_input_grad,
    generator_backward, generator_forward, r1_grads,
};
use crate::adversarial::{self, AdversarialTrainer, Critic, ImageGenerator};
use crate::model::{Architecture, Discriminator, GanConfig, Generator, Loss, noise_tensor};
use crate::rng::HostRng;
use crate::weights::{Export, WeightsError, load_networks};

/// Losses and discriminator outputs of one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepStats {
    /// Steps completed so far, this one included.
    pub step: u64,
    /// D's BCE, without any R1 penalty.
    pub d_loss: f32,
    pub g_loss: f32,
    /// Mean D(x) on the real batch, as a probability.
    pub d_real: f32,
    /// Mean D(G(z)) on the fake batch, as a probability.
    pub d_fake: f32,
}

/// The statistics of a step, still on the device: `[d_loss, g_loss, d_real, d_fake]`.
/// Reading them is a GPU round trip, so callers decide when it is worth it.
pub struct PendingStats {
    pub step: u64,
    pub values: Tensor<1>,
}

/// What the page needs from any trainer, whichever networks and loss it trains.
pub trait GanTraining {
    /// One step on `real`, a batch of images scaled to [-1, 1]. Nothing is read back.
    fn step(&mut self, real: Tensor<2>);
    /// The statistics of the latest step, still on the device; `None` before the first.
    fn stats(&self) -> Option<PendingStats>;
    /// One discriminator update alone on `real` and fresh fakes; not counted as a step.
    fn train_discriminator(&mut self, real: Tensor<2>);
    /// One generator update alone on `batch` fresh fakes; not counted as a step.
    fn train_generator(&mut self, batch: usize);
    /// D's verdict on images in [-1, 1]: probabilities with BCE, critic scores with WGAN-GP.
    fn discriminate(&self, images: Tensor<2>) -> Tensor<2>;
    /// Images for `noise` (`n × latent` values), in [-1, 1], without a gradient graph.
    fn generate(&self, noise: Vec<f32>) -> Tensor<2>;
    /// The generator's weights, named `generator.*`: what inference mode loads.
    fn export_generator(&self) -> Export;
    /// Both networks' weights, named `generator.*` and `discriminator.*`.
    fn export(&self) -> Export;
    /// Replaces both networks' weights; on error the trainer is unchanged.
    fn load_weights(&mut self, bytes: &[u8]) -> Result<(), WeightsError>;
}

/// The trainer for `config`'s architecture and loss. The classic MLP with BCE takes the
/// hand-written [`Trainer`]; everything else trains through burn's autodiff.
pub fn trainer(config: GanConfig, device: &Device) -> Box<dyn GanTraining> {
    match (config.architecture, config.loss) {
        (Architecture::Mlp, Loss::Bce) => Box::new(Trainer::new(config, device)),
        (Architecture::Mlp, Loss::WganGp) => Box::new(adversarial::mlp(config, device)),
        (Architecture::Dcgan, _) => Box::new(adversarial::dcgan(config, device)),
    }
}

impl GanTraining for Trainer {
    fn step(&mut self, real: Tensor<2>) {
        Trainer::step(self, real)
    }
    fn stats(&self) -> Option<PendingStats> {
        Trainer::stats(self)
    }
    fn train_discriminator(&mut self, real: Tensor<2>) {
        Trainer::train_discriminator(self, real)
    }
    fn train_generator(&mut self, batch: usize) {
        Trainer::train_generator(self, batch)
    }
    fn discriminate(&self, images: Tensor<2>) -> Tensor<2> {
        Trainer::discriminate(self, images)
    }
    fn generate(&self, noise: Vec<f32>) -> Tensor<2> {
        Trainer::generate(self, noise)
    }
    fn export_generator(&self) -> Export {
        Export::default().add("generator", self.generator())
    }
    fn export(&self) -> Export {
        self.export_generator().add("discriminator", self.discriminator())
    }
    fn load_weights(&mut self, bytes: &[u8]) -> Result<(), WeightsError> {
        Trainer::load_weights(self, bytes)
    }
}

impl<G: ImageGenerator, D: Critic> GanTraining for AdversarialTrainer<G, D> {
    fn step(&mut self, real: Tensor<2>) {
        AdversarialTrainer::step(self, real)
    }
    fn stats(&self) -> Option<PendingStats> {
        AdversarialTrainer::stats(self)
    }
    fn train_discriminator(&mut self, real: Tensor<2>) {
        AdversarialTrainer::train_discriminator(self, real);
    }
    fn train_generator(&mut self, batch: usize) {
        AdversarialTrainer::train_generator(self, batch);
    }
    fn discriminate(&self, images: Tensor<2>) -> Tensor<2> {
        AdversarialTrainer::discriminate(self, images)
    }
    fn generate(&self, noise: Vec<f32>) -> Tensor<2> {
        AdversarialTrainer::generate(self, noise)
    }
    fn export_generator(&self) -> Export {
        Export::default().add("generator", self.generator())
    }
    fn export(&self) -> Export {
        self.export_generator().add("discriminator", self.discriminator())
    }
    fn load_weights(&mut self, bytes: &[u8]) -> Result<(), WeightsError> {
        AdversarialTrainer::load_weights(self, bytes)
    }
}

/// Owns both networks and both Adam optimizers, whose moments persist across steps.
pub struct Trainer {
    config: GanConfig,
    device: Device,
    generator: Generator,
    discriminator: Discriminator,
    optimizer_g: Adam,
    optimizer_d: Adam,
    /// G's running weight average, when `average_decay` > 0: what samples come from.
    average: Option<Generator>,
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

impl Trainer {
    /// A trainer with freshly initialised weights on `device`. The gradients are written out
    /// in `backprop`, so no autodiff device is needed.
    pub fn new(config: GanConfig, device: &Device) -> Self {
        let device = device.clone();
        let mut rng = HostRng::new(config.seed);
        let (generator, discriminator) = config.init(&mut rng, &device);

        let adam = AdamSettings {
            learning_rate: config.learning_rate,
            beta1: config.beta1,
            beta2: config.beta2,
            epsilon: config.epsilon,
        };
        Self {
            optimizer_g: Adam::new(adam),
            optimizer_d: Adam::new(adam),
            average: (config.average_decay > 0.0).then(|| generator.clone()),
            config,
            device,
            generator,
            discriminator,
            noise_rng: rng,
            step: 0,
            latest: None,
        }
    }

    pub fn config(&self) -> &GanConfig {
        &self.config
    }

    /// The generator samples come from: the running average when there is one.
    pub fn generator(&self) -> &Generator {
        self.average.as_ref().unwrap_or(&self.generator)
    }

    pub fn discriminator(&self) -> &Discriminator {
        &self.discriminator
    }

    /// Replaces the weights of both networks, e.g. to resume from an export. The file is fully
    /// validated first, so on error the trainer is unchanged.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<(), WeightsError> {
        (self.generator, self.discriminator) = load_networks(bytes, &self.generator, &self.discriminator)?;
        if self.average.is_some() {
            self.average = Some(self.generator.clone());
        }
        Ok(())
    }

    /// Runs one step on `real`, a batch of images scaled to [-1, 1]. Nothing is read back;
    /// [`Trainer::stats`] describes the latest step on demand.
    pub fn step(&mut self, real: Tensor<2>) {
        let noise = self.noise(real.dims()[0]); // [batch, latent]
        let real = real.to_device(&self.device); // [batch, 784]
        let fake = generator_forward(&self.generator, noise);
        let logits = self.discriminator_update(real, fake.images.clone());
        let fake_logits = self.generator_update(fake);
        self.step += 1;
        self.latest = Some(LatestStep {
            logits,
            fake_logits,
        });
    }

    /// One discriminator update alone, on `real` and a fresh fake batch (the tutorial steps
    /// D and G separately). Not counted as a step.
    pub fn train_discriminator(&mut self, real: Tensor<2>) {
        let batch = real.dims()[0];
        let noise = self.noise(batch);
        let fake = generator_forward(&self.generator, noise).images;
        self.discriminator_update(real.to_device(&self.device), fake);
    }

    /// One generator update alone, on `batch` fresh fakes. Not counted as a step.
    pub fn train_generator(&mut self, batch: usize) {
        let noise = self.noise(batch);
        let fake = generator_forward(&self.generator, noise);
        self.generator_update(fake);
    }

    /// D's verdict on `images` (scaled to [-1, 1]): the probability that each is real.
    pub fn discriminate(&self, images: Tensor<2>) -> Tensor<2> {
        let pass = discriminator_forward(&self.discriminator, self.config.leaky_slope, images, None);
        sigmoid(pass.logits) // [n, 1]
    }

    fn noise(&mut self, batch: usize) -> Tensor<2> {
        let latent = self.config.latent_dim;
        noise_tensor(self.noise_rng.normal(batch * latent), latent, &self.device) // [batch, latent]
    }

    /// Updates D on `real` and `fake`, with the R1 penalty on `real` when it is on; returns its
    /// logits on both, before the update.
    fn discriminator_update(&mut self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<2> {
        let batch = real.dims()[0];
        let slope = self.config.leaky_slope;
        // Discriminator: real and fake go through D as one batch, half the kernels of two.
        // Loss: BCE against 1 on the reals plus BCE against 0 on the fakes, i.e. twice the
        // mean over both halves; its gradient on the logits is (σ(x) − target) / batch.
        let images = Tensor::cat(vec![real, fake], 0); // [2·batch, 784]
        let real_label = self.config.real_label;
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
        let pass = discriminator_forward(&self.discriminator, slope, images, keep);
        let logits = pass.logits.clone(); // [2·batch, 1]
        let d_logits = (sigmoid(logits.clone()) - targets).div_scalar(batch as f32); // [2·batch, 1]
        let gamma = self.config.r1_penalty;
        let r1 = (gamma > 0.0).then(|| r1_grads(&self.discriminator, slope, &pass, batch, gamma));
        let [mut hidden, mut output] = discriminator_backward(&self.discriminator, slope, pass, d_logits);
        if let Some([r1_hidden, r1_output]) = r1 {
            hidden.weight = hidden.weight + r1_hidden;
            output.weight = output.weight + r1_output;
        }
        let d = &mut self.discriminator;
        self.optimizer_d.step([&mut d.hidden, &mut d.output], [hidden, output]);
        logits
    }

    /// Updates G, non-saturating: make the current D call the fakes real (BCE against 1),
    /// back-propagated through D to the images and on into G. Returns D's logits on them.
    fn generator_update(&mut self, fake: GeneratorPass) -> Tensor<2> {
        let batch = fake.images.dims()[0];
        let slope = self.config.leaky_slope;
        let keep = self.dropout_mask(batch);
        let pass = discriminator_forward(&self.discriminator, slope, fake.images.clone(), keep);
        let fake_logits = pass.logits.clone(); // [batch, 1]
        let d_fake_logits = sigmoid(fake_logits.clone())
            .sub_scalar(1.0)
            .div_scalar(batch as f32); // [batch, 1]
        let d_images = discriminator_input_grad(&self.discriminator, slope, pass, d_fake_logits);
        let grads = generator_backward(&self.generator, fake, d_images);
        let g = &mut self.generator;
        self.optimizer_g.step([&mut g.hidden, &mut g.output], grads);
        self.update_average();
        fake_logits
    }

    /// A dropout mask for D's hidden layer over `rows` images, drawn on the host so every
    /// backend drops the same units; `None` without dropout.
    fn dropout_mask(&mut self, rows: usize) -> Option<Tensor<2>> {
        let p = self.config.dropout;
        if p <= 0.0 {
            return None;
        }
        let hidden = self.config.hidden_dim;
        let scale = 1.0 / (1.0 - p);
        let keep = (0..rows * hidden)
            .map(|_| if self.noise_rng.uniform() < p { 0.0 } else { scale })
            .collect();
        Some(Tensor::from_data(TensorData::new(keep, [rows, hidden]), &self.device)) // [rows, hidden]
    }

    /// Moves the running average towards the latest G. Early on the decay is lowered to
    /// (1 + t)/(10 + t), so the average is not dominated by the random initial weights.
    fn update_average(&mut self) {
        let Some(average) = &mut self.average else {
            return;
        };
        let t = self.step as f32;
        let decay = self.config.average_decay.min((1.0 + t) / (10.0 + t));
        for (mean, latest) in [
            (&mut average.hidden, &self.generator.hidden),
            (&mut average.output, &self.generator.output),
        ] {
            mean.weight = Param::initialized(
                mean.weight.id,
                mean.weight.val().mul_scalar(decay) + latest.weight.val().mul_scalar(1.0 - decay),
            );
            if let (Some(m), Some(l)) = (&mut mean.bias, &latest.bias) {
                *m = Param::initialized(m.id, m.val().mul_scalar(decay) + l.val().mul_scalar(1.0 - decay));
            }
        }
    }

    /// The statistics of the latest step, still on the device; `None` before the first step.
    /// The losses are only needed here, so they cost nothing on steps nobody reads.
    pub fn stats(&self) -> Option<PendingStats> {
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
    pub fn generate(&self, noise: Vec<f32>) -> Tensor<2> {
        let generator = self.generator();
        generator.forward(noise_tensor(noise, generator.latent_dim(), &self.device)) // [n, 784]
    }
}

impl PendingStats {
    pub async fn read(self) -> Result<StepStats, burn::tensor::ExecutionError> {
        let data = self.values.into_data_async().await?;
        let v = data.try_to_vec::<f32>().unwrap_or_default();
        let at = |i: usize| v.get(i).copied().unwrap_or(f32::NAN);
        Ok(StepStats {
            step: self.step,
            d_loss: at(0),
            g_loss: at(1),
            d_real: at(2),
            d_fake: at(3),
        })
    }
}

/// Mean binary cross-entropy of `logits` against `target`, the probability of "real":
/// −t·ln σ(x) − (1−t)·ln(1−σ(x)), which simplifies to softplus(x) − t·x. Its gradient on each
/// logit is (σ(x) − t) / batch, which `step` uses directly.
pub fn bce_with_logits(logits: Tensor<2>, target: f32) -> Tensor<1> {
    (softplus(logits.clone()) - logits.mul_scalar(target)).mean() // [1]
}

/// ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^(−|x|)) so large |x| neither overflows nor
/// loses precision the way ln(sigmoid(x)) does.
fn softplus(x: Tensor<2>) -> Tensor<2> {
    relu(x.clone()) + x.abs().neg().exp().log1p()
}

// Native only: the tests block on futures with pollster.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::data::pixels_to_tensor;

    fn batch(config: &GanConfig, salt: usize) -> Vec<u8> {
        (0..config.batch_size * config.image_dim)
            .map(|i| ((i * 31 + salt * 7) % 256) as u8)
            .collect()
    }

    fn run(seed: u64, steps: usize) -> Vec<StepStats> {
        let config = GanConfig::new().with_batch_size(16).with_seed(seed);
        let device = Device::flex();
        let mut trainer = Trainer::new(config.clone(), &device);
        (0..steps)
            .map(|n| {
                let real = pixels_to_tensor(&batch(&config, n), config.image_dim, &device);
                trainer.step(real);
                pollster::block_on(trainer.stats().unwrap().read()).unwrap()
            })
            .collect()
    }

    #[test]
    fn steps_are_finite_and_counted() {
        let stats = run(1, 3);
        assert_eq!(stats.iter().map(|s| s.step).collect::<Vec<_>>(), [1, 2, 3]);
        for s in &stats {
            assert!(s.d_loss.is_finite() && s.g_loss.is_finite(), "{s:?}");
            assert!((0.0..=1.0).contains(&s.d_real) && (0.0..=1.0).contains(&s.d_fake));
        }
    }

    #[test]
    fn same_seed_same_losses() {
        assert_eq!(run(7, 3), run(7, 3));
        assert_ne!(run(7, 1), run(8, 1));
    }

    #[test]
    fn bce_is_stable_for_large_logits() {
        let device = Device::flex();
        let logits = Tensor::<2>::from_floats([[100.0], [-100.0], [0.0]], &device);
        let read = |t: Tensor<1>| t.into_data().try_to_vec::<f32>().unwrap()[0];
        let bce = |target: f32| read(bce_with_logits(logits.clone(), target));
        // Target 1: losses 0, 100 and ln 2; target 0: 100, 0 and ln 2. Averaged.
        let expected = (100.0 + std::f32::consts::LN_2) / 3.0;
        assert!((bce(1.0) - expected).abs() < 1e-4);
        assert!((bce(0.0) - expected).abs() < 1e-4);
        // A soft target 0.9 on logit 0 still costs ln 2; on logit 100 it costs 0.1 · 100.
        let soft = read(bce_with_logits(
            Tensor::<2>::from_floats([[0.0], [100.0]], &device),
            0.9,
        ));
        assert!((soft - (std::f32::consts::LN_2 + 10.0) / 2.0).abs() < 1e-3);
    }

    /// The weight average only changes what samples come from, never the training itself.
    #[test]
    fn the_average_is_sampled_but_not_trained() {
        let device = Device::flex();
        let run = |average_decay: f32| {
            let config = GanConfig::new().with_batch_size(16).with_average_decay(average_decay);
            let mut trainer = Trainer::new(config.clone(), &device);
            let mut losses = Vec::new();
            for n in 0..3 {
                trainer.step(pixels_to_tensor(&batch(&config, n), config.image_dim, &device));
                losses.push(pollster::block_on(trainer.stats().unwrap().read()).unwrap());
            }
            let noise = HostRng::new(3).normal(2 * config.latent_dim);
            (losses, trainer.generate(noise).into_data().try_to_vec::<f32>().unwrap())
        };
        let (plain, averaged) = (run(0.0), run(0.9));
        assert_eq!(plain.0, averaged.0);
        assert_ne!(plain.1, averaged.1);
    }

    #[test]
    fn no_stats_before_the_first_step() {
        let trainer = Trainer::new(GanConfig::new(), &Device::flex());
        assert!(trainer.stats().is_none());
    }
}
