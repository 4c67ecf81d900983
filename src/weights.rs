//! Weights as safetensors: `generator.hidden.weight`, `discriminator.output.bias`, … in f32.
//! A generator's file says what it holds in its `__metadata__`: the architecture, the latent
//! size, the image shape and the format version. Files without them (those written before
//! format 1) still load: their architecture is read from the tensor names.
//!
//! Reading is done with one asynchronous transaction because a synchronous readback panics on
//! wasm with WebGPU. Loading validates the whole file before touching a module, so a bad file
//! leaves the caller's networks as they were.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use burn::module::{ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::Transaction;
use burn::tensor::{bf16, f16};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::config::{Architecture, ModelConfig, named};
use crate::data::{CLASSES, IMAGE_SIDE};
use crate::nets::ImageGenerator;

/// The version of the layout [`Export`] writes; files without one are older.
pub const FORMAT_VERSION: &str = "1";

#[derive(Debug, Clone, PartialEq)]
pub enum WeightsError {
    /// Not a readable safetensors file.
    Corrupt(String),
    /// A tensor the model needs is absent.
    Missing(String),
    /// A tensor the model has no place for.
    Unexpected(String),
    Shape {
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    DType {
        name: String,
        found: String,
    },
    /// The device failed while reading weights back.
    Readback(String),
    /// The file's metadata says it holds another architecture than the one loading it.
    Architecture { found: String, expected: String },
    /// A `__metadata__` entry this version cannot use.
    Metadata { key: String, value: String },
    /// The file's generator is conditional and the trainer's is not, or the other way round.
    Conditional { file: bool },
    /// The file's DCGAN critic has batch norm and the trainer's has not, or the other way round.
    CriticNorm { file: bool },
    /// The file's MLP has `file` hidden layers per network and the trainer's `trainer`.
    Depth { file: usize, trainer: usize },
    /// The file's DCGAN is of depth `file` (2: a third convolution in D; 3: in G too) and the
    /// trainer's of depth `trainer`.
    DcganDepth { file: usize, trainer: usize },
    /// Tensor `name` holds `count` values that are NaN or infinite, the first at `index`:
    /// weights from a run that diverged.
    NonFinite { name: String, count: usize, index: usize },
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Corrupt(why) => write!(
                f,
                "weights are not a valid safetensors file ({why}); expected the bytes written by export_weights()"
            ),
            Self::Missing(name) => write!(f, "weights lack tensor '{name}'"),
            Self::Unexpected(name) => write!(
                f,
                "weights hold tensor '{name}', which this model does not have"
            ),
            Self::Shape {
                name,
                expected,
                found,
            } => write!(
                f,
                "tensor '{name}' has shape {found:?}, expected {expected:?}"
            ),
            Self::DType { name, found } => {
                write!(f, "tensor '{name}' is {found}, expected F32 (or F16 / BF16, or I8 with its rows' scales, read as F32)")
            }
            Self::Readback(why) => write!(f, "could not read weights from the device: {why}"),
            Self::Architecture { found, expected } => write!(
                f,
                "weights were exported from the {found} architecture; this trainer is {expected}"
            ),
            Self::Metadata { key, value } => {
                write!(f, "weights metadata '{key}' is '{value}', which this version cannot read")
            }
            Self::Conditional { file: true } => f.write_str(
                "weights are of a conditional GAN (digits chosen by label); this trainer is unconditional: create it with conditional: true",
            ),
            Self::Conditional { file: false } => f.write_str(
                "weights are of an unconditional GAN; this trainer is conditional: create it without conditional: true",
            ),
            Self::CriticNorm { file: true } => f.write_str(
                "weights hold a DCGAN critic with batch norm, trained with the BCE loss and no R1 penalty; this trainer's critic has none: create it with r1Penalty: 0",
            ),
            Self::Depth { file, trainer } => {
                let layers = |n: usize| if n == 1 { "1 hidden layer".to_string() } else { format!("{n} hidden layers") };
                write!(
                    f,
                    "weights are of an MLP with {} per network; this trainer's has {}: create it with depth: {file}",
                    layers(*file),
                    layers(*trainer)
                )
            }
            Self::DcganDepth { file, trainer } => {
                // D's convolutions, and G's after its linear layer.
                let layers = |depth: usize| format!("{} and {} convolutions", depth.min(2) + 1, if depth == 3 { 3 } else { 2 });
                write!(
                    f,
                    "weights are of a DCGAN of depth {file} (D and G with {}); this trainer's is of depth {trainer} ({}): create it with depth: {file}",
                    layers(*file),
                    layers(*trainer)
                )
            }
            Self::NonFinite { name, count: 1, index } => write!(
                f,
                "tensor '{name}' holds a value that is NaN or infinite (at index {index}): these weights come from a run that diverged"
            ),
            Self::NonFinite { name, count, index } => write!(
                f,
                "tensor '{name}' holds {count} values that are NaN or infinite (the first at index {index}): these weights come from a run that diverged"
            ),
            Self::CriticNorm { file: false } => f.write_str(
                "weights hold a DCGAN critic without batch norm, trained with R1 or WGAN-GP; this trainer's critic has batch norm (BCE without R1): create it with r1Penalty above 0 (the default is 5)",
            ),
        }
    }
}

