//! The hand-written trainer's matmul kernels (`manual_grads::matmul`) against burn's own ops on
//! the same WebGPU device, each what its CPU path computes: the products of a training step
//! (plain, either operand transposed as a strided view, a single column), a layer's forward
//! pass with its bias and activation, its weight and bias gradients, and a gradient taken back
//! through a layer and an activation's slopes (a rectifier's, or tanh's), and the gradients of
//! a layer whose output gradient is a per-example factor times a pattern.

use burn::prelude::*;
use wasm_bindgen_test::*;
use burn::tensor::activation::tanh;
use webgan::train::manual_grads::matmul::{
    LinearGrads, affine_then, affine_then_tanh, back_through_layer, forward_through_layer, matmul, matmul_and_column_sums,
    matmul_then_slope, matmul_then_tanh_slope, scaled_matmul, scaled_rows_matmul_and_column_sums, tanh_slope,
};
use webgan::train::manual_grads::rectifier::Rectifier;

use crate::common::{matrix, read, webgpu_device, worst};

#[wasm_bindgen_test]
async fn plain_matmul_matches_burn_on_webgpu() {
    let device = webgpu_device().await;
    // [m, k] · [k, n], each operand stored transposed or not: the step's forward products
    // (x·W), its weight gradients (xᵀ·dy), its input gradients (dy·Wᵀ) and D's last layer.
    let cases = [
        (64, 100, 256, false, false),
        (64, 256, 784, false, false),
        (100, 64, 256, true, false),
        (64, 784, 256, false, true),
        (64, 256, 1, false, false),
        (10, 64, 256, true, false),
        (7, 3, 5, true, true),
    ];
    for (m, k, n, lhs_transposed, rhs_transposed) in cases {
        let lhs = match lhs_transposed {
            true => matrix(k, m, 1, k, &device).transpose(),
            false => matrix(m, k, 1, k, &device),
        }; // [m, k]
        let rhs = match rhs_transposed {
            true => matrix(n, k, 2, 1, &device).transpose(),
            false => matrix(k, n, 2, 1, &device),
        }; // [k, n]
        let ours = matmul(lhs.clone(), rhs.clone()); // [m, n]
        assert_eq!(ours.dims(), [m, n]);
        let (ours, burns) = (read(ours).await, read(lhs.clone().matmul(rhs.clone())).await);
        let apart = worst(&ours, &burns);
        let case = format!("[{m}, {k}] · [{k}, {n}], transposed {lhs_transposed}/{rhs_transposed}");
        assert!(apart <= 1e-5, "{case}: apart by up to {apart}");
        assert!(burns.iter().any(|v| v.abs() > 0.1), "{case}: a product of near-zeros proves nothing");
        // The same kernel with a factor, as R1's first product takes γ/n.
        let scaled = read(scaled_matmul(lhs.clone(), rhs.clone(), -0.375)).await;
        let apart = worst(&scaled, &read(lhs.matmul(rhs).mul_scalar(-0.375)).await);
        assert!(apart <= 1e-5, "{case}, times −0.375: apart by up to {apart}");
    }
}

/// A linear layer's gradients xᵀ·dy and Σ_batch dy from one kernel, for the step's layer
/// shapes (x stored untransposed, so xᵀ is a strided view), one output column included.
#[wasm_bindgen_test]
async fn matmul_and_column_sums_match_burn_on_webgpu() {
    let device = webgpu_device().await;
    for (batch, inputs, outputs) in [(64, 100, 256), (64, 256, 784), (128, 256, 1), (3, 7, 5)] {
        let x = matrix(batch, inputs, 3, inputs, &device); // [batch, in]
        let dy = matrix(batch, outputs, 4, 1, &device); // [batch, out]
        let grads = matmul_and_column_sums(x.clone().transpose(), dy.clone());
        check_layer_grads(grads, x, dy, &format!("x [{batch}, {inputs}], dy [{batch}, {outputs}]")).await;
    }
}

