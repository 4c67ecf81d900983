//! `GanTrainer`: trains the GAN. Create it with `await GanTrainer.create(options)`.

use std::cell::Cell;
use std::rc::Rc;

use burn::prelude::*;
use futures_util::lock::Mutex;
use js_sys::{Array, Float32Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::backend::{self, BackendKind};
use super::convert::{Drawn, error, export_bytes, read_digits, show, read_floats, read_images, read_images_as, read_labels, read_noise};
use super::latent::{DirectionsRequest, directions_object};
use super::options::{self, TrainerOptions};
use crate::config::js_number;
use crate::data::{IMAGE_PIXELS, pixels_to_tensor};
use crate::train::{self, StepStats, Trainer};
use crate::weights::ParamShape;

/// Trains the GAN. Create it with `await GanTrainer.create(options)`.
#[wasm_bindgen]
pub struct GanTrainer {
    pub(super) trainer: Rc<Mutex<Box<dyn Trainer>>>,
    /// Steps completed, as of the latest `train_step(s)` to finish.
    pub(super) steps: Rc<Cell<u64>>,
    /// The step by which training diverged (a loss or mean output not finite), if it has.
    diverged: Rc<Cell<Option<u64>>>,
    device: Device,
    backend: BackendKind,
    adapter: Option<String>,
    batch_size: usize,
    latent_dim: usize,
    conditional: bool,
    /// The networks' weight tensors, which never change shape.
    layers: Vec<ParamShape>,
}

#[wasm_bindgen]
impl GanTrainer {
    /// Builds a trainer. See `GanTrainerOptions` for the options.
    pub async fn create(
        #[wasm_bindgen(unchecked_param_type = "GanTrainerOptions | undefined")] options: JsValue,
    ) -> Result<GanTrainer, JsError> {
        const CONTEXT: &str = "GanTrainer.create";
        let options: TrainerOptions = options::parse(&options, CONTEXT)?;
        let requested = options.backend(CONTEXT)?;
        let checkpoint = options.checkpoint(CONTEXT)?;
        let config = match &checkpoint {
            Some(checkpoint) => checkpoint.config.clone(),
            None => options.config(CONTEXT)?,
        };
        let weights = options.weights_bytes(CONTEXT)?;
        let (backend, device, adapter) = backend::pick(CONTEXT, requested, Some(&config)).await?;

        let fail = |e: &dyn std::fmt::Display| JsError::new(&format!("{CONTEXT}: {e}"));
        let trainer = match &checkpoint {
            Some(checkpoint) => train::resume(checkpoint, &device).map_err(|e| fail(&e))?,
            None => {
                let mut trainer = train::trainer(config.clone(), &device);
                if let Some(bytes) = &weights {
                    trainer.load_weights(bytes).map_err(|e| fail(&e))?;
                }
                trainer
            }
        };
        Ok(GanTrainer {
            layers: trainer.layers(),
            steps: Rc::new(Cell::new(trainer.steps())),
            diverged: Rc::new(Cell::new(None)),
            trainer: Rc::new(Mutex::new(trainer)),
            device,
            backend,
            adapter,
            batch_size: config.batch_size,
            latent_dim: config.model.latent_dim,
            conditional: config.model.conditional,
        })
    }

    /// `"webgpu"` or `"cpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.name().into()
    }

    /// The WebGPU adapter's name, or undefined on the CPU backend.
    #[wasm_bindgen(getter)]
    pub fn adapter(&self) -> Option<String> {
        self.adapter.clone()
    }

    #[wasm_bindgen(getter, js_name = batchSize)]
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    #[wasm_bindgen(getter, js_name = latentDim)]
    pub fn latent_dim(&self) -> usize {
        self.latent_dim
    }

    /// Steps completed so far (a resumed trainer counts the checkpoint's), as of the latest
    /// `train_step`/`train_steps` to finish.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> f64 {
        self.steps.get() as f64
    }

    /// Whether it learns digits by label (the `conditional` option).
    #[wasm_bindgen(getter)]
    pub fn conditional(&self) -> bool {
        self.conditional
    }

    /// Every weight tensor of both networks, G's first, in module order: name, shape and the
    /// number of values. Read from the modules' shapes, without a GPU readback.
    #[wasm_bindgen(unchecked_return_type = "Layer[]")]
    pub fn layers(&self) -> Array {
        self.layers
            .iter()
            .map(|(name, shape)| {
                let object = Object::new();
                let dims: Array = shape.iter().map(|&d| JsValue::from(d as f64)).collect();
                let count = shape.iter().product::<usize>() as f64;
                let _ = Reflect::set(&object, &"name".into(), &name.into());
                let _ = Reflect::set(&object, &"shape".into(), &dims);
                let _ = Reflect::set(&object, &"count".into(), &count.into());
                JsValue::from(object)
            })
            .collect()
    }

    /// The step by which training diverged, or undefined while it has not: see train_step.
    #[wasm_bindgen(getter)]
    pub fn diverged(&self) -> Option<f64> {
        self.diverged.get().map(|step| step as f64)
    }

    /// One step on `images`, a Uint8Array of batchSize × 784 raw pixels, and for a
    /// conditional trainer `labels`, a Uint8Array of batchSize digits 0–9. Resolves to
    /// StepStats once the statistics are read back. When they are not finite, training has
    /// diverged: it rejects with an Error named "TrainingDiverged", whose `step` property says
    /// by which step, and so does every later step of this trainer.
    #[wasm_bindgen(unchecked_return_type = "Promise<StepStats>")]
    pub fn train_step(
        &self,
        images: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined")] labels: JsValue,
    ) -> Promise {
        self.train(images, labels, 1, "train_step")
    }

    /// `n` steps on `images`, which holds n × batchSize × 784 pixels, batch after batch, with
    /// n × batchSize `labels` for a conditional trainer (null or undefined otherwise; the
    /// unconditional `train_steps(images, n)` works too). Only the last step's statistics are
    /// read back, so the GPU is not stalled in between.
    #[wasm_bindgen(unchecked_return_type = "Promise<StepStats>")]
    pub fn train_steps(
        &self,
        images: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined | number")] labels: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | undefined")] n: JsValue,
    ) -> Promise {
        let (labels, n) = match (labels.as_f64(), n.is_undefined()) {
            (Some(_), true) => (JsValue::UNDEFINED, labels),
            _ => (labels, n),
        };
        match n.as_f64() {
            Some(count) if count.fract() == 0.0 && count >= 1.0 && count <= u32::MAX as f64 => {
                self.train(images, labels, count as usize, "train_steps")
            }
            _ => Promise::reject(&error(&format!("train_steps: n is {}, expected a whole number of steps, 1 or more", show(&n)))),
        }
    }

    /// Images for `noise`, a Float32Array of n × latentDim values, and for a conditional
    /// trainer `labels`, the digit (0–9) to draw for each. Resolves to n × 784 grey bytes.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn generate(
        &self,
        noise: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined")] labels: JsValue,
    ) -> Promise {
        self.draw(noise, labels, Drawn::Pixels)
    }

    /// As `generate`, resolving to G's own n × 784 values in [-1, 1].
    #[wasm_bindgen(unchecked_return_type = "Promise<Float32Array>")]
    pub fn generate_floats(
        &self,
        noise: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined")] labels: JsValue,
    ) -> Promise {
        self.draw(noise, labels, Drawn::Floats)
    }

    /// The `count` directions in z along which the digit of `z` (one latent vector) changes
    /// most, and how strongly; `label` is the digit, for a conditional trainer. For the latent
    /// explorer's sliders.
    #[wasm_bindgen(unchecked_return_type = "Promise<LatentDirections>")]
    pub fn directions(
        &self,
        z: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | null | undefined")] label: JsValue,
        count: f64,
    ) -> Promise {
        let request = match DirectionsRequest::read(&z, &label, count, self.latent_dim, self.conditional) {
            Ok(request) => request,
            Err(e) => return Promise::reject(&e.into()),
        };
        let (trainer, latent_dim) = (self.trainer.clone(), self.latent_dim);
        future_to_promise(async move {
            let images = trainer.lock().await.generate(request.noise, request.labels.as_deref());
            directions_object(images, latent_dim, request.count).await
        })
    }

    /// One discriminator update alone on `images` (batchSize × 784 pixels, with batchSize
    /// `labels` when conditional) and fresh fakes, for stepping D and G separately; it does
    /// not count as a step.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn train_discriminator(
        &self,
        images: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined")] labels: JsValue,
    ) -> Promise {
        const NAME: &str = "train_discriminator";
        let per_step = self.batch_size * IMAGE_PIXELS;
        let read = || -> Result<_, JsError> {
            let pixels = read_images(&images, 1, per_step, self.batch_size, NAME)?;
            Ok((pixels, read_labels(&labels, self.batch_size, self.conditional, "this trainer", NAME)?))
        };
        let (pixels, labels) = match read() {
            Ok(read) => read,
            Err(e) => return Promise::reject(&e.into()),
        };
        let (trainer, device) = (self.trainer.clone(), self.device.clone());
        future_to_promise(async move {
            trainer.lock().await.train_discriminator(pixels_to_tensor(&pixels, &device), labels.as_deref());
            Ok(JsValue::UNDEFINED)
        })
    }

    /// One generator update alone on batchSize fresh fakes; it does not count as a step.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn train_generator(&self) -> Promise {
        let (trainer, batch) = (self.trainer.clone(), self.batch_size);
        future_to_promise(async move {
            trainer.lock().await.train_generator(batch);
            Ok(JsValue::UNDEFINED)
        })
    }

    /// D's verdict on `images`, a Uint8Array of n × 784 pixels (with n `labels` when
    /// conditional): a Float32Array of n probabilities of "real" with BCE, of critic scores
    /// with WGAN-GP.
    #[wasm_bindgen(unchecked_return_type = "Promise<Float32Array>")]
    pub fn discriminate(
        &self,
        images: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | null | undefined")] labels: JsValue,
    ) -> Promise {
        let read = || -> Result<_, JsError> {
            let pixels = read_digits(&images, "discriminate", 1)?;
            let count = pixels.len() / IMAGE_PIXELS;
            Ok((pixels, read_labels(&labels, count, self.conditional, "this trainer", "discriminate")?))
        };
        let (pixels, labels) = match read() {
            Ok(read) => read,
            Err(e) => return Promise::reject(&e.into()),
        };
        let (trainer, device) = (self.trainer.clone(), self.device.clone());
        future_to_promise(async move {
            let scores = trainer.lock().await.discriminate(pixels_to_tensor(&pixels, &device), labels.as_deref());
            let values = read_floats(scores, "discriminate", "scores").await?;
            Ok(Float32Array::from(&values[..]).into())
        })
    }

    /// The weights of both networks as safetensors bytes.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn export_weights(&self) -> Promise {
        let trainer = self.trainer.clone();
        future_to_promise(async move { export_bytes(trainer.lock().await.export(), "export_weights").await })
    }
}