impl std::error::Error for WeightsError {}

/// A parameter's name and shape, as the model expects to find it in a file.
pub type ParamShape = (String, Vec<usize>);

/// The names and shapes of `module`'s float parameters under `prefix`.
pub fn param_shapes<M: Module>(prefix: &str, module: &M) -> Vec<ParamShape> {
    let mut visitor = Collector::new(prefix);
    module.visit(&mut visitor);
    visitor
        .found
        .into_iter()
        .map(|(name, shape, _)| (name, shape))
        .collect()
}

/// Parameters of several modules, gathered for one export.
#[derive(Default)]
pub struct Export {
    tensors: Vec<(String, Vec<usize>, Tensor<1>)>,
    metadata: HashMap<String, String>,
}

impl Export {
    /// A generator under `generator.*`, with metadata saying what it is.
    pub fn of_generator<G: ImageGenerator>(model: &ModelConfig, generator: &G) -> Self {
        let mut export = Self::default().add("generator", generator);
        for (key, value) in [
            ("format_version", FORMAT_VERSION.to_string()),
            ("architecture", model.architecture.name().to_string()),
            ("latent_dim", generator.latent_dim().to_string()),
            ("classes", generator.classes().to_string()),
            ("image_shape", format!("{IMAGE_SIDE},{IMAGE_SIDE}")),
        ] {
            export.metadata.insert(key.to_string(), value);
        }
        export
    }

    /// The names and shapes of a trainer's two networks, G's first, without reading them back.
    pub fn layers<G: Module, D: Module>(generator: &G, discriminator: &D) -> Vec<ParamShape> {
        let mut layers = param_shapes("generator", generator);
        layers.extend(param_shapes("discriminator", discriminator));
        layers
    }

    /// Adds every parameter and running statistic of `module` under `prefix`.
    pub fn add<M: Module>(mut self, prefix: &str, module: &M) -> Self {
        let mut visitor = Collector::new(prefix);
        // `valid` folds in batch norm's pending running-statistic updates.
        module.valid().visit(&mut visitor);
        self.tensors.extend(visitor.found);
        self
    }

    /// Adds a `__metadata__` entry.
    pub fn metadata(mut self, key: &str, value: String) -> Self {
        self.metadata.insert(key.to_string(), value);
        self
    }

    /// Adds a tensor that belongs to no module, stored under `name` with `shape`.
    pub fn tensor(mut self, name: &str, shape: Vec<usize>, values: Tensor<1>) -> Self {
        self.tensors.push((name.to_string(), shape, values));
        self
    }

    /// Reads every tensor back in one transaction and encodes them as safetensors.
    pub async fn to_bytes(self) -> Result<Vec<u8>, WeightsError> {
        let transaction = self
            .tensors
            .iter()
            .fold(Transaction::default(), |t, (_, _, tensor)| {
                t.register(tensor.clone())
            });
        let data = transaction
            .execute_async()
            .await
            .map_err(|e| WeightsError::Readback(format!("{e:?}")))?;
        let tensors: Vec<_> = self
            .tensors
            .iter()
            .zip(&data)
            .map(|((name, shape, _), data)| (name.clone(), Dtype::F32, shape.clone(), data.as_bytes().to_vec()))
            .collect();
        encode(&tensors, self.metadata)
    }
}

/// A tensor to encode: its name, type, shape and little-endian bytes.
pub type RawTensor = (String, Dtype, Vec<usize>, Vec<u8>);

