//! Training: the factory that picks a trainer for a config. The trainers themselves are the
//! hand-written one for the MLP with BCE (`manual`, with `manual_grads` and
//! `fused_adam`) and the autodiff one for everything else (`autodiff`, with `module_adam`);
//! both implement [`api::Trainer`], and both write and resume `checkpoint`s.

pub mod api;
pub mod augment;
pub mod autodiff;
pub mod average;
pub mod checkpoint;
pub mod fused_adam;
pub mod loss;
pub mod manual;
pub mod manual_grads;
pub mod module_adam;

use burn::prelude::*;

use crate::config::{Architecture, GanConfig};
use crate::nets::{dcgan, mlp};
use crate::rng::HostRng;
pub use api::{PendingStats, StepStats, Trainer};
use autodiff::AutodiffTrainer;
use checkpoint::{Checkpoint, CheckpointError};
use manual::HandWrittenTrainer;

/// The trainer for `config`'s architecture and loss, which the caller has validated. The
/// MLP with BCE, at either depth, takes the hand-written trainer; everything else trains through burn's
/// autodiff.
pub fn trainer(config: GanConfig, device: &Device) -> Box<dyn Trainer> {
    if config.hand_written() {
        return Box::new(HandWrittenTrainer::new(config, device));
    }
    // The trainer's noise continues the stream the weights were drawn from.
    let mut rng = HostRng::new(config.seed);
    match config.model.architecture {
        Architecture::Mlp => {
            let (g, d) = mlp::init(&config.model, &mut rng, device);
            Box::new(AutodiffTrainer::new(config, g, d, rng, device))
        }
        Architecture::Dcgan => {
            let (g, d) = dcgan::init(&config.model, config.critic_batch_norm(), &mut rng, device);
            Box::new(AutodiffTrainer::new(config, g, d, rng, device))
        }
    }
}

/// The trainer a checkpoint describes, continuing exactly where the one that wrote it was.
pub fn resume(checkpoint: &Checkpoint, device: &Device) -> Result<Box<dyn Trainer>, CheckpointError> {
    let mut trainer = trainer(checkpoint.config.clone(), device);
    trainer.restore(checkpoint)?;
    Ok(trainer)
}

