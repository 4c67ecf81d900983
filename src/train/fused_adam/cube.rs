//! One layer's Adam update on WebGPU in one kernel: the weight and the bias from gradients
//! joined in one matrix ([`LinearGrads::Joined`](crate::train::manual_grads::LinearGrads)),
//! with both moments in one more. Fusion makes each parameter's update one kernel, but a layer
//! then takes two, and a weight whose update does not fit one kernel's bindings takes more.
//! This one binds seven tensors, within the eight storage buffers WebGPU guarantees with the
//! one the kernel's metadata takes.

use burn::backend::fusion::custom::TensorSpec;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, backend_extension};
use burn_cubecl::CubeBackend;
use burn_cubecl::kernel::untile;
use burn_cubecl::ops::numeric::empty_device_contiguous_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::*;
use cubecl::{CubeDim, calculate_cube_count_elemwise};

#[backend_extension(Cube, Fusion)]
pub trait LayerAdam: Backend {
    /// A layer's weight, bias and moments after one Adam step; `grads` holds the weight's
    /// gradient with the bias's as its last row, `moments` the first moments over the second,
    /// in the same layout.
    #[fusion(meta = adam_specs)]
    fn adam_layer(
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        grads: FloatTensor<Self>,
        moments: FloatTensor<Self>,
        beta1: f32,
        beta2: f32,
        step_size: f32,
        epsilon: f32,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>);
}

/// What `adam_layer` returns: tensors shaped as its inputs.
#[allow(clippy::too_many_arguments)]
fn adam_specs(
    weight: &TensorSpec,
    bias: &TensorSpec,
    _grads: &TensorSpec,
    moments: &TensorSpec,
    _beta1: &f32,
    _beta2: &f32,
    _step_size: &f32,
    _epsilon: &f32,
) -> (TensorSpec, TensorSpec, TensorSpec) {
    (weight.clone(), bias.clone(), moments.clone())
}

/// One element of `grads` per invocation: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², and
/// the parameter it belongs to (a weight's element, or in the last row a bias's) less
/// step_size·m / (√v + ε), exactly as `Update::apply` orders it.
#[cube(launch_unchecked)]
fn adam_layer_kernel(
    weight: &Tensor<f32>,
    bias: &Tensor<f32>,
    grads: &Tensor<f32>,
    moments: &Tensor<f32>,
    new_weight: &mut Tensor<f32>,
    new_bias: &mut Tensor<f32>,
    new_moments: &mut Tensor<f32>,
    beta1: f32,
    beta2: f32,
    step_size: f32,
    epsilon: f32,
) {
    let (rows, columns) = (grads.shape(0), grads.shape(1));
    if ABSOLUTE_POS >= rows * columns {
        terminate!();
    }
    let (row, column) = (ABSOLUTE_POS / columns, ABSOLUTE_POS % columns);
    let g = grads[row * grads.stride(0) + column * grads.stride(1)];
    let (at_m, at_v) = (row * moments.stride(0) + column * moments.stride(1), (row + rows) * moments.stride(0) + column * moments.stride(1));
    let first = moments[at_m] * beta1 + g * (1.0 - beta1);
    let second = moments[at_v] * beta2 + g * g * (1.0 - beta2);
    let step = first * step_size / (f32::sqrt(second) + epsilon);
    let (at_new_m, at_new_v) = (row * new_moments.stride(0) + column * new_moments.stride(1), (row + rows) * new_moments.stride(0) + column * new_moments.stride(1));
    new_moments[at_new_m] = first;
    new_moments[at_new_v] = second;
    if row < rows - 1 {
        let (at, at_new) = (row * weight.stride(0) + column * weight.stride(1), row * new_weight.stride(0) + column * new_weight.stride(1));
        new_weight[at_new] = weight[at] - step;
    } else {
        let at_new = column * new_bias.stride(0);
        new_bias[at_new] = bias[column * bias.stride(0)] - step;
    }
}

// Safety: the kernel reads `grads` within its shape, `moments` within twice its rows, the weight
// within its rows (one fewer than the gradients') and the bias within its columns, as
// `Update::apply_joined` checks, and writes each output at the same positions.
impl LayerAdam for CubeBackend {
    fn adam_layer(
        weight: CubeTensor,
        bias: CubeTensor,
        grads: CubeTensor,
        moments: CubeTensor,
        beta1: f32,
        beta2: f32,
        step_size: f32,
        epsilon: f32,
    ) -> (CubeTensor, CubeTensor, CubeTensor) {
        let (weight, bias, grads, moments) = (untile(weight), untile(bias), untile(grads), untile(moments));
        let empty_like = |t: &CubeTensor| empty_device_contiguous_dtype(t.client.clone(), t.device.clone(), t.meta.shape().clone(), t.dtype);
        let (new_weight, new_bias, new_moments) = (empty_like(&weight), empty_like(&bias), empty_like(&moments));
        let elements = grads.meta.shape().num_elements();
        let dim = CubeDim::new(&grads.client, elements);
        let count = calculate_cube_count_elemwise(&grads.client, elements, dim);
        unsafe {
            adam_layer_kernel::launch_unchecked(
                &new_moments.client,
                count,
                dim,
                weight.into_tensor_arg(),
                bias.into_tensor_arg(),
                grads.into_tensor_arg(),
                moments.into_tensor_arg(),
                new_weight.clone().into_tensor_arg(),
                new_bias.clone().into_tensor_arg(),
                new_moments.clone().into_tensor_arg(),
                beta1,
                beta2,
                step_size,
                epsilon,
            );
        }
        (new_weight, new_bias, new_moments)
    }
}
