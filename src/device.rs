//! Picking where the tensors live: WebGPU when the browser offers it, the flex CPU backend
//! otherwise.
//!
//! burn's wgpu runtime can be initialised once per page, so the WebGPU device is created on
//! first use and shared by every trainer and generator afterwards.

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::*;
use futures_util::lock::Mutex;
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The backend a trainer or generator runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    WebGpu,
    Cpu,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::WebGpu => "webgpu",
            Self::Cpu => "cpu",
        }
    }
}

/// The WebGPU device with a description of the adapter behind it.
#[derive(Clone)]
pub struct WebGpu {
    pub device: Device,
    pub adapter: AdapterInfo,
}

thread_local! {
    static WEBGPU: Rc<Mutex<Option<Result<WebGpu, String>>>> = Rc::new(Mutex::new(None));
    static CPU: RefCell<Option<Device>> = const { RefCell::new(None) };
}

/// The CPU device (burn's flex backend).
pub fn cpu() -> Device {
    CPU.with(|cpu| cpu.borrow_mut().get_or_insert_with(Device::flex).clone())
}

/// The shared WebGPU device, initialised on first call. The error says why there is none.
pub async fn webgpu() -> Result<WebGpu, String> {
    let cell = WEBGPU.with(Rc::clone);
    // Held across the initialisation so concurrent callers wait for one attempt.
    let mut slot = cell.lock().await;
    if slot.is_none() {
        *slot = Some(init_webgpu().await);
    }
    slot.clone().expect("set above")
}

/// The CPU-only build (without the `webgpu` feature) carries no WebGPU runtime.
#[cfg(not(feature = "webgpu"))]
async fn init_webgpu() -> Result<WebGpu, String> {
    Err("this is WebGAN's CPU-only build (www/pkg-cpu); WebGPU needs www/pkg".into())
}

#[cfg(feature = "webgpu")]
async fn init_webgpu() -> Result<WebGpu, String> {
    let adapter = probe().await?;
    let device = Device::wgpu_options()
        .init_async()
        .await
        .map_err(|e| format!("WebGPU device setup failed: {e}"))?;
    Ok(WebGpu { device, adapter })
}

/// A WebGPU adapter as the browser describes it.
#[derive(Clone)]
pub struct AdapterInfo {
    /// Vendor, architecture and description.
    pub name: String,
    /// A software rasteriser (SwiftShader, llvmpipe, WARP): correct but far slower than the
    /// CPU backend.
    pub software: bool,
}

/// Asks the browser for a WebGPU adapter without creating a device, so even the CPU-only build
/// can tell the page whether the WebGPU build is worth downloading.
pub async fn probe() -> Result<AdapterInfo, String> {
    // Ask the browser directly: burn's error for a missing `navigator.gpu` is less clear.
    let gpu = Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"gpu".into()))
        .ok()
        .filter(|gpu| !gpu.is_undefined() && !gpu.is_null())
        .ok_or("this browser has no WebGPU (navigator.gpu is missing)")?;
    let request: Promise = call0(&gpu, "requestAdapter")
        .and_then(|p| p.dyn_into().ok())
        .ok_or("navigator.gpu.requestAdapter is not callable")?;
    let adapter = JsFuture::from(request)
        .await
        .map_err(|e| format!("requestAdapter failed: {}", describe(&e)))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers no WebGPU adapter (requestAdapter returned null)".into());
    }
    let (name, software) = adapter_info(&adapter);
    Ok(AdapterInfo { name, software })
}

/// A readable adapter name, and whether it is a software rasteriser.
fn adapter_info(adapter: &JsValue) -> (String, bool) {
    let info = Reflect::get(adapter, &"info".into()).unwrap_or(JsValue::UNDEFINED);
    let field = |name: &str| {
        Reflect::get(&info, &name.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let parts: Vec<String> = ["vendor", "architecture", "description"]
        .iter()
        .map(|name| field(name))
        .filter(|s| !s.is_empty())
        .collect();
    let name = if parts.is_empty() {
        "unknown adapter".to_string()
    } else {
        parts.join(" ")
    };
    let fallback = Reflect::get(&info, &"isFallbackAdapter".into())
        .ok()
        .and_then(|v| v.as_bool())
        .or_else(|| {
            Reflect::get(adapter, &"isFallbackAdapter".into())
                .ok()
                .and_then(|v| v.as_bool())
        })
        .unwrap_or(false);
    let lower = name.to_lowercase();
    let software = fallback
        || ["swiftshader", "llvmpipe", "lavapipe", "warp", "software"]
            .iter()
            .any(|s| lower.contains(s));
    (name, software)
}

fn call0(target: &JsValue, method: &str) -> Option<JsValue> {
    let function: js_sys::Function = Reflect::get(target, &method.into()).ok()?.dyn_into().ok()?;
    function.call0(target).ok()
}

/// The message of a JS exception, or its string form.
pub fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
