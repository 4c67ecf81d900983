//! The latent explorer's directions, shared by `GanTrainer.directions` and
//! `Generator.directions`: the argument checks, and the generator's probe images turned into
//! directions by `crate::latent`.

use burn::prelude::*;
use js_sys::{Float32Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::convert::{read_floats, read_noise, show};
use crate::data::CLASSES;
use crate::latent::{principal_directions, probe_noise};

/// What `directions(z, label, count)` asks for, checked.
pub struct DirectionsRequest {
    /// G's inputs around z: [`probe_noise`].
    pub noise: Vec<f32>,
    /// The label of each probe, for a conditional model.
    pub labels: Option<Vec<u8>>,
    pub count: usize,
}

impl DirectionsRequest {
    /// Checks `z` (one latent vector), `label` (a digit, for a conditional model only) and
    /// `count` (1 to latentDim).
    pub fn read(z: &JsValue, label: &JsValue, count: f64, latent_dim: usize, conditional: bool) -> Result<Self, JsError> {
        const NAME: &str = "directions";
        let z = read_noise(z, latent_dim, NAME)?;
        if z.len() != latent_dim {
            return Err(JsError::new(&format!("{NAME}: z holds {} values, expected one latent vector of {latent_dim}", z.len())));
        }
        if !(count.fract() == 0.0 && (1.0..=latent_dim as f64).contains(&count)) {
            return Err(JsError::new(&format!("{NAME}: count is {count}, expected a whole number from 1 to {latent_dim}")));
        }
        let given = !label.is_undefined() && !label.is_null();
        let label = match (conditional, given) {
            (false, false) => None,
            (false, true) => {
                return Err(JsError::new(&format!("{NAME}: a label was given, but this generator is unconditional")));
            }
            (true, _) => match label.as_f64() {
                Some(digit) if digit.fract() == 0.0 && (0.0..CLASSES as f64).contains(&digit) => Some(digit as u8),
                _ => {
                    return Err(JsError::new(&format!(
                        "{NAME}: label is {}, expected a digit 0–{} (this generator is conditional)",
                        show(label),
                        CLASSES - 1
                    )));
                }
            },
        };
        let noise = probe_noise(&z);
        Ok(Self {
            labels: label.map(|l| vec![l; latent_dim + 1]),
            noise,
            count: count as usize,
        })
    }
}

/// The directions as a `LatentDirections` object, from G's images of the request's noise.
pub async fn directions_object(images: Tensor<2>, latent_dim: usize, count: usize) -> Result<JsValue, JsValue> {
    let values = read_floats(images, "directions", "images").await?;
    let (directions, strengths) = principal_directions(&values, latent_dim, count);
    let object = Object::new();
    let _ = Reflect::set(&object, &"directions".into(), &Float32Array::from(&directions[..]).into());
    let _ = Reflect::set(&object, &"strengths".into(), &Float32Array::from(&strengths[..]).into());
    Ok(object.into())
}
