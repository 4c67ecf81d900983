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

/// A linear layer's weight and bias gradients, as each backend's kernels leave them.
pub enum LinearGrads {
    /// The weight's and the bias's apart: burn's ops, on the CPU. // [in, out], [out]
    Split { weight: Tensor<2>, bias: Tensor<1> },
    /// Both in one matrix, the bias's in its last row: on WebGPU one kernel writes them, and
    /// one Adam kernel updates the layer from them (`train::fused_adam`). // [in + 1, out]
    Joined(Tensor<2>),
}

impl LinearGrads {
    /// The weight's gradient. // [in, out]
    pub fn weight(&self) -> Tensor<2> {
        match self {
            LinearGrads::Split { weight, .. } => weight.clone(),
            LinearGrads::Joined(grads) => grads.clone().slice(0..grads.dims()[0] - 1),
        }
    }

    /// The bias's gradient. // [out]
    pub fn bias(&self) -> Tensor<1> {
        match self {
            LinearGrads::Split { bias, .. } => bias.clone(),
            LinearGrads::Joined(grads) => {
                let rows = grads.dims()[0];
                grads.clone().slice(rows - 1..rows).flatten(0, 1)
            }
        }
    }

    /// These gradients with `lhs · rhs` added to the weight's, in the product's own kernel on
    /// WebGPU. // [in, k] · [k, out]
    pub fn plus_weight_product(self, lhs: Tensor<2>, rhs: Tensor<2>) -> Self {
        match self {
            LinearGrads::Split { weight, bias } => LinearGrads::Split { weight: weight + matmul(lhs, rhs), bias },
            LinearGrads::Joined(grads) => LinearGrads::Joined(matmul_into(lhs, rhs, grads)),
        }
    }

    /// These gradients with the column sums of `rows` added to the weight's, the single column
    /// of a layer with one output. // rows [n, in]
    pub fn plus_column_sums(self, rows: Tensor<2>) -> Self {
        match self {
            LinearGrads::Split { weight, bias } => LinearGrads::Split { weight: weight + rows.sum_dim(0).reshape([-1, 1]), bias },
            LinearGrads::Joined(grads) => {
                // As a product with a column of ones, uploaded rather than filled by a kernel.
                let n = rows.dims()[0];
                let ones = Tensor::from_data(TensorData::new(vec![1.0f32; n], [n, 1]), &rows.device()); // [n, 1]
                LinearGrads::Joined(matmul_into(rows.transpose(), ones, grads))
            }
        }
    }
}

/// The product `lhs · rhs` and the column sums of `rhs`: a linear layer's weight gradient
/// xᵀ·dy and bias gradient Σ_batch dy. On WebGPU both come from one kernel, as one matrix,
/// which saves the reduction kernel each bias gradient took. // [m, k] · [k, n] → [m, n], [n]
pub fn matmul_and_column_sums(lhs: Tensor<2>, rhs: Tensor<2>) -> LinearGrads {
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        return LinearGrads::Joined(from(Dispatch::matmul_and_column_sums(lhs.into_dispatch(), rhs.into_dispatch())));
    }
    let bias = rhs.clone().sum_dim(0).flatten(0, 1); // [n]
    LinearGrads::Split { weight: lhs.matmul(rhs), bias }
}

/// [`matmul_and_column_sums`] of `lhs` and `rhs` with each row of `rhs` first multiplied by
/// `row_scale`'s entry for it: a layer's gradients when the gradient on its output is a
/// per-example factor times a shared pattern (dy = diag(d)·u). On WebGPU one kernel, with no
/// pass to scale the rows. // [m, k] · diag([k, 1]) · [k, n] → [m, n], [n]
pub fn scaled_rows_matmul_and_column_sums(lhs: Tensor<2>, rhs: Tensor<2>, row_scale: Tensor<2>) -> LinearGrads {
    assert_eq!(row_scale.dims(), [rhs.dims()[0], 1], "one scale per row of rhs");
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        let (lhs, rhs, row_scale) = (lhs.into_dispatch(), rhs.into_dispatch(), row_scale.into_dispatch());
        return LinearGrads::Joined(from(Dispatch::scaled_rows_matmul_and_column_sums(lhs, rhs, row_scale)));
    }
    matmul_and_column_sums(lhs, rhs * row_scale)
}

