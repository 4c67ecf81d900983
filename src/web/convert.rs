//! Values across the boundary: typed arrays in, checked, with errors that say what was
//! expected; tensors read back asynchronously; JS values described for error messages.

use burn::prelude::*;
use js_sys::{Float32Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::config::js_number;
use crate::data::{CLASSES, IMAGE_PIXELS, unit_to_pixels};
use crate::weights::Export;

/// The bytes of a weights file handed to `context` (`Generator.load`, `Judge.load`).
pub fn safetensors_bytes(bytes: &JsValue, context: &str) -> Result<Vec<u8>, JsError> {
    Ok(typed::<Uint8Array>(bytes, context, "bytes", "of safetensors")?.to_vec())
}

/// `value` as a `T` (a typed array), or an error: "{name}: {what} must be a T {shape}, got …".
fn typed<'a, T: JsCast>(value: &'a JsValue, name: &str, what: &str, shape: &str) -> Result<&'a T, JsError> {
    value.dyn_ref::<T>().ok_or_else(|| {
        let class = std::any::type_name::<T>().rsplit("::").next().unwrap_or_default();
        JsError::new(&format!("{name}: {what} must be a {class} {shape}, got {}", type_name(value)))
    })
}

/// Any number of digits, at least `min`, as n × 784 raw pixels.
pub fn read_digits(images: &JsValue, name: &str, min: usize) -> Result<Vec<u8>, JsError> {
    let shape = format!("of n × {IMAGE_PIXELS} raw pixels (0..255)");
    let array = typed::<Uint8Array>(images, name, "images", &shape)?;
    let length = array.length() as usize;
    if length % IMAGE_PIXELS != 0 || length < min * IMAGE_PIXELS {
        return Err(JsError::new(&format!(
            "{name}: images holds {length} bytes, expected n × {IMAGE_PIXELS} with n ≥ {min}"
        )));
    }
    Ok(array.to_vec())
}

pub async fn read_pixels(images: Tensor<2>) -> Result<JsValue, JsValue> {
    read_images_as(images, Drawn::Pixels).await
}

/// `export` read back and encoded as safetensors, as a Uint8Array; errors name `name`.
pub async fn export_bytes(export: Export, name: &str) -> Result<JsValue, JsValue> {
    let bytes = export.to_bytes().await.map_err(|e| error(&format!("{name}: {e}")))?;
    Ok(Uint8Array::from(&bytes[..]).into())
}

/// What `generate` gives back: grey bytes, or the generator's own values in [-1, 1].
#[derive(Clone, Copy)]
pub enum Drawn {
    /// n × 784 bytes, 0 black to 255 white.
    Pixels,
    /// n × 784 floats as the network produced them (`generate_floats`).
    Floats,
}

/// Images in [-1, 1] read back as `drawn` says: a Uint8Array or a Float32Array.
pub async fn read_images_as(images: Tensor<2>, drawn: Drawn) -> Result<JsValue, JsValue> {
    let values = read_floats(images, "generate", "images").await?;
    Ok(match drawn {
        Drawn::Pixels => Uint8Array::from(&unit_to_pixels(&values)[..]).into(),
        Drawn::Floats => js_sys::Float32Array::from(&values[..]).into(),
    })
}

/// A tensor's values, read back asynchronously (a synchronous read panics on WebGPU).
pub async fn read_floats(tensor: Tensor<2>, name: &str, what: &str) -> Result<Vec<f32>, JsValue> {
    let data = tensor
        .into_data_async()
        .await
        .map_err(|e| error(&format!("{name}: reading {what} failed: {e:?}")))?;
    data.try_to_vec::<f32>()
        .map_err(|e| error(&format!("{name}: unexpected {what} data: {e:?}")))
}

