//! The hand-written trainer's Adam kernel on WebGPU (`fused_adam::cube`, one kernel per layer
//! from joined gradients) against the same optimizer's fused chains of burn ops, per parameter,
//! on the same device: the weights, the biases and the moments a checkpoint reads.

use burn::module::Param;
use burn::nn::Linear;
use wasm_bindgen_test::*;
use webgan::config::OptimConfig;
use webgan::train::fused_adam::FusedAdam;
use webgan::train::manual_grads::LinearGrads;

use crate::common::{matrix, read, webgpu_device, worst};

fn close(ours: &[f32], theirs: &[f32], what: &str) {
    let apart = worst(ours, theirs);
    assert!(apart <= 1e-6, "{what}: the kernel and the fused ops apart by up to {apart}");
}

/// Four steps of a [784 → 512] layer and of a one-output layer, the kernel's optimizer going
/// through a checkpoint's layout after the second (its moments then come back split).
#[wasm_bindgen_test]
async fn adam_kernel_matches_fused_ops_on_webgpu() {
    let device = webgpu_device().await;
    let settings = OptimConfig::new().with_learning_rate(0.01).with_beta1(0.5);
    for (inputs, outputs) in [(784, 512), (512, 1)] {
        let layer = || Linear {
            weight: Param::from_tensor(matrix(inputs, outputs, 1, 1, &device)),
            bias: Some(Param::from_tensor(matrix(1, outputs, 2, 1, &device).flatten::<1>(0, 1))),
        };
        let (mut ours, mut theirs) = (layer(), layer());
        let (mut kernel, mut fused) = (FusedAdam::new(settings), FusedAdam::new(settings));
        for step in 0..4 {
            let grads = matrix(inputs + 1, outputs, 3 + step, 1, &device).mul_scalar(step as f32 + 1.0); // [in + 1, out]
            let split = LinearGrads::Split { weight: grads.clone().slice(0..inputs), bias: grads.clone().slice(inputs..inputs + 1).flatten(0, 1) };
            kernel.step(vec![&mut ours], vec![LinearGrads::Joined(grads)]);
            fused.step(vec![&mut theirs], vec![split]);
            if step == 1 {
                let state = kernel.state(&["layer"], &[]);
                kernel = FusedAdam::new(settings);
                kernel.restore(state, &["layer"], &[]);
            }
        }
        let case = format!("[{inputs} → {outputs}]");
        let before = read(layer().weight.val()).await;
        let weight = read(ours.weight.val()).await;
        close(&weight, &read(theirs.weight.val()).await, &format!("{case}: weight"));
        assert!(weight.iter().zip(&before).all(|(a, b)| a != b), "{case}: every weight should have moved");
        close(&read(ours.bias.unwrap().val()).await, &read(theirs.bias.unwrap().val()).await, &format!("{case}: bias"));
        let (ours, theirs) = (kernel.state(&["layer"], &[]), fused.state(&["layer"], &[]));
        assert_eq!((ours.time, ours.moments.len(), theirs.moments.len()), (4, 2, 2), "{case}: steps, and moments for the weight and the bias");
        for ((name, shape, [m, v]), (their_name, their_shape, [their_m, their_v])) in ours.moments.into_iter().zip(theirs.moments) {
            assert_eq!((&name, &shape), (&their_name, &their_shape), "{case}");
            close(&read(m).await, &read(their_m).await, &format!("{case}: {name}'s first moment"));
            close(&read(v).await, &read(their_v).await, &format!("{case}: {name}'s second moment"));
        }
    }
}
