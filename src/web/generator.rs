//! `Generator`: an inference-only generator, no discriminator, no autodiff. Load it with
//! `await Generator.load(bytes, options)`.

use std::rc::Rc;

use burn::prelude::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::backend::{self, BackendKind};
use super::options::{self, GeneratorOptions};
use super::convert::{read_noise, read_pixels, safetensors_bytes};
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
    /// Loads a generator from safetensors bytes, such as `generator.safetensors` or the output
    /// of `export_weights()`.
    pub async fn load(
        bytes: JsValue,
        #[wasm_bindgen(unchecked_param_type = "GeneratorOptions | undefined")] options: JsValue,
    ) -> Result<Generator, JsError> {
        const CONTEXT: &str = "Generator.load";
        let options: GeneratorOptions = options::parse(&options, CONTEXT)?;
        let requested = options.backend(CONTEXT)?;
        let bytes = safetensors_bytes(&bytes, CONTEXT)?;
        let (backend, device, adapter) = backend::pick(requested, None).await?;
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

    /// Images for `noise`, a Float32Array of n × latentDim values. Resolves to n × 784 bytes.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn generate(&self, noise: JsValue) -> Promise {
        let noise = match read_noise(&noise, self.generator.latent_dim(), "generate") {
            Ok(noise) => noise,
            Err(e) => return Promise::reject(&e.into()),
        };
        let images = self.generator.generate(noise, &self.device);
        future_to_promise(read_pixels(images))
    }
}
