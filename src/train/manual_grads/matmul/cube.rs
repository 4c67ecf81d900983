//! The backend extension that brings the kernels behind `matmul`'s functions on WebGPU
//! (`kernels`) into burn, and their launches.

use burn::backend::fusion::custom::TensorSpec;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, backend_extension};
use burn::tensor::Shape;
use burn_cubecl::CubeBackend;
use burn_cubecl::kernel::untile;
use burn_cubecl::ops::numeric::empty_device_contiguous_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::*;
use cubecl::{CubeDim, calculate_cube_count_elemwise};

use kernels::*;

mod kernels;

#[backend_extension(Cube, Fusion)]
pub trait Products: Backend {
    /// `alpha` · `lhs · rhs` for two matrices.
    #[fusion(dtype = lhs, shape = product_shape(lhs, rhs))]
    fn plain_matmul(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>, alpha: f32) -> FloatTensor<Self>;

    /// pre = x·W + b, and pre times `below_zero` where pre < 0.
    #[fusion(meta = affine_specs)]
    fn affine_then_rectifier(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        below_zero: f32,
    ) -> (FloatTensor<Self>, FloatTensor<Self>);

    /// tanh(x·W + b).
    #[fusion(dtype = x, shape = product_shape(x, weight))]
    fn affine_then_tanh(x: FloatTensor<Self>, weight: FloatTensor<Self>, bias: FloatTensor<Self>) -> FloatTensor<Self>;

    /// `lhs · rhs` with the column sums of `rhs` as one more row.
    #[fusion(dtype = lhs, shape = product_and_sums_shape(lhs, rhs))]
    fn matmul_and_column_sums(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>) -> FloatTensor<Self>;

    /// `lhs · diag(row_scale) · rhs` with the column sums of `diag(row_scale) · rhs` as one more
    /// row.
    #[fusion(dtype = lhs, shape = product_and_sums_shape(lhs, rhs))]
    fn scaled_rows_matmul_and_column_sums(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>, row_scale: FloatTensor<Self>) -> FloatTensor<Self>;

    /// `addend` with `lhs · rhs` added to its first rows.
    #[fusion(dtype = addend, shape = addend)]
    fn matmul_into(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>, addend: FloatTensor<Self>) -> FloatTensor<Self>;

    /// `lhs · rhs` times `below_zero` where `x` < 0 and `at_zero` where `x` = 0.
    #[fusion(dtype = lhs, shape = product_shape(lhs, rhs))]
    fn matmul_then_slope(
        lhs: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        x: FloatTensor<Self>,
        below_zero: f32,
        at_zero: f32,
    ) -> FloatTensor<Self>;

    /// A layer's backward pass: `u · rhs` times `below_zero` where `x` < 0 and `at_zero`
    /// where `x` = 0, and `lhs · diag(row_scale) · u` with the column sums of
    /// `diag(row_scale) · u` as one more row.
    #[fusion(meta = back_specs)]
    #[allow(clippy::too_many_arguments)]
    fn back_through_layer(
        u: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        x: FloatTensor<Self>,
        lhs: FloatTensor<Self>,
        row_scale: FloatTensor<Self>,
        below_zero: f32,
        at_zero: f32,
    ) -> (FloatTensor<Self>, FloatTensor<Self>);

    /// A step of a chain forward through a layer: `lhs · rhs` times `below_zero` where `x` < 0
    /// and `at_zero` where `x` = 0, and `grads` with `lhsᵀ · a` added to its first rows.
    #[fusion(meta = forward_specs)]
    #[allow(clippy::too_many_arguments)]
    fn forward_through_layer(
        lhs: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        x: FloatTensor<Self>,
        a: FloatTensor<Self>,
        grads: FloatTensor<Self>,
        below_zero: f32,
        at_zero: f32,
    ) -> (FloatTensor<Self>, FloatTensor<Self>);

    /// `lhs · rhs` times tanh's slope 1 − y² at its output `y`.
    #[fusion(dtype = lhs, shape = product_shape(lhs, rhs))]
    fn matmul_then_tanh_slope(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>, y: FloatTensor<Self>) -> FloatTensor<Self>;
}

/// The shape of `lhs · rhs`. // [m, n]
fn product_shape(lhs: &Shape, rhs: &Shape) -> Shape {
    Shape::new([lhs[0], rhs[1]])
}

/// What `affine_then_rectifier` returns, for fusion to register before it runs. // [batch, out] twice
fn affine_specs(x: &TensorSpec, weight: &TensorSpec, _bias: &TensorSpec, _below_zero: &f32) -> (TensorSpec, TensorSpec) {
    let spec = TensorSpec::new(product_shape(&x.shape, &weight.shape), x.dtype);
    (spec.clone(), spec)
}

