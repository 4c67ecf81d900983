//! D's forward pass, its backward passes (to its weights, to its input images) and the
//! weight gradients of the R1 penalty.

use burn::prelude::*;

#[cfg(feature = "webgpu")]
use super::matmul::on_cube;
use super::matmul::{back_through_layer, forward_through_layer, matmul_then_tanh_slope, scaled_matmul};
use super::{LinearGrads, Rectifier, affine, affine_then, linear_grads, matmul, matmul_then_slope, scaled_linear_grads};
use crate::nets::mlp::MlpDiscriminator;

/// What D's backward pass needs from its forward pass.
#[derive(Clone)]
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
        let (pre, post) = affine_then(layer, inputs[inputs.len() - 1].clone(), Rectifier::Leaky(slope)); // [batch, width] each
        inputs.push(post);
        hidden_pre.push(pre);
    }
    let mut hidden = inputs.pop().expect("an MLP has a hidden layer"); // [batch, hidden]
    if let Some(keep) = &keep {
        hidden = hidden * keep.clone(); // [batch, hidden]
    }
    let mut logits = affine(&discriminator.output, hidden.clone()); // [batch, 1]
    let projection = match (&discriminator.embed, labels) {
        (Some(embed), Some(labels)) => Some((labels.clone(), matmul(labels.clone(), embed.val()))), // e_y, [batch, hidden]
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

/// The R1 penalty γ/2 · mean‖∇ₓD(x)‖² over the first `rows` images of a pass (the real ones).
#[derive(Clone, Copy, Debug)]
pub struct R1Penalty {
    pub rows: usize,
    pub gamma: f32,
}

/// Gradients of D's layers, given the loss gradient on its logits, with the R1 penalty's added
/// when `r1` is set. The projection e_y·h adds Σ_rows of class y of dlogit·h to e_y's gradient.
///
/// The loss reaches every hidden layer as a per-example factor times a pattern that does not
/// depend on it: dL/d(pre-activation of layer l) = diag(dlogit)·u_l, with u_L = v ⊙ s_L and
/// u_l = (u_{l+1}·W_{l+1}ᵀ) ⊙ s_l (v is the output row, plus e_y per row; s_l as in
/// [`Slopes`]). R1's a_l (in [`plus_r1`]) are the same u_l over the real rows, so one chain
/// serves both, and each layer's gradients take the factor in the product's own kernel.
pub fn discriminator_backward(
    discriminator: &MlpDiscriminator,
    slope: f64,
    mut pass: DiscriminatorPass,
    d_logits: Tensor<2>, // [batch, 1]
    r1: Option<R1Penalty>,
) -> DiscriminatorGrads {
    let weights = hidden_weights(discriminator);
    let slopes = Slopes::of(&pass, slope, None);
    let last = weights.len() - 1;
    let mut unit = vec![slopes.scale(output_pattern(discriminator, &pass), last)]; // u_L, [batch, hidden]
    // Back from the last hidden layer: each step takes u on to the layer below and gives the
    // layer above its gradients, in one kernel on WebGPU.
    let mut layers = Vec::with_capacity(weights.len() + 1);
    for layer in (0..last).rev() {
        let (u, above) = back_through_layer(
            unit[unit.len() - 1].clone(),
            weights[layer + 1].clone(),
            Rectifier::Leaky(slope),
            slopes.hidden_pre[layer].clone(),
            pass.inputs[layer + 1].clone(), // the layer's input, the output below
            Some(d_logits.clone()),
        ); // u_layer [batch, width], and layer + 1's gradients
        unit.push(u);
        layers.push(above);
    }
    unit.reverse(); // u_1 … u_L
    layers.push(scaled_linear_grads(pass.inputs[0].clone(), unit[0].clone(), d_logits.clone()));
    layers.reverse();
    let r1 = r1.map(|penalty| (penalty, Slopes::of(&pass, slope, Some(penalty.rows)), pass.projection.as_ref().map(|(labels, _)| labels.clone())));
    let hidden = pass.inputs.pop().expect("an MLP has a hidden layer"); // [batch, hidden]
    let embed = pass
        .projection
        .as_ref()
        .map(|(labels, _)| matmul(labels.clone().transpose(), d_logits.clone() * hidden.clone())); // [classes, hidden]
    layers.push(linear_grads(hidden, d_logits));
    let grads = DiscriminatorGrads { layers, embed };
    match r1 {
        Some((penalty, slopes, labels)) => plus_r1(grads, penalty, &slopes, labels, &weights, &unit),
        None => grads,
    }
}

/// The loss gradient on D's input images, for the generator step, which needs no gradients
/// for D's own weights. When the images are `through_tanh`, a tanh's outputs, the gradient goes
/// on back through it to the tanh's input, in the same kernel on WebGPU.
pub fn discriminator_input_grad(
    discriminator: &MlpDiscriminator,
    slope: f64,
    pass: DiscriminatorPass,
    d_logits: Tensor<2>, // [batch, 1]
    through_tanh: Option<Tensor<2>>, // [batch, 784]
) -> Tensor<2> {
    let first = pre_activation_grads(discriminator, slope, &pass, d_logits).swap_remove(0); // [batch, width]
    let weight = discriminator.hidden.weight.val().transpose(); // [width, 784]
    match through_tanh {
        Some(images) => matmul_then_tanh_slope(first, weight, images), // [batch, 784]
        None => matmul(first, weight),
    }
}

/// `grads` plus the R1 penalty's weight gradients over its first `penalty.rows` rows, from the
/// unit chain `unit` (u_1 … u_L over all of the pass's rows, see [`discriminator_backward`]),
/// `slopes` over those rows and a conditional D's one-hot `labels`: each product summed into
/// the loss's gradients in its own kernel on WebGPU.
///
/// The slope pattern is constant almost everywhere, so ∇ₓD = g = a_1·W_1ᵀ with a_l = u_l over
/// the real rows. Back from B_0 = dP/dg = (γ/n)·g: dP/dW_l = B_{l−1}ᵀ·a_l and
/// B_l = (B_{l−1}·W_l) ⊙ s_l, and the output row (e_y per row) gets B_L. Nothing reaches the
/// biases or the pre-activations.
fn plus_r1(
    grads: DiscriminatorGrads,
    penalty: R1Penalty,
    slopes: &Slopes,
    labels: Option<Tensor<2>>,
    weights: &[Tensor<2>],
    unit: &[Tensor<2>],
) -> DiscriminatorGrads {
    let rows = penalty.rows;
    let a: Vec<Tensor<2>> = unit.iter().map(|u| u.clone().slice(0..rows)).collect(); // a_1 … a_L, [n, width] each
    let mut b = scaled_matmul(a[0].clone(), weights[0].clone().transpose(), penalty.gamma / rows as f32); // B_0 = (γ/n)·g, [n, 784]
    let mut loss = grads.layers.into_iter();
    let mut layers = Vec::with_capacity(weights.len() + 1);
    for (layer, (weight, a)) in weights.iter().zip(a).enumerate() {
        let grads = loss.next().expect("a gradient per layer");
        let (next, grads) = slopes.forward(b, weight.clone(), layer, a, grads); // B_l [n, width]; + B_{l−1}ᵀ·a_l
        layers.push(grads);
        b = next;
    }
    let embed = grads.embed.zip(labels).map(|(embed, labels)| embed + matmul(labels.slice(0..rows).transpose(), b.clone())); // [classes, hidden]
    layers.push(loss.next().expect("the output layer's gradient").plus_column_sums(b)); // + Σ_rows B_L, [hidden, 1]
    DiscriminatorGrads { layers, embed }
}

/// dL/d(pre-activation) of each hidden layer, from the image side. The output layer has one
/// unit, so the last one's is an outer product: a broadcast multiply rather than a matmul.
fn pre_activation_grads(
    discriminator: &MlpDiscriminator,
    slope: f64,
    pass: &DiscriminatorPass,
    d_logits: Tensor<2>, // [batch, 1]
) -> Vec<Tensor<2>> {
    let d_features = d_logits * output_pattern(discriminator, pass); // [batch, hidden]
    Slopes::of(pass, slope, None).back(&hidden_weights(discriminator), d_features)
}

/// v, what the output layer multiplies the last hidden layer's output by: its weight row, plus
/// each row's label embedding e_y for a conditional D. // [1 or batch, hidden]
fn output_pattern(discriminator: &MlpDiscriminator, pass: &DiscriminatorPass) -> Tensor<2> {
    let output_row = discriminator.output.weight.val().reshape([1, -1]); // [1, hidden]
    match &pass.projection {
        Some((_, embedded)) => output_row + embedded.clone(), // [batch, hidden]
        None => output_row,
    }
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

    /// `t` ⊙ s_layer, `t` one row or one per row. // [n, width]
    fn scale(&self, t: Tensor<2>, layer: usize) -> Tensor<2> {
        let t = match &self.keep {
            Some(keep) if layer == self.hidden_pre.len() - 1 => t * keep.clone(),
            _ => t,
        };
        let x = self.hidden_pre[layer].clone(); // [n, width]
        #[cfg(feature = "webgpu")]
        if t.dims()[0] < x.dims()[0] && on_cube(&x) {
            // A row times the slopes as a tensor: one fused kernel on WebGPU, where the select of
            // a broadcast row took two. On the CPU the select is the one pass.
            return x.ones_like().mask_fill(x.lower_elem(0.0), self.slope) * t;
        }
        Rectifier::Leaky(self.slope).scale_by_slope(t, x)
    }

    /// (`lhs` · `rhs`) ⊙ s_layer, in one kernel on WebGPU where no dropout scale joins in. // [n, width]
    fn matmul_then_scale(&self, lhs: Tensor<2>, rhs: Tensor<2>, layer: usize) -> Tensor<2> {
        match &self.keep {
            Some(_) if layer == self.hidden_pre.len() - 1 => self.scale(matmul(lhs, rhs), layer),
            _ => matmul_then_slope(lhs, rhs, Rectifier::Leaky(self.slope), self.hidden_pre[layer].clone()),
        }
    }

    /// (`b` · `weight`) ⊙ s_layer, R1's next B, and `grads` plus `b`ᵀ·`a` on the weight's: one
    /// kernel on WebGPU where no dropout scale joins in.
    fn forward(&self, b: Tensor<2>, weight: Tensor<2>, layer: usize, a: Tensor<2>, grads: LinearGrads) -> (Tensor<2>, LinearGrads) {
        match &self.keep {
            Some(_) if layer == self.hidden_pre.len() - 1 => {
                let grads = grads.plus_weight_product(b.clone().transpose(), a);
                (self.matmul_then_scale(b, weight, layer), grads)
            }
            _ => forward_through_layer(b, weight, Rectifier::Leaky(self.slope), self.hidden_pre[layer].clone(), a, grads),
        }
    }

    /// Back from `d_features` (one row, or one per row) on the last hidden layer's output to each hidden layer's
    /// pre-activation, through `weights` (each layer's, from the image side):
    /// a_L = d ⊙ s_L and a_l = (a_{l+1}·W_{l+1}ᵀ) ⊙ s_l, returned from the image side.
    fn back(&self, weights: &[Tensor<2>], d_features: Tensor<2>) -> Vec<Tensor<2>> {
        let last = weights.len() - 1;
        let mut chain = vec![self.scale(d_features, last)]; // [n, hidden]
        for layer in (0..last).rev() {
            let next = self.matmul_then_scale(chain[chain.len() - 1].clone(), weights[layer + 1].clone().transpose(), layer); // [n, width]
            chain.push(next);
        }
        chain.reverse();
        chain
    }
}
