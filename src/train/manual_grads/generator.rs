//! G's forward pass, and its backward pass from the loss gradient before its tanh.

use burn::prelude::*;

use super::matmul::affine_then_tanh;
#[cfg(doc)]
use super::matmul::tanh_slope;
use super::matmul::back_through_layer;
use super::{LinearGrads, Rectifier, affine_then, linear_grads};
use crate::nets::mlp::MlpGenerator;

/// What G's backward pass needs from its forward pass.
pub struct GeneratorPass {
    /// Each layer's input: the noise, then each hidden layer's output. // [batch, in]
    inputs: Vec<Tensor<2>>,
    /// Each hidden layer's output before its ReLU. // [batch, width]
    hidden_pre: Vec<Tensor<2>>,
    /// The generated images, in [-1, 1]. // [batch, 784]
    pub images: Tensor<2>,
}

pub fn generator_forward(generator: &MlpGenerator, noise: Tensor<2>) -> GeneratorPass {
    let layers = generator.layers();
    let (output, hidden) = layers.split_last().expect("an MLP has an output layer");
    let mut inputs = vec![noise];
    let mut hidden_pre = Vec::with_capacity(hidden.len());
    for layer in hidden {
        let (pre, post) = affine_then(layer, inputs[inputs.len() - 1].clone(), Rectifier::Relu); // [batch, width] each
        inputs.push(post);
        hidden_pre.push(pre);
    }
    let last = inputs[inputs.len() - 1].clone(); // [batch, width]
    let images = affine_then_tanh(last, output.weight.val(), output.bias.as_ref().map(|b| b.val())); // [batch, 784]
    GeneratorPass {
        inputs,
        hidden_pre,
        images,
    }
}

/// Gradients of G's layers from the noise side, given the loss gradient on its output layer's
/// pre-activation, the tanh's input: [`tanh_slope`]`(dL/d images, images)`, or what
/// `discriminator_input_grad` returns through the tanh.
pub fn generator_backward(
    generator: &MlpGenerator,
    pass: GeneratorPass,
    d_pre_output: Tensor<2>, // [batch, 784]
) -> Vec<LinearGrads> {
    let layers = generator.layers();
    let mut d_out = d_pre_output; // [batch, 784]
    let mut grads = Vec::with_capacity(layers.len());
    for (at, input) in pass.inputs.into_iter().enumerate().rev() {
        if at == 0 {
            grads.push(linear_grads(input, d_out));
            break;
        }
        // This layer's gradients, and the gradient on its input taken through the ReLU before.
        let weight = layers[at].weight.val(); // [width, out]
        let (d_input, layer) = back_through_layer(d_out, weight, Rectifier::Relu, pass.hidden_pre[at - 1].clone(), input, None);
        grads.push(layer);
        d_out = d_input; // [batch, width]
    }
    grads.reverse();
    grads
}
