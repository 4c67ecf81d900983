//! The WebGPU kernels behind `matmul`'s functions, in CubeCL's kernel language: one output
//! element per invocation, each operand read through its strides. `super` launches them.

use cubecl::prelude::*;

/// Σ_k lhs[row, k]·rhs[k, column], a dot product along the shared dimension.
#[cube]
fn dot(lhs: &Tensor<f32>, rhs: &Tensor<f32>, row: usize, column: usize) -> f32 {
    let (lhs_step, rhs_step) = (lhs.stride(1), rhs.stride(0));
    let mut at_lhs = row * lhs.stride(0);
    let mut at_rhs = column * rhs.stride(1);
    let mut sum = 0.0f32;
    for _ in 0..lhs.shape(1) {
        sum += lhs[at_lhs] * rhs[at_rhs];
        at_lhs += lhs_step;
        at_rhs += rhs_step;
    }
    sum
}

/// Σ_k lhs[row, k]·scale[k]·rhs[k, column]: `dot` with each row of `rhs` scaled.
#[cube]
fn scaled_dot(lhs: &Tensor<f32>, rhs: &Tensor<f32>, scale: &Tensor<f32>, row: usize, column: usize) -> f32 {
    let (lhs_step, rhs_step, scale_step) = (lhs.stride(1), rhs.stride(0), scale.stride(0));
    let mut at_lhs = row * lhs.stride(0);
    let mut at_rhs = column * rhs.stride(1);
    let mut at_scale = 0;
    let mut sum = 0.0f32;
    for _ in 0..lhs.shape(1) {
        sum += lhs[at_lhs] * scale[at_scale] * rhs[at_rhs];
        at_lhs += lhs_step;
        at_rhs += rhs_step;
        at_scale += scale_step;
    }
    sum
}

/// Σ_k scale[k]·rhs[k, column], a column's sum with each row scaled.
#[cube]
fn scaled_column_sum(rhs: &Tensor<f32>, scale: &Tensor<f32>, column: usize) -> f32 {
    let (step, scale_step) = (rhs.stride(0), scale.stride(0));
    let mut at = column * rhs.stride(1);
    let mut at_scale = 0;
    let mut sum = 0.0f32;
    for _ in 0..rhs.shape(0) {
        sum += scale[at_scale] * rhs[at];
        at += step;
        at_scale += scale_step;
    }
    sum
}

/// Element `position` of `out = (lhs · rhs) ⊙ slope(x)`, the slope `below_zero` where x < 0,
/// `at_zero` where x = 0 and 1 elsewhere.
#[cube]
fn write_product_times_slope(
    lhs: &Tensor<f32>,
    rhs: &Tensor<f32>,
    x: &Tensor<f32>,
    out: &mut Tensor<f32>,
    position: usize,
    below_zero: f32,
    at_zero: f32,
) {
    let columns = out.shape(1);
    let (row, column) = (position / columns, position % columns);
    let at_x = x[row * x.stride(0) + column * x.stride(1)];
    let mut slope = 1.0f32;
    if at_x < 0.0 {
        slope = below_zero;
    } else if at_x == 0.0 {
        slope = at_zero;
    }
    let at_out = row * out.stride(0) + column * out.stride(1);
    out[at_out] = dot(lhs, rhs, row, column) * slope;
}

/// Element `position` of `out`: `lhs · diag(scale) · rhs` in its first rows, and in its last
/// the column sums of `diag(scale) · rhs`; past the last row, nothing.
#[cube]
fn write_scaled_product_and_sums(lhs: &Tensor<f32>, rhs: &Tensor<f32>, scale: &Tensor<f32>, out: &mut Tensor<f32>, position: usize) {
    let columns = out.shape(1);
    let (row, column) = (position / columns, position % columns);
    let products = out.shape(0) - 1;
    let at_out = row * out.stride(0) + column * out.stride(1);
    if row < products {
        out[at_out] = scaled_dot(lhs, rhs, scale, row, column);
    } else if row == products {
        out[at_out] = scaled_column_sum(rhs, scale, column);
    }
}

