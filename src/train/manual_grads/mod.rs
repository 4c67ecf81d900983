//! Hand-written forward and backward passes of the MLP GAN, one or two hidden layers deep:
//! G's in `generator`, D's and R1's in `discriminator`, the linear layer's shared by both here.
//!
//! burn's autodiff records every elementwise op of the graph and replays its derivative as its
//! own kernel: 215 WebGPU dispatches per step, 70 with fusion. Written out, a step is a dozen
//! matmuls, four bias reductions and short elementwise chains that fusion turns into single
//! kernels. `tests::matches_autodiff` checks every gradient against burn's autodiff.

mod discriminator;
mod generator;
pub mod matmul;
pub mod rectifier;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use burn::nn::Linear;
use burn::prelude::*;

pub use discriminator::{
    DiscriminatorGrads, DiscriminatorPass, R1Penalty, discriminator_backward, discriminator_forward, discriminator_input_grad,
};
pub use generator::{GeneratorPass, generator_backward, generator_forward};
pub use matmul::LinearGrads;
use matmul::{matmul, matmul_and_column_sums, matmul_then_slope, scaled_rows_matmul_and_column_sums};
use rectifier::Rectifier;

/// x·W + b for a burn `Linear`. // [batch, out]
fn affine(linear: &Linear, x: Tensor<2>) -> Tensor<2> {
    matmul::affine(x, linear.weight.val(), linear.bias.as_ref().map(|b| b.val()))
}

/// A hidden layer of a burn `Linear` and `rectifier`: its pre-activation and its output. // [batch, out] each
fn affine_then(linear: &Linear, x: Tensor<2>, rectifier: Rectifier) -> (Tensor<2>, Tensor<2>) {
    matmul::affine_then(x, linear.weight.val(), linear.bias.as_ref().map(|b| b.val()), rectifier)
}

/// dL/dW = xᵀ·dy and dL/db = Σ_batch dy for y = x·W + b.
fn linear_grads(input: Tensor<2>, d_out: Tensor<2>) -> LinearGrads {
    matmul_and_column_sums(input.transpose(), d_out) // [in, out], [out]
}

/// [`linear_grads`] for dL/dy = diag(`row_scale`)·`pattern`, a per-example factor times a
/// pattern, without a pass to form the product. // row_scale [batch, 1]
fn scaled_linear_grads(input: Tensor<2>, pattern: Tensor<2>, row_scale: Tensor<2>) -> LinearGrads {
    scaled_rows_matmul_and_column_sums(input.transpose(), pattern, row_scale) // [in, out], [out]
}
