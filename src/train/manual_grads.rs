//! Hand-written forward and backward passes of the MLP GAN, one or two hidden layers deep.
//!
//! burn's autodiff records every elementwise op of the graph and replays its derivative as its
//! own kernel: 215 WebGPU dispatches per step, 70 with fusion. Written out, a step is a dozen
//! matmuls, four bias reductions and short elementwise chains that fusion turns into single
//! kernels. `tests::matches_autodiff` checks every gradient against burn's autodiff.

use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::activation::tanh;

use crate::nets::mlp::{MlpDiscriminator, MlpGenerator};

/// Gradients of one linear layer's weight `[in, out]` and bias `[out]`.
pub struct LinearGrads {
    pub weight: Tensor<2>,
    pub bias: Tensor<1>,
}

/// What G's backward pass needs from its forward pass.
pub struct GeneratorPass {
    /// Each layer's input: the noise, then each hidden layer's output. // [batch, in]
    inputs: Vec<Tensor<2>>,
    /// Each hidden layer's output before its ReLU. // [batch, width]
    hidden_pre: Vec<Tensor<2>>,
    /// The generated images, in [-1, 1]. // [batch, 784]
    pub images: Tensor<2>,
}

/// What D's backward pass needs from its forward pass.
pub struct DiscriminatorPass {
    /// Each layer's input: the images, then each hidden layer's output (the last one after
    /// dropout), which the output layer reads. // [batch, in]
    inputs: Vec<Tensor<2>>,
    /// Each hidden layer's output before its LeakyReLU. // [batch, width]
    hidden_pre: Vec<Tensor<2>>,
    /// Dropout's scale per unit of the last hidden layer: 0 where dropped, 1/(1−p) where
    /// kept. // [batch, hidden]
    keep: Option<Tensor<2>>,
    /// A conditional D's one-hot labels, and their embedding rows e_y. // [batch, classes], [batch, hidden]
    projection: Option<(Tensor<2>, Tensor<2>)>,
    /// One logit per image, positive for "real". // [batch, 1]
    pub logits: Tensor<2>,
}

/// Gradients of D's layers from the image side (its hidden layers, then its output layer),
/// and of a conditional D's label embedding.
pub struct DiscriminatorGrads {
    pub layers: Vec<LinearGrads>,
    pub embed: Option<Tensor<2>>, // [classes, hidden]
}

pub fn generator_forward(generator: &MlpGenerator, noise: Tensor<2>) -> GeneratorPass {
    let layers = generator.layers();
    let (output, hidden) = layers.split_last().expect("an MLP has an output layer");
    let mut inputs = vec![noise];
    let mut hidden_pre = Vec::with_capacity(hidden.len());
    for layer in hidden {
        let pre = affine(layer, inputs[inputs.len() - 1].clone()); // [batch, width]
        inputs.push(pre.clone().clamp_min(0.0)); // relu
        hidden_pre.push(pre);
    }
    let images = tanh(affine(output, inputs[inputs.len() - 1].clone())); // [batch, 784]
    GeneratorPass {
        inputs,
        hidden_pre,
        images,
    }
}

/// Gradients of G's layers from the noise side, given the loss gradient on its images.
pub fn generator_backward(
    generator: &MlpGenerator,
    pass: GeneratorPass,
    d_images: Tensor<2>, // [batch, 784]
) -> Vec<LinearGrads> {
    let layers = generator.layers();
    let mut d_out = d_images * (pass.images.clone() * pass.images).neg().add_scalar(1.0); // tanh' = 1 − y², [batch, 784]
    let mut grads = Vec::with_capacity(layers.len());
    for (at, input) in pass.inputs.into_iter().enumerate().rev() {
        let d_input = (at > 0).then(|| {
            d_out
                .clone()
                .matmul(layers[at].weight.val().transpose()) // [batch, width]
                .mask_fill(pass.hidden_pre[at - 1].clone().lower_equal_elem(0.0), 0.0) // relu'
        });
        grads.push(linear_grads(input, d_out));
        match d_input {
            Some(d_input) => d_out = d_input,
            None => break,
        }
    }
    grads.reverse();
    grads
}

