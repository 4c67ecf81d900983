//! Helpers shared by the browser test files.
#![allow(dead_code)] // each test file uses its own subset

use burn::prelude::*;
use js_sys::{Float32Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use webgan::web::GanTrainer;

pub const PIXELS: usize = 784;

/// A plain JS options object.
pub fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

/// `n` batches of synthetic "images": a different smooth pattern per image.
pub fn batches(n: usize, batch: usize, salt: usize) -> Uint8Array {
    let bytes: Vec<u8> = (0..n * batch * PIXELS)
        .map(|i| {
            let (image, pixel) = (i / PIXELS + salt, i % PIXELS);
            let (row, col) = (pixel / 28, pixel % 28);
            (((row * (image % 5 + 1) + col * (image % 3 + 2)) * 9) % 256) as u8
        })
        .collect();
    Uint8Array::from(&bytes[..])
}

/// Labels for `n` images: the digits 0–9 in turn, starting at `salt`.
pub fn digits(n: usize, salt: usize) -> Uint8Array {
    let labels: Vec<u8> = (0..n).map(|i| ((i + salt) % 10) as u8).collect();
    Uint8Array::from(&labels[..])
}

pub fn noise(n: usize, seed: f32) -> Float32Array {
    let values: Vec<f32> = (0..n * 100).map(|i| ((i as f32 + seed) * 0.37).sin()).collect();
    Float32Array::from(&values[..])
}

pub async fn create(pairs: &[(&str, JsValue)]) -> GanTrainer {
    match GanTrainer::create(options(pairs)).await {
        Ok(trainer) => trainer,
        Err(e) => panic!("GanTrainer.create failed: {}", message(JsValue::from(e))),
    }
}

/// Awaits a promise that must resolve.
pub async fn resolve(promise: js_sys::Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => value,
        Err(e) => panic!("promise rejected: {}", message(e)),
    }
}

/// Awaits a promise that must reject with a JS Error, and returns the Error's message.
pub async fn reject(promise: js_sys::Promise) -> String {
    match JsFuture::from(promise).await {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(e) => message(e),
    }
}

/// The message of a JS Error; fails the test when the value is not an Error.
pub fn message(error: JsValue) -> String {
    match error.dyn_into::<js_sys::Error>() {
        Ok(error) => error.message().into(),
        Err(other) => panic!("expected a JS Error, got {other:?}"),
    }
}

pub fn field(object: &JsValue, key: &str) -> f64 {
    Reflect::get(object, &key.into())
        .unwrap()
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in {object:?}"))
}

pub async fn step(trainer: &GanTrainer, images: Uint8Array) -> JsValue {
    resolve(trainer.train_step(images.into(), JsValue::UNDEFINED)).await
}

pub async fn export(trainer: &GanTrainer) -> Vec<u8> {
    Uint8Array::new(&resolve(trainer.export_weights()).await).to_vec()
}

pub async fn generate(trainer: &GanTrainer, noise: Float32Array) -> Vec<u8> {
    Uint8Array::new(&resolve(trainer.generate(noise.into(), JsValue::UNDEFINED)).await).to_vec()
}

/// Asserts a StepStats object has finite losses and probabilities in [0, 1].
pub fn assert_sane(stats: &JsValue, step: f64) {
    assert_eq!(field(stats, "step"), step);
    for key in ["d_loss", "g_loss"] {
        let v = field(stats, key);
        assert!(v.is_finite() && v > 0.0, "{key} = {v}");
    }
    for key in ["d_real", "d_fake"] {
        let v = field(stats, key);
        assert!((0.0..=1.0).contains(&v), "{key} = {v}");
    }
}

/// Lets the browser run its own tasks: a CPU-backend step resolves without ever leaving the
/// microtask queue, and a renderer silent for 30 s is killed by chromedriver.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout: js_sys::Function = Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap().into();
        set_timeout.call2(&JsValue::NULL, &resolve, &0.into()).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// A `[rows, columns]` matrix of values in [-1, 1] / √scale, from a fixed pattern.
pub fn matrix(rows: usize, columns: usize, salt: usize, scale: usize, device: &Device) -> Tensor<2> {
    let values: Vec<f32> = (0..rows * columns)
        .map(|i| (((i * 7919 + salt * 104_729) % 2001) as f32 / 1000.0 - 1.0) / (scale as f32).sqrt())
        .collect();
    Tensor::from_data(TensorData::new(values, [rows, columns]), device)
}

/// A tensor's values, read back.
pub async fn read<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data_async().await.expect("readback").try_to_vec::<f32>().expect("f32")
}

/// The largest difference between two readbacks of equal length.
pub fn worst(ours: &[f32], theirs: &[f32]) -> f32 {
    assert_eq!(ours.len(), theirs.len());
    ours.iter().zip(theirs).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max)
}

/// The WebGPU device; no adapter fails the test.
pub async fn webgpu_device() -> Device {
    webgan::web::backend::webgpu().await.unwrap_or_else(|e| panic!("no WebGPU adapter: {e}")).device
}
