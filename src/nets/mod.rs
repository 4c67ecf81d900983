//! The networks: what a generator and a critic are, and the three models built on them.
//! Plain burn code with no knowledge of wasm or of how the networks are trained.

use burn::module::Module;
use burn::prelude::*;

pub mod classifier;
pub mod dcgan;
pub mod mlp;

/// A network that maps latent noise to images in [-1, 1].
pub trait ImageGenerator: Module + Clone + 'static {
    fn forward(&self, noise: Tensor<2>) -> Tensor<2>; // [n, latent] → [n, 784]

    /// Latent size, read from the weights so a loaded generator describes itself.
    fn latent_dim(&self) -> usize;
}

/// A network that scores images with one logit each.
pub trait Critic: Module + Clone + 'static {
    fn forward(&self, images: Tensor<2>) -> Tensor<2>; // [n, 784] → [n, 1]

    /// d(Σ D(x))/dx as a graph autodiff can differentiate again with respect to the weights,
    /// for the gradient penalties (burn has no double backward). Only called on critics
    /// without batch norm.
    fn input_grad(&self, images: Tensor<2>) -> Tensor<2>; // [n, 784]
}

/// Host noise (`n × latent` values) as a tensor on `device`. Callers validate the length.
pub fn noise_tensor(noise: Vec<f32>, latent_dim: usize, device: &Device) -> Tensor<2> {
    let n = noise.len() / latent_dim;
    Tensor::from_data(TensorData::new(noise, [n, latent_dim]), device) // [n, latent]
}
