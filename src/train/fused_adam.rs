//! Adam written as one elementwise chain per parameter, so fusion turns each update into a
//! single kernel (burn's optimizer issues about 13 separate ops per parameter); on WebGPU, where
//! a layer's gradients come joined in one matrix, one kernel per layer (`cube`).

use burn::module::Param;
use burn::nn::Linear;
use burn::prelude::*;

use super::manual_grads::LinearGrads;
#[cfg(feature = "webgpu")]
use super::manual_grads::matmul::on_cube;
use crate::config::OptimConfig;
#[cfg(feature = "webgpu")]
use {burn::backend::Dispatch, cube::LayerAdam};

/// Adam for a network of linear layers, the same update as `burn::optim::Adam` without weight
/// decay; the moments persist across steps.
pub struct FusedAdam {
    settings: OptimConfig,
    time: i32,
    /// First and second moments of each layer's weight and bias, once it has been updated.
    moments: Vec<Option<LayerMoments>>,
    /// First and second moments of each plain matrix `step_matrices` updates.
    matrix_moments: Vec<Option<[Tensor<2>; 2]>>,
}

/// A layer's first and second moments, laid out as its gradients come.
#[derive(Clone)]
enum LayerMoments {
    /// The weight's and the bias's apart. // [in, out] twice, [out] twice
    Split { weight: [Tensor<2>; 2], bias: [Tensor<1>; 2] },
    /// The first moments over the second, each as [`LinearGrads::Joined`] lays out a layer's
    /// gradients, the bias's in the last row. // [2·(in + 1), out]
    Joined(Tensor<2>),
}

impl LayerMoments {
    /// The weight's and the bias's moments apart.
    fn split(self) -> ([Tensor<2>; 2], [Tensor<1>; 2]) {
        match self {
            LayerMoments::Split { weight, bias } => (weight, bias),
            LayerMoments::Joined(moments) => {
                let rows = moments.dims()[0] / 2; // in + 1
                let half = |at: usize| moments.clone().slice(at * rows..(at + 1) * rows); // [in + 1, out]
                let [first, second] = [half(0), half(1)];
                let weight = [first.clone().slice(0..rows - 1), second.clone().slice(0..rows - 1)];
                let bias = [first, second].map(|m| m.slice(rows - 1..rows).flatten(0, 1));
                (weight, bias)
            }
        }
    }

    /// Both moments in one matrix, as [`LayerMoments::Joined`] holds them. // [2·(in + 1), out]
    fn joined(self) -> Tensor<2> {
        match self {
            LayerMoments::Joined(moments) => moments,
            LayerMoments::Split { weight: [mw, vw], bias: [mb, vb] } => Tensor::cat(vec![mw, mb.unsqueeze(), vw, vb.unsqueeze()], 0),
        }
    }
}

impl FusedAdam {
    pub fn new(settings: OptimConfig) -> Self {
        Self {
            settings,
            time: 0,
            moments: Vec::new(),
            matrix_moments: Vec::new(),
        }
    }

    /// This step's constants.
    fn update(&self) -> Update {
        Update::at(&self.settings, self.time)
    }

    /// The step count and every moment, each under `{layer}.weight`, `{layer}.bias` or the
    /// matrix's name: `layers` and `matrices` name what `step` and `step_matrices` update, in
    /// their order.
    pub fn state(&self, layers: &[&str], matrices: &[&str]) -> AdamState {
        let mut state = AdamState { time: self.time, moments: Vec::new() };
        for (name, moments) in layers.iter().zip(&self.moments) {
            if let Some(m) = moments {
                let (weight, bias) = m.clone().split();
                state.push(&format!("{name}.weight"), weight);
                state.push(&format!("{name}.bias"), bias);
            }
        }
        for (name, moments) in matrices.iter().zip(&self.matrix_moments) {
            if let Some(m) = moments {
                state.push(name, m.clone());
            }
        }
        state
    }

