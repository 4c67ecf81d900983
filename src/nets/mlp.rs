//! The classic MLP GAN: a generator that maps noise to digits through one hidden layer, and a
//! discriminator that scores them the same way.

use burn::module::Param;
use burn::nn::{LeakyRelu, LeakyReluConfig, Linear};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

use super::conditioning::{classes, projection};
use super::{Critic, ImageGenerator};
use crate::config::ModelConfig;
use crate::data::{CLASSES, IMAGE_PIXELS};
use crate::rng::HostRng;

/// Maps latent noise (and a one-hot label, when conditional) to images in [-1, 1].
#[derive(Module, Debug)]
pub struct MlpGenerator {
    pub hidden: Linear,
    pub output: Linear,
    /// Classes it is conditioned on, 0 if none: the last inputs of `hidden` are the label.
    pub classes: usize,
}

/// Scores images: a logit, positive for "real".
#[derive(Module, Debug)]
pub struct MlpDiscriminator {
    pub hidden: Linear,
    pub activation: LeakyRelu,
    pub output: Linear,
    /// A conditional critic's label embedding, projected on the hidden layer. // [classes, hidden]
    pub embed: Option<Param<Tensor<2>>>,
}

/// Both networks with PyTorch's default initialisation, drawn from `rng` on the host so every
/// backend starts from identical weights.
pub fn init(model: &ModelConfig, rng: &mut HostRng, device: &Device) -> (MlpGenerator, MlpDiscriminator) {
    let generator = init_generator(model, rng, device);
    let discriminator = MlpDiscriminator {
        hidden: linear(rng, IMAGE_PIXELS, model.hidden_dim, device),
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
    MlpGenerator {
        hidden: linear(rng, model.latent_dim + classes, model.hidden_dim, device),
        output: linear(rng, model.hidden_dim, IMAGE_PIXELS, device),
        classes,
    }
}

impl ImageGenerator for MlpGenerator {
    fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        let x = relu(self.hidden.forward(input)); // [batch, hidden]
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
        let x = self.activation.forward(self.hidden.forward(images)); // [batch, hidden]
        let logits = self.output.forward(x.clone()); // [batch, 1]
        match projection(x, self.embed.as_ref().map(|e| e.val()), labels) {
            Some(projected) => logits + projected,
            None => logits,
        }
    }

    /// Exact: LeakyReLU's slope pattern is constant almost everywhere.
    fn input_grad(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2> {
        let slope = self.activation.negative_slope;
        let pre = self.hidden.forward(images).detach(); // [n, hidden]
        let slopes = pre.ones_like().mask_fill(pre.lower_elem(0.0), slope); // [n, hidden]
        let mut d_features = self.output.weight.val().reshape([1, -1]); // [1, hidden]
        if let (Some(embed), Some(labels)) = (&self.embed, labels) {
            d_features = d_features + labels.matmul(embed.val()); // [n, hidden]
        }
        (d_features * slopes).matmul(self.hidden.weight.val().transpose()) // [n, 784]
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
