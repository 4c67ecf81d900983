//! The DCGAN for 28 × 28 digits: G grows a 7 × 7 feature map to 14 × 14 and then 28 × 28 with
//! transposed convolutions (and, at depth 3, works the 14 × 14 map over with a 3 × 3
//! convolution), D shrinks the image the same way with strided convolutions (and, at depth 2
//! and 3, looks again at the 7 × 7 map with a 3 × 3 convolution). Batch norm after every
//! hidden layer of G and after D's last convolution, as in the DCGAN paper (Radford et al.,
//! 2015), except in a critic with a per-image gradient penalty (WGAN-GP's or R1).

use burn::module::Param;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};
use burn::tensor::module::conv_transpose2d;
use burn::tensor::ops::ConvTransposeOptions;

use super::conditioning::{classes, projection};
use super::leaky::{leaky_relu, scale_by_slope};
use super::{Critic, ImageGenerator};
use crate::config::ModelConfig;
use crate::data::{CLASSES, IMAGE_PIXELS, IMAGE_SIDE};
use crate::rng::HostRng;

/// Side of the smallest feature map: 28 / 2 / 2.
const SIDE: usize = IMAGE_SIDE / 4;

/// Noise → [linear → 7×7×2c → BN → ReLU] → [↑2 → 14×14×c → BN → ReLU]
/// (→ [conv 3×3 → 14×14×c → BN → ReLU] at depth 3) → [↑2 → 28×28 → tanh].
#[derive(Module, Debug)]
pub struct DcganGenerator {
    pub project: Linear,
    pub project_norm: BatchNorm,
    pub up1: ConvTranspose2d,
    pub up1_norm: BatchNorm,
    /// Depth 3's convolution, 3 × 3 with stride 1, c → c channels at 14 × 14, and its batch norm.
    pub refine: Option<Conv2d>,
    pub refine_norm: Option<BatchNorm>,
    pub up2: ConvTranspose2d,
    /// Classes it is conditioned on, 0 if none: the last inputs of `project` are the label.
    pub classes: usize,
}

impl ImageGenerator for DcganGenerator {
    fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        let n = input.dims()[0];
        let channels = self.project_norm.gamma.dims()[0];
        let x = self.project.forward(input).reshape([n, channels, SIDE, SIDE]); // [n, 2c, 7, 7]
        let x = relu(self.project_norm.forward(x));
        let mut x = relu(self.up1_norm.forward(self.up1.forward(x))); // [n, c, 14, 14]
        if let (Some(refine), Some(norm)) = (&self.refine, &self.refine_norm) {
            x = relu(norm.forward(refine.forward(x))); // [n, c, 14, 14]
        }
        tanh(self.up2.forward(x)).reshape([n, IMAGE_PIXELS]) // [n, 784]
    }

    fn latent_dim(&self) -> usize {
        self.project.weight.dims()[0] - self.classes
    }

    fn classes(&self) -> usize {
        self.classes
    }
}

/// Image → [conv ↓2 → 14×14×c → LeakyReLU] → [conv ↓2 → 7×7×2c → LeakyReLU]
/// (→ [conv 3×3 → 7×7×2c → LeakyReLU] at depth 2 and 3) → logit, with batch norm (if any) before the
/// last LeakyReLU.
#[derive(Module, Debug)]
pub struct DcganDiscriminator {
    pub conv1: Conv2d,
    pub conv2: Conv2d,
    /// The third convolution of depth 2 and 3, 3 × 3 with stride 1, 2c → 2c channels at 7 × 7.
    pub conv3: Option<Conv2d>,
    /// Absent in a critic with a gradient penalty.
    pub norm: Option<BatchNorm>,
    pub output: Linear,
    /// A conditional critic's label embedding, projected on the last features. // [classes, 2c·7·7]
    pub embed: Option<Param<Tensor<2>>>,
    pub slope: f64,
}