/// `addend` with `lhs · rhs` added to its first rows, the rest kept: a product summed into
/// gradients that already hold another's. On WebGPU one kernel. // [m, k] · [k, n] + [≥ m, n]
pub fn matmul_into(lhs: Tensor<2>, rhs: Tensor<2>, addend: Tensor<2>) -> Tensor<2> {
    let [m, n] = [lhs.dims()[0], rhs.dims()[1]];
    assert!(addend.dims()[0] >= m && addend.dims()[1] == n, "the addend covers the product");
    #[cfg(feature = "webgpu")]
    if on_cube(&lhs) {
        return from(Dispatch::matmul_into(lhs.into_dispatch(), rhs.into_dispatch(), addend.into_dispatch()));
    }
    let sum = addend.clone().slice(0..m) + lhs.matmul(rhs); // [m, n]
    addend.slice_assign(0..m, sum)
}

/// A linear layer's backward pass, given dL/dy = diag(`row_scale`)·`u` on its output (`u`
/// itself without a scale): the gradient taken on to its input and through the `rectifier`
/// before it, ((dL/dy)·Wᵀ) ⊙ slope(`x`) with `x` the rectifier's input, and the layer's own
/// gradients from its `input`. Where a scale is given, the gradient taken on is u's, the shared
/// pattern's, not the scaled one's. On WebGPU one kernel writes both.
/// // u [batch, out], weight [in, out], x and input [batch, in] → [batch, in], [in + 1, out]
pub fn back_through_layer(
    u: Tensor<2>,
    weight: Tensor<2>,
    rectifier: Rectifier,
    x: Tensor<2>,
    input: Tensor<2>,
    row_scale: Option<Tensor<2>>,
) -> (Tensor<2>, LinearGrads) {
    #[cfg(feature = "webgpu")]
    if on_cube(&u) {
        assert!(x.dims() == input.dims() && x.dims() == [u.dims()[0], weight.dims()[0]], "the rectifier's input and the layer's have the back pass's shape");
        // Without a scale, ones: uploaded, where a fill would be a kernel of its own.
        let batch = u.dims()[0];
        let row_scale = row_scale.unwrap_or_else(|| Tensor::from_data(TensorData::new(vec![1.0f32; batch], [batch, 1]), &u.device()));
        assert_eq!(row_scale.dims(), [batch, 1], "one scale per row of u");
        let (below_zero, at_zero) = rectifier.below_and_at_zero();
        let (u, rhs, x) = (u.into_dispatch(), weight.transpose().into_dispatch(), x.into_dispatch());
        let (lhs, row_scale) = (input.transpose().into_dispatch(), row_scale.into_dispatch());
        let (back, grads) = Dispatch::back_through_layer(u, rhs, x, lhs, row_scale, below_zero, at_zero);
        return (from(back), LinearGrads::Joined(from(grads)));
    }
    let back = matmul_then_slope(u.clone(), weight.transpose(), rectifier, x); // [batch, in]
    let grads = match row_scale {
        Some(row_scale) => scaled_rows_matmul_and_column_sums(input.transpose(), u, row_scale),
        None => matmul_and_column_sums(input.transpose(), u),
    };
    (back, grads)
}

