//! The matmul kernels of the hand-written trainer on WebGPU: every product, and kernels that
//! join a product with the elementwise work next to it.
//!
//! burn's fused matmul compiles a kernel per shape, layout and fused prologue or epilogue: ten
//! of them in the classic MLP's step, 1,300–2,200 lines of WGSL each, which SwiftShader took
//! 0.8–1.8 s apiece to compile, 10.2 of the first step's 11 s (docs/performance.md). These are
//! compiled once each, for every shape and either operand transposed (they read both through
//! their strides): one output element per invocation, a dot product along the shared dimension.
//! The matrices of a batch of 64 are small enough that the GPU's time goes to launching
//! kernels rather than to multiply-adds, so each joined kernel saves a launch: a layer's
//! forward pass with its bias and activation, a weight gradient with its bias gradient, and a
//! gradient taken back through a layer with the slopes of the activation before it. They enter
//! burn as a backend extension, which fusion runs as custom operations; on the CPU the products
//! stay burn's own matmul and elementwise ops, through the same calls.

use burn::prelude::*;
use burn::tensor::activation::tanh;

use super::rectifier::Rectifier;
#[cfg(feature = "webgpu")]
use {burn::backend::Dispatch, cube::Products};

/// The product `lhs · rhs` of two matrices. // [m, k] · [k, n] → [m, n]
pub fn matmul(lhs: Tensor<2>, rhs: Tensor<2>) -> Tensor<2> {
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        return from(Dispatch::plain_matmul(lhs.into_dispatch(), rhs.into_dispatch(), 1.0));
    }
    lhs.matmul(rhs)
}

/// `alpha` · `lhs · rhs`; on WebGPU the scale costs no kernel of its own. // [m, k] · [k, n] → [m, n]
pub fn scaled_matmul(lhs: Tensor<2>, rhs: Tensor<2>, alpha: f32) -> Tensor<2> {
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        return from(Dispatch::plain_matmul(lhs.into_dispatch(), rhs.into_dispatch(), alpha));
    }
    lhs.matmul(rhs).mul_scalar(alpha)
}

/// x·W + b, a linear layer's output. // [batch, in] · [in, out] → [batch, out]
pub fn affine(x: Tensor<2>, weight: Tensor<2>, bias: Option<Tensor<1>>) -> Tensor<2> {
    let out = matmul(x, weight); // [batch, out]
    match bias {
        Some(bias) => out + bias.unsqueeze(), // [batch, out]
        None => out,
    }
}

/// A hidden layer's forward pass: its pre-activation x·W + b, and `rectifier` of it. On
/// WebGPU one kernel writes both. // [batch, out] each
pub fn affine_then(x: Tensor<2>, weight: Tensor<2>, bias: Option<Tensor<1>>, rectifier: Rectifier) -> (Tensor<2>, Tensor<2>) {
    #[cfg(feature = "webgpu")]
    if let (true, Some(bias)) = (on_cube(&x), &bias) {
        let (below_zero, _) = rectifier.below_and_at_zero();
        let (x, weight, bias) = (x.into_dispatch(), weight.into_dispatch(), bias.clone().into_dispatch());
        let (pre, post) = Dispatch::affine_then_rectifier(x, weight, bias, below_zero);
        return (from(pre), from(post));
    }
    let pre = affine(x, weight, bias); // [batch, out]
    (pre.clone(), rectifier.apply(pre))
}

/// tanh(x·W + b), G's output layer. On WebGPU one kernel. // [batch, out]
pub fn affine_then_tanh(x: Tensor<2>, weight: Tensor<2>, bias: Option<Tensor<1>>) -> Tensor<2> {
    #[cfg(feature = "webgpu")]
    if let (true, Some(bias)) = (on_cube(&x), &bias) {
        return from(Dispatch::affine_then_tanh(x.into_dispatch(), weight.into_dispatch(), bias.clone().into_dispatch()));
    }
    tanh(affine(x, weight, bias))
}

