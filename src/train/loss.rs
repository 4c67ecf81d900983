//! The BCE loss on logits, shared by both trainers.

use burn::prelude::*;
use burn::tensor::activation::relu;

/// Mean binary cross-entropy of `logits` against `target`, the probability of "real":
/// −t·ln σ(x) − (1−t)·ln(1−σ(x)), which simplifies to softplus(x) − t·x. Its gradient on each
/// logit is (σ(x) − t) / batch, which `step` uses directly.
pub fn bce_with_logits(logits: Tensor<2>, target: f32) -> Tensor<1> {
    (softplus(logits.clone()) - logits.mul_scalar(target)).mean() // [1]
}

/// ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^(−|x|)) so large |x| neither overflows nor
/// loses precision the way ln(sigmoid(x)) does.
fn softplus(x: Tensor<2>) -> Tensor<2> {
    relu(x.clone()) + x.abs().neg().exp().log1p()
}


#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn bce_is_stable_for_large_logits() {
        let device = Device::flex();
        let logits = Tensor::<2>::from_floats([[100.0], [-100.0], [0.0]], &device);
        let read = |t: Tensor<1>| t.into_data().try_to_vec::<f32>().unwrap()[0];
        let bce = |target: f32| read(bce_with_logits(logits.clone(), target));
        // Target 1: losses 0, 100 and ln 2; target 0: 100, 0 and ln 2. Averaged.
        let expected = (100.0 + std::f32::consts::LN_2) / 3.0;
        assert!((bce(1.0) - expected).abs() < 1e-4);
        assert!((bce(0.0) - expected).abs() < 1e-4);
        // A soft target 0.9 on logit 0 still costs ln 2; on logit 100 it costs 0.1 · 100.
        let soft = read(bce_with_logits(
            Tensor::<2>::from_floats([[0.0], [100.0]], &device),
            0.9,
        ));
        assert!((soft - (std::f32::consts::LN_2 + 10.0) / 2.0).abs() < 1e-3);
    }
}
