//! WebGAN: a GAN that trains on WebGPU inside the browser.
//!
//! The model, training, data and weights modules are plain burn code that also runs natively;
//! `web` holds every `#[wasm_bindgen]` export.

pub mod adam;
pub mod adversarial;
pub mod backprop;
pub mod classifier;
pub mod data;
pub mod dcgan;
pub mod model;
pub mod quality;
pub mod rng;
pub mod training;
pub mod weights;

#[cfg(target_arch = "wasm32")]
pub mod device;
#[cfg(target_arch = "wasm32")]
pub mod web;