/// One element of `out = alpha · lhs · rhs` per invocation.
#[cube(launch_unchecked)]
pub(super) fn plain_matmul_kernel(lhs: &Tensor<f32>, rhs: &Tensor<f32>, out: &mut Tensor<f32>, alpha: f32) {
    let columns = out.shape(1);
    if ABSOLUTE_POS >= out.shape(0) * columns {
        terminate!();
    }
    let (row, column) = (ABSOLUTE_POS / columns, ABSOLUTE_POS % columns);
    let at_out = row * out.stride(0) + column * out.stride(1);
    out[at_out] = dot(lhs, rhs, row, column) * alpha;
}

/// One element of pre = x·W + b per invocation, and of post = pre, times `below_zero` where
/// pre < 0.
#[cube(launch_unchecked)]
pub(super) fn affine_rectifier_kernel(x: &Tensor<f32>, weight: &Tensor<f32>, bias: &Tensor<f32>, pre: &mut Tensor<f32>, post: &mut Tensor<f32>, below_zero: f32) {
    let columns = pre.shape(1);
    if ABSOLUTE_POS >= pre.shape(0) * columns {
        terminate!();
    }
    let (row, column) = (ABSOLUTE_POS / columns, ABSOLUTE_POS % columns);
    let value = dot(x, weight, row, column) + bias[column * bias.stride(0)];
    let at_pre = row * pre.stride(0) + column * pre.stride(1);
    pre[at_pre] = value;
    let mut activated = value;
    if value < 0.0 {
        activated = value * below_zero;
    }
    let at_post = row * post.stride(0) + column * post.stride(1);
    post[at_post] = activated;
}

/// One element of tanh(x·W + b) per invocation.
#[cube(launch_unchecked)]
pub(super) fn affine_tanh_kernel(x: &Tensor<f32>, weight: &Tensor<f32>, bias: &Tensor<f32>, out: &mut Tensor<f32>) {
    let columns = out.shape(1);
    if ABSOLUTE_POS >= out.shape(0) * columns {
        terminate!();
    }
    let (row, column) = (ABSOLUTE_POS / columns, ABSOLUTE_POS % columns);
    let value = dot(x, weight, row, column) + bias[column * bias.stride(0)];
    let at_out = row * out.stride(0) + column * out.stride(1);
    out[at_out] = f32::tanh(value);
}

/// One element of `out` per invocation: `lhs · rhs` in its first rows, and in its last the
/// column sums of `rhs`.
#[cube(launch_unchecked)]
pub(super) fn matmul_and_sums_kernel(lhs: &Tensor<f32>, rhs: &Tensor<f32>, out: &mut Tensor<f32>) {
    let columns = out.shape(1);
    let (row, column) = (ABSOLUTE_POS / columns, ABSOLUTE_POS % columns);
    let products = out.shape(0) - 1;
    if row < products {
        let at_out = row * out.stride(0) + column * out.stride(1);
        out[at_out] = dot(lhs, rhs, row, column);
    } else if row == products {
        let step = rhs.stride(0);
        let mut at = column * rhs.stride(1);
        let mut sum = 0.0f32;
        for _ in 0..rhs.shape(0) {
            sum += rhs[at];
            at += step;
        }
        let at_out = row * out.stride(0) + column * out.stride(1);
        out[at_out] = sum;
    }
}

/// `matmul_and_sums_kernel` with each row of `rhs` scaled by `scale`'s entry for it.
#[cube(launch_unchecked)]
pub(super) fn scaled_matmul_and_sums_kernel(lhs: &Tensor<f32>, rhs: &Tensor<f32>, scale: &Tensor<f32>, out: &mut Tensor<f32>) {
    write_scaled_product_and_sums(lhs, rhs, scale, out, ABSOLUTE_POS);
}

/// One element of `out` per invocation: `addend` plus, in the rows `lhs · rhs` covers, the
/// product's element.
#[cube(launch_unchecked)]
pub(super) fn matmul_into_kernel(lhs: &Tensor<f32>, rhs: &Tensor<f32>, addend: &Tensor<f32>, out: &mut Tensor<f32>) {
    let columns = out.shape(1);
    if ABSOLUTE_POS >= out.shape(0) * columns {
        terminate!();
    }
    let (row, column) = (ABSOLUTE_POS / columns, ABSOLUTE_POS % columns);
    let mut value = addend[row * addend.stride(0) + column * addend.stride(1)];
    if row < lhs.shape(0) {
        value += dot(lhs, rhs, row, column);
    }
    let at_out = row * out.stride(0) + column * out.stride(1);
    out[at_out] = value;
}

