//! Adam over any burn module, the autodiff trainer's optimizer: the same update as
//! `FusedAdam` (and as burn's Adam), with each parameter's moments kept under its path in the
//! module (`up1_norm.gamma`) rather than under a `ParamId`, which differs from one run to the
//! next. So a checkpoint can hold the moments by name and a new trainer can take them back;
//! burn 0.22.1's own optimizer record reads its moments back synchronously, which panics on
//! WebGPU in the browser.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;

use super::fused_adam::{AdamState, Update};
use crate::config::OptimConfig;

/// Adam for every float parameter of a module that has a gradient; the moments persist across
/// steps.
pub struct ModuleAdam {
    settings: OptimConfig,
    time: i32,
    /// Each parameter's shape and its first and second moments, flattened, by path.
    moments: HashMap<String, (Vec<usize>, [Tensor<1>; 2])>,
}

impl ModuleAdam {
    pub fn new(settings: OptimConfig) -> Self {
        Self { settings, time: 0, moments: HashMap::new() }
    }

    /// Updates every parameter of `module` that `grads` has a gradient for.
    pub fn step<M: Module>(&mut self, module: M, mut grads: GradientsParams) -> M {
        self.time += 1;
        let mut stepper = Stepper {
            path: Vec::new(),
            update: Update::at(&self.settings, self.time),
            grads: &mut grads,
            moments: &mut self.moments,
        };
        module.map(&mut stepper)
    }

    /// The step count and every moment by parameter path, sorted by path.
    pub fn state(&self) -> AdamState {
        let mut moments: Vec<_> = self
            .moments
            .iter()
            .map(|(name, (shape, m))| (name.clone(), shape.clone(), m.clone()))
            .collect();
        moments.sort_by(|a, b| a.0.cmp(&b.0));
        AdamState { time: self.time, moments }
    }

    /// Continues from `state`, as [`state`](Self::state) gave it.
    pub fn restore(&mut self, state: AdamState) {
        self.time = state.time;
        self.moments = state.moments.into_iter().map(|(name, shape, m)| (name, (shape, m))).collect();
    }
}

/// Walks a module once per step, updating each parameter from its gradient.
struct Stepper<'a> {
    path: Vec<String>,
    update: Update,
    grads: &'a mut GradientsParams,
    moments: &'a mut HashMap<String, (Vec<usize>, [Tensor<1>; 2])>,
}

impl ModuleMapper for Stepper<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(grad) = self.grads.remove::<D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let path = self.path.join(".");
        let require_grad = tensor.is_require_grad();
        let dims: [usize; D] = tensor.dims();
        let moments = self
            .moments
            .remove(&path)
            .map(|(_, [first, second])| [first.reshape(dims), second.reshape(dims)]);
        // A convolution's weight gradient comes back from burn's WebGPU kernels, which work in
        // NHWC, as a permuted view. With such an input among them, fusion ran every op of the
        // updates as a kernel of its own: 69 more dispatches a step in the DCGAN preset. Through
        // the flat shape and back it is contiguous: a copy where it was a view, free elsewhere.
        let grad = grad.inner().flatten::<1>(0, D - 1).reshape(dims);
        let (value, [first, second]) = self.update.apply(tensor.inner(), grad, moments);
        let flat = |t: Tensor<D>| t.flatten::<1>(0, D - 1);
        self.moments.insert(path, (dims.to_vec(), [flat(first), flat(second)]));
        let mut value = Tensor::from_inner(value);
        if require_grad {
            value = value.require_grad();
        }
        Param::from_mapped_value(id, value, mapper)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use burn::nn::{Linear, LinearConfig};
    use burn::optim::{AdamConfig, ModuleOptimizer};

    /// Three steps on a linear layer agree with burn's Adam on the same gradients.
    #[test]
    fn matches_burn_adam() {
        let device = Device::flex().autodiff();
        let settings = OptimConfig::new().with_learning_rate(0.01).with_beta1(0.5).with_epsilon(1e-8);
        let layer: Linear = LinearConfig::new(3, 2).init(&device);
        let (mut ours, mut theirs) = (layer.clone(), layer);
        let mut adam = ModuleAdam::new(settings);
        let mut reference: ModuleOptimizer = AdamConfig::new().with_beta_1(0.5).with_epsilon(1e-8).init();
        for step in 0..3 {
            let input = Tensor::<2>::from_floats([[1.0, -2.0, 0.5 + step as f32]], &device);
            let loss = |l: &Linear| l.forward(input.clone()).square().sum();
            let grads = GradientsParams::from_grads(loss(&ours).backward(), &ours);
            ours = adam.step(ours, grads);
            let grads = GradientsParams::from_grads(loss(&theirs).backward(), &theirs);
            theirs = reference.step(0.01, theirs, grads);
        }
        let read = |l: &Linear| l.weight.val().into_data().try_to_vec::<f32>().unwrap();
        for (a, b) in read(&ours).iter().zip(read(&theirs)) {
            assert!((a - b).abs() < 1e-6, "{a} vs burn {b}");
        }
        assert_eq!(adam.state().moments.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(), ["bias", "weight"]);
    }
}
