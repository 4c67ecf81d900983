//! Class conditioning: how the networks are told which digit to draw or judge.
//!
//! A conditional generator reads each digit's label as a one-hot vector
//! appended to z. Its first layer is linear, so this is the same as adding a learned
//! embedding of the label to that layer's output: the usual cGAN generator (Mirza & Osindero,
//! 2014), with nothing to tune. A conditional critic uses a projection (Miyato & Koyama,
//! 2018): its logit gains the inner product of its last features φ(x) with a learned
//! embedding of the label, D(x, y) = w·φ(x) + b + e_y·φ(x). Concatenating the label to D's
//! input instead only shifts D's first layer per class, and for a convolutional D it has to be
//! tiled over the image; the projection asks "is this a good 3?" at the layer that knows most
//! about the digit's shape. Its input gradient is as simple as the plain critic's, so R1 and
//! WGAN-GP work unchanged.

use burn::prelude::*;

use crate::config::ModelConfig;
use crate::data::CLASSES;
use crate::rng::HostRng;

/// Classes `model`'s networks are conditioned on: 0, or [`CLASSES`].
pub fn classes(model: &ModelConfig) -> usize {
    if model.conditional { CLASSES } else { 0 }
}

/// Host noise (`n × latent` values) as a generator's input on `device`, each row followed by
/// its one-hot label when `labels` is given. Callers validate the lengths and the labels.
pub fn generator_input(noise: Vec<f32>, labels: Option<&[u8]>, latent_dim: usize, device: &Device) -> Tensor<2> {
    let n = noise.len() / latent_dim;
    let Some(labels) = labels else {
        return Tensor::from_data(TensorData::new(noise, [n, latent_dim]), device); // [n, latent]
    };
    let width = latent_dim + CLASSES;
    let mut input = vec![0.0; n * width];
    for ((row, z), &label) in input.chunks_mut(width).zip(noise.chunks(latent_dim)).zip(labels) {
        row[..latent_dim].copy_from_slice(z);
        row[latent_dim + label as usize] = 1.0;
    }
    Tensor::from_data(TensorData::new(input, [n, width]), device) // [n, latent + classes]
}

/// Labels 0–9 as one-hot rows on `device`. // [n, classes]
pub fn one_hot(labels: &[u8], device: &Device) -> Tensor<2> {
    let mut values = vec![0.0; labels.len() * CLASSES];
    for (row, &label) in values.chunks_mut(CLASSES).zip(labels) {
        row[label as usize] = 1.0;
    }
    Tensor::from_data(TensorData::new(values, [labels.len(), CLASSES]), device)
}

/// The projection term e_y·φ(x) of a conditional critic, for `features` φ(x) and an embedding
/// of `labels`; zero without an embedding or labels. // [n, 1]
pub fn projection(features: Tensor<2>, embed: Option<Tensor<2>>, labels: Option<Tensor<2>>) -> Option<Tensor<2>> {
    let (embed, labels) = (embed?, labels?);
    Some((features * labels.matmul(embed)).sum_dim(1)) // [n, features] → [n, 1]
}

/// The labels a conditional network is given for `n` images: `labels` where there are some,
/// else classes drawn uniformly from `rng` (a generator step without a real batch). `None`
/// for unconditional networks, which take no labels.
pub fn labels_or_random(model: &ModelConfig, labels: Option<&[u8]>, n: usize, rng: &mut HostRng) -> Option<Vec<u8>> {
    if !model.conditional {
        return None;
    }
    Some(match labels {
        Some(labels) => labels.to_vec(),
        None => (0..n).map(|_| (rng.next_u64() % CLASSES as u64) as u8).collect(),
    })
}