    /// Continues from `state`, named as [`state`](Self::state) names it. A parameter without
    /// moments there starts from none, as before its first update.
    pub fn restore(&mut self, mut state: AdamState, layers: &[&str], matrices: &[&str]) {
        self.time = state.time;
        self.moments = layers
            .iter()
            .map(|name| {
                let weight = state.take::<2>(&format!("{name}.weight"))?;
                let bias = state.take::<1>(&format!("{name}.bias"))?;
                Some(LayerMoments::Split { weight, bias })
            })
            .collect();
        self.matrix_moments = matrices.iter().map(|name| state.take::<2>(name)).collect();
    }

    /// Updates parameters that belong to no linear layer (a label embedding) as part of the
    /// step `step` just made; call it right after, with them in the same order every step.
    pub fn step_matrices<const N: usize>(&mut self, params: [&mut Param<Tensor<2>>; N], grads: [Tensor<2>; N]) {
        let update = self.update();
        self.matrix_moments.resize_with(N.max(self.matrix_moments.len()), || None);
        for ((param, grad), moments) in params.into_iter().zip(grads).zip(&mut self.matrix_moments) {
            let (value, new_moments) = update.apply(param.val(), grad, moments.take());
            *param = Param::initialized(param.id, value);
            *moments = Some(new_moments);
        }
    }

    /// Updates `layers` in place from their gradients; pass them in the same order every step.
    pub fn step(&mut self, layers: Vec<&mut Linear>, grads: Vec<LinearGrads>) {
        debug_assert_eq!(layers.len(), grads.len(), "a gradient per layer");
        self.time += 1;
        let update = self.update();
        self.moments.resize_with(layers.len().max(self.moments.len()), || None);
        for ((layer, grad), moments) in layers.into_iter().zip(grads).zip(&mut self.moments) {
            let previous = moments.take();
            let bias = layer.bias.as_mut().expect("WebGAN's linear layers have biases");
            let (weight, bias_value, new_moments) = match grad {
                LinearGrads::Split { weight, bias: bias_grad } => {
                    let (weight_moments, bias_moments) = previous.map(LayerMoments::split).unzip();
                    let (weight, weight_moments) = update.apply(layer.weight.val(), weight, weight_moments);
                    let (bias_value, bias_moments) = update.apply(bias.val(), bias_grad, bias_moments);
                    (weight, bias_value, LayerMoments::Split { weight: weight_moments, bias: bias_moments })
                }
                LinearGrads::Joined(grads) => {
                    let moments = previous.map_or_else(|| Tensor::zeros([2 * grads.dims()[0], grads.dims()[1]], &grads.device()), LayerMoments::joined);
                    let (weight, bias_value, moments) = update.apply_joined(layer.weight.val(), bias.val(), grads, moments);
                    (weight, bias_value, LayerMoments::Joined(moments))
                }
            };
            layer.weight = Param::initialized(layer.weight.id, weight);
            *bias = Param::initialized(bias.id, bias_value);
            *moments = Some(new_moments);
        }
    }
}

/// Adam's step count and each parameter's two moments under the parameter's name, flattened:
/// what a checkpoint keeps of an optimizer.
#[derive(Default)]
pub struct AdamState {
    pub time: i32,
    /// Name, shape, and the first and second moments, flattened. // [count] each
    pub moments: Vec<(String, Vec<usize>, [Tensor<1>; 2])>,
}

impl AdamState {
    fn push<const D: usize>(&mut self, name: &str, [first, second]: [Tensor<D>; 2]) {
        let shape = first.dims().to_vec();
        let flat = |t: Tensor<D>| t.flatten::<1>(0, D - 1);
        self.moments.push((name.to_string(), shape, [flat(first), flat(second)]));
    }

    /// The moments of `name` in their shape, taken out of the state.
    pub fn take<const D: usize>(&mut self, name: &str) -> Option<[Tensor<D>; 2]> {
        let at = self.moments.iter().position(|(n, shape, _)| n == name && shape.len() == D)?;
        let (_, shape, [first, second]) = self.moments.swap_remove(at);
        let dims: [usize; D] = shape.try_into().ok()?;
        Some([first.reshape(dims), second.reshape(dims)])
    }
}

/// The per-step constants of an Adam update.
pub(super) struct Update {
    beta1: f32,
    beta2: f32,
    step_size: f32,
    epsilon: f32,
}