/// A step of a chain that runs forward through a layer, as R1's does: the next link
/// (`b` · `weight`) ⊙ slope(`x`), with `x` the `rectifier`'s input, and `grads` with `b`ᵀ·`a`
/// added to the weight's. On WebGPU one kernel, where the gradients are joined.
/// // b [n, in], weight [in, out], x and a [n, out] → [n, out], grads
pub fn forward_through_layer(b: Tensor<2>, weight: Tensor<2>, rectifier: Rectifier, x: Tensor<2>, a: Tensor<2>, grads: LinearGrads) -> (Tensor<2>, LinearGrads) {
    #[cfg(feature = "webgpu")]
    if let (true, LinearGrads::Joined(joined)) = (on_cube(&b), &grads) {
        let [n, out] = [b.dims()[0], weight.dims()[1]];
        assert!(x.dims() == [n, out] && a.dims() == [n, out], "the rectifier's input and a have the next link's shape");
        assert_eq!(joined.dims(), [weight.dims()[0] + 1, out], "the gradients are the layer's");
        let (below_zero, at_zero) = rectifier.below_and_at_zero();
        let (lhs, rhs, x, a, joined) = (b.into_dispatch(), weight.into_dispatch(), x.into_dispatch(), a.into_dispatch(), joined.clone().into_dispatch());
        let (next, grads) = Dispatch::forward_through_layer(lhs, rhs, x, a, joined, below_zero, at_zero);
        return (from(next), LinearGrads::Joined(from(grads)));
    }
    let grads = grads.plus_weight_product(b.clone().transpose(), a);
    (matmul_then_slope(b, weight, rectifier, x), grads)
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
pub(crate) fn on_cube(tensor: &Tensor<2>) -> bool {
    matches!(tensor.device().as_dispatch(), burn::backend::DispatchDevice::Cube(_))
}

/// A kernel's output as a tensor.
#[cfg(feature = "webgpu")]
fn from<const D: usize>(tensor: burn::backend::tensor::FloatTensor<burn::backend::Dispatch>) -> Tensor<D> {
    Tensor::from_dispatch(tensor)
}

#[cfg(feature = "webgpu")]
mod cube;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn read(tensor: Tensor<2>) -> Vec<f32> {
        tensor.into_data().try_to_vec::<f32>().unwrap()
    }

    /// A product and a column's sums added to joined gradients land in the weight's rows and
    /// leave the bias's alone, as they do to split ones (the paths off WebGPU; tests/web checks
    /// the kernels against these).
    #[test]
    fn joined_gradients_take_products_as_split_ones() {
        let device = Device::flex();
        let weight = Tensor::<2>::from_floats([[0.5, -1.0], [2.0, 0.25], [0.1, 0.3]], &device); // [3, 2]
        let bias = Tensor::<1>::from_floats([0.1, -0.2], &device);
        let lhs = Tensor::<2>::from_floats([[1.0, 2.0], [-0.5, 0.0], [3.0, -1.0]], &device); // [3, 2]
        let rhs = Tensor::<2>::from_floats([[0.25, -2.0], [1.5, 0.75]], &device); // [2, 2]
        let split = || LinearGrads::Split { weight: weight.clone(), bias: bias.clone() };
        let joined = || LinearGrads::Joined(Tensor::cat(vec![weight.clone(), bias.clone().unsqueeze()], 0));
        let [ours, theirs] = [joined(), split()].map(|grads| grads.plus_weight_product(lhs.clone(), rhs.clone()));
        assert!(matches!(ours, LinearGrads::Joined(_)));
        assert_eq!(read(ours.weight()), read(theirs.weight()));
        assert_eq!(read(ours.bias().unsqueeze()), read(bias.clone().unsqueeze()), "the bias's gradient is untouched");
        assert_ne!(read(theirs.weight()), read(weight.clone()), "a product that adds nothing proves nothing");

        let (column, column_bias) = (Tensor::<2>::from_floats([[0.5], [-1.0], [2.0]], &device), Tensor::<1>::from_floats([0.3], &device));
        let rows = Tensor::<2>::from_floats([[1.0, -2.0, 0.5], [0.25, 4.0, -1.0]], &device); // [2, 3]
        let ours = LinearGrads::Joined(Tensor::cat(vec![column.clone(), column_bias.clone().unsqueeze()], 0)).plus_column_sums(rows.clone());
        let theirs = LinearGrads::Split { weight: column, bias: column_bias.clone() }.plus_column_sums(rows);
        assert_eq!(read(ours.weight()), read(theirs.weight()));
        assert_eq!(read(ours.weight()), vec![1.75, 1.0, 1.5]);
        assert_eq!(read(ours.bias().unsqueeze()), read(column_bias.unsqueeze()));
    }
}
