//! The MLP GAN: a generator that maps noise to digits through one hidden layer (the classic
//! GAN) or two, and a discriminator that scores them the same way.

use burn::module::Param;
use burn::nn::{LeakyRelu, LeakyReluConfig, Linear};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

use super::conditioning::{classes, projection};
use super::leaky::{leaky_relu, scale_by_slope};
use super::{Critic, ImageGenerator};
use crate::config::ModelConfig;
use crate::data::{CLASSES, IMAGE_PIXELS};
use crate::rng::HostRng;

/// Maps latent noise (and a one-hot label, when conditional) to images in [-1, 1].
#[derive(Module, Debug)]
pub struct MlpGenerator {
    pub hidden: Linear,
    /// Depth 2's second hidden layer, twice as wide as the first. // [hidden, 2·hidden]
    pub hidden2: Option<Linear>,
    pub output: Linear,
    /// Classes it is conditioned on, 0 if none: the last inputs of `hidden` are the label.
    pub classes: usize,
}

/// Scores images: a logit, positive for "real".
#[derive(Module, Debug)]
pub struct MlpDiscriminator {
    pub hidden: Linear,
    /// Depth 2's second hidden layer: D narrows 784 → 2·hidden → hidden. // [2·hidden, hidden]
    pub hidden2: Option<Linear>,
    pub activation: LeakyRelu,
    pub output: Linear,
    /// A conditional critic's label embedding, projected on the hidden layer. // [classes, hidden]
    pub embed: Option<Param<Tensor<2>>>,
}

/// Both networks with PyTorch's default initialisation, drawn from `rng` on the host so every
/// backend starts from identical weights.
pub fn init(model: &ModelConfig, rng: &mut HostRng, device: &Device) -> (MlpGenerator, MlpDiscriminator) {
    let generator = init_generator(model, rng, device);
    let width = model.hidden_dim;
    let deep = model.depth > 1;
    let discriminator = MlpDiscriminator {
        hidden: linear(rng, IMAGE_PIXELS, if deep { 2 * width } else { width }, device),
        hidden2: deep.then(|| linear(rng, 2 * width, width, device)),
        activation: LeakyReluConfig::new().with_negative_slope(model.leaky_slope).init(),
        output: linear(rng, model.hidden_dim, 1, device),
        // Drawn last, so an unconditional run draws exactly what it always did.
        // Drawn as the output layer's weights are: one row per class.
        embed: model.conditional.then(|| {
            let bound = 1.0 / (model.hidden_dim as f32).sqrt();
            let values = (0..CLASSES * model.hidden_dim).map(|_| rng.symmetric(bound)).collect();
            Param::from_data(TensorData::new(values, [CLASSES, model.hidden_dim]), device) // [classes, hidden]
        }),
    };
    (generator, discriminator)
}

/// The generator alone, for the inference path.
pub fn init_generator(model: &ModelConfig, rng: &mut HostRng, device: &Device) -> MlpGenerator {
    let classes = classes(model);
    let width = model.hidden_dim;
    let deep = model.depth > 1;
    MlpGenerator {
        hidden: linear(rng, model.latent_dim + classes, width, device),
        hidden2: deep.then(|| linear(rng, width, 2 * width, device)),
        output: linear(rng, if deep { 2 * width } else { width }, IMAGE_PIXELS, device),
        classes,
    }
}

impl MlpGenerator {
    /// The linear layers from the noise side: `hidden`, `hidden2` at depth 2, `output`.
    pub fn layers(&self) -> Vec<&Linear> {
        [Some(&self.hidden), self.hidden2.as_ref(), Some(&self.output)].into_iter().flatten().collect()
    }

    /// [`layers`](Self::layers), to update in place.
    pub fn layers_mut(&mut self) -> Vec<&mut Linear> {
        [Some(&mut self.hidden), self.hidden2.as_mut(), Some(&mut self.output)].into_iter().flatten().collect()
    }
}

impl ImageGenerator for MlpGenerator {
    fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        let mut x = relu(self.hidden.forward(input)); // [batch, hidden]
        if let Some(hidden2) = &self.hidden2 {
            x = relu(hidden2.forward(x)); // [batch, 2·hidden]
        }
        tanh(self.output.forward(x)) // [batch, 784]
    }

    fn latent_dim(&self) -> usize {
        self.hidden.weight.dims()[0] - self.classes
    }

    fn classes(&self) -> usize {
        self.classes
    }
}