/// safetensors bytes of `tensors` and `metadata` (plus `producer: webgan`), the metadata
/// sorted by key so the same tensors always give the same bytes.
pub fn encode(tensors: &[RawTensor], mut metadata: HashMap<String, String>) -> Result<Vec<u8>, WeightsError> {
    let views = tensors
        .iter()
        .map(|(name, dtype, shape, bytes)| {
            TensorView::new(*dtype, shape.clone(), bytes)
                .map(|view| (name.clone(), view))
                .map_err(|e| WeightsError::Corrupt(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    metadata.insert("producer".to_string(), "webgan".to_string());
    let bytes = safetensors::tensor::serialize(views, Some(metadata)).map_err(|e| WeightsError::Corrupt(e.to_string()))?;
    sort_metadata(bytes)
}

/// safetensors writes `__metadata__` in its HashMap's order, which differs from one map to
/// the next; the same weights must give the same bytes, so the header is written again with
/// the metadata sorted by key (and padded to 8 bytes, as safetensors pads it).
fn sort_metadata(bytes: Vec<u8>) -> Result<Vec<u8>, WeightsError> {
    let corrupt = |e: serde_json::Error| WeightsError::Corrupt(e.to_string());
    let length = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + length]).map_err(corrupt)?;
    if let Some(metadata) = header.get("__metadata__") {
        let sorted: BTreeMap<String, String> = serde_json::from_value(metadata.clone()).map_err(corrupt)?;
        header["__metadata__"] = serde_json::to_value(sorted).map_err(corrupt)?;
    }
    let mut text = serde_json::to_string(&header).map_err(corrupt)?;
    text.extend(std::iter::repeat_n(' ', (8 - text.len() % 8) % 8));
    let mut out = Vec::with_capacity(8 + text.len() + bytes.len() - 8 - length);
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&bytes[8 + length..]);
    Ok(out)
}

/// The suffix of an I8 tensor's row scales: `generator.project.weight.scale`.
const SCALE_SUFFIX: &str = ".scale";

/// The smallest matrix [`WeightsFile::to_compact`] stores as I8: smaller ones stay F16, where
/// their rounding costs more than their bytes save.
pub const INT8_MIN_VALUES: usize = 4096;

/// A floating-point tensor's values as f32: half-precision files (shipped generators,
/// PyTorch's `.half()`) are widened on load. `None` for any other dtype.
fn widened(view: &TensorView) -> Option<Vec<f32>> {
    Some(match view.dtype() {
        Dtype::F32 => view.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
        Dtype::F16 => view.data().chunks_exact(2).map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
        Dtype::BF16 => view.data().chunks_exact(2).map(|b| bf16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
        _ => return None,
    })
}

/// A parsed weights file: every tensor as f32 values with its shape, and the metadata.
pub struct WeightsFile {
    tensors: HashMap<String, (Vec<usize>, Vec<f32>)>,
    metadata: HashMap<String, String>,
}

impl WeightsFile {
    pub fn parse(bytes: &[u8]) -> Result<Self, WeightsError> {
        let (_, header) =
            SafeTensors::read_metadata(bytes).map_err(|e| WeightsError::Corrupt(e.to_string()))?;
        let metadata = header.metadata().clone().unwrap_or_default();
        let file =
            SafeTensors::deserialize(bytes).map_err(|e| WeightsError::Corrupt(e.to_string()))?;
        let views: HashMap<String, TensorView> = file.tensors().into_iter().collect();
        let is_int8 = |name: &str| views.get(name).is_some_and(|view| view.dtype() == Dtype::I8);
        let mut tensors = HashMap::new();
        for (name, view) in &views {
            // An I8 tensor's row scales are read with it.
            if name.strip_suffix(SCALE_SUFFIX).is_some_and(is_int8) {
                continue;
            }
            let name = name.clone();
            let values = match view.dtype() {
                Dtype::I8 => {
                    let scales = views.get(&format!("{name}{SCALE_SUFFIX}")).and_then(widened);
                    let rows = view.shape().first().copied().unwrap_or(0);
                    let Some(scales) = scales.filter(|scales| scales.len() == rows && rows > 0) else {
                        let found = format!("I8 without F32 scales for its {rows} rows in '{name}{SCALE_SUFFIX}'");
                        return Err(WeightsError::DType { name, found });
                    };
                    let row = view.data().len() / rows;
                    view.data().iter().enumerate().map(|(i, &q)| f32::from(q as i8) * scales[i / row.max(1)]).collect()
                }
                other => widened(view).ok_or_else(|| WeightsError::DType {
                    name: name.clone(),
                    found: format!("{other:?}"),
                })?,
            };
            if let Some(index) = values.iter().position(|v| !v.is_finite()) {
                let count = values.iter().filter(|v| !v.is_finite()).count();
                return Err(WeightsError::NonFinite { name, count, index });
            }
            tensors.insert(name, (view.shape().to_vec(), values));
        }
        if let Some(version) = metadata.get("format_version").filter(|v| *v != FORMAT_VERSION) {
            return Err(WeightsError::Metadata {
                key: "format_version".into(),
                value: version.clone(),
            });
        }
        Ok(Self { tensors, metadata })
    }

    /// The architecture the file's metadata names; `None` in files written before format 1.
    pub fn architecture(&self) -> Result<Option<Architecture>, WeightsError> {
        let Some(name) = self.metadata.get("architecture") else {
            return Ok(None);
        };
        named(&Architecture::NAMES, name).map(Some).map_err(|_| WeightsError::Metadata {
            key: "architecture".into(),
            value: name.clone(),
        })
    }

    /// Classes the file's networks are conditioned on: 0 (unconditional, and in files that
    /// do not say) or `data::CLASSES`.
    pub fn classes(&self) -> Result<usize, WeightsError> {
        let Some(value) = self.metadata.get("classes") else {
            return Ok(0);
        };
        match value.parse::<usize>() {
            Ok(classes) if classes == 0 || classes == CLASSES => Ok(classes),
            _ => Err(WeightsError::Metadata {
                key: "classes".into(),
                value: value.clone(),
            }),
        }
    }

    /// The `__metadata__` entry `key`, if the file has it.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).map(String::as_str)
    }

    /// Every tensor's name, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.tensors.keys().map(String::as_str).collect();
        names.sort();
        names
    }

    /// Every tensor: name, shape and values.
    pub fn tensors(&self) -> impl Iterator<Item = (&str, &[usize], &[f32])> {
        self.tensors.iter().map(|(name, (shape, values))| (name.as_str(), &shape[..], &values[..]))
    }

    /// The same file with every tensor stored as F16 (half the bytes), and with `int8` every
    /// matrix of at least [`INT8_MIN_VALUES`] values as I8 instead, each row (along its first
    /// axis) scaled by its largest value / 127, the scales as F32 in `{name}.scale` (a quarter of
    /// the bytes): for the generators the page downloads. Refuses values beyond F16's range
    /// (±65,504); returns the bytes and the largest rounding error relative to its tensor's
    /// largest value.
    pub fn to_compact(&self, int8: bool) -> Result<(Vec<u8>, f32), String> {
        let mut worst = 0f32;
        let mut tensors = Vec::new();
        for name in self.names() {
            let (shape, values) = &self.tensors[name];
            let largest = values.iter().fold(0f32, |m, v| m.max(v.abs())).max(f32::MIN_POSITIVE);
            if int8 && shape.len() >= 2 && values.len() >= INT8_MIN_VALUES {
                let row = values.len() / shape[0];
                let mut scales = Vec::with_capacity(shape[0]);
                let mut quantized = Vec::with_capacity(values.len());
                for chunk in values.chunks_exact(row) {
                    let scale = chunk.iter().fold(0f32, |m, v| m.max(v.abs())).max(f32::MIN_POSITIVE) / 127.0;
                    for v in chunk {
                        let q = (v / scale).round().clamp(-127.0, 127.0);
                        worst = worst.max((q * scale - v).abs() / largest);
                        quantized.push(q as i8 as u8);
                    }
                    scales.push(scale);
                }
                tensors.push((name.to_string(), Dtype::I8, shape.clone(), quantized));
                let scales = scales.iter().flat_map(|s| s.to_le_bytes()).collect();
                tensors.push((format!("{name}{SCALE_SUFFIX}"), Dtype::F32, vec![shape[0]], scales));
                continue;
            }
            if let Some(v) = values.iter().find(|v| v.abs() > f16::MAX.to_f32()) {
                return Err(format!("tensor '{name}' holds {v}, beyond F16's range"));
            }
            let half: Vec<f16> = values.iter().map(|&v| f16::from_f32(v)).collect();
            for (h, v) in half.iter().zip(values) {
                worst = worst.max((h.to_f32() - v).abs() / largest);
            }
            let bytes = half.iter().flat_map(|h| h.to_le_bytes()).collect();
            tensors.push((name.to_string(), Dtype::F16, shape.clone(), bytes));
        }
        let bytes = encode(&tensors, self.metadata.clone()).map_err(|e| e.to_string())?;
        Ok((bytes, worst))
    }

    /// The shape of tensor `name`, if the file has it.
    pub fn shape(&self, name: &str) -> Option<&[usize]> {
        self.tensors.get(name).map(|(shape, _)| &shape[..])
    }

    /// The hidden layers of the MLP `network` ("generator" or "discriminator") in this file:
    /// 2 when it has the second one, `hidden2`, else 1.
    pub fn mlp_depth(&self, network: &str) -> usize {
        if self.shape(&format!("{network}.hidden2.weight")).is_some() { 2 } else { 1 }
    }

    /// The DCGAN's depth in this file: 3 when G has `refine`, 2 when D has `conv3`, else 1. A
    /// generator alone reads as 3 or 1: G is the same at depths 1 and 2.
    pub fn dcgan_depth(&self) -> usize {
        match (self.shape("generator.refine.weight"), self.shape("discriminator.conv3.weight")) {
            (Some(_), _) => 3,
            (None, Some(_)) => 2,
            (None, None) => 1,
        }
    }

    /// Checks that the file holds exactly `expected`, ignoring names that start with one of
    /// `ignored_prefixes` (e.g. the discriminator when only the generator is wanted).
    pub fn check(
        &self,
        expected: &[ParamShape],
        ignored_prefixes: &[&str],
    ) -> Result<(), WeightsError> {
        for (name, shape) in expected {
            self.values(name, shape)?;
        }
        let mut names: Vec<&String> = self.tensors.keys().collect();
        names.sort();
        match names.into_iter().find(|name| {
            !expected.iter().any(|(e, _)| e == *name)
                && !ignored_prefixes
                    .iter()
                    .any(|p| name.starts_with(&format!("{p}.")))
        }) {
            Some(name) => Err(WeightsError::Unexpected(name.clone())),
            None => Ok(()),
        }
    }

    /// The values of tensor `name`, which must have `shape`.
    pub fn values(&self, name: &str, shape: &[usize]) -> Result<&[f32], WeightsError> {
        let (found, values) = self
            .tensors
            .get(name)
            .ok_or_else(|| WeightsError::Missing(name.to_string()))?;
        if found != shape {
            return Err(WeightsError::Shape {
                name: name.to_string(),
                expected: shape.to_vec(),
                found: found.clone(),
            });
        }
        Ok(values)
    }

    /// Copies this file's tensors into `module`'s parameters under `prefix`. Call
    /// [`check`](Self::check) first: names absent from the file are left unchanged.
    pub fn apply<M: Module>(&self, prefix: &str, module: M) -> M {
        let mut loader = Loader {
            path: vec![prefix.to_string()],
            file: self,
        };
        module.map(&mut loader)
    }
}

