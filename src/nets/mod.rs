//! The networks: what a generator and a critic are, and the three models built on them.
//! Plain burn code with no knowledge of wasm or of how the networks are trained.
//! Conditioning on labels, and why it is done the way it is: [`conditioning`].

use burn::module::Module;
use burn::prelude::*;

pub mod classifier;
pub mod conditioning;
pub mod dcgan;
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
}

/// Checks that `critic`'s hand-built input gradient at `images` (on an autodiff device) equals
/// autodiff's gradient of Σ D(x, y) with respect to x; `what` names the case on failure.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub fn assert_input_grad_matches_autodiff<C: Critic>(critic: &C, images: Tensor<2>, labels: Option<Tensor<2>>, what: &str) {
    let images = images.require_grad();
    let grads = critic.forward(images.clone(), labels.clone()).sum().backward();
    let expected = images.grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap();
    let ours = critic.input_grad(images, labels).into_data().try_to_vec::<f32>().unwrap();
    let scale = expected.iter().fold(0f32, |m, x| m.max(x.abs()));
    assert!(scale > 0.0, "{what}: a zero gradient");
    for (i, (a, b)) in ours.iter().zip(&expected).enumerate() {
        assert!((a - b).abs() <= 1e-4 * scale, "{what} [{i}] {a} vs autodiff {b}");
    }
}