/// A layer's backward pass, one element of either output per invocation: first
/// `back = (u · rhs) ⊙ slope(x)`, then `grads = lhs · diag(scale) · u` over the column sums of
/// `diag(scale) · u`.
#[cube(launch_unchecked)]
#[allow(clippy::too_many_arguments)]
pub(super) fn back_through_layer_kernel(
    u: &Tensor<f32>,
    rhs: &Tensor<f32>,
    x: &Tensor<f32>,
    lhs: &Tensor<f32>,
    scale: &Tensor<f32>,
    back: &mut Tensor<f32>,
    grads: &mut Tensor<f32>,
    below_zero: f32,
    at_zero: f32,
) {
    let backs = back.shape(0) * back.shape(1);
    if ABSOLUTE_POS < backs {
        write_product_times_slope(u, rhs, x, back, ABSOLUTE_POS, below_zero, at_zero);
    } else {
        write_scaled_product_and_sums(lhs, u, scale, grads, ABSOLUTE_POS - backs);
    }
}

/// A step of a chain forward through a layer, one element of either output per invocation:
/// first `next = (lhs · rhs) ⊙ slope(x)`, then `out = grads` plus `lhsᵀ · a` in its first rows.
#[cube(launch_unchecked)]
#[allow(clippy::too_many_arguments)]
pub(super) fn forward_through_layer_kernel(
    lhs: &Tensor<f32>,
    rhs: &Tensor<f32>,
    x: &Tensor<f32>,
    a: &Tensor<f32>,
    grads: &Tensor<f32>,
    next: &mut Tensor<f32>,
    out: &mut Tensor<f32>,
    below_zero: f32,
    at_zero: f32,
) {
    let nexts = next.shape(0) * next.shape(1);
    if ABSOLUTE_POS < nexts {
        write_product_times_slope(lhs, rhs, x, next, ABSOLUTE_POS, below_zero, at_zero);
    } else {
        let columns = out.shape(1);
        let (row, column) = ((ABSOLUTE_POS - nexts) / columns, (ABSOLUTE_POS - nexts) % columns);
        if row < out.shape(0) {
            let mut value = grads[row * grads.stride(0) + column * grads.stride(1)];
            if row < lhs.shape(1) {
                // Σ_k lhs[k, row]·a[k, column], the transposed product's element.
                let (lhs_step, a_step) = (lhs.stride(0), a.stride(0));
                let mut at_lhs = row * lhs.stride(1);
                let mut at_a = column * a.stride(1);
                for _ in 0..lhs.shape(0) {
                    value += lhs[at_lhs] * a[at_a];
                    at_lhs += lhs_step;
                    at_a += a_step;
                }
            }
            let at_out = row * out.stride(0) + column * out.stride(1);
            out[at_out] = value;
        }
    }
}

/// `plain_matmul_kernel` with each element then multiplied by tanh's slope 1 − y² at `y`.
#[cube(launch_unchecked)]
pub(super) fn matmul_tanh_slope_kernel(lhs: &Tensor<f32>, rhs: &Tensor<f32>, y: &Tensor<f32>, out: &mut Tensor<f32>) {
    let columns = out.shape(1);
    if ABSOLUTE_POS >= out.shape(0) * columns {
        terminate!();
    }
    let (row, column) = (ABSOLUTE_POS / columns, ABSOLUTE_POS % columns);
    let at_y = y[row * y.stride(0) + column * y.stride(1)];
    let at_out = row * out.stride(0) + column * out.stride(1);
    out[at_out] = dot(lhs, rhs, row, column) * (1.0 - at_y * at_y);
}

/// `plain_matmul_kernel` with each element then multiplied by `below_zero` where `x` < 0 and
/// by `at_zero` where `x` = 0.
#[cube(launch_unchecked)]
pub(super) fn matmul_slope_kernel(lhs: &Tensor<f32>, rhs: &Tensor<f32>, x: &Tensor<f32>, out: &mut Tensor<f32>, below_zero: f32, at_zero: f32) {
    if ABSOLUTE_POS >= out.shape(0) * out.shape(1) {
        terminate!();
    }
    write_product_times_slope(lhs, rhs, x, out, ABSOLUTE_POS, below_zero, at_zero);
}