/// Walks a module and gathers each float parameter, flattened, with its dotted path.
struct Collector {
    path: Vec<String>,
    found: Vec<(String, Vec<usize>, Tensor<1>)>,
}

impl Collector {
    fn new(prefix: &str) -> Self {
        Self {
            path: vec![prefix.to_string()],
            found: Vec::new(),
        }
    }
}

impl ModuleVisitor for Collector {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val().without_autodiff();
        let shape = tensor.dims().to_vec();
        self.found
            .push((self.path.join("."), shape, tensor.flatten::<1>(0, D - 1)));
    }
}

struct Loader<'a> {
    path: Vec<String>,
    file: &'a WeightsFile,
}

impl ModuleMapper for Loader<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some((shape, values)) = self.file.tensors.get(&self.path.join(".")) else {
            return param;
        };
        let (id, tensor, mapper) = param.consume();
        let data = TensorData::new(values.clone(), shape.clone());
        let mut loaded = Tensor::<D>::from_data(data, &tensor.device());
        if tensor.is_require_grad() {
            loaded = loaded.require_grad();
        }
        Param::from_mapped_value(id, loaded, mapper)
    }
}

/// The scale of a DCGAN critic's batch norm, which only a critic with one has.
const CRITIC_NORM: &str = "discriminator.norm.gamma";