/// `grads`, a layer's joined gradients from input `x` and output gradient `dy`, against burn's
/// xᵀ·dy and Σ_batch dy.
async fn check_layer_grads(grads: LinearGrads, x: Tensor<2>, dy: Tensor<2>, case: &str) {
    let ([batch, inputs], outputs) = (x.dims(), dy.dims()[1]);
    assert!(matches!(grads, LinearGrads::Joined(_)), "{case}: WebGPU writes both in one matrix");
    let (weight, bias) = (grads.weight(), grads.bias());
    assert_eq!((weight.dims(), bias.dims()), ([inputs, outputs], [outputs]), "{case}");
    let burns_weight = read(x.transpose().matmul(dy.clone())).await;
    let burns_bias = read(dy.sum_dim(0).flatten::<1>(0, 1)).await;
    // Sums of `batch` products of values up to 1, so measured relative to the batch.
    let weight_apart = worst(&read(weight).await, &burns_weight);
    assert!(weight_apart <= 1e-5 * batch as f32, "{case}: weight gradients apart by up to {weight_apart}");
    let bias_apart = worst(&read(bias).await, &burns_bias);
    assert!(bias_apart <= 1e-5 * batch as f32, "{case}: bias gradients apart by up to {bias_apart}");
    assert!(burns_bias.iter().any(|v| v.abs() > 0.1), "{case}: sums of near-zeros prove nothing");
}

/// A gradient taken back through a linear layer and the activation before it, for ReLU and
/// LeakyReLU, with some pre-activations exactly 0 (where the two slopes differ from each other).
#[wasm_bindgen_test]
async fn matmul_then_slope_matches_burn_on_webgpu() {
    let device = webgpu_device().await;
    for (m, k, n) in [(64, 784, 256), (64, 256, 512), (5, 3, 7)] {
        let lhs = matrix(m, k, 5, k, &device); // [m, k]
        let rhs = matrix(n, k, 6, 1, &device).transpose(); // [k, n], as Wᵀ is
        let x = matrix(m, n, 7, 1, &device); // [m, n]
        let x = x.clone().mask_fill(x.abs().lower_elem(0.05), 0.0); // some exact zeros
        let plain = read(lhs.clone().matmul(rhs.clone())).await;
        for rectifier in [Rectifier::Relu, Rectifier::Leaky(0.2)] {
            let ours = read(matmul_then_slope(lhs.clone(), rhs.clone(), rectifier, x.clone())).await;
            let burns = read(rectifier.scale_by_slope(lhs.clone().matmul(rhs.clone()), x.clone())).await;
            let apart = worst(&ours, &burns);
            let case = format!("[{m}, {k}] · [{k}, {n}], {rectifier:?}");
            assert!(apart <= 1e-5, "{case}: apart by up to {apart}");
            assert!(burns.iter().any(|v| v.abs() > 0.1), "{case}: a product of near-zeros proves nothing");
            let changed = burns.iter().zip(&plain).filter(|(scaled, product)| scaled != product).count();
            assert!(changed > 0 && changed < plain.len(), "{case}: the slopes should change some elements, not all ({changed})");
        }
    }
}

/// A layer's forward pass, x·W + b then ReLU, LeakyReLU or tanh, for the step's hidden and
/// output layers (D's of 2·batch rows).
#[wasm_bindgen_test]
async fn affine_then_activation_matches_burn_on_webgpu() {
    let device = webgpu_device().await;
    // The last number salts the pattern: the small case's first salt gave one sign only.
    for (batch, inputs, outputs, salt) in [(64, 100, 256, 8), (128, 784, 512, 8), (64, 256, 784, 8), (5, 3, 7, 13)] {
        let x = matrix(batch, inputs, salt, inputs, &device); // [batch, in]
        let weight = matrix(inputs, outputs, salt + 1, 1, &device); // [in, out]
        let bias = matrix(1, outputs, salt + 2, 1, &device).flatten::<1>(0, 1); // [out]
        let pre = x.clone().matmul(weight.clone()) + bias.clone().unsqueeze(); // [batch, out], burn's
        let burns_pre = read(pre.clone()).await;
        assert!(burns_pre.iter().any(|v| *v < -0.1) && burns_pre.iter().any(|v| *v > 0.1), "[{batch}, {inputs}] · W: both signs");
        for rectifier in [Rectifier::Relu, Rectifier::Leaky(0.2)] {
            let case = format!("[{batch}, {inputs}] · [{inputs}, {outputs}] + b, {rectifier:?}");
            let (ours_pre, ours_post) = affine_then(x.clone(), weight.clone(), Some(bias.clone()), rectifier);
            let apart = worst(&read(ours_pre).await, &burns_pre);
            assert!(apart <= 1e-5, "{case}: pre-activations apart by up to {apart}");
            let apart = worst(&read(ours_post).await, &read(rectifier.apply(pre.clone())).await);
            assert!(apart <= 1e-5, "{case}: activations apart by up to {apart}");
        }
        let ours = read(affine_then_tanh(x.clone(), weight.clone(), Some(bias.clone()))).await;
        let apart = worst(&ours, &read(tanh(pre)).await);
        assert!(apart <= 1e-5, "[{batch}, {inputs}] · [{inputs}, {outputs}] + b, tanh: apart by up to {apart}");
    }
}