/// D's forward pass; `keep` is an optional dropout mask on the last hidden layer (see
/// [`DiscriminatorPass`]), `labels` a conditional D's one-hot labels.
pub fn discriminator_forward(
    discriminator: &MlpDiscriminator,
    slope: f64,
    images: Tensor<2>,
    keep: Option<Tensor<2>>,
    labels: Option<Tensor<2>>,
) -> DiscriminatorPass {
    let hidden_layers = discriminator.hidden_layers();
    let mut inputs = vec![images];
    let mut hidden_pre = Vec::with_capacity(hidden_layers.len());
    for layer in hidden_layers {
        let pre = affine(layer, inputs[inputs.len() - 1].clone()); // [batch, width]
        inputs.push(leaky_relu_scale(pre.clone(), pre.clone(), slope));
        hidden_pre.push(pre);
    }
    let mut hidden = inputs.pop().expect("an MLP has a hidden layer"); // [batch, hidden]
    if let Some(keep) = &keep {
        hidden = hidden * keep.clone(); // [batch, hidden]
    }
    let mut logits = affine(&discriminator.output, hidden.clone()); // [batch, 1]
    let projection = match (&discriminator.embed, labels) {
        (Some(embed), Some(labels)) => Some((labels.clone(), labels.matmul(embed.val()))), // e_y, [batch, hidden]
        _ => None,
    };
    if let Some((_, embedded)) = &projection {
        logits = logits + (hidden.clone() * embedded.clone()).sum_dim(1); // + e_y·h, [batch, 1]
    }
    inputs.push(hidden);
    DiscriminatorPass {
        inputs,
        hidden_pre,
        keep,
        projection,
        logits,
    }
}

/// Gradients of D's layers, given the loss gradient on its logits. The projection e_y·h adds
/// Σ_rows of class y of dlogit·h to e_y's gradient.
pub fn discriminator_backward(
    discriminator: &MlpDiscriminator,
    slope: f64,
    mut pass: DiscriminatorPass,
    d_logits: Tensor<2>, // [batch, 1]
) -> DiscriminatorGrads {
    let d_pre = pre_activation_grads(discriminator, slope, &pass, d_logits.clone());
    let hidden = pass.inputs.pop().expect("an MLP has a hidden layer"); // [batch, hidden]
    let embed = pass
        .projection
        .as_ref()
        .map(|(labels, _)| labels.clone().transpose().matmul(d_logits.clone() * hidden.clone())); // [classes, hidden]
    let mut layers: Vec<LinearGrads> = pass.inputs.into_iter().zip(d_pre).map(|(input, d)| linear_grads(input, d)).collect();
    layers.push(linear_grads(hidden, d_logits));
    DiscriminatorGrads { layers, embed }
}

/// The loss gradient on D's input images, for the generator step, which needs no gradients
/// for D's own weights.
pub fn discriminator_input_grad(
    discriminator: &MlpDiscriminator,
    slope: f64,
    pass: DiscriminatorPass,
    d_logits: Tensor<2>, // [batch, 1]
) -> Tensor<2> {
    let first = pre_activation_grads(discriminator, slope, &pass, d_logits).swap_remove(0); // [batch, width]
    first.matmul(discriminator.hidden.weight.val().transpose()) // [batch, 784]
}

