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

/// Checks that `critic.forward_with_input_grad` gives the scores of `forward` and the gradient
/// of `input_grad`, and that a loss on both (BCE-like scores plus R1's ‖∇ₓD‖²) backpropagates
/// the same gradient to every weight as when the two are built separately.
pub fn assert_shared_pass_matches<C: Critic>(critic: &C, images: Tensor<2>, labels: Option<Tensor<2>>, what: &str) {
    let loss = |(scores, grad): (Tensor<2>, Tensor<2>)| scores.sum() + grad.square().sum();
    let separate = (critic.forward(images.clone(), labels.clone()), critic.input_grad(images.clone(), labels.clone()));
    let shared = critic.forward_with_input_grad(images, labels);
    let weight_grads = |grads: burn::tensor::Gradients| {
        let mut collect = WeightGrads { grads, values: Vec::new() };
        critic.visit(&mut collect);
        collect.values
    };
    let expected = weight_grads(loss(separate).backward());
    let ours = weight_grads(loss(shared).backward());
    assert_eq!(ours.len(), expected.len(), "{what}: weights with a gradient");
    assert!(!ours.is_empty(), "{what}: no weight gradient");
    for (k, (a, b)) in ours.iter().zip(&expected).enumerate() {
        let scale = b.iter().fold(0f32, |m, x| m.max(x.abs()));
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!((x - y).abs() <= 1e-5 * scale.max(1e-6), "{what}: weight {k} [{i}] {x} vs separately {y}");
        }
    }
}

/// Every float parameter's gradient, in visiting order.
struct WeightGrads {
    grads: burn::tensor::Gradients,
    values: Vec<Vec<f32>>,
}

impl burn::module::ModuleVisitor for WeightGrads {
    fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<D>>) {
        if let Some(grad) = param.val().grad(&self.grads) {
            self.values.push(grad.into_data().try_to_vec::<f32>().unwrap());
        }
    }
}
