//! The options objects JS hands in, parsed once with serde (`rename_all = "camelCase"`,
//! `deny_unknown_fields`), and every TypeScript type of the API in one place. Parsing checks
//! types only; ranges and combinations are `GanConfig::validate`'s, which `pretrain` shares.
//! The file options are read here too: a checkpoint against the options beside it, PyTorch's
//! pair into WebGAN's layout.

use std::borrow::Cow;
use std::fmt;

use js_sys::{Array, Reflect};
use wasm_bindgen::JsCast;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{show, type_name};
use crate::config::{Architecture, ConfigError, Defaults, GanConfig, Loss, named, one_of};
use crate::pytorch;
use crate::train::checkpoint::Checkpoint;

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
  /** What the settings left out default to: "recommended" (default), the page's preset for the architecture and loss (the MLP: depth 2, learningRate 2e-3 with r1Penalty 5; the DCGAN: depth 3 (2 when conditional), 1e-3 with r1Penalty 5, beta1 0, averageDecay 0.995; WGAN-GP: 1e-4, beta2 0.9, criticSteps 5), or "classic", the textbook PyTorch GAN (learningRate 2e-4, no penalty). */
  defaults?: "recommended" | "classic";
  /** The MLP (default) or the DCGAN. */
  architecture?: "mlp" | "dcgan";
  /** MLP: hidden layers in each network, 1 (the classic GAN: G 100→256→784, D 784→256→1) or 2 (G 100→256→512→784, D 784→512→256→1). DCGAN: 1, 2 (a third convolution in D, 3×3 at 7×7) or 3 (and one in G, 3×3 at 14×14). Recommended defaults: 2 for the MLP, 3 for the DCGAN (2 when conditional); classic: 1. */
  depth?: number;
  /** DCGAN width: channels of D's first convolution and G's last hidden layer (the next layer has twice as many), 4 to 256; default 32. */
  channels?: number;
  /** Non-saturating BCE (default) or WGAN-GP. */
  loss?: "bce" | "wgan-gp";
  seed?: number;
  learningRate?: number;
  /** D's own learning rate, in (0, 1], for a two time-scale update (TTUR); left out, D learns at learningRate. */
  discriminatorLearningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Adam's ε, in (0, 0.1]. */
  epsilon?: number;
  batchSize?: number;
  /** D's target for real digits, in (0.5, 1]; below 1 is one-sided label smoothing. MLP + BCE. */
  realLabel?: number;
  /** Dropout probability on D's hidden layer, in [0, 0.9]. MLP of depth 1 + BCE. */
  dropout?: number;
  /** Decay of the running average of G's weights that samples come from, in [0, 1); 0 is off. Every architecture and loss. */
  averageDecay?: number;
  /** Probability, in [0, 1], with which each image D sees is shifted by up to 3 pixels and, independently, has a 14×14 square blanked (DiffAugment); G learns through it. 0 (default) is off. */
  augment?: number;
  /** BCE: weight of the R1 penalty on D's input gradients at real digits, in [0, 100]; 0 is off. Recommended defaults: 5; classic: 0. The DCGAN's D drops batch norm for it. */
  r1Penalty?: number;
  /** WGAN-GP: critic steps per generator step, 1 to 20. */
  criticSteps?: number;
  /** Learn digits by label: train_step then takes each image's label, and generate draws the digit asked for. */
  conditional?: boolean;
  /** Weights to start from: the bytes of export_weights(), or both networks in PyTorch's layout as export_pytorch() gives them (docs/pytorch.md). The optimizer starts afresh; a checkpoint resumes exactly. */
  weights?: Uint8Array | PyTorchWeights;
  /** The bytes of export_checkpoint(), to resume exactly where it was saved. Its settings come with it: other options may only repeat them (backend aside), but for learningRate and discriminatorLearningRate, which may be given anew (a run that diverged resumes at a lower rate). weights may not be given with it. */
  checkpoint?: Uint8Array;
}

/** Both networks in PyTorch's layout, one safetensors file each (see docs/pytorch.md). */
export interface PyTorchWeights {
  generator: Uint8Array;
  discriminator: Uint8Array;
}

