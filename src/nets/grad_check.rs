//! Test-only: the critics' hand-built input gradients against autodiff's.

use burn::prelude::*;

use super::Critic;

/// Checks that `critic`'s hand-built input gradient at `images` (on an autodiff device) equals
/// autodiff's gradient of Σ D(x, y) with respect to x; `what` names the case on failure.
pub fn assert_input_grad_matches_autodiff<C: Critic>(critic: &C, images: Tensor<2>, labels: Option<Tensor<2>>, what: &str) {
    let images = images.require_grad();
    let grads = critic.forward(images.clone(), labels.clone()).sum().backward();
    let expected = images.grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap();
    let ours = critic.input_grad(images, labels).into_data().try_to_vec::<f32>().unwrap();
    let scale = expected.iter().fold(0f32, |m, x| m.max(x.abs()));
    assert!(scale > 0.0, "{what}: a zero gradient");
    for (i, (a, b)) in ours.iter().zip(&expected).enumerate() {
        assert!((a - b).abs() <= 1e-4 * scale, "{what} [{i}] {a} vs autodiff {b}");
    }
}
