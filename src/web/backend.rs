//! Picking where the tensors live: WebGPU when the browser offers it, the flex CPU backend
//! otherwise, and the "auto" rule between them, once for the whole API (the worker asks
//! [`hardware_adapter`] through `preferredBackend()` before fetching the WebGPU build).
//!
//! burn's wgpu runtime can be initialised once per page, so the WebGPU device is created on
//! first use and shared by every trainer and generator afterwards.

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::*;
use futures_util::lock::Mutex;
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsError, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::convert::log;
use super::options::Requested;
use crate::config::GanConfig;
use crate::data::{IMAGE_PIXELS, pixels_to_tensor};
use crate::train;

/// The backend a trainer or generator runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    WebGpu,
    Cpu,
}

impl BackendKind {
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

/// Runs the module's static constructors (in the WebGPU build, the `inventory` registrations
/// of pliron, the IR behind burn's kernel compiler), once: from `start`, and again before the
/// WebGPU device is set up for modules whose `start` never ran (the browser tests' binaries).
///
/// Without a call to them from the code, wasm-ld links the module "command-style" and runs
/// them at the start of every exported function, JS glue included: 15-20 ms per `train_steps`
/// call in www/pkg, which made its CPU backend half as fast as www/pkg-cpu's with statistics
/// read every step.
pub fn run_static_constructors() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }
    // SAFETY: the function wasm-ld synthesises, run once.
    ONCE.call_once(|| unsafe { __wasm_call_ctors() });
}

#[cfg(feature = "webgpu")]
async fn init_webgpu() -> Result<WebGpu, String> {
    run_static_constructors();
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

/// What a trainer or generator runs on: the backend, its device and the adapter's name.
pub type Choice = (BackendKind, Device, Option<String>);

/// Resolves the `backend` option for `context` (`GanTrainer.create`, `Generator.load`), which
/// its error names. With `timing` (a trainer's config), `"auto"` times a hardware adapter
/// against the CPU; without it (inference) a hardware adapter wins outright.
pub async fn pick(context: &str, requested: Requested, timing: Option<&GanConfig>) -> Result<Choice, JsError> {
    match requested {
        Requested::Cpu => Ok((BackendKind::Cpu, cpu(), None)),
        Requested::WebGpu => {
            let gpu = webgpu().await.map_err(|why| {
                JsError::new(&format!(
                    "{context}: backend \"webgpu\" was requested but WebGPU is unavailable: {why}. \
                     Use backend \"cpu\" or \"auto\"."
                ))
            })?;
            Ok((BackendKind::WebGpu, gpu.device, Some(gpu.adapter.name)))
        }
        Requested::Auto => Ok(auto(timing).await),
    }
}

/// The first half of the "auto" rule: a hardware WebGPU adapter, or `None` (logged with the
/// reason). A software adapter (SwiftShader) is never used by "auto": it is ~100× slower than
/// the CPU backend and its first step compiles shaders for seconds.
pub async fn hardware_adapter() -> Option<AdapterInfo> {
    match probe().await {
        Ok(adapter) if !adapter.software => Some(adapter),
        Ok(adapter) => {
            log(&format!(
                "WebGAN: using the CPU backend; WebGPU adapter '{}' is a software rasteriser",
                adapter.name
            ));
            None
        }
        Err(why) => {
            log(&format!("WebGAN: using the CPU backend; {why}"));
            None
        }
    }
}

/// `"auto"`: a hardware WebGPU adapter if it is faster than the CPU, else the CPU.
async fn auto(timing: Option<&GanConfig>) -> Choice {
    let cpu = (BackendKind::Cpu, cpu(), None);
    if hardware_adapter().await.is_none() {
        return cpu;
    }
    let gpu = match webgpu().await {
        Ok(gpu) => gpu,
        Err(why) => {
            log(&format!("WebGAN: using the CPU backend; {why}"));
            return cpu;
        }
    };
    let Some(config) = timing else {
        return (BackendKind::WebGpu, gpu.device, Some(gpu.adapter.name));
    };
    let gpu_rate = steps_per_second(config, &gpu.device).await;
    let cpu_rate = steps_per_second(config, &cpu.1).await;
    log(&format!(
        "WebGAN: '{}' trains at {gpu_rate:.1} steps/s, the CPU at {cpu_rate:.1} steps/s",
        gpu.adapter.name
    ));
    if gpu_rate >= cpu_rate {
        (BackendKind::WebGpu, gpu.device, Some(gpu.adapter.name))
    } else {
        cpu
    }
}

/// Steady-state training speed on `device`: one warm-up step, then three timed ones.
async fn steps_per_second(config: &GanConfig, device: &Device) -> f64 {
    let mut trainer = train::trainer(config.clone(), device);
    let pixels = vec![0u8; config.batch_size * IMAGE_PIXELS];
    let mut run = async |steps: usize| {
        for _ in 0..steps {
            // A conditional trainer draws random labels where none are given.
            trainer.step(pixels_to_tensor(&pixels, device), None);
        }
        trainer.stats().expect("at least one step").read().await
    };
    if run(1).await.is_err() {
        return 0.0;
    }
    let start = js_sys::Date::now();
    match run(3).await {
        Ok(_) => 3.0 / ((js_sys::Date::now() - start).max(1.0) / 1000.0),
        Err(_) => 0.0,
    }
}