/// Weight gradients of the R1 penalty γ/2 · mean‖∇ₓD(x)‖² over the first `rows` images of
/// `pass` (the real ones): one per layer from the image side, the output layer's last, and,
/// for a conditional D, the label embedding's.
///
/// Write s_l for the local slopes of hidden layer l (LeakyReLU's, times dropout's scale on the
/// last), W_l for its weights and w for the output row (plus e_y). The slope pattern is constant
/// almost everywhere, so ∇ₓD = g = a_1·W_1ᵀ with a_L = w ⊙ s_L and a_l = (a_{l+1}·W_{l+1}ᵀ) ⊙ s_l.
/// Back from B_0 = dP/dg = (γ/n)·g: dP/dW_l = B_{l−1}ᵀ·a_l and B_l = (B_{l−1}·W_l) ⊙ s_l, and
/// the output row (e_y per row) gets B_L. Nothing reaches the biases or the pre-activations.
pub fn r1_grads(
    discriminator: &MlpDiscriminator,
    slope: f64,
    pass: &DiscriminatorPass,
    rows: usize,
    gamma: f32,
) -> (Vec<Tensor<2>>, Option<Tensor<2>>) {
    let weights = hidden_weights(discriminator);
    let slopes = Slopes::of(pass, slope, Some(rows));
    let output_row = discriminator.output.weight.val().reshape([1, -1]); // [1, hidden]
    let projection = pass.projection.as_ref().map(|(labels, embedded)| (labels.clone().slice(0..rows), embedded.clone().slice(0..rows)));
    let d_features = match &projection {
        Some((_, embedded)) => output_row + embedded.clone(), // [n, hidden]
        None => output_row.repeat_dim(0, rows),
    };
    let a = slopes.back(&weights, d_features); // a_1 … a_L
    let mut b = a[0].clone().matmul(weights[0].clone().transpose()).mul_scalar(gamma / rows as f32); // B_0 = (γ/n)·g, [n, 784]
    let mut d_weights = Vec::with_capacity(weights.len() + 1);
    for (layer, (weight, a)) in weights.into_iter().zip(a).enumerate() {
        d_weights.push(b.clone().transpose().matmul(a)); // [in, width]
        b = slopes.scale(b.matmul(weight), layer); // B_l, [n, width]
    }
    let d_embed = projection.map(|(labels, _)| labels.transpose().matmul(b.clone())); // [classes, hidden]
    d_weights.push(b.sum_dim(0).reshape([-1, 1])); // [hidden, 1]
    (d_weights, d_embed)
}

/// dL/d(pre-activation) of each hidden layer, from the image side. The output layer has one
/// unit, so the last one's is an outer product: a broadcast multiply rather than a matmul.
fn pre_activation_grads(
    discriminator: &MlpDiscriminator,
    slope: f64,
    pass: &DiscriminatorPass,
    d_logits: Tensor<2>, // [batch, 1]
) -> Vec<Tensor<2>> {
    let output_row = discriminator.output.weight.val().reshape([1, -1]); // [1, hidden]
    let d_features = match &pass.projection {
        Some((_, embedded)) => d_logits * (output_row + embedded.clone()), // [batch, hidden]
        None => d_logits * output_row,
    };
    Slopes::of(pass, slope, None).back(&hidden_weights(discriminator), d_features)
}

/// D's hidden layers' weights, from the image side. // [in, width] each
fn hidden_weights(discriminator: &MlpDiscriminator) -> Vec<Tensor<2>> {
    discriminator.hidden_layers().iter().map(|layer| layer.weight.val()).collect()
}

/// The local slopes s_l of D's hidden layers over a pass's rows: LeakyReLU's at each
/// pre-activation, times dropout's scale on the last layer.
struct Slopes {
    hidden_pre: Vec<Tensor<2>>, // [n, width] each
    keep: Option<Tensor<2>>,    // [n, hidden]
    slope: f64,
}

impl Slopes {
    /// Over the first `rows` rows of `pass`, or over all of them.
    fn of(pass: &DiscriminatorPass, slope: f64, rows: Option<usize>) -> Self {
        let cut = |t: &Tensor<2>| match rows {
            Some(rows) => t.clone().slice(0..rows),
            None => t.clone(),
        };
        Self {
            hidden_pre: pass.hidden_pre.iter().map(cut).collect(),
            keep: pass.keep.as_ref().map(cut),
            slope,
        }
    }

