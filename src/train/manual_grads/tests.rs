//! Every hand-written gradient against burn's autodiff.

use super::*;
use crate::config::ModelConfig;
use crate::nets::mlp;
use crate::nets::conditioning::{generator_input, one_hot};
use crate::nets::mlp::MlpDiscriminator;
use crate::nets::{Critic, ImageGenerator};
use crate::rng::HostRng;
use crate::train::loss::bce_with_logits;
use crate::train::manual::LAYERS;
use burn::module::Module;

fn close(a: Tensor<2>, b: Tensor<2>, what: &str) {
    let (a, b) = (a.into_data().try_to_vec::<f32>().unwrap(), b.into_data().try_to_vec::<f32>().unwrap());
    assert_eq!(a.len(), b.len(), "{what}");
    let scale = b.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-6);
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert!((x - y).abs() <= 1e-4 * scale, "{what}[{i}]: {x} vs autodiff {y}");
    }
}

fn close_linear(manual: &LinearGrads, linear: &Linear, grads: &burn::tensor::Gradients, what: &str) {
    close(manual.weight(), linear.weight.grad(grads).unwrap(), &format!("{what}.weight"));
    let bias = linear.bias.as_ref().unwrap().grad(grads).unwrap();
    close(manual.bias().unsqueeze(), bias.unsqueeze(), &format!("{what}.bias"));
}

/// Every hand-written gradient equals burn's autodiff on the same losses, for the plain
/// networks and the conditional ones, one and two hidden layers deep.
#[test]
fn matches_autodiff() {
    for depth in [1, 2] {
        for conditional in [false, true] {
            matches_autodiff_for(depth, conditional);
        }
    }
}

/// Each layer's name (the hand-written trainer's, one hidden layer per depth) and the layer,
/// from the input side.
fn named<'a>(layers: Vec<&'a Linear>) -> Vec<(&'static str, &'a Linear)> {
    let depth = layers.len() - 1;
    LAYERS[depth - 1].iter().copied().zip(layers).collect()
}

fn matches_autodiff_for(depth: usize, conditional: bool) {
    let model = ModelConfig::new().with_hidden_dim(32).with_latent_dim(8).with_depth(depth).with_conditional(conditional);
    let device = Device::flex().autodiff();
    let mut rng = HostRng::new(3);
    let (generator, discriminator) = mlp::init(&model, &mut rng, &device);
    let slope = model.leaky_slope;
    let batch = 6;
    let classes: &[u8] = &[0, 3, 3, 9, 1, 0];
    let labels = conditional.then(|| one_hot(classes, &device));
    let noise = generator_input(rng.normal(batch * 8), conditional.then_some(classes), 8, &device);
    let real = Tensor::<2>::from_data(TensorData::new(rng.normal(batch * 784), [batch, 784]), &device);
    let what = format!("depth {depth}, conditional {conditional}");

    // Discriminator loss on real images with a soft target, through dropout.
    let plain = |t: Tensor<2>| t.inner();
    let plain_labels = labels.clone().map(plain);
    let (g, d) = (generator.valid(), discriminator.valid());
    let keep: Vec<f32> = (0..batch * 32).map(|i| if i % 3 == 0 { 0.0 } else { 1.5 }).collect();
    let keep = Tensor::<2>::from_data(TensorData::new(keep, [batch, 32]), &device);
    let pass = discriminator_forward(&d, slope, plain(real.clone()), Some(plain(keep.clone())), plain_labels.clone());
    let n = batch as f32;
    let d_logits = (burn::tensor::activation::sigmoid(pass.logits.clone()) - 0.9) / n;
    let ours = discriminator_backward(&d, slope, pass, d_logits, None);
    let hidden_out = discriminator
        .hidden_layers()
        .into_iter()
        .fold(real, |x, layer| discriminator.activation.forward(layer.forward(x)))
        * keep;
    let mut logits = discriminator.output.forward(hidden_out.clone());
    if let (Some(embed), Some(labels)) = (&discriminator.embed, &labels) {
        logits = logits + (hidden_out * labels.clone().matmul(embed.val())).sum_dim(1);
    }
    let grads = bce_with_logits(logits, 0.9).backward();
    let mut layers = discriminator.hidden_layers();
    layers.push(&discriminator.output);
    assert_eq!(ours.layers.len(), depth + 1, "{what}");
    for (mine, (name, layer)) in ours.layers.iter().zip(named(layers)) {
        close_linear(mine, layer, &grads, &format!("{what}: D.{name}"));
    }
    assert_eq!(ours.embed.is_some(), conditional);
    if let (Some(mine), Some(embed)) = (ours.embed, &discriminator.embed) {
        close(mine, embed.grad(&grads).unwrap(), &format!("{what}: D.embed"));
    }

    // Generator loss through a fixed D: BCE of D(G(z, y), y) against "real".
    let pass = generator_forward(&g, plain(noise.clone()));
    close(pass.images.clone(), plain(generator.forward(noise.clone())), &format!("{what}: G(z)"));
    let d_pass = discriminator_forward(&d, slope, pass.images.clone(), None, plain_labels);
    let d_logits = (burn::tensor::activation::sigmoid(d_pass.logits.clone()) - 1.0) / n;
    // Through the tanh in the input gradient's own call, and after it (as with augmentation).
    let d_pre_output = discriminator_input_grad(&d, slope, d_pass.clone(), d_logits.clone(), Some(pass.images.clone()));
    let d_images = discriminator_input_grad(&d, slope, d_pass, d_logits, None);
    close(d_pre_output.clone(), matmul::tanh_slope(d_images, pass.images.clone()), &format!("{what}: through tanh"));
    let ours = generator_backward(&g, pass, d_pre_output);
    let frozen = discriminator.clone().no_grad();
    let loss = bce_with_logits(frozen.forward(generator.forward(noise), labels), 1.0);
    let grads = loss.backward();
    assert_eq!(ours.len(), depth + 1, "{what}");
    for (mine, (name, layer)) in ours.iter().zip(named(generator.layers())) {
        close_linear(mine, layer, &grads, &format!("{what}: G.{name}"));
    }
}

