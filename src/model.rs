//! The classic MLP GAN: a generator that maps noise to digits and a discriminator that scores
//! them. Plain burn code with no knowledge of wasm, so it runs the same natively and in the page.

use burn::module::Param;
use burn::nn::{LeakyRelu, LeakyReluConfig, Linear};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

use crate::rng::HostRng;

/// Which pair of networks to train.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// The classic MLP: G 100→256→784, D 784→256→1 (this module).
    Mlp,
    /// Convolutional: transposed convolutions in G, strided ones in D (`dcgan`).
    Dcgan,
}

impl Architecture {
    /// The names the page, the JS API and `pretrain` use.
    pub const NAMES: [(&'static str, Self); 2] = [("mlp", Self::Mlp), ("dcgan", Self::Dcgan)];
}

/// What D and G are trained to optimise.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Non-saturating binary cross-entropy: D classifies real against fake, G maximises
    /// log D(G(z)) rather than minimising log(1 − D(G(z))), whose gradient vanishes early on.
    Bce,
    /// Wasserstein loss with a gradient penalty: D becomes a critic whose score difference
    /// estimates the distance between the real and generated distributions, kept 1-Lipschitz
    /// by penalising input gradients whose norm is not 1. Smoother gradients for G at the
    /// cost of several critic steps per G step.
    WganGp,
}

impl Loss {
    /// The names the page, the JS API and `pretrain` use.
    pub const NAMES: [(&'static str, Self); 2] = [("bce", Self::Bce), ("wgan-gp", Self::WganGp)];
}

/// Sizes and training hyperparameters of the GAN.
#[derive(Config, Debug)]
pub struct GanConfig {
    /// The networks: the classic MLP or the DCGAN.
    #[config(default = "Architecture::Mlp")]
    pub architecture: Architecture,
    /// The adversarial loss.
    #[config(default = "Loss::Bce")]
    pub loss: Loss,
    /// DCGAN width: channels of D's first convolution and G's last hidden layer; the layer
    /// next to it has twice as many.
    #[config(default = 32)]
    pub channels: usize,
    /// WGAN-GP: critic steps per generator step. Every call of `step` trains the critic on
    /// one real batch; G follows on every `critic_steps`-th call.
    #[config(default = 5)]
    pub critic_steps: usize,
    /// WGAN-GP: weight λ of the gradient penalty.
    #[config(default = 10.0)]
    pub gradient_penalty: f32,
    /// BCE: weight γ of the R1 penalty (Mescheder et al., 2018), γ/2 · E‖∇ₓD(x)‖² on real
    /// digits, added to D's loss; 0 turns it off. Flattening D around the real digits stops it
    /// from overshooting G's distribution, which is what makes the MLP stable enough to train
    /// at ten times the textbook learning rate. A DCGAN critic drops batch norm for it, as for
    /// WGAN-GP.
    #[config(default = 0.0)]
    pub r1_penalty: f32,
    /// Length of the latent noise vector fed to the generator.
    #[config(default = 100)]
    pub latent_dim: usize,
    /// Width of the hidden layer in both networks.
    #[config(default = 256)]
    pub hidden_dim: usize,
    /// Pixels per image (28 × 28 for MNIST).
    #[config(default = 784)]
    pub image_dim: usize,
    /// Negative slope of the discriminator's LeakyReLU.
    #[config(default = 0.2)]
    pub leaky_slope: f64,
    /// Adam learning rate for both networks.
    #[config(default = 2e-4)]
    pub learning_rate: f64,
    /// Adam β1. 0.5 rather than the textbook 0.9: GANs chase a moving target, and a long
    /// momentum memory makes them overshoot and collapse.
    #[config(default = 0.5)]
    pub beta1: f32,
    /// Target D is trained to give real digits. Below 1 (one-sided label smoothing) it stops D
    /// from growing over-confident, which keeps its gradients useful to G.
    #[config(default = 1.0)]
    pub real_label: f32,
    /// Probability of dropping each of D's hidden units during training. Dropout keeps D from
    /// memorising the 10k digits, so it cannot single out the few G is currently good at.
    #[config(default = 0.0)]
    pub dropout: f32,
    /// Decay of the running average of G's weights that samples are drawn from; 0 samples
    /// the latest G. Averaging smooths over the oscillation of adversarial training, which
    /// the latest weights show as flickering, blurred or missing digits.
    #[config(default = 0.0)]
    pub average_decay: f32,
    /// Adam β2.
    #[config(default = 0.999)]
    pub beta2: f32,
    /// Adam ε.
    #[config(default = 1e-8)]
    pub epsilon: f32,
    /// Images per training step.
    #[config(default = 64)]
    pub batch_size: usize,
    /// Seed for the initial weights and the latent noise.
    #[config(default = 42)]
    pub seed: u64,
}

/// Maps latent noise to images in [-1, 1].
#[derive(Module, Debug)]
pub struct Generator {
    pub hidden: Linear,
    pub output: Linear,
}

impl Generator {
    pub fn forward(&self, noise: Tensor<2>) -> Tensor<2> {
        let x = relu(self.hidden.forward(noise)); // [batch, hidden]
        tanh(self.output.forward(x)) // [batch, 784]
    }

    /// Latent size, read from the weights so a loaded generator describes itself.
    pub fn latent_dim(&self) -> usize {
        self.hidden.weight.dims()[0]
    }
}

/// Host noise (`n × latent` values) as a tensor on `device`. Callers validate the length.
pub fn noise_tensor(noise: Vec<f32>, latent_dim: usize, device: &Device) -> Tensor<2> {
    let n = noise.len() / latent_dim;
    Tensor::from_data(TensorData::new(noise, [n, latent_dim]), device) // [n, latent]
}

/// Scores images: a logit, positive for "real".
#[derive(Module, Debug)]
pub struct Discriminator {
    pub hidden: Linear,
    pub activation: LeakyRelu,
    pub output: Linear,
}

impl Discriminator {
    pub fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        let x = self.activation.forward(self.hidden.forward(images)); // [batch, hidden]
        self.output.forward(x) // [batch, 1]
    }
}

impl GanConfig {
    /// Builds both networks with PyTorch's default initialisation, drawn from `rng` on the
    /// host so every backend starts from identical weights.
    pub fn init(&self, rng: &mut HostRng, device: &Device) -> (Generator, Discriminator) {
        let generator = self.init_generator(rng, device);
        let discriminator = Discriminator {
            hidden: linear(rng, self.image_dim, self.hidden_dim, device),
            activation: LeakyReluConfig::new()
                .with_negative_slope(self.leaky_slope)
                .init(),
            output: linear(rng, self.hidden_dim, 1, device),
        };
        (generator, discriminator)
    }

    /// The generator alone, for the inference path.
    pub fn init_generator(&self, rng: &mut HostRng, device: &Device) -> Generator {
        Generator {
            hidden: linear(rng, self.latent_dim, self.hidden_dim, device),
            output: linear(rng, self.hidden_dim, self.image_dim, device),
        }
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
