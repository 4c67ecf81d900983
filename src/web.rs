//! The JavaScript API. Everything `#[wasm_bindgen]` lives here; the rest of the crate is plain
//! burn code.
//!
//! Exported methods validate their input and report problems as JS `Error`s: a Rust panic would
//! kill the wasm instance and every trainer in it. Methods that touch a model return a Promise
//! and queue behind an async lock, so overlapping calls run one after another instead of
//! tripping wasm-bindgen's borrow checks.

use std::rc::Rc;

use burn::prelude::*;
use futures_util::lock::Mutex;
use js_sys::{Float32Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::data::{pixels_to_tensor, unit_to_pixels};
use crate::device::{self, Backend};
use crate::model::{Architecture, GanConfig, Loss};
use crate::quality;
use crate::training::{self, GanTraining, StepStats};
use crate::weights::{self, LoadedGenerator};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Losses and discriminator outputs of one training step. */
export interface StepStats {
  /** Steps completed so far, this one included. */
  step: number;
  d_loss: number;
  g_loss: number;
  /** Mean D(x) on the real batch: a probability with BCE, the critic's score with WGAN-GP. */
  d_real: number;
  /** Mean D(G(z)) on the fake batch, in the same units as d_real. */
  d_fake: number;
}

/** Options of GanTrainer.create; every one is optional. */
export interface GanTrainerOptions {
  backend?: "auto" | "webgpu" | "cpu";
  /** The classic MLP (default) or the DCGAN. */
  architecture?: "mlp" | "dcgan";
  /** Non-saturating BCE (default) or WGAN-GP. */
  loss?: "bce" | "wgan-gp";
  seed?: number;
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Adam's ε, in (0, 0.1]. */
  epsilon?: number;
  batchSize?: number;
  /** D's target for real digits, in (0.5, 1]; below 1 is one-sided label smoothing. MLP + BCE. */
  realLabel?: number;
  /** Dropout probability on D's hidden layer, in [0, 0.9]. MLP + BCE. */
  dropout?: number;
  /** Decay of the running average of G's weights that samples come from, in [0, 1); 0 is off. MLP + BCE. */
  averageDecay?: number;
  /** BCE: weight of the R1 penalty on D's input gradients at real digits, in [0, 100]; 0 (default) is off. The DCGAN's D drops batch norm for it. */
  r1Penalty?: number;
  /** WGAN-GP: critic steps per generator step, 1 to 20. */
  criticSteps?: number;
  /** safetensors bytes from export_weights(), to resume from. */
  weights?: Uint8Array;
}

/** Options of Generator.load. */
export interface GeneratorOptions {
  backend?: "auto" | "webgpu" | "cpu";
}

/** How a set of digits looks to the classifier (see Judge.score). */
export interface QualityScore {
  /** Share of the digits predicted as each class 0–9; sums to 1. */
  histogram: Float64Array;
  /** exp E[KL(p(y|x) ‖ p(y))], from 1 (all alike) to 10 (all ten classes, clearly). */
  score: number;
  /** Fréchet distance between the classifier features of these digits and of real ones. */
  fd: number;
}

/** The WebGPU adapter the browser offers. */
export interface WebGpuProbe {
  /** Vendor, architecture and description. */
  adapter: string;
  /** A software rasteriser such as SwiftShader: "auto" never picks it. */
  software: boolean;
}
"#;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The WebGPU adapter the browser offers, without creating a device; rejects with the reason
/// when there is none. Works in the CPU-only build too, so a page can start with that one and
/// fetch the WebGPU build only when a hardware adapter could use it.
#[wasm_bindgen(js_name = probeWebGpu, unchecked_return_type = "WebGpuProbe")]
pub async fn probe_webgpu() -> Result<JsValue, JsError> {
    let adapter = device::probe().await.map_err(|why| JsError::new(&why))?;
    let object = Object::new();
    let _ = Reflect::set(&object, &"adapter".into(), &adapter.name.into());
    let _ = Reflect::set(&object, &"software".into(), &adapter.software.into());
    Ok(object.into())
}

/// Trains the GAN. Create it with `await GanTrainer.create(options)`.
#[wasm_bindgen]
pub struct GanTrainer {
    trainer: Rc<Mutex<Box<dyn GanTraining>>>,
    device: Device,
    backend: Backend,
    adapter: Option<String>,
    batch_size: usize,
    latent_dim: usize,
    image_dim: usize,
}

#[wasm_bindgen]
impl GanTrainer {
    /// Builds a trainer. See `GanTrainerOptions` for the options.
    pub async fn create(
        #[wasm_bindgen(unchecked_param_type = "GanTrainerOptions | undefined")] options: JsValue,
    ) -> Result<GanTrainer, JsError> {
        let options = Options::read(
            &options,
            "GanTrainer.create",
            &[
                "backend",
                "architecture",
                "loss",
                "seed",
                "learningRate",
                "beta1",
                "beta2",
                "epsilon",
                "batchSize",
                "realLabel",
                "dropout",
                "averageDecay",
                "r1Penalty",
                "criticSteps",
                "weights",
            ],
        )?;
        let mut config = GanConfig::new();
        if let Some(architecture) = options.choice("architecture", &Architecture::NAMES)? {
            config.architecture = architecture;
        }
        if let Some(loss) = options.choice("loss", &Loss::NAMES)? {
            config.loss = loss;
        }
        if let Some(seed) = options.integer("seed", 0.0, 9_007_199_254_740_991.0)? {
            config.seed = seed as u64;
        }
        if let Some(lr) = options.number("learningRate", |v| v > 0.0 && v <= 1.0, "in (0, 1]")? {
            config.learning_rate = lr;
        }
        if let Some(beta1) = options.number("beta1", |v| (0.0..1.0).contains(&v), "in [0, 1)")? {
            config.beta1 = beta1 as f32;
        }
        if let Some(beta2) = options.number("beta2", |v| (0.0..1.0).contains(&v), "in [0, 1)")? {
            config.beta2 = beta2 as f32;
        }
        if let Some(epsilon) = options.number("epsilon", |v| v > 0.0 && v <= 0.1, "in (0, 0.1]")? {
            config.epsilon = epsilon as f32;
        }
        if let Some(batch) = options.integer("batchSize", 1.0, 1024.0)? {
            config.batch_size = batch as usize;
        }
        if let Some(label) = options.number("realLabel", |v| v > 0.5 && v <= 1.0, "in (0.5, 1]")? {
            config.real_label = label as f32;
        }
        if let Some(p) = options.number("dropout", |v| (0.0..=0.9).contains(&v), "in [0, 0.9]")? {
            config.dropout = p as f32;
        }
        if let Some(decay) = options.number("averageDecay", |v| (0.0..1.0).contains(&v), "in [0, 1)")? {
            config.average_decay = decay as f32;
        }
        if let Some(gamma) = options.number("r1Penalty", |v| (0.0..=100.0).contains(&v), "in [0, 100]")? {
            config.r1_penalty = gamma as f32;
        }
        if let Some(steps) = options.integer("criticSteps", 1.0, 20.0)? {
            config.critic_steps = steps as usize;
        }
        check_combination(&config)?;
        let weights = options.bytes("weights")?;
        let requested = options.backend()?;

        let (backend, device, adapter) = pick_backend(requested, Some(&config)).await?;

        let mut trainer = training::trainer(config.clone(), &device);
        if let Some(bytes) = weights {
            trainer
                .load_weights(&bytes)
                .map_err(|e| JsError::new(&format!("GanTrainer.create: {e}")))?;
        }
        Ok(GanTrainer {
            trainer: Rc::new(Mutex::new(trainer)),
            device,
            backend,
            adapter,
            batch_size: config.batch_size,
            latent_dim: config.latent_dim,
            image_dim: config.image_dim,
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

    /// One step on `images`, a Uint8Array of batchSize × 784 raw pixels. Resolves to StepStats
    /// once the statistics are read back.
    #[wasm_bindgen(unchecked_return_type = "Promise<StepStats>")]
    pub fn train_step(&self, images: JsValue) -> Promise {
        self.train(images, 1, "train_step")
    }

    /// `n` steps on `images`, which holds n × batchSize × 784 pixels, batch after batch. Only
    /// the last step's statistics are read back, so the GPU is not stalled in between.
    #[wasm_bindgen(unchecked_return_type = "Promise<StepStats>")]
    pub fn train_steps(&self, images: JsValue, n: u32) -> Promise {
        self.train(images, n as usize, "train_steps")
    }

    /// Images for `noise`, a Float32Array of n × 100 values. Resolves to n × 784 grey bytes.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn generate(&self, noise: JsValue) -> Promise {
        let noise = match read_noise(&noise, self.latent_dim, "generate") {
            Ok(noise) => noise,
            Err(e) => return Promise::reject(&e.into()),
        };
        let trainer = self.trainer.clone();
        future_to_promise(async move {
            let images = trainer.lock().await.generate(noise);
            read_pixels(images).await
        })
    }

    /// One discriminator update alone on `images` (batchSize × 784 pixels) and fresh fakes,
    /// for stepping D and G separately; it does not count as a step.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn train_discriminator(&self, images: JsValue) -> Promise {
        let per_step = self.batch_size * self.image_dim;
        let pixels = match read_images(&images, 1, per_step, self.batch_size, "train_discriminator") {
            Ok(pixels) => pixels,
            Err(e) => return Promise::reject(&e.into()),
        };
        let (trainer, device, image_dim) = (self.trainer.clone(), self.device.clone(), self.image_dim);
        future_to_promise(async move {
            trainer.lock().await.train_discriminator(pixels_to_tensor(&pixels, image_dim, &device));
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

    /// D's verdict on `images`, a Uint8Array of n × 784 pixels: a Float32Array of n
    /// probabilities of "real" with BCE, of critic scores with WGAN-GP.
    #[wasm_bindgen(unchecked_return_type = "Promise<Float32Array>")]
    pub fn discriminate(&self, images: JsValue) -> Promise {
        let pixels = match read_digits(&images, "discriminate", 1) {
            Ok(pixels) => pixels,
            Err(e) => return Promise::reject(&e.into()),
        };
        let (trainer, device, image_dim) = (self.trainer.clone(), self.device.clone(), self.image_dim);
        future_to_promise(async move {
            let scores = trainer.lock().await.discriminate(pixels_to_tensor(&pixels, image_dim, &device));
            let values = read_floats(scores, "discriminate", "scores").await?;
            Ok(Float32Array::from(&values[..]).into())
        })
    }

    /// The weights of both networks as safetensors bytes.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn export_weights(&self) -> Promise {
        let trainer = self.trainer.clone();
        future_to_promise(async move {
            let export = trainer.lock().await.export();
            let bytes = export
                .to_bytes()
                .await
                .map_err(|e| error(&format!("export_weights: {e}")))?;
            Ok(Uint8Array::from(&bytes[..]).into())
        })
    }
}

impl GanTrainer {
    fn train(&self, images: JsValue, n: usize, name: &str) -> Promise {
        let per_step = self.batch_size * self.image_dim;
        let pixels = match read_images(&images, n, per_step, self.batch_size, name) {
            Ok(pixels) => pixels,
            Err(e) => return Promise::reject(&e.into()),
        };
        let trainer = self.trainer.clone();
        let (device, image_dim) = (self.device.clone(), self.image_dim);
        future_to_promise(async move {
            let mut trainer = trainer.lock().await;
            for batch in pixels.chunks(per_step) {
                trainer.step(pixels_to_tensor(batch, image_dim, &device));
            }
            let stats = trainer
                .stats()
                .expect("n ≥ 1 is checked by read_images")
                .read()
                .await
                .map_err(|e| error(&format!("reading step statistics failed: {e:?}")))?;
            Ok(stats_object(&stats))
        })
    }
}

/// Options that only one architecture or loss reads are errors elsewhere, rather than ignored.
fn check_combination(config: &GanConfig) -> Result<(), JsError> {
    let hand_written = config.architecture == Architecture::Mlp && config.loss == Loss::Bce;
    let problem = if config.loss == Loss::WganGp && config.r1_penalty > 0.0 {
        "r1Penalty applies to the BCE loss; WGAN-GP has its own gradient penalty"
    } else if !hand_written && config.dropout > 0.0 {
        "dropout applies to the MLP with the BCE loss only"
    } else if !hand_written && config.average_decay > 0.0 {
        "averageDecay applies to the MLP with the BCE loss only"
    } else {
        return Ok(());
    };
    Err(JsError::new(&format!("GanTrainer.create: {problem}")))
}

/// An inference-only generator: no discriminator, no autodiff. Load it with
/// `await Generator.load(bytes, options)`.
#[wasm_bindgen(js_name = Generator)]
pub struct PretrainedGenerator {
    generator: Rc<LoadedGenerator>,
    device: Device,
    backend: Backend,
    adapter: Option<String>,
}

#[wasm_bindgen(js_class = Generator)]
impl PretrainedGenerator {
    /// Loads a generator from safetensors bytes, such as `generator.safetensors` or the output
    /// of `export_weights()`.
    pub async fn load(
        bytes: JsValue,
        #[wasm_bindgen(unchecked_param_type = "GeneratorOptions | undefined")] options: JsValue,
    ) -> Result<PretrainedGenerator, JsError> {
        let options = Options::read(&options, "Generator.load", &["backend"])?;
        let requested = options.backend()?;
        let bytes = safetensors_bytes(&bytes, "Generator.load")?;
        let (backend, device, adapter) = pick_backend(requested, None).await?;
        let generator = weights::load_generator(&bytes, &device)
            .map_err(|e| JsError::new(&format!("Generator.load: {e}")))?;
        Ok(PretrainedGenerator {
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

/// The quality judge: the digit classifier with the statistics of real digits. Load it with
/// `await Judge.load(bytes)` from `weights/classifier.safetensors`. It runs on the CPU backend,
/// beside whatever trains on the GPU.
#[wasm_bindgen(js_name = Judge)]
pub struct QualityJudge {
    judge: Rc<quality::Judge>,
}

#[wasm_bindgen(js_class = Judge)]
impl QualityJudge {
    pub fn load(bytes: JsValue) -> Result<QualityJudge, JsError> {
        let bytes = safetensors_bytes(&bytes, "Judge.load")?;
        let judge = quality::Judge::load(&bytes, &device::cpu())
            .map_err(|e| JsError::new(&format!("Judge.load: {e}")))?;
        Ok(QualityJudge {
            judge: Rc::new(judge),
        })
    }

    /// The figures of the 1,500 held-out real digits: what a perfect generator would score.
    #[wasm_bindgen(getter, unchecked_return_type = "QualityScore")]
    pub fn reference(&self) -> JsValue {
        score_object(&self.judge.reference)
    }

    /// Scores `images`, a Uint8Array of n × 784 raw pixels (n ≥ 2), such as `generate`'s
    /// output. Resolves to a QualityScore.
    #[wasm_bindgen(unchecked_return_type = "Promise<QualityScore>")]
    pub fn score(&self, images: JsValue) -> Promise {
        let pixels = match read_digits(&images, "score", 2) {
            Ok(pixels) => pixels,
            Err(e) => return Promise::reject(&e.into()),
        };
        let judge = self.judge.clone();
        future_to_promise(async move {
            let images = pixels_to_tensor(&pixels, 784, &device::cpu());
            let score = judge
                .score(images)
                .await
                .map_err(|e| error(&format!("score: {e}")))?;
            Ok(score_object(&score))
        })
    }
}

/// The bytes of a weights file handed to `context` (`Generator.load`, `Judge.load`).
fn safetensors_bytes(bytes: &JsValue, context: &str) -> Result<Vec<u8>, JsError> {
    bytes.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec).ok_or_else(|| {
        JsError::new(&format!(
            "{context}: bytes must be a Uint8Array of safetensors, got {}",
            type_name(bytes)
        ))
    })
}

/// Any number of digits, at least `min`, as n × 784 raw pixels.
fn read_digits(images: &JsValue, name: &str, min: usize) -> Result<Vec<u8>, JsError> {
    let array = images.dyn_ref::<Uint8Array>().ok_or_else(|| {
        JsError::new(&format!(
            "{name}: images must be a Uint8Array of n × 784 raw pixels (0..255), got {}",
            type_name(images)
        ))
    })?;
    let length = array.length() as usize;
    if length % 784 != 0 || length < min * 784 {
        return Err(JsError::new(&format!(
            "{name}: images holds {length} bytes, expected n × 784 with n ≥ {min}"
        )));
    }
    Ok(array.to_vec())
}

fn score_object(score: &quality::QualityScore) -> JsValue {
    let object = Object::new();
    let histogram = js_sys::Float64Array::from(&score.histogram[..]);
    let _ = Reflect::set(&object, &"histogram".into(), &histogram.into());
    let _ = Reflect::set(&object, &"score".into(), &score.score.into());
    let _ = Reflect::set(&object, &"fd".into(), &score.frechet_distance.into());
    object.into()
}

#[derive(Clone, Copy)]
enum Requested {
    Auto,
    WebGpu,
    Cpu,
}

type Choice = (Backend, Device, Option<String>);

/// Resolves the `backend` option. With `timing` (a trainer's config), `"auto"` times a
/// hardware adapter against the CPU; without it (inference) a hardware adapter wins outright.
async fn pick_backend(requested: Requested, timing: Option<&GanConfig>) -> Result<Choice, JsError> {
    match requested {
        Requested::Cpu => Ok((Backend::Cpu, device::cpu(), None)),
        Requested::WebGpu => {
            let gpu = device::webgpu().await.map_err(|why| {
                JsError::new(&format!(
                    "backend \"webgpu\" was requested but WebGPU is unavailable: {why}. \
                     Use backend \"cpu\" or \"auto\"."
                ))
            })?;
            Ok((Backend::WebGpu, gpu.device, Some(gpu.adapter.name)))
        }
        Requested::Auto => Ok(auto_backend(timing).await),
    }
}

/// `"auto"`: a hardware WebGPU adapter if it is faster than the CPU, else the CPU.
///
/// A software adapter (SwiftShader) is not even timed: it is ~100× slower than the CPU
/// backend and its first step compiles shaders for seconds.
async fn auto_backend(timing: Option<&GanConfig>) -> Choice {
    let cpu = (Backend::Cpu, device::cpu(), None);
    let gpu = match device::webgpu().await {
        Ok(gpu) if !gpu.adapter.software => gpu,
        Ok(gpu) => {
            log(&format!(
                "WebGAN: using the CPU backend; WebGPU adapter '{}' is a software rasteriser",
                gpu.adapter.name
            ));
            return cpu;
        }
        Err(why) => {
            log(&format!("WebGAN: using the CPU backend; {why}"));
            return cpu;
        }
    };
    let Some(config) = timing else {
        return (Backend::WebGpu, gpu.device, Some(gpu.adapter.name));
    };
    let gpu_rate = steps_per_second(config, &gpu.device).await;
    let cpu_rate = steps_per_second(config, &cpu.1).await;
    log(&format!(
        "WebGAN: '{}' trains at {gpu_rate:.1} steps/s, the CPU at {cpu_rate:.1} steps/s",
        gpu.adapter.name
    ));
    if gpu_rate >= cpu_rate {
        (Backend::WebGpu, gpu.device, Some(gpu.adapter.name))
    } else {
        cpu
    }
}

/// Steady-state training speed on `device`: one warm-up step, then three timed ones.
async fn steps_per_second(config: &GanConfig, device: &Device) -> f64 {
    let mut trainer = training::trainer(config.clone(), device);
    let pixels = vec![0u8; config.batch_size * config.image_dim];
    let mut run = async |steps: usize| {
        for _ in 0..steps {
            trainer.step(pixels_to_tensor(&pixels, config.image_dim, device));
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

async fn read_pixels(images: Tensor<2>) -> Result<JsValue, JsValue> {
    let values = read_floats(images, "generate", "images").await?;
    Ok(Uint8Array::from(&unit_to_pixels(&values)[..]).into())
}

/// A tensor's values, read back asynchronously (a synchronous read panics on WebGPU).
async fn read_floats(tensor: Tensor<2>, name: &str, what: &str) -> Result<Vec<f32>, JsValue> {
    let data = tensor
        .into_data_async()
        .await
        .map_err(|e| error(&format!("{name}: reading {what} failed: {e:?}")))?;
    data.try_to_vec::<f32>()
        .map_err(|e| error(&format!("{name}: unexpected {what} data: {e:?}")))
}

fn read_images(
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
        format!("batchSize × 784 = {batch_size} × 784 = {per_step}")
    } else {
        format!("n × batchSize × 784 = {n} × {batch_size} × 784 = {total}")
    };
    let array = images.dyn_ref::<Uint8Array>().ok_or_else(|| {
        JsError::new(&format!(
            "{name}: images must be a Uint8Array of {shape} raw pixels (0..255), got {}",
            type_name(images)
        ))
    })?;
    if array.length() as usize != total {
        return Err(JsError::new(&format!(
            "{name}: images holds {} bytes, expected {shape}",
            array.length()
        )));
    }
    Ok(array.to_vec())
}

fn read_noise(noise: &JsValue, latent_dim: usize, name: &str) -> Result<Vec<f32>, JsError> {
    let array = noise.dyn_ref::<Float32Array>().ok_or_else(|| {
        JsError::new(&format!(
            "{name}: noise must be a Float32Array of n × {latent_dim} values, got {}",
            type_name(noise)
        ))
    })?;
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

/// Reads and checks an options object.
struct Options<'a> {
    object: &'a JsValue,
    context: &'static str,
}

impl<'a> Options<'a> {
    fn read(
        object: &'a JsValue,
        context: &'static str,
        known: &[&str],
    ) -> Result<Self, JsError> {
        if object.is_undefined() || object.is_null() {
            return Ok(Self { object, context });
        }
        if !object.is_object() || object.is_function() || js_sys::Array::is_array(object) {
            return Err(JsError::new(&format!(
                "{context}: options must be an object, got {}",
                type_name(object)
            )));
        }
        for key in Object::keys(object.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(JsError::new(&format!(
                    "{context}: unknown option '{key}'; expected one of {}",
                    known.join(", ")
                )));
            }
        }
        Ok(Self { object, context })
    }

    /// The option's value, or None when absent or undefined.
    fn get(&self, key: &str) -> Option<JsValue> {
        if self.object.is_undefined() || self.object.is_null() {
            return None;
        }
        Reflect::get(self.object, &key.into())
            .ok()
            .filter(|v| !v.is_undefined())
    }

    fn number(
        &self,
        key: &str,
        valid: impl Fn(f64) -> bool,
        expected: &str,
    ) -> Result<Option<f64>, JsError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value.as_f64() {
            Some(v) if v.is_finite() && valid(v) => Ok(Some(v)),
            _ => Err(JsError::new(&format!(
                "{}: option {key} is {}, expected a number {expected}",
                self.context,
                show(&value)
            ))),
        }
    }

    fn integer(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, JsError> {
        self.number(
            key,
            |v| v.fract() == 0.0 && (min..=max).contains(&v),
            &format!("that is an integer from {min} to {max}"),
        )
    }

    fn bytes(&self, key: &str) -> Result<Option<Vec<u8>>, JsError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        value
            .dyn_ref::<Uint8Array>()
            .map(|array| Some(array.to_vec()))
            .ok_or_else(|| {
                JsError::new(&format!(
                    "{}: option {key} must be a Uint8Array, got {}",
                    self.context,
                    type_name(&value)
                ))
            })
    }

    /// A string option that must be one of `choices`' names.
    fn choice<T: Copy>(&self, key: &str, choices: &[(&str, T)]) -> Result<Option<T>, JsError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let name = value.as_string();
        match choices.iter().find(|(n, _)| Some(*n) == name.as_deref()) {
            Some((_, choice)) => Ok(Some(*choice)),
            None => {
                let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
                let (last, rest) = names.split_last().expect("choices are never empty");
                let expected = match rest {
                    [] => last.clone(),
                    _ => format!("{} or {last}", rest.join(", ")),
                };
                Err(JsError::new(&format!(
                    "{}: option {key} is {}, expected {expected}",
                    self.context,
                    show(&value)
                )))
            }
        }
    }

    fn backend(&self) -> Result<Requested, JsError> {
        let choices = [("auto", Requested::Auto), ("webgpu", Requested::WebGpu), ("cpu", Requested::Cpu)];
        Ok(self.choice("backend", &choices)?.unwrap_or(Requested::Auto))
    }
}

/// The constructor name of a JS value, for error messages.
fn type_name(value: &JsValue) -> String {
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
fn show(value: &JsValue) -> String {
    match value.as_string() {
        Some(s) => format!("\"{s}\""),
        None => match value.as_f64() {
            Some(n) => n.to_string(),
            None => type_name(value),
        },
    }
}

fn error(message: &str) -> JsValue {
    JsError::new(message).into()
}

fn log(message: &str) {
    web_sys::console::info_1(&message.into());
}