/// A layer's gradients when dy is a per-example factor times a pattern, diag(d)·u, from one
/// kernel: xᵀ·diag(d)·u and Σ_batch d·u, for D's layer shapes and a small odd one.
#[wasm_bindgen_test]
async fn scaled_rows_matmul_and_column_sums_match_burn_on_webgpu() {
    let device = webgpu_device().await;
    for (batch, inputs, outputs) in [(128, 784, 512), (128, 512, 512), (3, 7, 5)] {
        let x = matrix(batch, inputs, 9, inputs, &device); // [batch, in]
        let u = matrix(batch, outputs, 10, 1, &device); // [batch, out]
        let d = matrix(batch, 1, 11, 1, &device); // [batch, 1]
        let grads = scaled_rows_matmul_and_column_sums(x.clone().transpose(), u.clone(), d.clone());
        check_layer_grads(grads, x, u * d, &format!("x [{batch}, {inputs}], u [{batch}, {outputs}]")).await;
    }
}

/// A gradient taken back through a layer and then through the tanh before it (G's output
/// layer), against burn's product times 1 − y².
#[wasm_bindgen_test]
async fn matmul_then_tanh_slope_matches_burn_on_webgpu() {
    let device = webgpu_device().await;
    for (m, k, n) in [(64, 512, 784), (5, 3, 7)] {
        let lhs = matrix(m, k, 12, k, &device); // [m, k]
        let rhs = matrix(n, k, 13, 1, &device).transpose(); // [k, n], as Wᵀ is
        let y = tanh(matrix(m, n, 14, 1, &device).mul_scalar(3.0)); // [m, n], some near ±1
        let ours = read(matmul_then_tanh_slope(lhs.clone(), rhs.clone(), y.clone())).await;
        let burns = read(tanh_slope(lhs.matmul(rhs), y)).await;
        let apart = worst(&ours, &burns);
        let case = format!("[{m}, {k}] · [{k}, {n}], tanh");
        assert!(apart <= 1e-5, "{case}: apart by up to {apart}");
        assert!(burns.iter().any(|v| v.abs() > 0.1), "{case}: a product of near-zeros proves nothing");
    }
}

/// R1's products summed into the loss's joined gradients in one kernel each (`matmul_into`):
/// a weight's product, and an output layer's column sums, against burn's sums of the same.
#[wasm_bindgen_test]
async fn products_into_joined_gradients_match_burn_on_webgpu() {
    let device = webgpu_device().await;
    for (n, inputs, outputs) in [(64, 784, 512), (64, 512, 1), (3, 7, 5)] {
        let x = matrix(n, inputs, 15, inputs, &device); // [n, in]
        let a = matrix(n, outputs, 16, 1, &device); // [n, out]
        let dy = matrix(n, outputs, 17, 1, &device); // [n, out]
        let case = format!("[{n}, {inputs}]ᵀ · [{n}, {outputs}]");
        let loss = matmul_and_column_sums(x.clone().transpose(), dy.clone());
        let (weight, bias) = (read(loss.weight()).await, read(loss.bias()).await);
        let summed = loss.plus_weight_product(x.clone().transpose(), a.clone());
        let burns = read(x.clone().transpose().matmul(dy.clone()) + x.clone().transpose().matmul(a)).await;
        let apart = worst(&read(summed.weight()).await, &burns);
        assert!(apart <= 1e-5 * n as f32, "{case}: weights apart by up to {apart}");
        assert_eq!(read(summed.bias()).await, bias, "{case}: the bias's gradient is untouched");
        assert!(worst(&burns, &weight) > 0.1, "{case}: a product that adds nothing proves nothing");
    }
    // An output layer's column: [hidden, 1] plus Σ_rows of B [n, hidden].
    let x = matrix(64, 512, 18, 512, &device); // [n, hidden]
    let dy = matrix(64, 1, 19, 1, &device); // [n, 1]
    let b = matrix(64, 512, 20, 1, &device); // [n, hidden]
    let loss = matmul_and_column_sums(x.clone().transpose(), dy.clone());
    let bias = read(loss.bias()).await;
    let summed = loss.plus_column_sums(b.clone());
    let burns = read(x.transpose().matmul(dy) + b.sum_dim(0).reshape([-1, 1])).await;
    let apart = worst(&read(summed.weight()).await, &burns);
    assert!(apart <= 1e-5 * 64.0, "column sums: apart by up to {apart}");
    assert_eq!(read(summed.bias()).await, bias, "column sums: the bias's gradient is untouched");
}

