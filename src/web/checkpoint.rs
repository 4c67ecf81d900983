//! `GanTrainer`'s files: exact checkpoints (`export_checkpoint`, `checkpoint_info`), the
//! generator alone (`export_generator`), and PyTorch's layout (`export_pytorch`). The options
//! that read such files (`checkpoint`, and `weights` as a PyTorch pair) are `options`'.

use js_sys::{JSON, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{error, export_bytes, safetensors_bytes, show};
use super::options::settings;
use super::trainer::GanTrainer;
use crate::pytorch;
use crate::train::checkpoint::{CHECKPOINT_VERSION, Checkpoint};
use crate::weights::WeightsFile;

#[wasm_bindgen]
impl GanTrainer {
    /// Everything the run is made of, as one safetensors file: both networks, both
    /// optimizers' moments and step counts, the weight average, the step, the random-number
    /// state and the settings. `GanTrainer.create({ checkpoint })` continues from it exactly.
    /// `annotation`, any string, is kept in the file for the caller (checkpoint_info reads
    /// it back): the page keeps its data order and charts there.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn export_checkpoint(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] annotation: JsValue,
    ) -> Promise {
        let annotation = match (annotation.as_string(), annotation.is_undefined() || annotation.is_null()) {
            (Some(text), _) => Some(text),
            (None, true) => None,
            (None, false) => {
                let message = format!("export_checkpoint: annotation is {}, expected a string", show(&annotation));
                return Promise::reject(&error(&message));
            }
        };
        let trainer = self.trainer.clone();
        future_to_promise(async move {
            let mut export = trainer.lock().await.checkpoint();
            if let Some(text) = annotation {
                export = export.metadata("annotation", text);
            }
            export_bytes(export, "export_checkpoint").await
        })
    }

    /// What a checkpoint holds, without building a trainer: its step, settings and
    /// annotation. Throws the error `create` would give for a bad, truncated or foreign file.
    #[wasm_bindgen(unchecked_return_type = "CheckpointInfo")]
    pub fn checkpoint_info(bytes: JsValue) -> Result<JsValue, JsError> {
        const CONTEXT: &str = "checkpoint_info";
        let bytes = safetensors_bytes(&bytes, CONTEXT)?;
        let checkpoint = Checkpoint::parse(&bytes).map_err(|e| JsError::new(&format!("{CONTEXT}: {e}")))?;
        let config = &checkpoint.config;
        let fields: Vec<String> = settings(config).iter().map(|(key, value)| format!("\"{key}\":{value}")).collect();
        let options = JSON::parse(&format!("{{{}}}", fields.join(","))).map_err(|_| JsError::new("checkpoint_info: unreadable settings"))?;
        let info = Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&info, &key.into(), &value);
        };
        set("version", CHECKPOINT_VERSION.into());
        set("step", (checkpoint.step as f64).into());
        for key in ["architecture", "loss", "conditional", "batchSize", "seed"] {
            set(key, Reflect::get(&options, &key.into()).unwrap_or(JsValue::NULL));
        }
        set("options", options);
        set("annotation", checkpoint.annotation().map_or(JsValue::NULL, JsValue::from));
        Ok(info.into())
    }

    /// The generator samples come from (the running average when there is one), as the
    /// safetensors bytes `Generator.load` opens: how a trained generator moves to generate mode.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn export_generator(&self) -> Promise {
        let trainer = self.trainer.clone();
        future_to_promise(async move { export_bytes(trainer.lock().await.export_generator(), "export_generator").await })
    }

    /// Both networks in PyTorch's layout, one safetensors file each, for the PyTorch classes
    /// in docs/pytorch.md: `{ generator, discriminator }`. The generator is the one samples
    /// come from, as in export_weights.
    #[wasm_bindgen(unchecked_return_type = "Promise<PyTorchWeights>")]
    pub fn export_pytorch(&self) -> Promise {
        let trainer = self.trainer.clone();
        future_to_promise(async move {
            let export = trainer.lock().await.export();
            let fail = |e: &dyn std::fmt::Display| error(&format!("export_pytorch: {e}"));
            let ours = export.to_bytes().await.map_err(|e| fail(&e))?;
            let file = WeightsFile::parse(&ours).map_err(|e| fail(&e))?;
            let [generator, discriminator] = pytorch::export(&file).map_err(|e| fail(&e))?;
            let pair = Object::new();
            let _ = Reflect::set(&pair, &"generator".into(), &Uint8Array::from(&generator[..]));
            let _ = Reflect::set(&pair, &"discriminator".into(), &Uint8Array::from(&discriminator[..]));
            Ok(pair.into())
        })
    }
}