/// Both networks of a trainer from a full export (`generator.*` and `discriminator.*`), with
/// the file validated against them first, so on error the caller keeps its networks.
pub fn load_networks<G: Module, D: Module>(
    bytes: &[u8],
    model: &ModelConfig,
    generator: &G,
    discriminator: &D,
) -> Result<(G, D), WeightsError> {
    networks_of(&WeightsFile::parse(bytes)?, model, generator, discriminator, &[])
}

/// Both networks from `file`, whose tensors under `ignored_prefixes` belong to something else
/// (a checkpoint's optimizer state), validated first as in [`load_networks`].
pub fn networks_of<G: Module, D: Module>(
    file: &WeightsFile,
    model: &ModelConfig,
    generator: &G,
    discriminator: &D,
    ignored_prefixes: &[&str],
) -> Result<(G, D), WeightsError> {
    let architecture = model.architecture;
    if let Some(found) = file.architecture()?.filter(|&found| found != architecture) {
        return Err(WeightsError::Architecture {
            found: found.name().into(),
            expected: architecture.name().into(),
        });
    }
    let conditional = file.classes()? > 0;
    if conditional != model.conditional {
        return Err(WeightsError::Conditional { file: conditional });
    }
    if architecture == Architecture::Mlp {
        let depth = file.mlp_depth("generator").max(file.mlp_depth("discriminator"));
        if depth != model.depth {
            return Err(WeightsError::Depth { file: depth, trainer: model.depth });
        }
    } else {
        let depth = file.dcgan_depth();
        // A file without D tells depth 3 from the others only.
        let fits = match file.shape("discriminator.conv1.weight") {
            Some(_) => depth == model.depth,
            None => (depth == 3) == (model.depth == 3),
        };
        if !fits {
            return Err(WeightsError::DcganDepth { file: depth, trainer: model.depth });
        }
    }
    let expected = Export::layers(generator, discriminator);
    let file_norm = file.shape(CRITIC_NORM).is_some();
    let trainer_norm = expected.iter().any(|(name, _)| name == CRITIC_NORM);
    if architecture == Architecture::Dcgan && file_norm != trainer_norm {
        return Err(WeightsError::CriticNorm { file: file_norm });
    }
    file.check(&expected, ignored_prefixes)?;
    Ok((
        file.apply("generator", generator.clone()),
        file.apply("discriminator", discriminator.clone()),
    ))
}

