//! The networks: what a generator and a critic are, and the three models built on them.
//! Plain burn code with no knowledge of wasm or of how the networks are trained.
//! Conditioning on labels, and why it is done the way it is: [`conditioning`].

use burn::module::Module;
use burn::prelude::*;

pub mod classifier;
pub mod conditioning;
pub mod dcgan;
#[cfg(all(test, not(target_arch = "wasm32")))]
pub mod grad_check;
pub mod leaky;
pub mod mlp;

/// A network that maps latent noise (and, when conditional, a label) to images in [-1, 1].
pub trait ImageGenerator: Module + Clone + 'static {
    /// `input` is z, followed by the one-hot label when conditional ([`conditioning::generator_input`]).
    fn forward(&self, input: Tensor<2>) -> Tensor<2>; // [n, latent (+ classes)] → [n, 784]

    /// Latent size, read from the weights so a loaded generator describes itself.
    fn latent_dim(&self) -> usize;

    /// Classes it is conditioned on: 0 when unconditional, else `data::CLASSES`.
    fn classes(&self) -> usize;
}

/// A network that scores images with one logit each.
pub trait Critic: Module + Clone + 'static {
    /// `labels`: one-hot rows for a conditional critic ([`conditioning::one_hot`]); without them a
    /// conditional critic scores the images alone, as if every label's embedding were zero.
    fn forward(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2>; // [n, 784] → [n, 1]

    /// d(Σ D(x, y))/dx as a graph autodiff can differentiate again with respect to the
    /// weights, for the gradient penalties (burn has no double backward). Only called on
    /// critics without batch norm.
    fn input_grad(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2>; // [n, 784]

    /// [`Critic::forward`] and [`Critic::input_grad`] of the same images, which a critic may
    /// compute with one shared pass (R1 needs both on the real batch). // [n, 1], [n, 784]
    fn forward_with_input_grad(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> (Tensor<2>, Tensor<2>) {
        (self.forward(images.clone(), labels.clone()), self.input_grad(images, labels))
    }
}