/// Some exact zeros in `x`, where ReLU's and LeakyReLU's slopes differ from each other.
fn with_zeros(x: Tensor<2>) -> Tensor<2> {
    x.clone().mask_fill(x.abs().lower_elem(0.05), 0.0)
}

/// A layer's backward pass from one kernel (`back_through_layer`): the gradient taken on
/// through the rectifier below and the layer's joined gradients, with and without a scale per
/// example, against burn's ops for each.
#[wasm_bindgen_test]
async fn back_through_layer_matches_burn_on_webgpu() {
    let device = webgpu_device().await;
    for (batch, inputs, outputs) in [(64, 512, 784), (128, 512, 512), (5, 3, 7)] {
        let u = matrix(batch, outputs, 21, 1, &device); // [batch, out]
        let weight = matrix(inputs, outputs, 22, outputs, &device); // [in, out]
        let x = with_zeros(matrix(batch, inputs, 23, 1, &device)); // [batch, in]
        let input = matrix(batch, inputs, 24, 1, &device); // [batch, in]
        let d = matrix(batch, 1, 25, 1, &device); // [batch, 1]
        for (rectifier, scale) in [(Rectifier::Relu, None), (Rectifier::Leaky(0.2), Some(d.clone()))] {
            let case = format!("u [{batch}, {outputs}], W [{inputs}, {outputs}], {rectifier:?}, scaled {}", scale.is_some());
            let (back, grads) = back_through_layer(u.clone(), weight.clone(), rectifier, x.clone(), input.clone(), scale.clone());
            let burns_back = read(rectifier.scale_by_slope(u.clone().matmul(weight.clone().transpose()), x.clone())).await;
            let apart = worst(&read(back).await, &burns_back);
            assert!(apart <= 1e-5, "{case}: the gradient taken on apart by up to {apart}");
            assert!(burns_back.iter().any(|v| v.abs() > 0.1), "{case}: near-zeros prove nothing");
            let dy = match scale.clone() {
                Some(d) => u.clone() * d,
                None => u.clone(),
            };
            check_layer_grads(grads, input.clone(), dy, &case).await;
        }
    }
}

/// A step of R1's chain forward through a layer from one kernel (`forward_through_layer`): the
/// next link and the product summed into joined gradients, against burn's ops.
#[wasm_bindgen_test]
async fn forward_through_layer_matches_burn_on_webgpu() {
    let device = webgpu_device().await;
    for (n, inputs, outputs) in [(64, 784, 512), (64, 512, 512), (3, 7, 5)] {
        let b = matrix(n, inputs, 26, inputs, &device); // [n, in]
        let weight = matrix(inputs, outputs, 27, 1, &device); // [in, out]
        let x = with_zeros(matrix(n, outputs, 28, 1, &device)); // [n, out]
        let a = matrix(n, outputs, 29, 1, &device); // [n, out]
        let loss = matmul_and_column_sums(matrix(n, inputs, 30, 1, &device).transpose(), matrix(n, outputs, 31, 1, &device));
        let (loss_weight, loss_bias) = (loss.weight(), read(loss.bias()).await);
        let case = format!("B [{n}, {inputs}], W [{inputs}, {outputs}]");
        let (next, grads) = forward_through_layer(b.clone(), weight.clone(), Rectifier::Leaky(0.2), x.clone(), a.clone(), loss);
        assert!(matches!(grads, LinearGrads::Joined(_)), "{case}: joined gradients");
        let burns_next = read(Rectifier::Leaky(0.2).scale_by_slope(b.clone().matmul(weight), x)).await;
        let apart = worst(&read(next).await, &burns_next);
        assert!(apart <= 1e-5, "{case}: the next link apart by up to {apart}");
        assert!(burns_next.iter().any(|v| v.abs() > 0.1), "{case}: near-zeros prove nothing");
        let apart = worst(&read(grads.weight()).await, &read(loss_weight + b.transpose().matmul(a)).await);
        assert!(apart <= 1e-5 * n as f32, "{case}: summed weight gradients apart by up to {apart}");
        assert_eq!(read(grads.bias()).await, loss_bias, "{case}: the bias's gradient is untouched");
    }
}