// Native only: the tests block on futures with pollster.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::nets::mlp::{self, MlpDiscriminator, MlpGenerator};
    use crate::rng::HostRng;

    fn networks(seed: u64) -> (MlpGenerator, MlpDiscriminator) {
        mlp::init(&ModelConfig::new(), &mut HostRng::new(seed), &Device::flex())
    }

    fn export(seed: u64) -> Vec<u8> {
        let (g, d) = networks(seed);
        pollster::block_on(
            Export::default()
                .add("generator", &g)
                .add("discriminator", &d)
                .to_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn export_then_load_restores_every_tensor() {
        let bytes = export(1);
        let file = WeightsFile::parse(&bytes).unwrap();
        let (_, d) = networks(2);
        let expected = param_shapes("discriminator", &d);
        assert_eq!(
            expected.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            [
                "discriminator.hidden.weight",
                "discriminator.hidden.bias",
                "discriminator.output.weight",
                "discriminator.output.bias"
            ]
        );
        file.check(&expected, &["generator"]).unwrap();
        let loaded = file.apply("discriminator", d);
        let again = pollster::block_on(
            Export::default()
                .add("generator", &networks(1).0)
                .add("discriminator", &loaded)
                .to_bytes(),
        )
        .unwrap();
        assert_eq!(again, bytes);
    }

    /// Weights of one depth offered to a trainer of the other: told which depth to ask for.
    #[test]
    fn a_file_of_another_depth_is_named() {
        let device = Device::flex();
        for (file_depth, trainer_depth) in [(1, 2), (2, 1)] {
            let model = ModelConfig::new().with_depth(file_depth);
            let (g, d) = mlp::init(&model, &mut HostRng::new(1), &device);
            let bytes = pollster::block_on(Export::of_generator(&model, &g).add("discriminator", &d).to_bytes()).unwrap();
            let trainer_model = ModelConfig::new().with_depth(trainer_depth);
            let (g, d) = mlp::init(&trainer_model, &mut HostRng::new(1), &device);
            let error = load_networks(&bytes, &trainer_model, &g, &d).unwrap_err();
            assert_eq!(error, WeightsError::Depth { file: file_depth, trainer: trainer_depth });
            assert!(error.to_string().ends_with(&format!("create it with depth: {file_depth}")), "{error}");
            let (g, d) = mlp::init(&model, &mut HostRng::new(2), &device);
            assert!(load_networks(&bytes, &model, &g, &d).is_ok());
        }
    }

    #[test]
    fn check_names_the_first_problem() {
        let file = WeightsFile::parse(&export(4)).unwrap();
        let (g, d) = networks(4);
        let mut expected = param_shapes("generator", &g);
        expected.extend(param_shapes("discriminator", &d));
        assert_eq!(file.check(&expected, &[]), Ok(()));
        assert_eq!(
            file.check(&expected[..2], &[]),
            Err(WeightsError::Unexpected(
                "discriminator.hidden.bias".to_string()
            ))
        );
        let mut wrong = expected.clone();
        wrong[0].1 = vec![100, 128];
        assert_eq!(
            file.check(&wrong, &[]),
            Err(WeightsError::Shape {
                name: "generator.hidden.weight".into(),
                expected: vec![100, 128],
                found: vec![100, 256]
            })
        );
        wrong[0].0 = "generator.missing".into();
        assert_eq!(
            file.check(&wrong, &[]),
            Err(WeightsError::Missing("generator.missing".into()))
        );
    }

    #[test]
    fn non_f32_tensors_are_rejected() {
        let data = [0u8; 16];
        let view = TensorView::new(Dtype::F64, vec![2], &data).unwrap();
        let bytes = safetensors::tensor::serialize([("generator.hidden.bias", view)], None).unwrap();
        assert_eq!(
            WeightsFile::parse(&bytes).err(),
            Some(WeightsError::DType {
                name: "generator.hidden.bias".into(),
                found: "F64".into()
            })
        );
    }

    /// F16 and BF16 tensors are read as the f32 values they hold; a half-precision infinity
    /// is refused like an f32 one.
    #[test]
    fn half_precision_tensors_are_widened() {
        let values = [0.5f32, -1.25, 3.0e-3, 1000.0];
        let f16_bytes: Vec<u8> = values.iter().flat_map(|&v| f16::from_f32(v).to_le_bytes()).collect();
        let bf16_bytes: Vec<u8> = values.iter().flat_map(|&v| bf16::from_f32(v).to_le_bytes()).collect();
        let rounded = |dtype, v: f32| if dtype == Dtype::F16 { f16::from_f32(v).to_f32() } else { bf16::from_f32(v).to_f32() };
        for (dtype, data) in [(Dtype::F16, &f16_bytes), (Dtype::BF16, &bf16_bytes)] {
            let view = TensorView::new(dtype, vec![2, 2], data).unwrap();
            let bytes = safetensors::tensor::serialize([("generator.hidden.weight", view)], None).unwrap();
            let file = WeightsFile::parse(&bytes).unwrap();
            let (shape, read) = &file.tensors["generator.hidden.weight"];
            assert_eq!(shape, &vec![2, 2]);
            let expected: Vec<f32> = values.iter().map(|&v| rounded(dtype, v)).collect();
            assert_eq!(read, &expected, "{dtype:?}");
            assert!(read.iter().zip(values).all(|(a, b)| (a - b).abs() <= 4e-3 * b.abs()), "{dtype:?}: {read:?}");
        }
        let infinite: Vec<u8> = f16::INFINITY.to_le_bytes().into_iter().chain(f16::from_f32(1.0).to_le_bytes()).collect();
        let view = TensorView::new(Dtype::F16, vec![2], &infinite).unwrap();
        let bytes = safetensors::tensor::serialize([("generator.hidden.bias", view)], None).unwrap();
        assert_eq!(WeightsFile::parse(&bytes).err(), Some(WeightsError::NonFinite { name: "generator.hidden.bias".into(), count: 1, index: 0 }));
    }

    /// `to_compact(false)` keeps every name, shape and metadata entry and halves the tensor bytes; its
    /// values read back as F16's rounding of the originals. A value F16 cannot hold is refused.
    #[test]
    fn to_half_rounds_every_tensor() {
        let values = [0.1f32, -2.5, 7.0e-4, 300.0, 1.0, 0.0];
        let mut metadata = HashMap::new();
        metadata.insert("architecture".to_string(), "mlp".to_string());
        let f32_bytes = |values: &[f32]| values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
        let tensors = vec![
            ("generator.hidden.weight".to_string(), Dtype::F32, vec![2, 3], f32_bytes(&values)),
            ("generator.hidden.bias".to_string(), Dtype::F32, vec![3], f32_bytes(&values[..3])),
        ];
        let file = WeightsFile::parse(&encode(&tensors, metadata.clone()).unwrap()).unwrap();
        let (bytes, worst) = file.to_compact(false).unwrap();
        let half = WeightsFile::parse(&bytes).unwrap();
        assert_eq!(half.names(), file.names());
        assert_eq!(half.metadata("architecture"), Some("mlp"));
        let (shape, read) = &half.tensors["generator.hidden.weight"];
        assert_eq!(shape, &vec![2, 3]);
        assert_eq!(read, &values.iter().map(|&v| f16::from_f32(v).to_f32()).collect::<Vec<_>>());
        assert!(worst > 0.0 && worst < 1e-3, "{worst}");
        let full = encode(&tensors, metadata.clone()).unwrap();
        assert!(bytes.len() <= full.len() - 2 * (values.len() + 3), "{} vs {}", bytes.len(), full.len());

        let too_large = vec![("generator.hidden.bias".to_string(), Dtype::F32, vec![1], f32_bytes(&[1.0e5]))];
        let error = WeightsFile::parse(&encode(&too_large, metadata).unwrap()).unwrap().to_compact(false).err().unwrap();
        assert!(error.contains("'generator.hidden.bias' holds 100000"), "{error}");
    }

    /// `to_compact(true)` stores a large matrix as I8 with a scale per row, each value back
    /// within half a step (its row's largest / 254) of the original, and a small tensor as F16;
    /// an I8 tensor without its scales, or with too few, is refused by name.
    #[test]
    fn to_compact_stores_large_matrices_as_int8_with_row_scales() {
        let (rows, columns) = (16, INT8_MIN_VALUES / 16);
        // Rows of very different sizes, so one scale for the whole matrix would lose the small ones.
        let values: Vec<f32> = (0..rows * columns).map(|i| ((i * 37 % 101) as f32 - 50.0) * 10f32.powi((i / columns) as i32 % 4 - 3)).collect();
        let f32_bytes = |values: &[f32]| values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
        let tensors = vec![
            ("generator.project.weight".to_string(), Dtype::F32, vec![rows, columns], f32_bytes(&values)),
            ("generator.up2.bias".to_string(), Dtype::F32, vec![3], f32_bytes(&values[..3])),
        ];
        let file = WeightsFile::parse(&encode(&tensors, HashMap::new()).unwrap()).unwrap();
        let (bytes, worst) = file.to_compact(true).unwrap();
        assert!(bytes.len() * 3 < f32_bytes(&values).len(), "{} bytes", bytes.len());
        let compact = WeightsFile::parse(&bytes).unwrap();
        assert_eq!(compact.names(), file.names(), "the scales are read with their matrix");
        let (shape, read) = &compact.tensors["generator.project.weight"];
        assert_eq!(shape, &vec![rows, columns]);
        for (row, (read, original)) in read.chunks(columns).zip(values.chunks(columns)).enumerate() {
            let step = original.iter().fold(0f32, |m, v| m.max(v.abs())) / 127.0;
            for (a, b) in read.iter().zip(original) {
                assert!((a - b).abs() <= 0.5 * step * 1.0001, "row {row}: {a} for {b}, step {step}");
            }
        }
        assert!(worst > 0.0 && worst <= 0.5 / 127.0 * 1.0001, "{worst}");
        let (_, bias) = &compact.tensors["generator.up2.bias"];
        assert_eq!(bias, &values[..3].iter().map(|&v| f16::from_f32(v).to_f32()).collect::<Vec<_>>());

        let quantized: Vec<u8> = vec![1, 255, 127, 0];
        let view = |dtype, shape: Vec<usize>, data| TensorView::new(dtype, shape, data).unwrap();
        let scales = f32_bytes(&[0.5]);
        let alone = safetensors::tensor::serialize([("generator.project.weight", view(Dtype::I8, vec![2, 2], &quantized))], None).unwrap();
        let too_few = safetensors::tensor::serialize(
            [("generator.project.weight", view(Dtype::I8, vec![2, 2], &quantized)), ("generator.project.weight.scale", view(Dtype::F32, vec![1], &scales))],
            None,
        )
        .unwrap();
        for bytes in [alone, too_few] {
            let error = WeightsFile::parse(&bytes).err().unwrap();
            assert!(matches!(&error, WeightsError::DType { name, .. } if name == "generator.project.weight"), "{error:?}");
            assert!(error.to_string().contains("I8 without F32 scales for its 2 rows in 'generator.project.weight.scale'"), "{error}");
        }
        let scales = f32_bytes(&[0.5, 2.0]);
        let good = safetensors::tensor::serialize(
            [("generator.project.weight", view(Dtype::I8, vec![2, 2], &quantized)), ("generator.project.weight.scale", view(Dtype::F32, vec![2], &scales))],
            None,
        )
        .unwrap();
        assert_eq!(WeightsFile::parse(&good).unwrap().tensors["generator.project.weight"].1, vec![0.5, -0.5, 254.0, 0.0]);
    }

    /// A file from a diverged run is refused, naming the tensor, rather than loaded to draw
    /// blank images.
    #[test]
    fn non_finite_values_are_refused_by_name() {
        let mut values = vec![0.5f32; 6];
        values[2] = f32::NAN;
        values[4] = f32::INFINITY;
        let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let view = TensorView::new(Dtype::F32, vec![2, 3], &data).unwrap();
        let bytes = safetensors::tensor::serialize([("generator.hidden.weight", view)], None).unwrap();
        let error = WeightsFile::parse(&bytes).err().unwrap();
        assert_eq!(error, WeightsError::NonFinite { name: "generator.hidden.weight".into(), count: 2, index: 2 });
        assert!(error.to_string().contains("'generator.hidden.weight' holds 2 values that are NaN or infinite"), "{error}");
    }

    /// A DCGAN whose critic has batch norm does not load into a trainer whose critic has none,
    /// or the other way round, and the error says which option to give.
    #[test]
    fn a_critic_with_batch_norm_is_named() {
        use crate::nets::dcgan;
        let device = Device::flex();
        let model = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        let networks = |norm: bool| dcgan::init(&model, norm, &mut HostRng::new(1), &device);
        for file_norm in [true, false] {
            let (g, d) = networks(file_norm);
            let bytes = pollster::block_on(Export::default().add("generator", &g).add("discriminator", &d).to_bytes()).unwrap();
            let (g, d) = networks(!file_norm);
            let error = load_networks(&bytes, &model, &g, &d).err().unwrap();
            assert_eq!(error, WeightsError::CriticNorm { file: file_norm });
            let option = if file_norm { "r1Penalty: 0" } else { "r1Penalty above 0" };
            assert!(error.to_string().contains(option), "{error}");
            let (g, d) = networks(file_norm);
            assert!(load_networks(&bytes, &model, &g, &d).is_ok());
        }
    }

    /// A DCGAN of one depth offered to a trainer of another: told which depth to ask for.
    #[test]
    fn a_dcgan_of_another_depth_is_named() {
        use crate::nets::dcgan;
        let device = Device::flex();
        let model = |depth: usize| ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4).with_depth(depth);
        let networks = |depth: usize| dcgan::init(&model(depth), false, &mut HostRng::new(1), &device);
        for (file_depth, trainer_depth) in [(1, 2), (2, 1), (3, 2), (2, 3), (1, 3)] {
            let (g, d) = networks(file_depth);
            let bytes = pollster::block_on(Export::default().add("generator", &g).add("discriminator", &d).to_bytes()).unwrap();
            let (g, d) = networks(trainer_depth);
            let error = load_networks(&bytes, &model(trainer_depth), &g, &d).unwrap_err();
            assert_eq!(error, WeightsError::DcganDepth { file: file_depth, trainer: trainer_depth });
            assert!(error.to_string().ends_with(&format!("create it with depth: {file_depth}")), "{error}");
            let (g, d) = networks(file_depth);
            assert!(load_networks(&bytes, &model(file_depth), &g, &d).is_ok());
        }
    }
}
