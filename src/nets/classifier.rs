//! A small CNN that recognises digits: the judge behind the quality scores. It is trained
//! natively by `cargo run --release --bin train_classifier`; the page only runs it forward.

use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::relu;

use crate::data::{CLASSES, IMAGE_SIDE};

/// Sizes of the classifier.
#[derive(Config, Debug)]
pub struct ClassifierConfig {
    /// Channels of the first 3×3 convolution.
    #[config(default = 16)]
    pub channels1: usize,
    /// Channels of the second 3×3 convolution.
    #[config(default = 32)]
    pub channels2: usize,
    /// Width of the penultimate layer, whose activations the Fréchet distance compares.
    #[config(default = 64)]
    pub features: usize,
}

/// conv 3×3 → ReLU → max-pool 2, twice, then a hidden layer (the features) and 10 logits.
#[derive(Module, Debug)]
pub struct Classifier {
    pub conv1: Conv2d,
    pub conv2: Conv2d,
    pub pool: MaxPool2d,
    pub hidden: Linear,
    pub output: Linear,
}

impl ClassifierConfig {
    pub fn init(&self, device: &Device) -> Classifier {
        let conv = |channels: [usize; 2]| {
            Conv2dConfig::new(channels, [3, 3])
                .with_padding(PaddingConfig2d::Same)
                .init(device)
        };
        Classifier {
            conv1: conv([1, self.channels1]),
            conv2: conv([self.channels1, self.channels2]),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            hidden: LinearConfig::new(self.channels2 * 7 * 7, self.features).init(device),
            output: LinearConfig::new(self.features, CLASSES).init(device),
        }
    }
}

impl Classifier {
    /// Penultimate activations of images scaled to [-1, 1], one 784-pixel row each.
    pub fn features(&self, images: Tensor<2>) -> Tensor<2> {
        let n = images.dims()[0];
        let x = images.reshape([n, 1, IMAGE_SIDE, IMAGE_SIDE]); // [n, 1, 28, 28]
        let x = self.pool.forward(relu(self.conv1.forward(x))); // [n, c1, 14, 14]
        let x = self.pool.forward(relu(self.conv2.forward(x))); // [n, c2, 7, 7]
        relu(self.hidden.forward(x.flatten(1, 3))) // [n, features]
    }

    /// Class logits from `features`' output.
    pub fn logits(&self, features: Tensor<2>) -> Tensor<2> {
        self.output.forward(features) // [n, 10]
    }

    /// Class logits of images scaled to [-1, 1].
    pub fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        self.logits(self.features(images)) // [n, 10]
    }
}