impl GanTrainer {
    /// `generate` and `generate_floats`: G's images for `noise` and `labels`, read back as
    /// `drawn` says.
    fn draw(&self, noise: JsValue, labels: JsValue, drawn: Drawn) -> Promise {
        let read = || -> Result<_, JsError> {
            let noise = read_noise(&noise, self.latent_dim, "generate")?;
            let count = noise.len() / self.latent_dim;
            Ok((noise, read_labels(&labels, count, self.conditional, "this trainer", "generate")?))
        };
        let (noise, labels) = match read() {
            Ok(read) => read,
            Err(e) => return Promise::reject(&e.into()),
        };
        let trainer = self.trainer.clone();
        future_to_promise(async move {
            let images = trainer.lock().await.generate(noise, labels.as_deref());
            read_images_as(images, drawn).await
        })
    }

    fn train(&self, images: JsValue, labels: JsValue, n: usize, name: &str) -> Promise {
        let per_step = self.batch_size * IMAGE_PIXELS;
        let read = || -> Result<_, JsError> {
            let pixels = read_images(&images, n, per_step, self.batch_size, name)?;
            Ok((pixels, read_labels(&labels, n * self.batch_size, self.conditional, "this trainer", name)?))
        };
        let (pixels, labels) = match read() {
            Ok(read) => read,
            Err(e) => return Promise::reject(&e.into()),
        };
        if let Some(step) = self.diverged.get() {
            let message = format!("{name}: this trainer diverged by step {step}; resume from an earlier checkpoint at a lower learningRate, or create a new trainer");
            return Promise::reject(&diverged_error(&message, step));
        }
        let (trainer, device, batch) = (self.trainer.clone(), self.device.clone(), self.batch_size);
        let (steps, diverged) = (self.steps.clone(), self.diverged.clone());
        let name = name.to_string();
        future_to_promise(async move {
            let mut trainer = trainer.lock().await;
            for (i, images) in pixels.chunks(per_step).enumerate() {
                let labels = labels.as_ref().map(|l| &l[i * batch..(i + 1) * batch]);
                trainer.step(pixels_to_tensor(images, &device), labels);
            }
            steps.set(trainer.steps());
            let stats = trainer
                .stats()
                .expect("n ≥ 1 is checked by read_images")
                .read()
                .await
                .map_err(|e| error(&format!("reading step statistics failed: {e:?}")))?;
            let values = [stats.d_loss, stats.g_loss, stats.d_real, stats.d_fake];
            if values.iter().any(|v| !v.is_finite()) {
                diverged.set(Some(stats.step));
                let message = format!(
                    "{name}: training diverged by step {}: D loss {}, G loss {}, D(x) {}, D(G(z)) {}. \
                     Its weights are no longer numbers; resume from a checkpoint saved before it \
                     (export_checkpoint()) at a lower learningRate",
                    stats.step, js_number(stats.d_loss as f64), js_number(stats.g_loss as f64),
                    js_number(stats.d_real as f64), js_number(stats.d_fake as f64),
                );
                return Err(diverged_error(&message, stats.step));
            }
            Ok(stats_object(&stats))
        })
    }
}

/// An Error named "TrainingDiverged" with the step as its `step` property, so that a page can
/// tell a run that diverged from any other failure.
fn diverged_error(message: &str, step: u64) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("TrainingDiverged");
    let _ = Reflect::set(&error, &"step".into(), &(step as f64).into());
    error.into()
}

/// A plain object rather than a class instance, so it survives `postMessage`.
fn stats_object(stats: &StepStats) -> JsValue {
    let object = Object::new();
    for (key, value) in [
        ("step", stats.step as f64),
        ("d_loss", stats.d_loss as f64),
        ("g_loss", stats.g_loss as f64),
        ("d_real", stats.d_real as f64),
        ("d_fake", stats.d_fake as f64),
    ] {
        let _ = Reflect::set(&object, &key.into(), &value.into());
    }
    object.into()
}
