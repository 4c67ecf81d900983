//! The classic MLP GAN: a generator that maps noise to digits through one hidden layer, and a
//! discriminator that scores them the same way.

use burn::module::Param;
use burn::nn::{LeakyRelu, LeakyReluConfig, Linear};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

use super::{Critic, ImageGenerator};
use crate::config::ModelConfig;
use crate::data::IMAGE_PIXELS;
use crate::rng::HostRng;

/// Maps latent noise to images in [-1, 1].
#[derive(Module, Debug)]
pub struct MlpGenerator {
    pub hidden: Linear,
    pub output: Linear,
}

/// Scores images: a logit, positive for "real".
#[derive(Module, Debug)]
pub struct MlpDiscriminator {
    pub hidden: Linear,
    pub activation: LeakyRelu,
    pub output: Linear,
}

/// Both networks with PyTorch's default initialisation, drawn from `rng` on the host so every
/// backend starts from identical weights.
pub fn init(model: &ModelConfig, rng: &mut HostRng, device: &Device) -> (MlpGenerator, MlpDiscriminator) {
    let generator = init_generator(model, rng, device);
    let discriminator = MlpDiscriminator {
        hidden: linear(rng, IMAGE_PIXELS, model.hidden_dim, device),
        activation: LeakyReluConfig::new().with_negative_slope(model.leaky_slope).init(),
        output: linear(rng, model.hidden_dim, 1, device),
    };
    (generator, discriminator)
}

/// The generator alone, for the inference path.
pub fn init_generator(model: &ModelConfig, rng: &mut HostRng, device: &Device) -> MlpGenerator {
    MlpGenerator {
        hidden: linear(rng, model.latent_dim, model.hidden_dim, device),
        output: linear(rng, model.hidden_dim, IMAGE_PIXELS, device),
    }
}

impl ImageGenerator for MlpGenerator {
    fn forward(&self, noise: Tensor<2>) -> Tensor<2> {
        let x = relu(self.hidden.forward(noise)); // [batch, hidden]
        tanh(self.output.forward(x)) // [batch, 784]
    }

    fn latent_dim(&self) -> usize {
        self.hidden.weight.dims()[0]
    }
}

impl Critic for MlpDiscriminator {
    fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        let x = self.activation.forward(self.hidden.forward(images)); // [batch, hidden]
        self.output.forward(x) // [batch, 1]
    }

    /// Exact: LeakyReLU's slope pattern is constant almost everywhere.
    fn input_grad(&self, images: Tensor<2>) -> Tensor<2> {
        let slope = self.activation.negative_slope;
        let pre = self.hidden.forward(images).detach(); // [n, hidden]
        let slopes = pre.ones_like().mask_fill(pre.lower_elem(0.0), slope); // [n, hidden]
        let d_hidden = self.output.weight.val().reshape([1, -1]) * slopes; // [n, hidden]
        d_hidden.matmul(self.hidden.weight.val().transpose()) // [n, 784]
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