/** What a checkpoint holds, read without building a trainer (GanTrainer.checkpoint_info). */
export interface CheckpointInfo {
  /** The checkpoint format version. */
  version: number;
  /** Steps completed when it was saved. */
  step: number;
  architecture: "mlp" | "dcgan";
  loss: "bce" | "wgan-gp";
  conditional: boolean;
  batchSize: number;
  seed: number;
  /** The settings it trains with, as GanTrainer.create options. */
  options: GanTrainerOptions;
  /** The annotation given to export_checkpoint, or null. */
  annotation: string | null;
}

/** Options of Generator.load. */
export interface GeneratorOptions {
  backend?: "auto" | "webgpu" | "cpu";
}

/** Where a generator's digit changes most around one z (see Generator.directions). */
export interface LatentDirections {
  /** count × latentDim values: unit vectors in z, the most telling first. */
  directions: Float32Array;
  /** How far the digit moves (L2 over its pixels in [-1, 1]) per unit step along each. */
  strengths: Float32Array;
}

/** A weight tensor of a trainer's networks. */
export interface Layer {
  /** Its name in export_weights(), e.g. "generator.hidden.weight". */
  name: string;
  shape: number[];
  /** Numbers it holds: the product of its shape. */
  count: number;
}

/** How a set of digits looks to the classifier (see Judge.score). */
export interface QualityScore {
  /** Share of the digits predicted as each class 0–9; sums to 1. */
  histogram: Float64Array;
  /** exp E[KL(p(y|x) ‖ p(y))], from 1 (all alike) to 10 (all ten classes, clearly). */
  score: number;
  /** Fréchet distance between the classifier features of these digits and of real ones. */
  fd: number;
  /** With labels: the share of the digits read as the digit they were drawn as. */
  agreement?: number;
}

/** The WebGPU adapter the browser offers. */
export interface WebGpuProbe {
  /** Vendor, architecture and description. */
  adapter: string;
  /** A software rasteriser such as SwiftShader: "auto" never picks it. */
  software: boolean;
}
"#;

/// Where a trainer or generator should run, as asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Requested {
    #[default]
    Auto,
    WebGpu,
    Cpu,
}

impl Requested {
    pub const NAMES: [(&'static str, Self); 3] = [("auto", Self::Auto), ("webgpu", Self::WebGpu), ("cpu", Self::Cpu)];
}

/// `GanTrainer.create`'s options: see `GanTrainerOptions` above.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrainerOptions {
    #[serde(default, deserialize_with = "string")]
    backend: Option<String>,
    #[serde(default, deserialize_with = "string")]
    defaults: Option<String>,
    #[serde(default, deserialize_with = "string")]
    architecture: Option<String>,
    #[serde(default, deserialize_with = "whole")]
    channels: Option<f64>,
    #[serde(default, deserialize_with = "whole")]
    depth: Option<f64>,
    #[serde(default, deserialize_with = "string")]
    loss: Option<String>,
    #[serde(default, deserialize_with = "whole")]
    seed: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    learning_rate: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    discriminator_learning_rate: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    beta1: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    beta2: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    epsilon: Option<f64>,
    #[serde(default, deserialize_with = "whole")]
    batch_size: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    real_label: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    dropout: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    average_decay: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    augment: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    r1_penalty: Option<f64>,
    #[serde(default, deserialize_with = "whole")]
    critic_steps: Option<f64>,
    #[serde(default, deserialize_with = "boolean")]
    conditional: Option<bool>,
    #[serde(default, deserialize_with = "weights")]
    weights: Option<Weights>,
    #[serde(default, deserialize_with = "bytes")]
    checkpoint: Option<Vec<u8>>,
}

/// The `weights` option: WebGAN's own file, or a PyTorch-layout pair.
enum Weights {
    WebGan(Vec<u8>),
    PyTorch { generator: Vec<u8>, discriminator: Vec<u8> },
}

/// `Generator.load`'s options.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct GeneratorOptions {
    #[serde(default, deserialize_with = "string")]
    backend: Option<String>,
}

