//! The hand-written trainer's steps: finite, counted, reproducible, and dependent on the labels.
//! (`train::tests` holds it to the autodiff trainer's losses and weights.)

use super::*;
use crate::data::{IMAGE_PIXELS, pixels_to_tensor};
use crate::train::api::StepStats;

fn batch(config: &GanConfig, salt: usize) -> Vec<u8> {
    (0..config.batch_size * IMAGE_PIXELS)
        .map(|i| ((i * 31 + salt * 7) % 256) as u8)
        .collect()
}

fn run(seed: u64, steps: usize) -> Vec<StepStats> {
    let config = GanConfig::new().with_batch_size(16).with_seed(seed);
    let device = Device::flex();
    let mut trainer = HandWrittenTrainer::new(config.clone(), &device);
    (0..steps)
        .map(|n| {
            let real = pixels_to_tensor(&batch(&config, n), &device);
            trainer.step(real, None);
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

/// A conditional step learns from its labels: the same batch with other labels trains
/// differently, and the same labels the same way.
#[test]
fn conditional_steps_depend_on_the_labels() {
    let device = Device::flex();
    let config = GanConfig::new()
        .with_batch_size(8)
        .with_model(crate::config::ModelConfig::new().with_conditional(true))
        .with_loss(crate::config::LossConfig::new().with_r1_penalty(5.0));
    let run = |labels: [u8; 8]| {
        let mut trainer = HandWrittenTrainer::new(config.clone(), &device);
        let real = pixels_to_tensor(&batch(&config, 0), &device);
        trainer.step(real, Some(&labels));
        let stats = pollster::block_on(trainer.stats().unwrap().read()).unwrap();
        assert!(stats.d_loss.is_finite() && stats.g_loss.is_finite(), "{stats:?}");
        stats
    };
    let labels = [0, 1, 2, 3, 4, 5, 6, 7];
    assert_eq!(run(labels), run(labels));
    assert_ne!(run(labels), run([9; 8]));
}

#[test]
fn no_stats_before_the_first_step() {
    let trainer = HandWrittenTrainer::new(GanConfig::new(), &Device::flex());
    assert!(trainer.stats().is_none());
}