/// What `back_through_layer` returns. // [batch, in], [in + 1, out]
#[allow(clippy::too_many_arguments)]
fn back_specs(
    u: &TensorSpec,
    rhs: &TensorSpec,
    _x: &TensorSpec,
    lhs: &TensorSpec,
    _row_scale: &TensorSpec,
    _below_zero: &f32,
    _at_zero: &f32,
) -> (TensorSpec, TensorSpec) {
    let back = TensorSpec::new(product_shape(&u.shape, &rhs.shape), u.dtype);
    (back, TensorSpec::new(product_and_sums_shape(&lhs.shape, &u.shape), u.dtype))
}

/// What `forward_through_layer` returns. // [n, out], grads' shape
#[allow(clippy::too_many_arguments)]
fn forward_specs(
    lhs: &TensorSpec,
    rhs: &TensorSpec,
    _x: &TensorSpec,
    _a: &TensorSpec,
    grads: &TensorSpec,
    _below_zero: &f32,
    _at_zero: &f32,
) -> (TensorSpec, TensorSpec) {
    (TensorSpec::new(product_shape(&lhs.shape, &rhs.shape), lhs.dtype), grads.clone())
}

/// The shape of `lhs · rhs` with one more row. // [m + 1, n]
fn product_and_sums_shape(lhs: &Shape, rhs: &Shape) -> Shape {
    Shape::new([lhs[0] + 1, rhs[1]])
}

// Safety, for every launch below: each kernel reads its operands only within their shapes and
// strides (x·W's and lhs·rhs's rows and columns, a bias entry per column, a row scale per row of
// rhs, x, y and an addend at the output's positions, which the public functions check), and
// writes only below its outputs' element counts, which the grid covers one invocation per
// element.
impl Products for CubeBackend {
    fn plain_matmul(lhs: CubeTensor, rhs: CubeTensor, alpha: f32) -> CubeTensor {
        let (lhs, rhs) = (untile(lhs), untile(rhs));
        let out = empty_product(&lhs, &rhs);
        let (count, dim) = grid(&out, 0);
        unsafe {
            plain_matmul_kernel::launch_unchecked(&out.client, count, dim, lhs.into_tensor_arg(), rhs.into_tensor_arg(), out.clone().into_tensor_arg(), alpha);
        }
        out
    }

    fn affine_then_rectifier(x: CubeTensor, weight: CubeTensor, bias: CubeTensor, below_zero: f32) -> (CubeTensor, CubeTensor) {
        let (x, weight, bias) = (untile(x), untile(weight), untile(bias));
        let (pre, post) = (empty_product(&x, &weight), empty_product(&x, &weight));
        let (count, dim) = grid(&pre, 0);
        unsafe {
            affine_rectifier_kernel::launch_unchecked(
                &pre.client,
                count,
                dim,
                x.into_tensor_arg(),
                weight.into_tensor_arg(),
                bias.into_tensor_arg(),
                pre.clone().into_tensor_arg(),
                post.clone().into_tensor_arg(),
                below_zero,
            );
        }
        (pre, post)
    }

    fn affine_then_tanh(x: CubeTensor, weight: CubeTensor, bias: CubeTensor) -> CubeTensor {
        let (x, weight, bias) = (untile(x), untile(weight), untile(bias));
        let out = empty_product(&x, &weight);
        let (count, dim) = grid(&out, 0);
        unsafe {
            affine_tanh_kernel::launch_unchecked(
                &out.client,
                count,
                dim,
                x.into_tensor_arg(),
                weight.into_tensor_arg(),
                bias.into_tensor_arg(),
                out.clone().into_tensor_arg(),
            );
        }
        out
    }

    fn matmul_and_column_sums(lhs: CubeTensor, rhs: CubeTensor) -> CubeTensor {
        let (lhs, rhs) = (untile(lhs), untile(rhs));
        let out = empty(&lhs, product_and_sums_shape(lhs.meta.shape(), rhs.meta.shape()));
        let (count, dim) = grid(&out, 0);
        unsafe {
            matmul_and_sums_kernel::launch_unchecked(&out.client, count, dim, lhs.into_tensor_arg(), rhs.into_tensor_arg(), out.clone().into_tensor_arg());
        }
        out
    }

    fn scaled_rows_matmul_and_column_sums(lhs: CubeTensor, rhs: CubeTensor, row_scale: CubeTensor) -> CubeTensor {
        let (lhs, rhs, row_scale) = (untile(lhs), untile(rhs), untile(row_scale));
        let out = empty(&lhs, product_and_sums_shape(lhs.meta.shape(), rhs.meta.shape()));
        let (count, dim) = grid(&out, 0);
        unsafe {
            scaled_matmul_and_sums_kernel::launch_unchecked(
                &out.client,
                count,
                dim,
                lhs.into_tensor_arg(),
                rhs.into_tensor_arg(),
                row_scale.into_tensor_arg(),
                out.clone().into_tensor_arg(),
            );
        }
        out
    }