impl TrainerOptions {
    /// The validated config these options describe, over the defaults they ask for (those
    /// recommended for their architecture and loss, unless `defaults: "classic"`).
    pub fn config(&self, context: &str) -> Result<GanConfig, JsError> {
        let defaults = chosen(context, "defaults", &self.defaults, &Defaults::NAMES)?.unwrap_or(Defaults::Recommended);
        let architecture = chosen(context, "architecture", &self.architecture, &Architecture::NAMES)?.unwrap_or(Architecture::Mlp);
        let loss = chosen(context, "loss", &self.loss, &Loss::NAMES)?.unwrap_or(Loss::Bce);
        let config = self.over(defaults.config(architecture, loss, self.conditional.unwrap_or(false)), context)?;
        config.validate().map_err(|e| invalid(context, e))?;
        Ok(config)
    }

    /// The config these options describe over `base`, not yet validated.
    fn over(&self, base: GanConfig, context: &str) -> Result<GanConfig, JsError> {
        let mut config = base;
        config.model.architecture = chosen(context, "architecture", &self.architecture, &Architecture::NAMES)?.unwrap_or(config.model.architecture);
        config.loss.kind = chosen(context, "loss", &self.loss, &Loss::NAMES)?.unwrap_or(config.loss.kind);
        // Whole numbers arrive checked by `whole`; the ranges are validate()'s.
        let set = |target: &mut f32, value: Option<f64>| value.into_iter().for_each(|v| *target = v as f32);
        config.seed = self.seed.map_or(config.seed, |v| v as u64);
        config.optim.learning_rate = self.learning_rate.unwrap_or(config.optim.learning_rate);
        if self.discriminator_learning_rate.is_some() {
            config.optim.discriminator_learning_rate = self.discriminator_learning_rate;
        }
        set(&mut config.optim.beta1, self.beta1);
        set(&mut config.optim.beta2, self.beta2);
        set(&mut config.optim.epsilon, self.epsilon);
        config.batch_size = self.batch_size.map_or(config.batch_size, |v| v as usize);
        set(&mut config.loss.real_label, self.real_label);
        set(&mut config.stabilizers.dropout, self.dropout);
        set(&mut config.stabilizers.average_decay, self.average_decay);
        set(&mut config.stabilizers.augment, self.augment);
        set(&mut config.loss.r1_penalty, self.r1_penalty);
        config.loss.critic_steps = self.critic_steps.map_or(config.loss.critic_steps, |v| v as usize);
        config.model.conditional = self.conditional.unwrap_or(config.model.conditional);
        config.model.channels = self.channels.map_or(config.model.channels, |v| v as usize);
        config.model.depth = self.depth.map_or(config.model.depth, |v| v as usize);
        Ok(config)
    }

    pub fn backend(&self, context: &str) -> Result<Requested, JsError> {
        backend(context, &self.backend)
    }

    /// The `checkpoint` option, parsed, with the other options checked against the settings
    /// it was saved with; `None` without one. The learning rates alone may be given anew: a
    /// run that diverged resumes from an earlier checkpoint at a lower rate.
    pub fn checkpoint(&self, context: &str) -> Result<Option<Checkpoint>, JsError> {
        let Some(bytes) = &self.checkpoint else {
            return Ok(None);
        };
        let mut checkpoint = Checkpoint::parse(bytes).map_err(|e| JsError::new(&format!("{context}: {e}")))?;
        checkpoint.config = self.agree_with(&checkpoint.config, context)?;
        Ok(Some(checkpoint))
    }

    /// The `weights` option in WebGAN's own layout: PyTorch's pair converted, a single
    /// PyTorch-layout file refused (a trainer needs both networks); `None` without one.
    pub fn weights_bytes(&self, context: &str) -> Result<Option<Cow<'_, [u8]>>, JsError> {
        let fail = |e: &dyn fmt::Display| JsError::new(&format!("{context}: {e}"));
        match &self.weights {
            None => Ok(None),
            Some(Weights::WebGan(bytes)) if pytorch::is_pytorch(bytes) => Err(JsError::new(&format!(
                "{context}: weights is one network in PyTorch's layout; a trainer needs both: weights: {{ generator, discriminator }}"
            ))),
            Some(Weights::WebGan(bytes)) => Ok(Some(Cow::Borrowed(bytes))),
            Some(Weights::PyTorch { generator, discriminator }) => {
                pytorch::import(generator, Some(discriminator)).map(|b| Some(Cow::Owned(b))).map_err(|e| fail(&e))
            }
        }
    }

    /// Checks that the options given beside a checkpoint agree with the settings it was saved
    /// with (`saved`), so that a resumed run is the run that was saved, but for the learning
    /// rates (`RESUME_MAY_CHANGE`); returns the settings to resume with.
    fn agree_with(&self, saved: &GanConfig, context: &str) -> Result<GanConfig, JsError> {
        if self.weights.is_some() {
            return Err(JsError::new(&format!(
                "{context}: give weights or a checkpoint, not both: a checkpoint holds the weights"
            )));
        }
        // Compared before validating: an option that disagrees is named as such, even where
        // the mix would not validate (architecture "dcgan" over a two-layer MLP's depth).
        let asked = self.over(saved.clone(), context)?;
        let (was, now) = (settings(saved), settings(&asked));
        if let Some(((key, value), (_, given))) = was.iter().zip(&now).find(|((key, a), (_, b))| a != b && !RESUME_MAY_CHANGE.contains(key)) {
            return Err(JsError::new(&format!(
                "{context}: the checkpoint was saved with {key} {value}, and option {key} is {given}; leave it out to resume the run"
            )));
        }
        asked.validate().map_err(|e| invalid(context, e))?;
        Ok(asked)
    }
}