pub fn read_images(
    images: &JsValue,
    n: usize,
    per_step: usize,
    batch_size: usize,
    name: &str,
) -> Result<Vec<u8>, JsError> {
    if n == 0 {
        return Err(JsError::new(&format!("{name}: n must be at least 1")));
    }
    // n comes from JS as any u32; the product must not wrap on 32-bit wasm.
    let total = n
        .checked_mul(per_step)
        .filter(|&total| total <= u32::MAX as usize)
        .ok_or_else(|| JsError::new(&format!("{name}: n = {n} steps is too many for one call")))?;
    let shape = if n == 1 {
        format!("batchSize × {IMAGE_PIXELS} = {batch_size} × {IMAGE_PIXELS} = {per_step}")
    } else {
        format!("n × batchSize × {IMAGE_PIXELS} = {n} × {batch_size} × {IMAGE_PIXELS} = {total}")
    };
    let array = typed::<Uint8Array>(images, name, "images", &format!("of {shape} raw pixels (0..255)"))?;
    if array.length() as usize != total {
        return Err(JsError::new(&format!(
            "{name}: images holds {} bytes, expected {shape}",
            array.length()
        )));
    }
    Ok(array.to_vec())
}

pub fn read_noise(noise: &JsValue, latent_dim: usize, name: &str) -> Result<Vec<f32>, JsError> {
    let array = typed::<Float32Array>(noise, name, "noise", &format!("of n × {latent_dim} values"))?;
    let len = array.length() as usize;
    if len == 0 || len % latent_dim != 0 {
        return Err(JsError::new(&format!(
            "{name}: noise holds {len} values, expected a positive multiple of {latent_dim} (n × {latent_dim})"
        )));
    }
    let values = array.to_vec();
    if let Some(at) = values.iter().position(|v| !v.is_finite()) {
        return Err(JsError::new(&format!(
            "{name}: noise[{at}] is {}, expected finite values",
            values[at]
        )));
    }
    Ok(values)
}

/// The labels of `count` images handed to `name`, for a model that is `conditional` or not
/// (`model` words it: "this trainer"). Exactly a conditional model needs them: a Uint8Array of
/// `count` digits 0–9. `None` for an unconditional model.
pub fn read_labels(labels: &JsValue, count: usize, conditional: bool, model: &str, name: &str) -> Result<Option<Vec<u8>>, JsError> {
    let given = !labels.is_undefined() && !labels.is_null();
    let shape = format!("of {count} digits 0–{}, one per image", CLASSES - 1);
    if !conditional {
        return match given {
            false => Ok(None),
            true => Err(JsError::new(&format!(
                "{name}: labels were given, but {model} is unconditional; create it with conditional: true to use labels"
            ))),
        };
    }
    if !given {
        return Err(JsError::new(&format!(
            "{name}: {model} is conditional, so labels must be a Uint8Array {shape}, got {}",
            type_name(labels)
        )));
    }
    let values = typed::<Uint8Array>(labels, name, "labels", &shape)?.to_vec();
    if values.len() != count {
        return Err(JsError::new(&format!("{name}: labels holds {} values, expected {count} (one per image)", values.len())));
    }
    if let Some(at) = values.iter().position(|&v| v as usize >= CLASSES) {
        return Err(JsError::new(&format!("{name}: labels[{at}] is {}, expected a digit 0–{}", values[at], CLASSES - 1)));
    }
    Ok(Some(values))
}

/// The constructor name of a JS value, for error messages.
pub fn type_name(value: &JsValue) -> String {
    if value.is_undefined() {
        return "undefined".into();
    }
    if value.is_null() {
        return "null".into();
    }
    if let Some(object) = value.dyn_ref::<Object>() {
        return String::from(object.constructor().name());
    }
    value.js_typeof().as_string().unwrap_or_default()
}

/// A short rendering of a JS value, for error messages.
pub fn show(value: &JsValue) -> String {
    match value.as_string() {
        Some(s) => format!("\"{s}\""),
        None => match value.as_f64() {
            Some(n) => js_number(n),
            None => type_name(value),
        },
    }
}

pub fn error(message: &str) -> JsValue {
    JsError::new(message).into()
}

pub fn log(message: &str) {
    web_sys::console::info_1(&message.into());
}
