//! Exact checkpoints: one safetensors file with everything a training run is made of, so that
//! a run resumed from it goes on exactly as it would have without the break.
//!
//! Tensors: both networks as `export_weights` names them (`generator.*`, `discriminator.*`),
//! the running weight average as `average.*`, each optimizer's moments as
//! `optimizer.{generator|discriminator}.{parameter}.{m|v}`, and loose training state as
//! `state.*`. `__metadata__` adds to a weights file's entries the checkpoint format version,
//! the whole config as JSON, the step, the host RNG's state, each optimizer's step count and
//! an optional annotation of the caller's (the page keeps its data order and charts there).

use std::fmt;

use burn::prelude::*;

use super::average::WeightAverage;
use super::fused_adam::AdamState;
use crate::config::{ConfigError, GanConfig};
use crate::rng::HostRng;
use crate::weights::{Export, WeightsError, WeightsFile, networks_of, param_shapes};

/// The layout [`write`] produces. Files of another version are refused by name.
pub const CHECKPOINT_VERSION: u32 = 1;

/// Tensor prefixes of a checkpoint that are not the two networks.
pub const STATE_PREFIXES: [&str; 3] = ["average", "optimizer", "state"];

/// The two optimizers, by the network each updates.
pub const OPTIMIZERS: [&str; 2] = ["generator", "discriminator"];

#[derive(Debug, Clone, PartialEq)]
pub enum CheckpointError {
    /// Not a readable file, or its tensors do not fit its networks.
    File(WeightsError),
    /// A weights file (from `export_weights`) rather than a checkpoint.
    WeightsOnly,
    /// Written in another checkpoint format version.
    Version(String),
    /// A metadata entry is missing or unreadable.
    Metadata { key: &'static str, why: String },
    /// The config it holds is not one this version accepts.
    Config(ConfigError),
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(WeightsError::Corrupt(why)) => write!(
                f,
                "the checkpoint is not a valid safetensors file ({why}); is it truncated? Expected the bytes written by export_checkpoint()"
            ),
            Self::File(e) => write!(f, "checkpoint: {e}"),
            Self::WeightsOnly => f.write_str(
                "these bytes are a weights file (export_weights), not a checkpoint (export_checkpoint): pass them as weights to start from them",
            ),
            Self::Version(found) => {
                let age = match found.parse::<u32>() {
                    Ok(v) if v < CHECKPOINT_VERSION => "an older",
                    Ok(_) => "a newer",
                    Err(_) => "an unknown",
                };
                write!(
                    f,
                    "the checkpoint is of {age} format (version {found}); this WebGAN reads version {CHECKPOINT_VERSION}"
                )
            }
            Self::Metadata { key, why } => write!(f, "checkpoint metadata '{key}' {why}"),
            Self::Config(e) => write!(f, "the checkpoint's settings are invalid: {e}"),
        }
    }
}

impl std::error::Error for CheckpointError {}

impl From<WeightsError> for CheckpointError {
    fn from(e: WeightsError) -> Self {
        Self::File(e)
    }
}

/// Adds to `export` (the networks, and the average if any) the rest of a training run: the
/// optimizers' state, the step, the RNG, the config and the format version.
pub fn write(export: Export, config: &GanConfig, step: u64, rng: &HostRng, optimizers: [AdamState; 2]) -> Export {
    let mut export = export
        .metadata("checkpoint_version", CHECKPOINT_VERSION.to_string())
        .metadata("config", serde_json::to_string(config).expect("a config serializes"))
        .metadata("step", step.to_string())
        .metadata("rng", rng.state().to_string());
    for (network, state) in OPTIMIZERS.iter().zip(optimizers) {
        export = export.metadata(&format!("optimizer.{network}.time"), state.time.to_string());
        for (name, shape, [first, second]) in state.moments {
            export = export
                .tensor(&format!("optimizer.{network}.{name}.m"), shape.clone(), first)
                .tensor(&format!("optimizer.{network}.{name}.v"), shape, second);
        }
    }
    export
}