/// A config that does not validate, as the JS error names it.
fn invalid(context: &str, error: ConfigError) -> JsError {
    JsError::new(&format!("{context}: {error}"))
}

/// The options that may differ from a checkpoint's settings when resuming it.
const RESUME_MAY_CHANGE: [&str; 2] = ["learningRate", "discriminatorLearningRate"];

/// A config as GanTrainer.create's options: each setting's JS name and value.
pub fn settings(config: &GanConfig) -> Vec<(&'static str, String)> {
    let (model, loss, optim, extra) = (&config.model, &config.loss, &config.optim, &config.stabilizers);
    let name = |names: &[(&'static str, _)], value| names.iter().find(|(_, v)| *v == value).map_or("?", |(n, _)| *n);
    vec![
        ("architecture", format!("\"{}\"", model.architecture.name())),
        ("loss", format!("\"{}\"", name(&Loss::NAMES, loss.kind))),
        ("conditional", model.conditional.to_string()),
        ("channels", model.channels.to_string()),
        ("depth", model.depth.to_string()),
        ("seed", config.seed.to_string()),
        ("batchSize", config.batch_size.to_string()),
        ("learningRate", optim.learning_rate.to_string()),
        ("discriminatorLearningRate", optim.discriminator().learning_rate.to_string()),
        ("beta1", optim.beta1.to_string()),
        ("beta2", optim.beta2.to_string()),
        ("epsilon", optim.epsilon.to_string()),
        ("realLabel", loss.real_label.to_string()),
        ("dropout", extra.dropout.to_string()),
        ("averageDecay", extra.average_decay.to_string()),
        ("augment", extra.augment.to_string()),
        ("r1Penalty", loss.r1_penalty.to_string()),
        ("criticSteps", loss.critic_steps.to_string()),
    ]
}

impl GeneratorOptions {
    pub fn backend(&self, context: &str) -> Result<Requested, JsError> {
        backend(context, &self.backend)
    }
}

fn backend(context: &str, name: &Option<String>) -> Result<Requested, JsError> {
    name.as_deref().map_or(Ok(Requested::Auto), |name| choice(context, "backend", name, &Requested::NAMES))
}

fn choice<T: Copy>(context: &str, key: &str, name: &str, names: &[(&str, T)]) -> Result<T, JsError> {
    named(names, name).map_err(|_| {
        JsError::new(&format!("{context}: option {key} is \"{name}\", expected {}", one_of(names)))
    })
}

/// `choice` of an option that may be left out.
fn chosen<T: Copy>(context: &str, key: &str, name: &Option<String>, names: &[(&str, T)]) -> Result<Option<T>, JsError> {
    name.as_deref().map(|name| choice(context, key, name, names)).transpose()
}

/// Parses an options object (undefined and null mean all defaults). Errors name the option,
/// its value and what was expected, as `{context}: option batchSize is "64", expected a number`.
pub fn parse<T: DeserializeOwned + Default>(value: &JsValue, context: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    if !value.is_object() || value.is_function() || Array::is_array(value) {
        return Err(JsError::new(&format!("{context}: options must be an object, got {}", type_name(value))));
    }
    // serde-wasm-bindgen reads only the fields it knows, so `deny_unknown_fields` never sees
    // another key: they are compared with the derive's own field list here.
    let known = field_names::<T>();
    let keys = js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>());
    if let Some(key) = keys.iter().filter_map(|k| k.as_string()).find(|k| !known.contains(&k.as_str())) {
        return Err(JsError::new(&format!(
            "{context}: unknown option '{key}'; expected one of {}",
            known.join(", ")
        )));
    }
    serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(value.clone())).map_err(|e| {
        let inner = e.inner().to_string();
        let key = e.path().to_string();
        let given = Reflect::get(value, &key.as_str().into()).unwrap_or(JsValue::UNDEFINED);
        let expected = inner.rsplit_once("expected ").map_or(inner.as_str(), |(_, what)| what);
        JsError::new(&format!("{context}: option {key} is {}, expected {expected}", show(&given)))
    })
}

