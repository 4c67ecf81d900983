//! What every trainer offers, whichever networks and loss it trains: the vocabulary the
//! factory, the JS API and `pretrain` share.

use burn::prelude::*;

use super::checkpoint::{Checkpoint, CheckpointError};
use crate::weights::{Export, ParamShape, WeightsError};

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
///
/// `labels` are the images' classes, 0–9, one per image, which the caller checks: an
/// unconditional trainer ignores them, a conditional one (`model.conditional`) draws random
/// classes where none are given. A conditional step generates its fakes with the real batch's
/// labels, so both halves of D's batch have the same classes.
pub trait Trainer {
    /// One step on `real`, a batch of images scaled to [-1, 1]. Nothing is read back.
    fn step(&mut self, real: Tensor<2>, labels: Option<&[u8]>);
    /// The statistics of the latest step, still on the device; `None` before the first.
    fn stats(&self) -> Option<PendingStats>;
    /// One discriminator update alone on `real` and fresh fakes; not counted as a step.
    fn train_discriminator(&mut self, real: Tensor<2>, labels: Option<&[u8]>);
    /// One generator update alone on `batch` fresh fakes (of random classes when
    /// conditional); not counted as a step.
    fn train_generator(&mut self, batch: usize);
    /// D's verdict on images in [-1, 1]: probabilities with BCE, critic scores with WGAN-GP.
    fn discriminate(&self, images: Tensor<2>, labels: Option<&[u8]>) -> Tensor<2>;
    /// Images for `noise` (`n × latent` values), in [-1, 1], without a gradient graph.
    fn generate(&self, noise: Vec<f32>, labels: Option<&[u8]>) -> Tensor<2>;
    /// The generator's weights, named `generator.*`: what inference mode loads.
    fn export_generator(&self) -> Export;
    /// Both networks' weights, named `generator.*` and `discriminator.*`.
    fn export(&self) -> Export;
    /// Everything the run is made of, in `checkpoint::write`'s layout: resuming from it
    /// continues exactly where this trainer is.
    fn checkpoint(&self) -> Export;
    /// Takes over the state of `checkpoint`, written by a trainer of the same config; on
    /// error the trainer is unchanged.
    fn restore(&mut self, checkpoint: &Checkpoint) -> Result<(), CheckpointError>;
    /// Steps completed.
    fn steps(&self) -> u64;
    /// Replaces both networks' weights; on error the trainer is unchanged.
    fn load_weights(&mut self, bytes: &[u8]) -> Result<(), WeightsError>;
    /// Every weight tensor's name and shape, G's then D's, in module order; no readback.
    fn layers(&self) -> Vec<ParamShape>;
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