/// A parsed checkpoint, its format and config checked; the tensors are read by the trainer
/// the config calls for.
pub struct Checkpoint {
    pub file: WeightsFile,
    pub config: GanConfig,
    pub step: u64,
    pub rng: HostRng,
}

impl Checkpoint {
    pub fn parse(bytes: &[u8]) -> Result<Self, CheckpointError> {
        let file = WeightsFile::parse(bytes)?;
        let Some(version) = file.metadata("checkpoint_version") else {
            return Err(CheckpointError::WeightsOnly);
        };
        if version != CHECKPOINT_VERSION.to_string() {
            return Err(CheckpointError::Version(version.to_string()));
        }
        let config = GanConfig::from_json(required(&file, "config")?)
            .map_err(|e| CheckpointError::Metadata { key: "config", why: format!("is not a WebGAN config ({e})") })?;
        config.validate().map_err(CheckpointError::Config)?;
        let step = number(&file, "step")?;
        let rng = HostRng::new(number(&file, "rng")?);
        Ok(Self { file, config, step, rng })
    }

    /// The annotation the caller stored with the checkpoint, if any.
    pub fn annotation(&self) -> Option<&str> {
        self.file.metadata("annotation")
    }

    /// Both networks, shaped as `generator` and `discriminator`; nothing changes on error.
    pub fn networks<G: Module, D: Module>(&self, generator: &G, discriminator: &D) -> Result<(G, D), WeightsError> {
        networks_of(&self.file, &self.config.model, generator, discriminator, &STATE_PREFIXES)
    }

    /// The running average's weights, shaped as `average`'s, where the trainer keeps one.
    pub fn average<G: Module>(&self, average: Option<&WeightAverage<G>>) -> Result<Option<G>, WeightsError> {
        let Some(average) = average else {
            return Ok(None);
        };
        for (name, shape) in param_shapes("average", &average.module) {
            self.file.values(&name, &shape)?;
        }
        Ok(Some(self.file.apply("average", average.module.clone())))
    }

    /// The optimizer of `network` (one of [`OPTIMIZERS`]) with its moments on `device`.
    pub fn optimizer(&self, network: &str, device: &Device) -> Result<AdamState, CheckpointError> {
        let key = format!("optimizer.{network}.time");
        let time = self.file.metadata(&key).and_then(|t| t.parse::<i32>().ok()).ok_or(CheckpointError::Metadata {
            key: "optimizer.*.time",
            why: format!("for the {network} is missing or not a number"),
        })?;
        let prefix = format!("optimizer.{network}.");
        let mut state = AdamState { time, moments: Vec::new() };
        for name in self.file.names() {
            let Some(parameter) = name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(".m")) else {
                continue;
            };
            let shape = self.file.shape(name).expect("listed").to_vec();
            let read = |suffix: &str| -> Result<Tensor<1>, WeightsError> {
                let values = self.file.values(&format!("{prefix}{parameter}.{suffix}"), &shape)?;
                Ok(Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device))
            };
            state.moments.push((parameter.to_string(), shape.clone(), [read("m")?, read("v")?]));
        }
        Ok(state)
    }

    /// The loose tensor `state.{name}`, if the checkpoint has one. // [count]
    pub fn state_tensor(&self, name: &str, device: &Device) -> Option<Tensor<1>> {
        let name = format!("state.{name}");
        let shape = self.file.shape(&name)?.to_vec();
        let values = self.file.values(&name, &shape).ok()?;
        Some(Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device))
    }
}

fn required<'a>(file: &'a WeightsFile, key: &'static str) -> Result<&'a str, CheckpointError> {
    file.metadata(key).ok_or(CheckpointError::Metadata { key, why: "is missing".into() })
}

fn number(file: &WeightsFile, key: &'static str) -> Result<u64, CheckpointError> {
    let text = required(file, key)?;
    text.parse().map_err(|_| CheckpointError::Metadata { key, why: format!("is '{text}', expected a whole number") })
}
