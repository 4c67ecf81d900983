//! The hand-written trainer's matmul kernel (`manual_grads::matmul`) against burn's own matmul
//! on the same WebGPU device, for the products of a training step: plain, either operand
//! transposed (a strided view), and a single column.

use burn::prelude::*;
use wasm_bindgen_test::*;
use webgan::train::manual_grads::matmul::matmul;

/// A `[rows, columns]` matrix of values in [-1, 1] / √scale, from a fixed pattern.
fn matrix(rows: usize, columns: usize, salt: usize, scale: usize, device: &Device) -> Tensor<2> {
    let values: Vec<f32> = (0..rows * columns)
        .map(|i| (((i * 7919 + salt * 104_729) % 2001) as f32 / 1000.0 - 1.0) / (scale as f32).sqrt())
        .collect();
    Tensor::from_data(TensorData::new(values, [rows, columns]), device)
}

async fn read(tensor: Tensor<2>) -> Vec<f32> {
    tensor.into_data_async().await.expect("readback").try_to_vec::<f32>().expect("f32")
}

#[wasm_bindgen_test]
async fn plain_matmul_matches_burn_on_webgpu() {
    let gpu = webgan::web::backend::webgpu().await.unwrap_or_else(|e| panic!("no WebGPU adapter: {e}"));
    let device = gpu.device;
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
        let (ours, burns) = (read(ours).await, read(lhs.matmul(rhs)).await);
        let worst = ours.iter().zip(&burns).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        let case = format!("[{m}, {k}] · [{k}, {n}], transposed {lhs_transposed}/{rhs_transposed}");
        assert!(worst <= 1e-5, "{case}: apart by up to {worst}");
        assert!(burns.iter().any(|v| v.abs() > 0.1), "{case}: a product of near-zeros proves nothing");
    }
}
