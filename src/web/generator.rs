//! `Generator`: an inference-only generator, no discriminator, no autodiff. Load it with
//! `await Generator.load(bytes, options)`.

use std::rc::Rc;

use burn::prelude::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::backend::{self, BackendKind};
use super::convert::{Drawn, read_images_as, read_labels, read_noise, safetensors_bytes};
use super::latent::{DirectionsRequest, directions_object};
use super::options::{self, GeneratorOptions};
use crate::inference::PretrainedGenerator;

/// A pretrained generator of either architecture, on the device `load` picked.
#[wasm_bindgen]
pub struct Generator {
    generator: Rc<PretrainedGenerator>,
    device: Device,
    backend: BackendKind,
    adapter: Option<String>,
}

#[wasm_bindgen]
impl Generator {
    /// Loads a generator from safetensors bytes: `generator.safetensors`, the output of
    /// `export_weights()`, `export_generator()` or `export_checkpoint()`, or a generator in
    /// PyTorch's layout (docs/pytorch.md).
    pub async fn load(
        bytes: JsValue,
        #[wasm_bindgen(unchecked_param_type = "GeneratorOptions | undefined")] options: JsValue,
    ) -> Result<Generator, JsError> {
        const CONTEXT: &str = "Generator.load";
        let options: GeneratorOptions = options::parse(&options, CONTEXT)?;
        let requested = options.backend(CONTEXT)?;
        let bytes = safetensors_bytes(&bytes, CONTEXT)?;
        let (backend, device, adapter) = backend::pick(CONTEXT, requested, None).await?;
        let generator = PretrainedGenerator::load(&bytes, &device)
            .map_err(|e| JsError::new(&format!("{CONTEXT}: {e}")))?;
        Ok(Generator {
            generator: Rc::new(generator),
            device,
            backend,
            adapter,
        })
    }

    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.name().into()
    }

    #[wasm_bindgen(getter)]
    pub fn adapter(&self) -> Option<String> {
        self.adapter.clone()
    }

    #[wasm_bindgen(getter, js_name = latentDim)]
    pub fn latent_dim(&self) -> usize {
        self.generator.latent_dim()
    }

    /// Whether it draws digits by label: a file exported from a conditional trainer.
    #[wasm_bindgen(getter)]
    pub fn conditional(&self) -> bool {
        self.generator.classes() > 0
    }

    /// Images for `noise`, a Float32Array of n × latentDim values, and for a conditional
    /// generator `labels`, the digit (0–9) to draw for each. Resolves to n × 784 bytes.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn generate(
        &self,
        noise: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined")] labels: JsValue,
    ) -> Promise {
        self.draw(noise, labels, Drawn::Pixels)
    }

    /// As `generate`, resolving to the generator's own n × 784 values in [-1, 1]: what a
    /// PyTorch copy of it computes for the same noise (docs/pytorch.md).
    #[wasm_bindgen(unchecked_return_type = "Promise<Float32Array>")]
    pub fn generate_floats(
        &self,
        noise: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined")] labels: JsValue,
    ) -> Promise {
        self.draw(noise, labels, Drawn::Floats)
    }

    /// The `count` directions in z along which the digit of `z` (one latent vector) changes
    /// most, and how strongly; `label` is the digit, for a conditional generator. For the
    /// latent explorer's sliders.
    #[wasm_bindgen(unchecked_return_type = "Promise<LatentDirections>")]
    pub fn directions(
        &self,
        z: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | null | undefined")] label: JsValue,
        count: f64,
    ) -> Promise {
        let latent_dim = self.generator.latent_dim();
        match DirectionsRequest::read(&z, &label, count, latent_dim, self.conditional()) {
            Ok(request) => {
                let images = self.generator.generate(request.noise, request.labels.as_deref(), &self.device);
                future_to_promise(directions_object(images, latent_dim, request.count))
            }
            Err(e) => Promise::reject(&e.into()),
        }
    }
}

impl Generator {
    /// `generate` and `generate_floats`: the images for `noise` and `labels`, read back as
    /// `drawn` says.
    fn draw(&self, noise: JsValue, labels: JsValue, drawn: Drawn) -> Promise {
        let latent_dim = self.generator.latent_dim();
        let read = || -> Result<_, JsError> {
            let noise = read_noise(&noise, latent_dim, "generate")?;
            let count = noise.len() / latent_dim;
            Ok((noise, read_labels(&labels, count, self.conditional(), "this generator", "generate")?))
        };
        match read() {
            Ok((noise, labels)) => {
                let images = self.generator.generate(noise, labels.as_deref(), &self.device);
                future_to_promise(read_images_as(images, drawn))
            }
            Err(e) => Promise::reject(&e.into()),
        }
    }
}
