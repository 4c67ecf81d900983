//! WebGAN: a GAN that trains on WebGPU inside the browser.
//!
//! Imports run one way, from the leaves to the boundary:
//! `config`, `rng`, `data`, `latent` → `nets` → `weights` → `train`, `pytorch` → `inference` →
//! `quality` → `web`
//! (and the native commands in `src/bin`). Everything below `web` is plain burn code that
//! also runs natively; `web` holds every `#[wasm_bindgen]` export.

pub mod config;
pub mod data;
pub mod latent;
pub mod rng;
#[cfg(test)]
pub mod mutate;

pub mod nets;
pub mod weights;

pub mod inference;
pub mod pytorch;
pub mod quality;
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod web;
