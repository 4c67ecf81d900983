//! A browser without WebGPU. Its own test binary, hence its own page: hiding `navigator.gpu`
//! here cannot disturb the WebGPU tests.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use webgan::web::{GanTrainer, Generator};

wasm_bindgen_test_configure!(run_in_browser);

fn hide_webgpu() {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).unwrap();
    let descriptor = options(&[("value", JsValue::UNDEFINED), ("configurable", true.into())]);
    Object::define_property(&navigator.into(), &"gpu".into(), &descriptor.into());
}

#[wasm_bindgen_test]
async fn webgpu_requested_without_webgpu_is_an_error_and_auto_falls_back() {
    hide_webgpu();
    let error = GanTrainer::create(options(&[("backend", "webgpu".into())]))
        .await
        .err()
        .expect("webgpu was granted without navigator.gpu");
    let text = message(error.into());
    assert!(text.starts_with("GanTrainer.create: backend \"webgpu\" was requested but WebGPU is unavailable"), "{text}");
    assert!(text.contains("navigator.gpu is missing"), "{text}");
    assert!(text.contains("Use backend \"cpu\" or \"auto\""), "{text}");

    let bytes = js_sys::Uint8Array::new_with_length(0);
    let error = Generator::load(bytes.into(), options(&[("backend", "webgpu".into())]))
        .await
        .err()
        .expect("webgpu was granted without navigator.gpu");
    assert!(message(error.into()).contains("WebGPU is unavailable"));

    let error = webgan::web::probe_webgpu().await.err().expect("an adapter without navigator.gpu");
    assert!(message(error.into()).contains("navigator.gpu is missing"));
    assert_eq!(webgan::web::preferred_backend().await, "cpu");

    // The module still works, on the CPU.
    let trainer = create(&[("batchSize", 8.into())]).await;
    assert_eq!(trainer.backend(), "cpu");
    assert_sane(&step(&trainer, batches(1, 8, 0)).await, 1.0);
}