/// The hand-written R1 gradients equal autodiff's through an explicit input-gradient
/// graph, with dropout on the last hidden layer, on the real rows of a real-and-fake batch;
/// for a conditional D, the label embedding's too; one and two hidden layers deep.
#[test]
fn r1_matches_autodiff() {
    for (depth, conditional) in [(1, false), (1, true), (2, false), (2, true)] {
        let model = ModelConfig::new().with_hidden_dim(32).with_depth(depth).with_conditional(conditional);
        let what = format!("depth {depth}, conditional {conditional}");
        let device = Device::flex().autodiff();
        let mut rng = HostRng::new(5);
        let (_, discriminator) = mlp::init(&model, &mut rng, &device);
        let slope = model.leaky_slope;
        let (real, fake, gamma) = (4, 3, 10.0);
        let images = Tensor::<2>::from_data(TensorData::new(rng.normal((real + fake) * 784), [real + fake, 784]), &device);
        let keep: Vec<f32> = (0..(real + fake) * 32).map(|i| if i % 4 == 1 { 0.0 } else { 4.0 / 3.0 }).collect();
        let keep = Tensor::<2>::from_data(TensorData::new(keep, [real + fake, 32]), &device);
        let labels = conditional.then(|| one_hot(&[2, 7, 2, 5, 1, 1, 0], &device));

        let d = discriminator.valid();
        let pass = discriminator_forward(&d, slope, images.clone().inner(), Some(keep.clone().inner()), labels.clone().map(|l| l.inner()));
        // With no loss gradient on the logits, what remains is R1's.
        let no_loss = pass.logits.zeros_like(); // [real + fake, 1]
        let grads = discriminator_backward(&d, slope, pass, no_loss, Some(R1Penalty { rows: real, gamma }));
        let d_weights: Vec<Tensor<2>> = grads.layers.iter().map(LinearGrads::weight).collect();
        let d_embed = grads.embed;

        let x = images.slice(0..real); // [real, 784]
        let penalty = discriminator.input_grad_through(x, keep.slice(0..real), labels.map(|l| l.slice(0..real)));
        let penalty = penalty.square().sum_dim(1).mean().mul_scalar(gamma / 2.0);
        let grads = penalty.backward();
        let mut layers = discriminator.hidden_layers();
        layers.push(&discriminator.output);
        assert_eq!(d_weights.len(), depth + 1, "{what}");
        for (mine, (name, layer)) in d_weights.into_iter().zip(named(layers)) {
            close(mine, layer.weight.grad(&grads).unwrap(), &format!("{what}: R1 {name}.weight"));
        }
        assert_eq!(d_embed.is_some(), conditional);
        if let (Some(mine), Some(embed)) = (d_embed, &discriminator.embed) {
            close(mine, embed.grad(&grads).unwrap(), &format!("{what}: R1 embed"));
        }
    }
}

trait InputGradThrough {
    fn input_grad_through(&self, x: Tensor<2>, keep: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2>;
}

/// ∇ₓD(x, y) through a dropout mask on the last hidden layer, as a graph autodiff
/// differentiates again: back from the output row, each layer's slopes, then its weights.
impl InputGradThrough for MlpDiscriminator {
    fn input_grad_through(&self, x: Tensor<2>, keep: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2> {
        let slope = self.activation.negative_slope;
        let layers = self.hidden_layers();
        let mut slopes = Vec::new();
        let mut h = x.detach();
        for layer in &layers {
            let pre = layer.forward(h).detach(); // [n, width]
            slopes.push(pre.ones_like().mask_fill(pre.clone().lower_elem(0.0), slope));
            h = self.activation.forward(pre);
        }
        let mut row = self.output.weight.val().reshape([1, -1]); // [1, 32]
        if let (Some(embed), Some(labels)) = (&self.embed, labels) {
            row = row + labels.matmul(embed.val()); // [n, 32]
        }
        let mut d = row * keep; // [n, 32]
        for (layer, slopes) in layers.iter().zip(slopes).rev() {
            d = (d * slopes).matmul(layer.weight.val().transpose()); // [n, the layer's inputs]
        }
        d // [n, 784]
    }
}