impl Critic for DcganDiscriminator {
    fn forward(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2> {
        let pre = self.convolutions(images);
        self.head(pre.last(), labels)
    }

    /// d(Σ D(x))/dx per image, as a graph that autodiff can differentiate with respect to the
    /// weights: the gradient penalty's backward pass needs it, and burn has no double
    /// backward. Exact for a critic without batch norm: LeakyReLU's second derivative is zero,
    /// so its slope pattern is a constant here.
    fn input_grad(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<2> {
        self.input_grad_from(self.convolutions(images), labels)
    }

    /// Both from one pass through the convolutions, which R1 would otherwise run twice on the
    /// same real images.
    fn forward_with_input_grad(&self, images: Tensor<2>, labels: Option<Tensor<2>>) -> (Tensor<2>, Tensor<2>) {
        let pre = self.convolutions(images);
        let last = pre.last(); // [n, 2c, 7, 7]
        let grad = self.input_grad_from(pre, labels.clone()); // [n, 784]
        (self.head(last, labels), grad)
    }
}

impl DcganDiscriminator {
    /// Every convolution's output before its activation.
    fn convolutions(&self, images: Tensor<2>) -> PreActivations {
        let n = images.dims()[0];
        let x = images.reshape([n, 1, IMAGE_SIDE, IMAGE_SIDE]); // [n, 1, 28, 28]
        let pre1 = self.conv1.forward(x); // [n, c, 14, 14]
        let pre2 = self.conv2.forward(self.leaky(pre1.clone())); // [n, 2c, 7, 7]
        let pre3 = self.conv3.as_ref().map(|conv3| conv3.forward(self.leaky(pre2.clone()))); // [n, 2c, 7, 7]
        PreActivations { pre1, pre2, pre3 }
    }

    /// The logits from the last convolution's output: (BN →) LeakyReLU → linear (+ projection).
    fn head(&self, last: Tensor<4>, labels: Option<Tensor<2>>) -> Tensor<2> {
        let x = match &self.norm {
            Some(norm) => norm.forward(last),
            None => last,
        };
        let features = self.leaky(x).flatten(1, 3); // [n, 2c·49]
        let logits = self.output.forward(features.clone()); // [n, 1]
        match projection(features, self.embed.as_ref().map(|e| e.val()), labels) {
            Some(projected) => logits + projected,
            None => logits,
        }
    }

    /// The input gradient (see [`Critic::input_grad`]) from the convolutions' outputs.
    fn input_grad_from(&self, pre: PreActivations, labels: Option<Tensor<2>>) -> Tensor<2> {
        let PreActivations { pre1, pre2, pre3 } = pre;
        let [n, channels, _, _] = pre2.dims();
        let mut d_features = self.output.weight.val().reshape([1, -1]); // [1, 2c·49]
        if let (Some(embed), Some(labels)) = (&self.embed, labels) {
            d_features = d_features + labels.matmul(embed.val()); // [n, 2c·49]
        }
        let rows = d_features.dims()[0];
        let mut d_out = d_features.reshape([rows, channels, SIDE, SIDE]); // [n or 1, 2c, 7, 7]
        if let (Some(conv3), Some(pre3)) = (&self.conv3, pre3) {
            let d_pre3 = self.scale_by_slopes(d_out, pre3); // [n, 2c, 7, 7]
            let stride1 = ConvTransposeOptions::new([1, 1], [1, 1], [0, 0], [1, 1], 1);
            d_out = conv_transpose2d(d_pre3, conv3.weight.val(), None, stride1); // [n, 2c, 7, 7]
        }
        let d_pre2 = self.scale_by_slopes(d_out, pre2); // [n, 2c, 7, 7]
        let stride2 = ConvTransposeOptions::new([2, 2], [1, 1], [0, 0], [1, 1], 1);
        let d_out1 = conv_transpose2d(d_pre2, self.conv2.weight.val(), None, stride2.clone()); // [n, c, 14, 14]
        let d_pre1 = self.scale_by_slopes(d_out1, pre1); // [n, c, 14, 14]
        conv_transpose2d(d_pre1, self.conv1.weight.val(), None, stride2).reshape([n, IMAGE_PIXELS]) // [n, 784]
    }

    fn leaky(&self, x: Tensor<4>) -> Tensor<4> {
        leaky_relu(x, self.slope)
    }

    /// `d` times LeakyReLU's derivative at `pre` (1 or the slope), which has no gradient of
    /// its own.
    fn scale_by_slopes(&self, d: Tensor<4>, pre: Tensor<4>) -> Tensor<4> {
        scale_by_slope(d, pre.detach(), self.slope)
    }
}

/// D's convolutions' outputs before their activations.
struct PreActivations {
    pre1: Tensor<4>, // [n, c, 14, 14]
    pre2: Tensor<4>, // [n, 2c, 7, 7]
    /// At depth 2 and 3.
    pre3: Option<Tensor<4>>, // [n, 2c, 7, 7]
}

impl PreActivations {
    /// The last convolution's output. // [n, 2c, 7, 7]
    fn last(&self) -> Tensor<4> {
        self.pre3.clone().unwrap_or_else(|| self.pre2.clone())
    }
}

/// Both DCGAN networks with the DCGAN paper's initialisation (weights from N(0, 0.02),
/// batch-norm scales from N(1, 0.02)), drawn from `rng` on the host so every backend starts
/// from identical weights. `critic_norm`: whether D normalises its last convolution
/// ([`crate::config::GanConfig::critic_batch_norm`]).
pub fn init(
    model: &ModelConfig,
    critic_norm: bool,
    rng: &mut HostRng,
    device: &Device,
) -> (DcganGenerator, DcganDiscriminator) {
    let generator = init_generator(model, rng, device);
    let c = model.channels;
    let deep = model.depth >= 2;
    let discriminator = DcganDiscriminator {
        conv1: conv(rng, [1, c], 4, true, device),
        // Batch norm subtracts each channel's mean, so a bias before it would do nothing
        // (and, with a zero gradient, drift on rounding noise).
        conv2: conv(rng, [c, 2 * c], 4, deep || !critic_norm, device),
        norm: critic_norm.then(|| batch_norm(rng, 2 * c, device)),
        output: dense(rng, 2 * c * SIDE * SIDE, 1, true, device),
        // Drawn late, so an unconditional run draws exactly what it always did.
        embed: model.conditional.then(|| normal(rng, [CLASSES, 2 * c * SIDE * SIDE], 0.0, device)),
        // Drawn last (fields are evaluated in the order written), so a depth-1 critic draws
        // exactly what it always did.
        conv3: deep.then(|| conv(rng, [2 * c, 2 * c], 3, !critic_norm, device)),
        slope: model.leaky_slope,
    };
    (generator, discriminator)
}

/// The DCGAN generator alone, for loading pretrained weights into.
pub fn init_generator(model: &ModelConfig, rng: &mut HostRng, device: &Device) -> DcganGenerator {
    let c = model.channels;
    let up = |rng: &mut HostRng, channels: [usize; 2], bias: bool| {
        let mut up = ConvTranspose2dConfig::new(channels, [4, 4])
            .with_stride([2, 2])
            .with_padding([1, 1])
            .with_bias(bias)
            .init(device);
        up.weight = normal(rng, up.weight.dims(), 0.0, device);
        up.bias = up.bias.map(|b| zeros(b.dims(), device));
        up
    };
    // No bias in the layers batch norm follows (see `init`).
    let classes = classes(model);
    DcganGenerator {
        project: dense(rng, model.latent_dim + classes, 2 * c * SIDE * SIDE, false, device),
        project_norm: batch_norm(rng, 2 * c, device),
        up1: up(rng, [2 * c, c], false),
        up1_norm: batch_norm(rng, c, device),
        up2: up(rng, [c, 1], true),
        // Drawn after the rest (fields are evaluated in the order written), so G at depth 1 or
        // 2 draws exactly what it always did.
        refine: (model.depth == 3).then(|| conv(rng, [c, c], 3, false, device)),
        refine_norm: (model.depth == 3).then(|| batch_norm(rng, c, device)),
        classes,
    }
}

/// A convolution with weights from N(0, 0.02) and, if any, a zero bias: 4 × 4 with stride 2
/// halves the side, 3 × 3 with stride 1 keeps it.
fn conv(rng: &mut HostRng, channels: [usize; 2], kernel: usize, bias: bool, device: &Device) -> Conv2d {
    let mut conv = Conv2dConfig::new(channels, [kernel, kernel])
        .with_stride([kernel - 2, kernel - 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_bias(bias)
        .init(device);
    conv.weight = normal(rng, conv.weight.dims(), 0.0, device);
    conv.bias = conv.bias.map(|b| zeros(b.dims(), device));
    conv
}

/// A linear layer with weights from N(0, 0.02) and, if any, a zero bias.
fn dense(rng: &mut HostRng, d_input: usize, d_output: usize, bias: bool, device: &Device) -> Linear {
    Linear {
        weight: normal(rng, [d_input, d_output], 0.0, device),
        bias: bias.then(|| zeros([d_output], device)),
    }
}

fn batch_norm(rng: &mut HostRng, features: usize, device: &Device) -> BatchNorm {
    let mut norm = BatchNormConfig::new(features).init(device);
    norm.gamma = normal(rng, [features], 1.0, device);
    norm
}

/// A parameter drawn from N(mean, 0.02²) on the host.
fn normal<const D: usize>(rng: &mut HostRng, shape: [usize; D], mean: f32, device: &Device) -> Param<Tensor<D>> {
    let n = shape.iter().product();
    let values = rng.normal(n).into_iter().map(|x| mean + 0.02 * x).collect::<Vec<f32>>();
    Param::from_data(TensorData::new(values, shape), device)
}

fn zeros<const D: usize>(shape: [usize; D], device: &Device) -> Param<Tensor<D>> {
    Param::from_tensor(Tensor::zeros(shape, device))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::config::GanConfig;
    use crate::nets::conditioning::{generator_input, one_hot};

    /// The hand-built input gradient equals autodiff's gradient of Σ D(x, y) with respect to
    /// x, for a plain critic and a conditional one, at each depth.
    #[test]
    fn input_grad_matches_autodiff() {
        for (conditional, depth) in [(false, 1), (true, 1), (false, 2), (true, 2), (false, 3)] {
            let model = ModelConfig::new().with_channels(4).with_conditional(conditional).with_depth(depth);
            let device = Device::flex().autodiff();
            let mut rng = HostRng::new(5);
            let (_, critic) = init(&model, false, &mut rng, &device);
            assert_eq!((critic.embed.is_some(), critic.conv3.is_some()), (conditional, depth >= 2));
            let labels = conditional.then(|| one_hot(&[3, 0, 9], &device));
            let images = Tensor::<2>::from_data(TensorData::new(rng.normal(3 * 784), [3, 784]), &device);
            let what = format!("conditional {conditional}, depth {depth}");
            crate::nets::grad_check::assert_input_grad_matches_autodiff(&critic, images.clone(), labels.clone(), &what);
            crate::nets::grad_check::assert_shared_pass_matches(&critic, images, labels, &what);
        }
    }

    #[test]
    fn shapes() {
        let model = ModelConfig::new().with_channels(4);
        let device = Device::flex();
        let (g, d) = init(&model, GanConfig::new().critic_batch_norm(), &mut HostRng::new(1), &device);
        let images = g.forward(Tensor::zeros([2, 100], &device));
        assert_eq!(images.dims(), [2, 784]);
        assert_eq!(d.forward(images.clone(), None).dims(), [2, 1]);
        assert!(d.norm.is_some() && d.conv3.is_none() && d.conv2.bias.is_none());

        // Depth 2: a third convolution, 3 × 3 at 7 × 7, normalised in its stead; G unchanged.
        let deep = model.clone().with_depth(2);
        let (g2, d) = init(&deep, true, &mut HostRng::new(1), &device);
        assert_eq!(g2.num_params(), g.num_params());
        let conv3 = d.conv3.as_ref().unwrap();
        assert_eq!(conv3.weight.dims(), [8, 8, 3, 3]);
        assert!(conv3.bias.is_none() && d.conv2.bias.is_some());
        assert_eq!(d.forward(images, None).dims(), [2, 1]);
        assert!(g2.refine.is_none() && g2.refine_norm.is_none());

        // Depth 3: G also works its 14 × 14 map over with a 3 × 3 convolution; D as at depth 2,
        // and the layers of depth 2 drawn as at depth 2.
        let (g3, d3) = init(&model.clone().with_depth(3), true, &mut HostRng::new(1), &device);
        let refine = g3.refine.as_ref().unwrap();
        assert_eq!(refine.weight.dims(), [4, 4, 3, 3]);
        assert!(refine.bias.is_none() && g3.refine_norm.is_some());
        assert_eq!(d3.num_params(), d.num_params());
        let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(read(g3.project.weight.val()), read(g2.project.weight.val()));
        let images = g3.forward(Tensor::zeros([2, 100], &device));
        assert_eq!(images.dims(), [2, 784]);
        assert_eq!(d3.forward(images, None).dims(), [2, 1]);

        // Conditional: G reads z and the one-hot label; D's logit depends on the label.
        let model = model.with_conditional(true);
        let (g, d) = init(&model, true, &mut HostRng::new(1), &device);
        assert_eq!((g.latent_dim(), g.classes()), (100, 10));
        let input = generator_input(HostRng::new(2).normal(200), Some(&[4, 7]), 100, &device);
        let images = g.forward(input); // [2, 784]
        let as_four = read(d.forward(images.clone(), Some(one_hot(&[4, 4], &device))));
        let as_seven = read(d.forward(images, Some(one_hot(&[7, 7], &device))));
        assert_ne!(as_four, as_seven);
    }
}
