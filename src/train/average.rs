//! A running average of G's weights (an exponential moving average, "EMA"), which samples are
//! drawn from: averaging smooths over the oscillation of adversarial training, which the
//! latest weights show as flickering, blurred or broken digits. Both trainers keep one when
//! `stabilizers.average_decay` > 0; it never feeds back into training.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;

use crate::config::GanConfig;

/// The average of a generator `G`'s weights (batch norm's running statistics included),
/// without autodiff and in inference mode.
pub struct WeightAverage<G> {
    decay: f32,
    pub module: G,
}

impl<G: Module> WeightAverage<G> {
    /// An average that starts at `generator`'s weights.
    pub fn new(decay: f32, generator: &G) -> Self {
        Self { decay, module: generator.valid() }
    }

    /// The decay after `updates` earlier updates: `average_decay`, lowered early on to
    /// (1 + t)/(10 + t) so the average is not dominated by the random initial weights.
    pub fn decay_at(&self, updates: u64) -> f32 {
        let t = updates as f32;
        self.decay.min((1.0 + t) / (10.0 + t))
    }

    /// Moves the average towards `latest`: average · d + latest · (1 − d), with d the decay
    /// after `updates` earlier updates.
    pub fn update(&mut self, latest: &G, updates: u64) {
        let decay = self.decay_at(updates);
        let mut collector = Latest(Vec::new());
        latest.visit(&mut collector);
        let mut blend = Blend { latest: collector.0.into_iter(), decay };
        self.module = self.module.clone().map(&mut blend);
    }
}

/// The average `config` asks for (`stabilizers.average_decay` > 0), starting at `generator`.
pub fn average_of<G: Module>(config: &GanConfig, generator: &G) -> Option<WeightAverage<G>> {
    let decay = config.stabilizers.average_decay;
    (decay > 0.0).then(|| WeightAverage::new(decay, generator))
}

/// Every float tensor of a module in visiting order, flattened and without autodiff.
struct Latest(Vec<Tensor<1>>);

impl ModuleVisitor for Latest {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.push(param.val().inner().flatten::<1>(0, D - 1));
    }
}

/// Blends each float tensor of the average with the latest module's, taken in the same order.
struct Blend<I> {
    latest: I,
    decay: f32,
}

impl<I: Iterator<Item = Tensor<1>>> ModuleMapper for Blend<I> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, mean, mapper) = param.consume();
        let latest = self.latest.next().expect("the average and G have the same tensors");
        let dims: [usize; D] = mean.dims();
        let blended = mean.mul_scalar(self.decay) + latest.reshape(dims).mul_scalar(1.0 - self.decay);
        Param::from_mapped_value(id, blended, mapper)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use burn::nn::Linear;

    fn linear(weight: [[f32; 2]; 1], bias: [f32; 2], device: &Device) -> Linear {
        Linear {
            weight: Param::from_tensor(Tensor::from_floats(weight, device)),
            bias: Some(Param::from_tensor(Tensor::from_floats(bias, device))),
        }
    }

    fn values(layer: &Linear) -> Vec<f32> {
        let mut v = layer.weight.val().into_data().try_to_vec::<f32>().unwrap();
        v.extend(layer.bias.as_ref().unwrap().val().into_data().try_to_vec::<f32>().unwrap());
        v
    }

    /// Two updates against a hand computation, the early decay included; the latest weights
    /// are read, never changed.
    #[test]
    fn blends_as_computed_by_hand() {
        let device = Device::flex();
        let mut average = WeightAverage::new(0.999, &linear([[1.0, 2.0]], [0.0, -1.0], &device));
        // Early on the decay is (1 + t)/(10 + t): 0.1 after no updates, 2/11 after one.
        assert_eq!((average.decay_at(0), average.decay_at(1)), (0.1, 2.0 / 11.0));
        assert_eq!(average.decay_at(100_000), 0.999);
        let latest = linear([[3.0, 2.0]], [1.0, 1.0], &device);
        average.update(&latest, 0);
        // 0.1 · start + 0.9 · latest
        let expected = [0.1 * 1.0 + 0.9 * 3.0, 2.0, 0.9, 0.1 * -1.0 + 0.9];
        for (a, b) in values(&average.module).iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        let next = linear([[0.0, 0.0]], [0.0, 0.0], &device);
        average.update(&next, 1);
        let d = 2.0 / 11.0;
        for (a, b) in values(&average.module).iter().zip(expected.map(|e| e * d)) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        assert_eq!(values(&latest), [3.0, 2.0, 1.0, 1.0]);
    }
}