impl Critic for MlpDiscriminator {
    fn forward(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2> {
        let pre = self.pre_activations(images);
        self.head(&pre, labels)
    }

    /// Exact: LeakyReLU's slope pattern is constant almost everywhere, so each layer's
    /// gradient is the next one's times the slopes, back through the weights.
    fn input_grad(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2> {
        let pre = self.pre_activations(images);
        self.input_grad_from(&pre, labels)
    }

    /// Both from one pass through the hidden layers, which R1 would otherwise run twice on
    /// the same real images.
    fn forward_with_input_grad(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> (Tensor<2>, Tensor<2>) {
        let pre = self.pre_activations(images);
        (self.head(&pre, labels.clone()), self.input_grad_from(&pre, labels))
    }
}

impl MlpDiscriminator {
    /// The hidden layers from the image side: `hidden`, then `hidden2` at depth 2.
    pub fn hidden_layers(&self) -> Vec<&Linear> {
        [Some(&self.hidden), self.hidden2.as_ref()].into_iter().flatten().collect()
    }

    /// Every linear layer, from the image side, to update in place.
    pub fn layers_mut(&mut self) -> Vec<&mut Linear> {
        [Some(&mut self.hidden), self.hidden2.as_mut(), Some(&mut self.output)].into_iter().flatten().collect()
    }

    /// Each hidden layer's output before its activation, from the input side:
    /// [n, hidden or 2·hidden], then at depth 2 [n, hidden].
    fn pre_activations(&self, images: Tensor<2>) -> Vec<Tensor<2>> {
        let mut pre = vec![self.hidden.forward(images)];
        if let Some(hidden2) = &self.hidden2 {
            pre.push(hidden2.forward(leaky_relu(pre[0].clone(), self.activation.negative_slope)));
        }
        pre
    }

    /// The logits from the last hidden layer's pre-activation (+ the label's projection).
    fn head(&self, pre: &[Tensor<2>], labels: Option<Tensor<2>>) -> Tensor<2> {
        let x = leaky_relu(pre[pre.len() - 1].clone(), self.activation.negative_slope); // [batch, hidden]
        let logits = self.output.forward(x.clone()); // [batch, 1]
        match projection(x, self.embed.as_ref().map(|e| e.val()), labels) {
            Some(projected) => logits + projected,
            None => logits,
        }
    }

    /// The input gradient (see [`Critic::input_grad`]) from the hidden layers' pre-activations.
    fn input_grad_from(&self, pre: &[Tensor<2>], labels: Option<Tensor<2>>) -> Tensor<2> {
        let slope = self.activation.negative_slope;
        let layers = self.hidden_layers();
        let mut d_features = self.output.weight.val().reshape([1, -1]); // [1, hidden]
        if let (Some(embed), Some(labels)) = (&self.embed, labels) {
            d_features = d_features + labels.matmul(embed.val()); // [n, hidden]
        }
        // Back from the output: each layer's slopes, then its weights.
        layers.into_iter().zip(pre).rev().fold(d_features, |d_output, (layer, pre)| {
            scale_by_slope(d_output, pre.clone().detach(), slope).matmul(layer.weight.val().transpose()) // [n, the layer's inputs]
        }) // [n, 784]
    }
}

/// A linear layer with weight and bias drawn from U(-1/√fan_in, 1/√fan_in).
fn linear(rng: &mut HostRng, d_input: usize, d_output: usize, device: &Device) -> Linear {
    let bound = 1.0 / (d_input as f32).sqrt();
    let mut draw = |n: usize| (0..n).map(|_| rng.symmetric(bound)).collect::<Vec<f32>>();
    let weight = TensorData::new(draw(d_input * d_output), [d_input, d_output]);
    let bias = TensorData::new(draw(d_output), [d_output]);
    Linear {
        weight: Param::from_data(weight, device),
        bias: Some(Param::from_data(bias, device)),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::nets::conditioning::one_hot;

    /// The hand-built input gradient equals autodiff's gradient of Σ D(x, y) with respect to
    /// x, through one hidden layer or two, for a plain critic and a conditional one.
    #[test]
    fn input_grad_matches_autodiff() {
        for (depth, conditional) in [(1, false), (1, true), (2, false), (2, true)] {
            let model = ModelConfig::new().with_hidden_dim(16).with_depth(depth).with_conditional(conditional);
            let device = Device::flex().autodiff();
            let mut rng = HostRng::new(5);
            let (_, critic) = init(&model, &mut rng, &device);
            assert_eq!((critic.hidden2.is_some(), critic.embed.is_some()), (depth == 2, conditional));
            let labels = conditional.then(|| one_hot(&[3, 0, 9], &device));
            let images = Tensor::<2>::from_data(TensorData::new(rng.normal(3 * 784), [3, 784]), &device);
            let what = format!("depth {depth}, conditional {conditional}");
            crate::nets::grad_check::assert_input_grad_matches_autodiff(&critic, images.clone(), labels.clone(), &what);
            crate::nets::grad_check::assert_shared_pass_matches(&critic, images, labels, &what);
        }
    }

    /// Depth 2 adds a layer twice as wide beside the image in each network; depth 1 is the
    /// classic GAN. G's first layer is drawn first from the stream at either depth.
    #[test]
    fn shapes_at_each_depth() {
        let device = Device::flex();
        let shallow = ModelConfig::new();
        let (g1, d1) = init(&shallow, &mut HostRng::new(1), &device);
        let (g2, d2) = init(&shallow.clone().with_depth(2), &mut HostRng::new(1), &device);
        assert!(g1.hidden2.is_none() && d1.hidden2.is_none());
        let dims = |layer: &Linear| layer.weight.dims();
        assert_eq!((dims(&g1.hidden), dims(&g1.output)), ([100, 256], [256, 784]));
        assert_eq!((dims(&d1.hidden), dims(&d1.output)), ([784, 256], [256, 1]));
        let (gh, dh) = (g2.hidden2.as_ref().unwrap(), d2.hidden2.as_ref().unwrap());
        assert_eq!((dims(&g2.hidden), dims(gh), dims(&g2.output)), ([100, 256], [256, 512], [512, 784]));
        assert_eq!((dims(&d2.hidden), dims(dh), dims(&d2.output)), ([784, 512], [512, 256], [256, 1]));
        // G's first layer comes first from the stream at either depth.
        let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(read(g1.hidden.weight.val()), read(g2.hidden.weight.val()));
        let images = g2.forward(Tensor::zeros([2, 100], &device));
        assert_eq!(images.dims(), [2, 784]);
        assert_eq!(d2.forward(images, None).dims(), [2, 1]);
    }
}