    /// `t` ⊙ s_layer. // [n, width]
    fn scale(&self, t: Tensor<2>, layer: usize) -> Tensor<2> {
        let t = match &self.keep {
            Some(keep) if layer == self.hidden_pre.len() - 1 => t * keep.clone(),
            _ => t,
        };
        leaky_relu_scale(t, self.hidden_pre[layer].clone(), self.slope)
    }

    /// Back from `d_features` on the last hidden layer's output to each hidden layer's
    /// pre-activation, through `weights` (each layer's, from the image side):
    /// a_L = d ⊙ s_L and a_l = (a_{l+1}·W_{l+1}ᵀ) ⊙ s_l, returned from the image side.
    fn back(&self, weights: &[Tensor<2>], d_features: Tensor<2>) -> Vec<Tensor<2>> {
        let last = weights.len() - 1;
        let mut chain = vec![self.scale(d_features, last)]; // [n, hidden]
        for layer in (0..last).rev() {
            let next = chain[chain.len() - 1].clone().matmul(weights[layer + 1].clone().transpose()); // [n, width]
            chain.push(self.scale(next, layer));
        }
        chain.reverse();
        chain
    }
}

/// x·W + b for a burn `Linear`.
fn affine(linear: &Linear, x: Tensor<2>) -> Tensor<2> {
    let out = x.matmul(linear.weight.val()); // [batch, out]
    match &linear.bias {
        Some(bias) => out + bias.val().unsqueeze(), // [batch, out]
        None => out,
    }
}

/// dL/dW = xᵀ·dy and dL/db = Σ_batch dy for y = x·W + b.
fn linear_grads(input: Tensor<2>, d_out: Tensor<2>) -> LinearGrads {
    LinearGrads {
        weight: input.transpose().matmul(d_out.clone()), // [in, out]
        bias: d_out.sum_dim(0).flatten(0, 1),              // [out]
    }
}

/// `value` scaled by the LeakyReLU's local slope at `x`: 1 where x ≥ 0, else `slope`. With
/// value = x it is the activation, with value = dL/dy its backward pass. Comparisons feeding
/// `mask_where` fuse with their neighbours; a bool-to-float cast would not.
fn leaky_relu_scale(value: Tensor<2>, x: Tensor<2>, slope: f64) -> Tensor<2> {
    value.clone().mask_where(x.lower_elem(0.0), value.mul_scalar(slope))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::config::ModelConfig;
    use crate::nets::mlp;
    use crate::nets::conditioning::{generator_input, one_hot};
    use crate::nets::mlp::MlpDiscriminator;
    use crate::nets::{Critic, ImageGenerator};
    use crate::rng::HostRng;
    use crate::train::loss::bce_with_logits;
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
        close(manual.weight.clone(), linear.weight.grad(grads).unwrap(), &format!("{what}.weight"));
        let bias = linear.bias.as_ref().unwrap().grad(grads).unwrap();
        close(manual.bias.clone().unsqueeze(), bias.unsqueeze(), &format!("{what}.bias"));
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

    /// Each layer's name and the layer, from the input side.
    fn named<'a>(layers: Vec<&'a Linear>) -> Vec<(&'static str, &'a Linear)> {
        let names: &[&str] = if layers.len() == 3 { &["hidden", "hidden2", "output"] } else { &["hidden", "output"] };
        names.iter().copied().zip(layers).collect()
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
        let ours = discriminator_backward(&d, slope, pass, d_logits);
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
        let d_images = discriminator_input_grad(&d, slope, d_pass, d_logits);
        let ours = generator_backward(&g, pass, d_images);
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
            let (d_weights, d_embed) = r1_grads(&d, slope, &pass, real, gamma);

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
}