impl Update {
    /// The constants of update number `time` (from 1).
    pub(super) fn at(settings: &OptimConfig, time: i32) -> Self {
        let s = settings;
        let correction2 = (1.0 - s.beta2.powi(time)).sqrt();
        Update {
            beta1: s.beta1,
            beta2: s.beta2,
            // lr · √(1−β2ᵗ) / (1−β1ᵗ), and ε scaled by √(1−β2ᵗ), exactly as burn's Adam.
            step_size: s.learning_rate as f32 * correction2 / (1.0 - s.beta1.powi(time)),
            epsilon: s.epsilon * correction2,
        }
    }

    /// Returns the new parameter and its new moments; no moments yet means zeros.
    pub(super) fn apply<const D: usize>(
        &self,
        param: Tensor<D>,
        grad: Tensor<D>,
        moments: Option<[Tensor<D>; 2]>,
    ) -> (Tensor<D>, [Tensor<D>; 2]) {
        // Ordered so each op consumes a tensor nobody else holds: the CPU backend then works
        // in place instead of allocating (WebGPU fuses the chain either way).
        let scaled_square = grad.clone().square().mul_scalar(1.0 - self.beta2);
        let scaled = grad.mul_scalar(1.0 - self.beta1);
        let [first, second] = match moments {
            Some([m, v]) => [
                m.mul_scalar(self.beta1) + scaled,
                v.mul_scalar(self.beta2) + scaled_square,
            ],
            None => [scaled, scaled_square],
        };
        let step = first.clone().mul_scalar(self.step_size)
            / second.clone().sqrt().add_scalar(self.epsilon);
        (param - step, [first, second])
    }

    /// A layer's new weight, bias and moments from [`LinearGrads::Joined`] gradients and
    /// [`LayerMoments::Joined`] moments: one kernel on WebGPU, `apply` over the joined matrix
    /// elsewhere. // [in, out], [out], [2·(in + 1), out]
    fn apply_joined(&self, weight: Tensor<2>, bias: Tensor<1>, grads: Tensor<2>, moments: Tensor<2>) -> (Tensor<2>, Tensor<1>, Tensor<2>) {
        let [rows, columns] = grads.dims();
        assert!(
            weight.dims() == [rows - 1, columns] && bias.dims() == [columns] && moments.dims() == [2 * rows, columns],
            "joined gradients and moments fit the layer"
        );
        #[cfg(feature = "webgpu")]
        if on_cube(&grads) {
            let (weight, bias, grads, moments) = (weight.into_dispatch(), bias.into_dispatch(), grads.into_dispatch(), moments.into_dispatch());
            let (weight, bias, moments) = Dispatch::adam_layer(weight, bias, grads, moments, self.beta1, self.beta2, self.step_size, self.epsilon);
            return (Tensor::from_dispatch(weight), Tensor::from_dispatch(bias), Tensor::from_dispatch(moments));
        }
        let params = Tensor::cat(vec![weight, bias.unsqueeze()], 0); // [in + 1, out]
        let [first, second] = [moments.clone().slice(0..rows), moments.slice(rows..2 * rows)];
        let (params, [first, second]) = self.apply(params, grads, Some([first, second]));
        let bias = params.clone().slice(rows - 1..rows).flatten(0, 1);
        (params.slice(0..rows - 1), bias, Tensor::cat(vec![first, second], 0))
    }
}