/// Deserializes an optional value with `visitor`, whose `expecting` words the error; `bytes`
/// asks for a typed array rather than whatever the value is.
fn optional<'de, D: Deserializer<'de>, V: Visitor<'de>>(
    d: D,
    visitor: V,
    bytes: bool,
) -> Result<Option<V::Value>, D::Error> {
    struct Optional<V>(V, bool);
    impl<'de, V: Visitor<'de>> Visitor<'de> for Optional<V> {
        type Value = Option<V::Value>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            self.0.expecting(f)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            match self.1 {
                true => d.deserialize_byte_buf(self.0).map(Some),
                false => d.deserialize_any(self.0).map(Some),
            }
        }
    }
    d.deserialize_option(Optional(visitor, bytes))
}

/// Any finite or non-finite number (validate() words range errors, NaN included).
fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    optional(d, Number { whole: false }, false)
}

/// A number without a fractional part, from 0 to 2⁵³ − 1.
fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    optional(d, Number { whole: true }, false)
}

struct Number {
    whole: bool,
}

impl Visitor<'_> for Number {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if self.whole { "a whole number" } else { "a number" })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        let exact = v.fract() == 0.0 && (0.0..=crate::config::MAX_SEED as f64).contains(&v);
        if self.whole && !exact {
            return Err(E::invalid_value(de::Unexpected::Float(v), &self));
        }
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        self.visit_f64(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        self.visit_f64(v as f64)
    }
}

fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Text;
    impl Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    optional(d, Text, false)
}

fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct Flag;
    impl Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("true or false")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
    }
    optional(d, Flag, false)
}

struct Bytes;

impl<'de> Visitor<'de> for Bytes {
    type Value = Vec<u8>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Uint8Array")
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        Ok(v.to_vec())
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(v)
    }
}

fn bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
    optional(d, Bytes, true)
}

/// A Uint8Array as a map's value.
struct ByteValue(Vec<u8>);

impl<'de> Deserialize<'de> for ByteValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_byte_buf(Bytes).map(ByteValue)
    }
}

fn weights<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Weights>, D::Error> {
    struct Either;
    impl<'de> Visitor<'de> for Either {
        type Value = Weights;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a Uint8Array or { generator, discriminator } (two Uint8Arrays)")
        }
        fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Weights, E> {
            Ok(Weights::WebGan(v))
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Weights, A::Error> {
            let (mut generator, mut discriminator) = (None, None);
            while let Some(key) = map.next_key::<String>()? {
                let ByteValue(bytes) = map.next_value()?;
                match key.as_str() {
                    "generator" => generator = Some(bytes),
                    "discriminator" => discriminator = Some(bytes),
                    _ => return Err(de::Error::custom(format!("weights has key '{key}'; expected generator and discriminator"))),
                }
            }
            match (generator, discriminator) {
                (Some(generator), Some(discriminator)) => Ok(Weights::PyTorch { generator, discriminator }),
                _ => Err(de::Error::custom("weights in PyTorch's layout need both networks: { generator, discriminator }")),
            }
        }
    }
    optional(d, Either, false)
}

/// The field names `#[derive(Deserialize)]` gave `T` (after `rename_all`): a deserializer that
/// only records what the derived code asks `deserialize_struct` for.
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Fields(&'static [&'static str]);
    impl<'de> Deserializer<'de> for &mut Fields {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = fields;
            Err(de::Error::custom("fields recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields = Fields(&[]);
    let _ = T::deserialize(&mut fields);
    fields.0
}