    fn matmul_into(lhs: CubeTensor, rhs: CubeTensor, addend: CubeTensor) -> CubeTensor {
        let (lhs, rhs, addend) = (untile(lhs), untile(rhs), untile(addend));
        let out = empty(&lhs, addend.meta.shape().clone());
        let (count, dim) = grid(&out, 0);
        unsafe {
            matmul_into_kernel::launch_unchecked(
                &out.client,
                count,
                dim,
                lhs.into_tensor_arg(),
                rhs.into_tensor_arg(),
                addend.into_tensor_arg(),
                out.clone().into_tensor_arg(),
            );
        }
        out
    }

    fn back_through_layer(
        u: CubeTensor,
        rhs: CubeTensor,
        x: CubeTensor,
        lhs: CubeTensor,
        row_scale: CubeTensor,
        below_zero: f32,
        at_zero: f32,
    ) -> (CubeTensor, CubeTensor) {
        let (u, rhs, x, lhs, row_scale) = (untile(u), untile(rhs), untile(x), untile(lhs), untile(row_scale));
        let back = empty_product(&u, &rhs);
        let grads = empty(&u, product_and_sums_shape(lhs.meta.shape(), u.meta.shape()));
        // The gradients' invocations follow the back pass's.
        let (count, dim) = grid(&back, grads.meta.shape().num_elements());
        unsafe {
            back_through_layer_kernel::launch_unchecked(
                &back.client,
                count,
                dim,
                u.into_tensor_arg(),
                rhs.into_tensor_arg(),
                x.into_tensor_arg(),
                lhs.into_tensor_arg(),
                row_scale.into_tensor_arg(),
                back.clone().into_tensor_arg(),
                grads.clone().into_tensor_arg(),
                below_zero,
                at_zero,
            );
        }
        (back, grads)
    }

    fn forward_through_layer(
        lhs: CubeTensor,
        rhs: CubeTensor,
        x: CubeTensor,
        a: CubeTensor,
        grads: CubeTensor,
        below_zero: f32,
        at_zero: f32,
    ) -> (CubeTensor, CubeTensor) {
        let (lhs, rhs, x, a, grads) = (untile(lhs), untile(rhs), untile(x), untile(a), untile(grads));
        let next = empty_product(&lhs, &rhs);
        let out = empty(&grads, grads.meta.shape().clone());
        // The gradients' invocations follow the next step's.
        let (count, dim) = grid(&next, out.meta.shape().num_elements());
        unsafe {
            forward_through_layer_kernel::launch_unchecked(
                &next.client,
                count,
                dim,
                lhs.into_tensor_arg(),
                rhs.into_tensor_arg(),
                x.into_tensor_arg(),
                a.into_tensor_arg(),
                grads.into_tensor_arg(),
                next.clone().into_tensor_arg(),
                out.clone().into_tensor_arg(),
                below_zero,
                at_zero,
            );
        }
        (next, out)
    }

    fn matmul_then_tanh_slope(lhs: CubeTensor, rhs: CubeTensor, y: CubeTensor) -> CubeTensor {
        let (lhs, rhs, y) = (untile(lhs), untile(rhs), untile(y));
        let out = empty_product(&lhs, &rhs);
        let (count, dim) = grid(&out, 0);
        unsafe {
            matmul_tanh_slope_kernel::launch_unchecked(
                &out.client,
                count,
                dim,
                lhs.into_tensor_arg(),
                rhs.into_tensor_arg(),
                y.into_tensor_arg(),
                out.clone().into_tensor_arg(),
            );
        }
        out
    }

    fn matmul_then_slope(lhs: CubeTensor, rhs: CubeTensor, x: CubeTensor, below_zero: f32, at_zero: f32) -> CubeTensor {
        let (lhs, rhs, x) = (untile(lhs), untile(rhs), untile(x));
        let out = empty_product(&lhs, &rhs);
        let (count, dim) = grid(&out, 0);
        unsafe {
            matmul_slope_kernel::launch_unchecked(
                &out.client,
                count,
                dim,
                lhs.into_tensor_arg(),
                rhs.into_tensor_arg(),
                x.into_tensor_arg(),
                out.clone().into_tensor_arg(),
                below_zero,
                at_zero,
            );
        }
        out
    }
}

/// A new contiguous tensor for `lhs · rhs`. // [m, n]
fn empty_product(lhs: &CubeTensor, rhs: &CubeTensor) -> CubeTensor {
    empty(lhs, product_shape(lhs.meta.shape(), rhs.meta.shape()))
}

/// A new contiguous tensor of `shape` on `like`'s device, of its type.
fn empty(like: &CubeTensor, shape: Shape) -> CubeTensor {
    empty_device_contiguous_dtype(like.client.clone(), like.device.clone(), shape, like.dtype)
}

/// Cubes for one invocation per element of `out` and `extra` more.
fn grid(out: &CubeTensor, extra: usize) -> (CubeCount, CubeDim) {
    let elements = out.meta.shape().num_elements() + extra;
    let dim = CubeDim::new(&out.client, elements);
    (calculate_cube_count_elemwise(&out.client, elements, dim), dim)
}