/// The product `lhs · rhs` and the column sums of `rhs`: a linear layer's weight gradient
/// xᵀ·dy and bias gradient Σ_batch dy. On WebGPU both come from one kernel, which saves the
/// reduction kernel each bias gradient took. // [m, k] · [k, n] → [m, n], [n]
pub fn matmul_and_column_sums(lhs: Tensor<2>, rhs: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        let (product, sums) = Dispatch::matmul_and_column_sums(lhs.into_dispatch(), rhs.into_dispatch());
        return (from(product), from(sums));
    }
    let sums = rhs.clone().sum_dim(0).flatten(0, 1); // [n]
    (lhs.matmul(rhs), sums)
}

/// [`matmul_and_column_sums`] of `lhs` and `rhs` with each row of `rhs` first multiplied by
/// `row_scale`'s entry for it: a layer's gradients when the gradient on its output is a
/// per-example factor times a shared pattern (dy = diag(d)·u). On WebGPU one kernel, with no
/// pass to scale the rows. // [m, k] · diag([k, 1]) · [k, n] → [m, n], [n]
pub fn scaled_rows_matmul_and_column_sums(lhs: Tensor<2>, rhs: Tensor<2>, row_scale: Tensor<2>) -> (Tensor<2>, Tensor<1>) {
    assert_eq!(row_scale.dims(), [rhs.dims()[0], 1], "one scale per row of rhs");
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        let (lhs, rhs, row_scale) = (lhs.into_dispatch(), rhs.into_dispatch(), row_scale.into_dispatch());
        let (product, sums) = Dispatch::scaled_rows_matmul_and_column_sums(lhs, rhs, row_scale);
        return (from(product), from(sums));
    }
    matmul_and_column_sums(lhs, rhs * row_scale)
}

/// (`lhs · rhs`) ⊙ (1 − y²): a gradient taken back through a layer and then through the tanh
/// whose output is `y`. On WebGPU one kernel. // [m, k] · [k, n] → [m, n]
pub fn matmul_then_tanh_slope(lhs: Tensor<2>, rhs: Tensor<2>, y: Tensor<2>) -> Tensor<2> {
    assert_eq!(y.dims(), [lhs.dims()[0], rhs.dims()[1]], "tanh's output has the product's shape");
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        return from(Dispatch::matmul_then_tanh_slope(lhs.into_dispatch(), rhs.into_dispatch(), y.into_dispatch()));
    }
    tanh_slope(lhs.matmul(rhs), y)
}

/// `value` ⊙ (1 − y²), tanh's slope at its output `y`. // [n, width]
pub fn tanh_slope(value: Tensor<2>, y: Tensor<2>) -> Tensor<2> {
    value * (y.clone() * y).neg().add_scalar(1.0)
}

/// `rectifier.scale_by_slope(lhs · rhs, x)`: a product times an activation's local slopes at
/// `x`, as a backward pass takes a gradient through a linear layer and then the activation
/// before it. On WebGPU one kernel does both. // [m, k] · [k, n] → [m, n]
pub fn matmul_then_slope(lhs: Tensor<2>, rhs: Tensor<2>, rectifier: Rectifier, x: Tensor<2>) -> Tensor<2> {
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        assert_eq!(x.dims(), [lhs.dims()[0], rhs.dims()[1]], "the slopes' input has the product's shape");
        let (below_zero, at_zero) = rectifier.below_and_at_zero();
        let (lhs, rhs, x) = (lhs.into_dispatch(), rhs.into_dispatch(), x.into_dispatch());
        return from(Dispatch::matmul_then_slope(lhs, rhs, x, below_zero, at_zero));
    }
    rectifier.scale_by_slope(lhs.matmul(rhs), x)
}

/// Whether `tensor` lives on a CubeCL (WebGPU) device, where these kernels run.
#[cfg(feature = "webgpu")]
fn on_cube(tensor: &Tensor<2>) -> bool {
    matches!(tensor.device().as_dispatch(), burn::backend::DispatchDevice::Cube(_))
}

/// A kernel's output as a tensor.
#[cfg(feature = "webgpu")]
fn from<const D: usize>(tensor: burn::backend::tensor::FloatTensor<burn::backend::Dispatch>) -> Tensor<D> {
    Tensor::from_dispatch(tensor)
}

#[cfg(feature = "webgpu")]
mod cube;
