//! Training: the factory that picks a trainer for a config. The trainers themselves are the
//! hand-written one for the classic MLP with BCE (`manual`, with `manual_grads` and
//! `fused_adam`) and the autodiff one for everything else (`autodiff`); both implement
//! [`api::Trainer`].

pub mod api;
pub mod autodiff;
pub mod fused_adam;
pub mod loss;
pub mod manual;
pub mod manual_grads;

use burn::prelude::*;

use crate::config::{Architecture, GanConfig};
use crate::nets::{dcgan, mlp};
use crate::rng::HostRng;
pub use api::{PendingStats, StepStats, Trainer};
use autodiff::AutodiffTrainer;
use manual::HandWrittenTrainer;

/// The trainer for `config`'s architecture and loss, which the caller has validated. The
/// classic MLP with BCE takes the hand-written trainer; everything else trains through burn's
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
