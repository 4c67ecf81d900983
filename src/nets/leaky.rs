//! LeakyReLU's slope as one tensor operation with its own backward pass, for the critics (the
//! DCGAN's D, and the MLP's where autodiff trains it).
//!
//! Written with burn's ops, x ⊙ slope(x) is a comparison, a multiply and a select, and autodiff
//! takes it back with six more: a zero fill and a select per branch, the multiply's derivative
//! and the sum of the two. On the CPU each of those is a pass over the tensor; on WebGPU they
//! sit between convolutions, where fusion cannot join them, so most run as kernels of their
//! own. As one operation it is one pass (one fused kernel) forward and one back, since the
//! slope pattern is constant almost everywhere: d(v ⊙ s(x))/dv = s(x), and nothing flows to x.

use burn::backend::autodiff::checkpoint::{base::Checkpointer, strategy::CheckpointStrategy};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::autodiff::Autodiff;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, Dispatch, Flex, TensorMetadata, backend_extension, get_or_init_device_settings};
use burn::prelude::*;

/// LeakyReLU of `x` with `slope` below zero. // [n, …]
pub fn leaky_relu<const D: usize>(x: Tensor<D>, slope: f64) -> Tensor<D> {
    scale_by_slope(x.clone(), x, slope)
}

/// `value` times LeakyReLU's slope at `x`: `value` where x ≥ 0, slope · `value` below, with no
/// gradient to `x`. `value` may be a single row, broadcast over `x`'s. // [n, …]
pub fn scale_by_slope<const D: usize>(value: Tensor<D>, x: Tensor<D>, slope: f64) -> Tensor<D> {
    let value = match value.dims() == x.dims() {
        true => value,
        false => value.expand(x.shape()),
    };
    Tensor::from_dispatch(Dispatch::scale_by_leaky_slope(value.into_dispatch(), x.into_dispatch(), slope as f32))
}

#[backend_extension(Cube: cfg(feature = "webgpu"), Flex, Fusion: cfg(feature = "webgpu"), Autodiff)]
pub trait LeakySlope: Backend {
    /// `value` where `x` ≥ 0, else `slope` · `value`. burn's ops by default, which fusion joins.
    #[fusion(default)]
    fn scale_by_leaky_slope(value: FloatTensor<Self>, x: FloatTensor<Self>, slope: f32) -> FloatTensor<Self> {
        let bool_dtype = get_or_init_device_settings::<Self>(&x.device()).bool_dtype;
        let below = Self::float_lower_elem(x, 0.0.into(), bool_dtype);
        Self::float_mask_where(value.clone(), below, Self::float_mul_scalar(value, slope.into()))
    }
}

#[cfg(feature = "webgpu")]
impl LeakySlope for burn_cubecl::CubeBackend {}

impl LeakySlope for Flex {
    /// One pass, in place when `value` is not shared.
    fn scale_by_leaky_slope(value: FloatTensor<Self>, x: FloatTensor<Self>, slope: f32) -> FloatTensor<Self> {
        let slope64 = f64::from(slope);
        burn::backend::flex::ops::binary::binary_op(
            value,
            x,
            move |v: f32, x: f32| if x < 0.0 { v * slope } else { v },
            move |v: f64, x: f64| if x < 0.0 { v * slope64 } else { v },
            None,
        )
    }
}

impl<B: LeakySlope, C: CheckpointStrategy> LeakySlope for Autodiff<B, C> {
    fn scale_by_leaky_slope(value: FloatTensor<Self>, x: FloatTensor<Self>, slope: f32) -> FloatTensor<Self> {
        /// Back to `value` through the same slopes; `x` is a constant here.
        #[derive(Debug)]
        struct ScaleBackward;

        impl<B: LeakySlope> Backward<B, 1> for ScaleBackward {
            type State = (FloatTensor<B>, f32);

            fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
                let [value] = ops.parents;
                let grad = grads.consume::<B>(&ops.node);
                let (x, slope) = ops.state;
                if let Some(value) = value {
                    grads.register::<B>(value.id, B::scale_by_leaky_slope(grad, x, slope));
                }
            }
        }

        let x = x.into_primitive();
        match ScaleBackward.prepare::<C>([value.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let out = B::scale_by_leaky_slope(value.into_primitive(), x.clone(), slope);
                prep.finish((x, slope), out)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::scale_by_leaky_slope(value.into_primitive(), x, slope)),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn tensor(values: &[f32], shape: [usize; 2], device: &Device) -> Tensor<2> {
        Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
    }

    fn read(tensor: Tensor<2>) -> Vec<f32> {
        tensor.into_data().try_to_vec::<f32>().unwrap()
    }

    /// The operation and its gradient, against the same slopes written with burn's ops under
    /// autodiff: for a value of x's shape and for a single row broadcast over x's rows, and as
    /// the LeakyReLU itself, whose gradient reaches x.
    #[test]
    fn matches_burns_ops_and_their_gradients() {
        let device = Device::flex().autodiff();
        let slope = 0.2;
        // Below, at and above zero.
        let x = tensor(&[-1.5, 0.0, 2.0, -0.25, 0.5, -3.0, 0.0, 1.0, -2.0, 4.0, -0.5, 0.25], [3, 4], &device);
        let weights = tensor(&[0.3, -1.2, 0.7, 2.0, -0.4, 1.1, 0.9, -0.6, 1.5, 0.2, -2.2, 0.8], [3, 4], &device);
        let reference = |value: Tensor<2>, x: Tensor<2>| {
            let value = value.expand([3, 4]);
            value.clone().mask_where(x.lower_elem(0.0), value.mul_scalar(slope))
        };
        let cases: [&[f32]; 2] = [&[0.5, -1.0, 1.5, 2.0, -0.5, 0.75, -2.0, 1.0, 3.0, -1.5, 0.25, -0.75], &[0.5, -1.0, 1.5, 2.0]];
        for values in cases {
            let shape = [values.len() / 4, 4];
            let (ours, theirs) = [true, false].map(|ours| {
                let value = tensor(values, shape, &device).require_grad();
                let out = match ours {
                    true => scale_by_slope(value.clone(), x.clone().detach(), slope),
                    false => reference(value.clone(), x.clone().detach()),
                };
                let grads = (out.clone() * weights.clone()).sum().backward();
                (read(out), value.grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap())
            }).into();
            assert_eq!(ours, theirs, "value of shape {shape:?}: outputs, then gradients");
            assert!(ours.1.iter().any(|g| *g != 0.0), "a zero gradient proves nothing");
        }
        let (ours, theirs) = [true, false].map(|ours| {
            let x = x.clone().require_grad();
            let out = match ours {
                true => leaky_relu(x.clone(), slope),
                false => burn::tensor::activation::leaky_relu(x.clone(), slope),
            };
            let grads = (out.clone() * weights.clone()).sum().backward();
            (read(out), x.grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap())
        }).into();
        assert_eq!(ours, theirs, "LeakyReLU: outputs, then gradients");
    }
}