#[cfg(feature = "webgpu")]
mod cube;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use burn::optim::{AdamConfig, GradientsParams};

    /// Three steps agree with burn's own Adam on the same gradients.
    #[test]
    fn matches_burn_adam() {
        // burn's optimizer wants an autodiff device; ours works on either.
        let device = Device::flex().autodiff();
        let settings = OptimConfig::new().with_learning_rate(0.01).with_beta1(0.5).with_epsilon(1e-8);
        let weight = Tensor::<2>::from_floats([[0.5, -1.0], [2.0, 0.25]], &device);
        let bias = Tensor::<1>::from_floats([0.1, -0.2], &device);
        let linear = || Linear {
            weight: Param::from_tensor(weight.clone()),
            bias: Some(Param::from_tensor(bias.clone())),
        };
        let mut ours = linear();
        let mut theirs = linear();
        let mut adam = FusedAdam::new(settings);
        let mut reference = AdamConfig::new().with_beta_1(0.5).with_epsilon(1e-8).init();
        for step in 0..3 {
            let g = step as f32 + 1.0;
            let grad_w = Tensor::<2>::from_floats([[g, -0.5 * g], [0.01, 3.0]], &device);
            let grad_b = Tensor::<1>::from_floats([-g, 0.0], &device);
            adam.step(vec![&mut ours], vec![LinearGrads::Split { weight: grad_w.clone(), bias: grad_b.clone() }]);

            let mut grads = GradientsParams::new();
            grads.register(theirs.weight.id, grad_w);
            grads.register(theirs.bias.as_ref().unwrap().id, grad_b);
            theirs = reference.step(0.01, theirs, grads);
        }
        let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
        for (a, b) in read(ours.weight.val()).iter().zip(read(theirs.weight.val())) {
            assert!((a - b).abs() < 1e-6, "{a} vs burn {b}");
        }
        let read = |t: Tensor<1>| t.into_data().try_to_vec::<f32>().unwrap();
        let (a, b) = (read(ours.bias.unwrap().val()), read(theirs.bias.unwrap().val()));
        for (a, b) in a.iter().zip(b) {
            assert!((a - b).abs() < 1e-6, "{a} vs burn {b}");
        }
    }

    /// Gradients joined in one matrix, as WebGPU's kernels write them, step a layer as split
    /// ones do, also through moments that went through a checkpoint's layout between steps.
    #[test]
    fn joined_gradients_step_as_split_ones() {
        let device = Device::flex();
        let settings = OptimConfig::new().with_learning_rate(0.01).with_beta1(0.5);
        let layer = || Linear {
            weight: Param::from_tensor(Tensor::<2>::from_floats([[0.5, -1.0], [2.0, 0.25], [0.1, 0.3]], &device)),
            bias: Some(Param::from_tensor(Tensor::<1>::from_floats([0.1, -0.2], &device))),
        };
        let (mut split, mut joined) = (layer(), layer());
        let (mut adam_split, mut adam_joined) = (FusedAdam::new(settings), FusedAdam::new(settings));
        for step in 0..4 {
            let g = step as f32 + 1.0;
            let weight = Tensor::<2>::from_floats([[g, -0.5 * g], [0.01, 3.0], [-g, 0.2]], &device);
            let bias = Tensor::<1>::from_floats([-g, 0.5], &device);
            adam_split.step(vec![&mut split], vec![LinearGrads::Split { weight: weight.clone(), bias: bias.clone() }]);
            adam_joined.step(vec![&mut joined], vec![LinearGrads::Joined(Tensor::cat(vec![weight, bias.unsqueeze()], 0))]);
            if step == 1 {
                let state = adam_joined.state(&["layer"], &[]);
                adam_joined = FusedAdam::new(settings);
                adam_joined.restore(state, &["layer"], &[]);
            }
        }
        let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
        let close = |a: Vec<f32>, b: Vec<f32>, what: &str| {
            assert_eq!(a.len(), b.len(), "{what}");
            for (a, b) in a.iter().zip(&b) {
                assert!((a - b).abs() < 1e-6, "{what}: joined {a} vs split {b}");
            }
        };
        close(read(joined.weight.val()), read(split.weight.val()), "weight");
        close(read(joined.bias.unwrap().val().unsqueeze()), read(split.bias.unwrap().val().unsqueeze()), "bias");
        let (ours, theirs) = (adam_joined.state(&["layer"], &[]), adam_split.state(&["layer"], &[]));
        assert_eq!((ours.time, ours.moments.len()), (theirs.time, 2), "the step count, and two moments per parameter");
        for ((name, shape, [m, v]), (their_name, their_shape, [their_m, their_v])) in ours.moments.into_iter().zip(theirs.moments) {
            assert_eq!((&name, &shape), (&their_name, &their_shape));
            close(read(m.unsqueeze()), read(their_m.unsqueeze()), &format!("{name}: first moment"));
            close(read(v.unsqueeze()), read(their_v.unsqueeze()), &format!("{name}: second moment"));
        }
    }
}