// Native only: the tests block on futures with pollster.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::config::{Architecture, Loss, LossConfig, ModelConfig, StabilizerConfig};
    use crate::data::{CLASSES, IMAGE_PIXELS, pixels_to_tensor};
    use crate::config::OptimConfig;
    use crate::weights::{Export, WeightsError, WeightsFile};

    /// Step `n`'s batch: made-up pixels and labels, the same for every run.
    fn batch(config: &GanConfig, n: usize) -> (Vec<u8>, Vec<u8>) {
        let size = config.batch_size;
        let pixels = (0..size * IMAGE_PIXELS).map(|i| ((i * 31 + n * 7) % 256) as u8).collect();
        let labels = (0..size).map(|i| ((i + n) % CLASSES) as u8).collect();
        (pixels, labels)
    }

    fn steps(trainer: &mut dyn Trainer, config: &GanConfig, range: std::ops::Range<usize>) -> Vec<StepStats> {
        let device = Device::flex();
        range
            .map(|n| {
                let (pixels, labels) = batch(config, n);
                let labels = config.model.conditional.then_some(&labels[..]);
                trainer.step(pixels_to_tensor(&pixels, &device), labels);
                pollster::block_on(trainer.stats().unwrap().read()).unwrap()
            })
            .collect()
    }

    /// The MLP `config` describes on the autodiff trainer, which `trainer` gives it only with
    /// WGAN-GP: to hold the hand-written trainer against it.
    fn autodiff_mlp(config: &GanConfig, device: &Device) -> AutodiffTrainer<mlp::MlpGenerator, mlp::MlpDiscriminator> {
        let mut rng = HostRng::new(config.seed);
        let (g, d) = mlp::init(&config.model, &mut rng, device);
        AutodiffTrainer::new(config.clone(), g, d, rng, device)
    }

    fn bytes(export: Export) -> Vec<u8> {
        pollster::block_on(export.to_bytes()).unwrap()
    }

    /// `2n` steps straight equal `n` steps, a checkpoint, a resume and `n` more: the same
    /// losses at every step, the same bytes of weights, optimizer state and RNG at the end.
    fn resumes_exactly(config: GanConfig, n: usize) {
        let device = Device::flex();
        let mut straight = trainer(config.clone(), &device);
        let expected = steps(straight.as_mut(), &config, 0..2 * n);

        let mut first = trainer(config.clone(), &device);
        steps(first.as_mut(), &config, 0..n);
        let saved = bytes(first.checkpoint());
        drop(first);
        let checkpoint = Checkpoint::parse(&saved).unwrap();
        assert_eq!(checkpoint.step, n as u64);
        assert_eq!(serde_json::to_string(&checkpoint.config).unwrap(), serde_json::to_string(&config).unwrap());
        let mut resumed = resume(&checkpoint, &device).unwrap();
        assert_eq!(resumed.steps(), n as u64);
        let found = steps(resumed.as_mut(), &config, n..2 * n);

        assert_eq!(found, expected[n..], "losses after the resume");
        assert_eq!(bytes(resumed.export()), bytes(straight.export()), "weights");
        assert_eq!(bytes(resumed.checkpoint()), bytes(straight.checkpoint()), "the whole state");
    }

    #[test]
    fn the_hand_written_mlp_resumes_exactly() {
        resumes_exactly(GanConfig::new().with_batch_size(16), 100);
    }

    /// Depth 2 trains on the hand-written trainer too, R1 included, and resumes as exactly.
    #[test]
    fn the_two_layer_mlp_resumes_exactly() {
        let model = ModelConfig::new().with_hidden_dim(16).with_depth(2);
        let config = GanConfig::recommended(Architecture::Mlp, Loss::Bce, false).with_batch_size(8).with_model(model);
        assert!(config.hand_written());
        let names: Vec<String> = trainer(config.clone(), &Device::flex()).layers().into_iter().map(|(name, _)| name).collect();
        assert!(names.contains(&"generator.hidden2.weight".to_string()) && names.contains(&"discriminator.hidden2.bias".to_string()), "{names:?}");
        resumes_exactly(config, 30);
    }

    /// At depth 2 the hand-written trainer takes the autodiff trainer's step, R1 and fresh
    /// fakes for G included: the same losses and weights, step after step, up to rounding. (The
    /// autodiff trainer's D loss includes the R1 penalty, the hand-written one's is the BCE
    /// alone, so it is compared without R1.)
    #[test]
    fn the_hand_written_two_layer_mlp_trains_as_autodiff_does() {
        let device = Device::flex();
        for (conditional, r1) in [(false, 0.0), (false, 5.0), (true, 5.0)] {
            let model = ModelConfig::new().with_hidden_dim(16).with_depth(2).with_conditional(conditional);
            let config = GanConfig::recommended(Architecture::Mlp, Loss::Bce, false).with_batch_size(8).with_model(model);
            let config = config.clone().with_loss(config.loss.with_r1_penalty(r1));
            let mut autodiff = autodiff_mlp(&config, &device);
            let mut hand_written = trainer(config.clone(), &device);
            let (ours, theirs) = (steps(hand_written.as_mut(), &config, 0..5), steps(&mut autodiff, &config, 0..5));
            for (a, b) in ours.iter().zip(&theirs) {
                let d_loss = if r1 == 0.0 { (a.d_loss, b.d_loss) } else { (0.0, 0.0) };
                for (x, y) in [d_loss, (a.g_loss, b.g_loss), (a.d_real, b.d_real), (a.d_fake, b.d_fake)] {
                    assert!((x - y).abs() <= 1e-4 * y.abs().max(1.0), "conditional {conditional}, R1 {r1}: {a:?} vs autodiff {b:?}");
                }
            }
            let weights = |export: Export| WeightsFile::parse(&bytes(export)).unwrap();
            let (ours, theirs) = (weights(hand_written.export()), weights(autodiff.export()));
            // Adam divides each gradient by its own running size, so a weight whose gradient is
            // zero up to rounding can move by up to the learning rate either way: allow that for
            // 1 in 100 weights of a tensor, and 1e-4 of the tensor's largest for the rest.
            let lr = config.optim.learning_rate as f32;
            for (name, shape, values) in theirs.tensors() {
                let largest = values.iter().fold(0f32, |m, v| m.max(v.abs()));
                let apart: Vec<(f32, f32)> = ours.values(name, shape).unwrap().iter().copied().zip(values.iter().copied()).filter(|(x, y)| (x - y).abs() > 1e-4 * largest).collect();
                let what = format!("conditional {conditional}, R1 {r1}: {name}: {} of {} apart, {:?}", apart.len(), values.len(), &apart[..apart.len().min(3)]);
                assert!(apart.len() * 100 <= values.len(), "{what}");
                assert!(apart.iter().all(|(x, y)| (x - y).abs() <= 2.0 * lr * 5.0), "{what}");
            }
        }
    }

    /// A two-layer MLP's checkpoint from the autodiff trainer (which trained depth 2 before the
    /// hand-written one could) resumes on the hand-written trainer with every weight and every
    /// Adam moment, and trains on from there.
    #[test]
    fn an_autodiff_checkpoint_resumes_on_the_hand_written_trainer() {
        let device = Device::flex();
        let model = ModelConfig::new().with_hidden_dim(16).with_depth(2).with_conditional(true);
        let config = GanConfig::recommended(Architecture::Mlp, Loss::Bce, false).with_batch_size(8).with_model(model);
        let mut autodiff = autodiff_mlp(&config, &device);
        steps(&mut autodiff, &config, 0..3);
        let saved = Checkpoint::parse(&bytes(autodiff.checkpoint())).unwrap();
        let mut resumed = resume(&saved, &device).unwrap();
        let again = Checkpoint::parse(&bytes(resumed.checkpoint())).unwrap();
        assert_eq!(bytes(resumed.export()), bytes(autodiff.export()), "weights");
        let read = |t: &Tensor<1>| t.clone().into_data().try_to_vec::<f32>().unwrap();
        for network in checkpoint::OPTIMIZERS {
            let moments = |checkpoint: &Checkpoint| {
                let state = checkpoint.optimizer(network, &device).unwrap();
                let mut moments: Vec<_> = state.moments.iter().map(|(name, shape, [m, v])| (name.clone(), shape.clone(), read(m), read(v))).collect();
                moments.sort_by(|a, b| a.0.cmp(&b.0));
                (state.time, moments)
            };
            let (before, after) = (moments(&saved), moments(&again));
            assert_eq!(before.1.len(), if network == "generator" { 6 } else { 7 }, "{network}: {:?}", before.1.iter().map(|m| &m.0).collect::<Vec<_>>());
            assert_eq!(before, after, "{network}'s optimizer");
        }
        let losses = steps(resumed.as_mut(), &config, 3..5);
        assert!(losses.iter().all(|s| s.d_loss.is_finite() && s.g_loss.is_finite()), "{losses:?}");
        assert_eq!(resumed.steps(), 5);
    }

    #[test]
    fn the_dcgan_resumes_exactly() {
        let model = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(8);
        resumes_exactly(GanConfig::new().with_batch_size(8).with_model(model), 100);
    }

    /// The autodiff trainer's weight average rides along too.
    #[test]
    fn an_averaged_dcgan_resumes_exactly() {
        let model = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        let stabilizers = StabilizerConfig::new().with_average_decay(0.999);
        resumes_exactly(GanConfig::new().with_batch_size(8).with_model(model).with_stabilizers(stabilizers), 20);
    }

    /// With either trainer, the weight average only changes what samples come from, never the
    /// training itself; the DCGAN's average holds batch norm's running statistics.
    #[test]
    fn the_average_is_sampled_but_not_trained_by_either_trainer() {
        let device = Device::flex();
        let dcgan = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        for (model, loss) in [
            (ModelConfig::new(), LossConfig::new()),
            (dcgan.clone(), LossConfig::new()),
            (dcgan, LossConfig::new().with_kind(Loss::WganGp).with_critic_steps(2)),
        ] {
            let run = |average_decay: f32| {
                let config = GanConfig::new()
                    .with_batch_size(8)
                    .with_model(model.clone())
                    .with_loss(loss.clone())
                    .with_stabilizers(StabilizerConfig::new().with_average_decay(average_decay));
                let mut trainer = trainer(config.clone(), &device);
                let losses = steps(trainer.as_mut(), &config, 0..4);
                let noise = HostRng::new(3).normal(2 * config.model.latent_dim);
                let images = trainer.generate(noise, None).into_data().try_to_vec::<f32>().unwrap();
                let generator = bytes(trainer.export_generator());
                (losses, images, generator)
            };
            let (plain, averaged) = (run(0.0), run(0.9));
            assert_eq!(plain.0, averaged.0, "{model:?}: the average changed training");
            assert_ne!(plain.1, averaged.1, "{model:?}: samples do not come from the average");
            assert_ne!(plain.2, averaged.2, "{model:?}: export_generator is not the average");
        }
    }

    /// The weight average, D's label embedding and R1 ride along.
    #[test]
    fn a_conditional_averaged_mlp_resumes_exactly() {
        let config = GanConfig::new()
            .with_batch_size(8)
            .with_model(ModelConfig::new().with_conditional(true))
            .with_loss(LossConfig::new().with_r1_penalty(5.0))
            .with_stabilizers(StabilizerConfig::new().with_average_decay(0.99).with_dropout(0.3));
        resumes_exactly(config, 20);
    }

    /// WGAN-GP resumed between generator turns reports the last generator loss.
    #[test]
    fn a_wgan_gp_critic_resumes_between_generator_turns() {
        let config = GanConfig::new()
            .with_batch_size(8)
            .with_model(ModelConfig::new().with_conditional(true))
            .with_loss(LossConfig::new().with_kind(Loss::WganGp).with_critic_steps(3));
        resumes_exactly(config, 7);
    }

    #[test]
    fn bad_checkpoints_are_named() {
        let device = Device::flex();
        let config = GanConfig::new().with_batch_size(4);
        let saved = bytes(trainer(config.clone(), &device).checkpoint());
        let weights = bytes(trainer(config, &device).export());
        let error = |bytes: &[u8]| Checkpoint::parse(bytes).err().unwrap();
        assert_eq!(error(&weights), CheckpointError::WeightsOnly);
        assert!(matches!(error(&saved[..saved.len() / 2]), CheckpointError::File(WeightsError::Corrupt(_))));
        for (version, age) in [("0", "an older"), ("2", "a newer")] {
            let (from, to) = (b"\"checkpoint_version\":\"1\"", format!("\"checkpoint_version\":\"{version}\""));
            let at = saved.windows(from.len()).position(|w| w == from).unwrap();
            let edited = [&saved[..at], to.as_bytes(), &saved[at + from.len()..]].concat();
            let message = error(&edited).to_string();
            assert!(message.contains(age) && message.contains(&format!("version {version}")), "{message}");
        }
    }

    /// 10,000 mutations of a checkpoint (a trained, averaged MLP, so it holds optimizer state
    /// and the average), parsed and resumed as the page resumes one: `Ok` or an error, never a
    /// panic. The other file, for swapped headers, is the same trainer's weights export.
    #[test]
    fn mutated_checkpoints_never_panic() {
        use crate::mutate;
        let device = Device::flex();
        let model = ModelConfig::new().with_hidden_dim(8);
        let config = GanConfig::new().with_batch_size(4).with_model(model)
            .with_stabilizers(StabilizerConfig::new().with_average_decay(0.9));
        let mut trained = trainer(config.clone(), &device);
        steps(trained.as_mut(), &config, 0..2);
        let (saved, weights) = (bytes(trained.checkpoint()), bytes(trained.export()));
        let load = |bytes: &[u8]| {
            let checkpoint = Checkpoint::parse(bytes).map_err(|e| e.to_string())?;
            resume(&checkpoint, &device).map(|_| ()).map_err(|e| e.to_string())
        };
        mutate::assert_no_panics("checkpoint", &mutate::run(&saved, &weights, 6, load));
    }

    /// A two time-scale update: Adam's first step moves each weight by its learning rate (up
    /// to ε), so after one step D's weights have moved by at most D's own rate and G's by G's,
    /// with either trainer; and training with augmentation moves the same weights differently.
    #[test]
    fn each_network_learns_at_its_own_rate_and_augmentation_changes_training() {
        let device = Device::flex();
        let dcgan = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        for model in [ModelConfig::new(), dcgan] {
            let optim = OptimConfig::new().with_learning_rate(1e-3).with_discriminator_learning_rate(Some(4e-3));
            let config = GanConfig::new().with_batch_size(8).with_model(model.clone()).with_optim(optim);
            let mut trained = trainer(config.clone(), &device);
            let before = bytes(trained.export());
            steps(trained.as_mut(), &config, 0..1);
            let after = bytes(trained.export());
            let (before, after) = (WeightsFile::parse(&before).unwrap(), WeightsFile::parse(&after).unwrap());
            let mut largest = [0f32; 2];
            for (name, shape, values) in before.tensors().filter(|(name, ..)| !name.contains("running")) {
                let moved = values.iter().zip(after.values(name, shape).unwrap()).map(|(a, b)| (a - b).abs());
                let network = usize::from(name.starts_with("discriminator."));
                largest[network] = moved.fold(largest[network], f32::max);
            }
            let [g, d] = largest;
            assert!((g - 1e-3).abs() < 1e-5 && (d - 4e-3).abs() < 2e-5, "{model:?}: G moved {g}, D {d}");

            // With augmentation: the same first batch, but D sees it shifted and cut.
            let augmented = config.clone().with_stabilizers(StabilizerConfig::new().with_augment(0.5));
            let mut other = trainer(augmented.clone(), &device);
            let losses = steps(other.as_mut(), &augmented, 0..3);
            let mut plain = trainer(config.clone(), &device);
            assert_ne!(losses, steps(plain.as_mut(), &config, 0..3), "{model:?}: augmentation changed nothing");
            assert!(losses.iter().all(|s| s.d_loss.is_finite() && s.g_loss.is_finite()));
        }
    }

    /// Augmentation rides along in a checkpoint (its draws come from the saved RNG).
    #[test]
    fn an_augmented_dcgan_resumes_exactly() {
        let model = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        let config = GanConfig::new()
            .with_batch_size(8)
            .with_model(model)
            .with_loss(LossConfig::new().with_r1_penalty(5.0))
            .with_stabilizers(StabilizerConfig::new().with_augment(0.5));
        resumes_exactly(config, 6);
    }
}
