//! The JavaScript API. Everything `#[wasm_bindgen]` lives here, one exported class a file
//! (`trainer`, `generator`, `judge`; `checkpoint` adds the trainer's files); `options` parses
//! what JS hands in and declares the TypeScript types, `backend` picks the device. The rest of
//! the crate is plain burn code.
//!
//! Exported methods validate their input and report problems as JS `Error`s: a Rust panic would
//! kill the wasm instance and every trainer in it. Methods that touch a model return a Promise
//! and queue behind an async lock, so overlapping calls run one after another instead of
//! tripping wasm-bindgen's borrow checks.

pub mod backend;
pub mod checkpoint;
pub mod convert;
pub mod generator;
pub mod judge;
pub mod latent;
pub mod options;
pub mod trainer;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

pub use generator::Generator;
pub use judge::QualityJudge;
pub use trainer::GanTrainer;

/// Runs once, when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    backend::run_static_constructors();
    console_error_panic_hook::set_once();
}

/// The WebGPU adapter the browser offers, without creating a device; rejects with the reason
/// when there is none. Works in the CPU-only build too.
#[wasm_bindgen(js_name = probeWebGpu, unchecked_return_type = "WebGpuProbe")]
pub async fn probe_webgpu() -> Result<JsValue, JsError> {
    let adapter = backend::probe().await.map_err(|why| JsError::new(&why))?;
    let object = Object::new();
    let _ = Reflect::set(&object, &"adapter".into(), &adapter.name.into());
    let _ = Reflect::set(&object, &"software".into(), &adapter.software.into());
    Ok(object.into())
}

/// `"webgpu"` when the browser offers a hardware WebGPU adapter, else `"cpu"` (the reason goes
/// to the console): the "auto" rule's first half, so a page can start with the CPU-only build
/// and fetch the WebGPU build only when "auto" could pick it.
#[wasm_bindgen(js_name = preferredBackend, unchecked_return_type = "\"webgpu\" | \"cpu\"")]
pub async fn preferred_backend() -> String {
    let kind = match backend::hardware_adapter().await {
        Some(_) => backend::BackendKind::WebGpu,
        None => backend::BackendKind::Cpu,
    };
    kind.name().into()
}
