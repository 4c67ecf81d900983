//! PyTorch's layout of WebGAN's networks, both ways (`docs/pytorch.md` has the classes).
//!
//! One file per network, named as the PyTorch modules name their parameters: the MLP as the
//! seed tutorial's `nn.Sequential` (`model.0.weight` [256, 100] …; at depth 2 `model.0`, `model.2`
//! and `model.4`, the activations between them at the odd indices), the DCGAN by its layers
//! (`project.weight`, `up1_norm.running_mean` …). The differences from WebGAN's own files:
//! - linear weights are stored [out, in] (burn stores [in, out]);
//! - batch norm's `gamma`/`beta` are `weight`/`bias`, with `num_batches_tracked` beside them;
//! - D's label embedding is an `nn.Embedding`, `embed.weight` [classes, features];
//! - no `generator.`/`discriminator.` prefix: the network is the file.
//!
//! Convolution weights are the same in both: [out, in, k, k], and [in, out, k, k] when
//! transposed.

use std::collections::HashMap;

use safetensors::SafeTensors;
use safetensors::tensor::Dtype;

use crate::config::{Architecture, named};
use crate::data::{CLASSES, IMAGE_PIXELS};
use crate::weights::{FORMAT_VERSION, RawTensor, WeightsError, WeightsFile, encode};

/// The two networks, as WebGAN prefixes their tensors.
pub const NETWORKS: [&str; 2] = ["generator", "discriminator"];

/// Whether `bytes` is a safetensors file in PyTorch's layout: tensors without WebGAN's
/// `generator.` or `discriminator.` prefix, among them a first layer it knows.
pub fn is_pytorch(bytes: &[u8]) -> bool {
    let Ok((_, header)) = SafeTensors::read_metadata(bytes) else {
        return false;
    };
    let names: Vec<String> = header.tensors().into_keys().collect();
    !names.iter().any(|n| NETWORKS.iter().any(|p| n.starts_with(&format!("{p}."))))
        && names.iter().any(|n| ["model.0.weight", "project.weight", "conv1.weight"].contains(&n.as_str()))
}

/// The two networks of `file` (WebGAN's layout: a full export), each as a PyTorch-layout
/// safetensors file: `[generator, discriminator]`.
pub fn export(file: &WeightsFile) -> Result<[Vec<u8>; 2], WeightsError> {
    let architecture = file.architecture()?.unwrap_or(Architecture::Mlp);
    let classes = file.classes()?;
    let mut out = [Vec::new(), Vec::new()];
    for (network, bytes) in NETWORKS.iter().zip(&mut out) {
        let prefix = format!("{network}.");
        let deep = file.mlp_depth(network) == 2;
        let mut tensors: Vec<RawTensor> = Vec::new();
        for (name, shape, values) in file.tensors() {
            let Some(name) = name.strip_prefix(&prefix) else { continue };
            let (name, shape, values) = to_pytorch(architecture, deep, name, shape, values);
            if let Some(layer) = name.strip_suffix(".running_mean") {
                // PyTorch's BatchNorm counts batches; it reads the count only with momentum=None.
                tensors.push((format!("{layer}.num_batches_tracked"), Dtype::I64, vec![], 0i64.to_le_bytes().to_vec()));
            }
            tensors.push((name, Dtype::F32, shape, values.iter().flat_map(|v| v.to_le_bytes()).collect()));
        }
        if tensors.is_empty() {
            return Err(WeightsError::Missing(format!("{network}.*")));
        }
        tensors.sort_by(|a, b| a.0.cmp(&b.0));
        let mut metadata = HashMap::from([
            ("format".to_string(), "pt".to_string()),
            ("layout".to_string(), "pytorch".to_string()),
            ("network".to_string(), network.to_string()),
            ("architecture".to_string(), architecture.name().to_string()),
            ("classes".to_string(), classes.to_string()),
        ]);
        if let Some(latent) = file.metadata("latent_dim") {
            metadata.insert("latent_dim".to_string(), latent.to_string());
        }
        *bytes = encode(&tensors, metadata)?;
    }
    Ok(out)
}

/// WebGAN's layout of a PyTorch-layout generator and, for a trainer, discriminator: one file
/// that `WeightsFile::parse` reads, with the architecture and classes in its metadata.
pub fn import(generator: &[u8], discriminator: Option<&[u8]>) -> Result<Vec<u8>, WeightsError> {
    let mut tensors = Vec::new();
    let mut found = Vec::new();
    for (network, bytes) in NETWORKS.iter().zip([Some(generator), discriminator]) {
        let Some(bytes) = bytes else { continue };
        let file = PyTorchFile::parse(bytes)?;
        if file.network != *network {
            return Err(WeightsError::Metadata {
                key: "network".into(),
                value: format!("{} (the file given as the {network} holds a {})", file.network, file.network),
            });
        }
        for (name, (shape, values)) in &file.tensors {
            let (name, shape) = from_pytorch(file.architecture, &file.tensors, name, shape);
            let values = if transposed(&name, &shape) { transpose(values, shape[1], shape[0]) } else { values.clone() };
            tensors.push((format!("{network}.{name}"), Dtype::F32, shape, values.iter().flat_map(|v| v.to_le_bytes()).collect()));
        }
        found.push(file);
    }
    let architecture = found[0].architecture;
    if let Some(other) = found.get(1).filter(|d| d.architecture != architecture) {
        return Err(WeightsError::Architecture { found: other.architecture.name().into(), expected: architecture.name().into() });
    }
    // A generator file says it is conditional in its metadata; a discriminator by its embedding.
    let classes = found.iter().map(|f| f.classes).max().unwrap_or(0);
    tensors.sort_by(|a, b| a.0.cmp(&b.0));
    let metadata = HashMap::from([
        ("format_version".to_string(), FORMAT_VERSION.to_string()),
        ("architecture".to_string(), architecture.name().to_string()),
        ("classes".to_string(), classes.to_string()),
    ]);
    encode(&tensors, metadata)
}

/// A PyTorch-layout file: which network of which architecture, and its f32 tensors.
struct PyTorchFile {
    network: &'static str,
    architecture: Architecture,
    classes: usize,
    tensors: HashMap<String, (Vec<usize>, Vec<f32>)>,
}

impl PyTorchFile {
    fn parse(bytes: &[u8]) -> Result<Self, WeightsError> {
        let corrupt = |e: safetensors::SafeTensorError| WeightsError::Corrupt(e.to_string());
        let (_, header) = SafeTensors::read_metadata(bytes).map_err(corrupt)?;
        let metadata = header.metadata().clone().unwrap_or_default();
        let file = SafeTensors::deserialize(bytes).map_err(corrupt)?;
        let mut tensors = HashMap::new();
        for (name, view) in file.tensors() {
            if name.ends_with(".num_batches_tracked") {
                continue;
            }
            if view.dtype() != Dtype::F32 {
                return Err(WeightsError::DType { name, found: format!("{:?}", view.dtype()) });
            }
            let values = view.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            tensors.insert(name, (view.shape().to_vec(), values));
        }
        let shape = |name: &str| tensors.get(name).map(|(shape, _): &(Vec<usize>, _)| shape.clone());
        // The MLP's last layer is model.4 at depth 2, model.2 at depth 1; its outputs say which network.
        let last = shape("model.4.weight").or_else(|| shape("model.2.weight"));
        let (architecture, network) = match (last, shape("project.weight"), shape("conv1.weight")) {
            (Some(output), _, _) if output.first() == Some(&IMAGE_PIXELS) => (Architecture::Mlp, NETWORKS[0]),
            (Some(_), _, _) => (Architecture::Mlp, NETWORKS[1]),
            (None, Some(_), _) => (Architecture::Dcgan, NETWORKS[0]),
            (None, None, Some(_)) => (Architecture::Dcgan, NETWORKS[1]),
            _ => return Err(WeightsError::Missing("model.2.weight, project.weight or conv1.weight".into())),
        };
        if let Some(name) = metadata.get("architecture") {
            let named = named(&Architecture::NAMES, name)
                .map_err(|_| WeightsError::Metadata { key: "architecture".into(), value: name.clone() })?;
            if named != architecture {
                return Err(WeightsError::Architecture { found: architecture.name().into(), expected: name.clone() });
            }
        }
        let classes = match metadata.get("classes") {
            Some(value) => match value.parse::<usize>() {
                Ok(classes) if classes == 0 || classes == CLASSES => classes,
                _ => return Err(WeightsError::Metadata { key: "classes".into(), value: value.clone() }),
            },
            None if tensors.contains_key("embed.weight") => CLASSES,
            None => 0,
        };
        Ok(Self { network, architecture, classes, tensors })
    }
}

/// PyTorch's name, shape and values for WebGAN's tensor `name` (without its network prefix);
/// `deep`: an MLP of depth 2.
fn to_pytorch(architecture: Architecture, deep: bool, name: &str, shape: &[usize], values: &[f32]) -> (String, Vec<usize>, Vec<f32>) {
    let mut name = match architecture {
        Architecture::Mlp => mlp_layer(name, mlp_layers(deep)),
        Architecture::Dcgan => name.to_string(),
    };
    if name == "embed" {
        name = "embed.weight".into();
    } else if let Some(layer) = name.strip_suffix(".gamma") {
        name = format!("{layer}.weight");
    } else if let Some(layer) = name.strip_suffix(".beta") {
        name = format!("{layer}.bias");
    }
    if transposed(&name, shape) {
        (name, vec![shape[1], shape[0]], transpose(values, shape[0], shape[1]))
    } else {
        (name, shape.to_vec(), values.to_vec())
    }
}

/// WebGAN's name and shape for PyTorch's tensor `name` of a file holding `tensors`.
fn from_pytorch(
    architecture: Architecture,
    tensors: &HashMap<String, (Vec<usize>, Vec<f32>)>,
    name: &str,
    shape: &[usize],
) -> (String, Vec<usize>) {
    let deep = tensors.contains_key("model.4.weight");
    let mut name = match architecture {
        Architecture::Mlp => mlp_layer(name, mlp_layers(deep).map(|(ours, theirs)| (theirs, ours))),
        Architecture::Dcgan => name.to_string(),
    };
    let norm = |layer: &str| tensors.contains_key(&format!("{layer}.running_mean"));
    if name == "embed.weight" {
        name = "embed".into();
    } else if let Some(layer) = name.strip_suffix(".weight").filter(|l| norm(l)) {
        name = format!("{layer}.gamma");
    } else if let Some(layer) = name.strip_suffix(".bias").filter(|l| norm(l)) {
        name = format!("{layer}.beta");
    }
    let shape = if transposed(&name, shape) { vec![shape[1], shape[0]] } else { shape.to_vec() };
    (name, shape)
}

/// The MLP's layers, as WebGAN and as PyTorch's `nn.Sequential` name them, at depth 2 (`deep`)
/// or 1; a depth-1 network has no `hidden2`, so its row never matches.
fn mlp_layers(deep: bool) -> [(&'static str, &'static str); 3] {
    match deep {
        true => [("hidden.", "model.0."), ("hidden2.", "model.2."), ("output.", "model.4.")],
        false => [("hidden.", "model.0."), ("output.", "model.2."), ("hidden2.", "model.4.")],
    }
}

/// `name` with the first of `renames`' prefixes it starts with replaced.
fn mlp_layer(name: &str, renames: [(&str, &str); 3]) -> String {
    renames
        .iter()
        .find_map(|(from, to)| name.strip_prefix(from).map(|rest| format!("{to}{rest}")))
        .unwrap_or_else(|| name.to_string())
}

/// Whether a tensor is a linear layer's weight, whose two layouts are each other's transpose.
fn transposed(name: &str, shape: &[usize]) -> bool {
    shape.len() == 2 && name.ends_with(".weight") && name != "embed.weight"
}

/// The [cols, rows] transpose of a row-major [rows, cols] matrix.
fn transpose(values: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    (0..cols).flat_map(|c| (0..rows).map(move |r| values[r * cols + c])).collect()
}

// Native only: the tests block on futures with pollster.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use burn::prelude::*;

    use super::*;
    use crate::config::ModelConfig;
    use crate::nets::{dcgan, mlp};
    use crate::rng::HostRng;
    use crate::weights::Export;

    /// Freshly initialised networks of `model`, as a trainer exports them.
    fn export(model: ModelConfig) -> Vec<u8> {
        let (rng, device) = (&mut HostRng::new(1), &Device::flex());
        let export = match model.architecture {
            Architecture::Mlp => {
                let (g, d) = mlp::init(&model, rng, device);
                Export::of_generator(&model, &g).add("discriminator", &d)
            }
            Architecture::Dcgan => {
                let (g, d) = dcgan::init(&model, true, rng, device);
                Export::of_generator(&model, &g).add("discriminator", &d)
            }
        };
        pollster::block_on(export.to_bytes()).unwrap()
    }

    fn names(bytes: &[u8]) -> Vec<(String, Vec<usize>)> {
        let file = SafeTensors::deserialize(bytes).unwrap();
        let mut names: Vec<_> = file.tensors().into_iter().map(|(n, v)| (n, v.shape().to_vec())).collect();
        names.sort();
        names
    }

    /// The seed tutorial's keys and shapes, and back to the same weights.
    #[test]
    fn the_mlp_has_the_seed_layout_and_comes_back() {
        let ours = export(ModelConfig::new());
        let [generator, discriminator] = export_pair(&ours);
        let s = |name: &str, shape: &[usize]| (name.to_string(), shape.to_vec());
        assert_eq!(
            names(&generator),
            [s("model.0.bias", &[256]), s("model.0.weight", &[256, 100]), s("model.2.bias", &[784]), s("model.2.weight", &[784, 256])]
        );
        assert_eq!(
            names(&discriminator),
            [s("model.0.bias", &[256]), s("model.0.weight", &[256, 784]), s("model.2.bias", &[1]), s("model.2.weight", &[1, 256])]
        );
        assert!(is_pytorch(&generator) && is_pytorch(&discriminator) && !is_pytorch(&ours));
        let back = import(&generator, Some(&discriminator)).unwrap();
        assert_same_tensors(&back, &ours);
    }

    /// Depth 2 is `nn.Sequential` with three linear layers, model.0, model.2 and model.4.
    #[test]
    fn the_deeper_mlp_has_three_layers_and_comes_back() {
        for conditional in [false, true] {
            let ours = export(ModelConfig::new().with_depth(2).with_conditional(conditional));
            let [generator, discriminator] = export_pair(&ours);
            let s = |name: &str, shape: &[usize]| (name.to_string(), shape.to_vec());
            let (g, d) = (names(&generator), names(&discriminator));
            let inputs = if conditional { 110 } else { 100 };
            for expected in [s("model.0.weight", &[256, inputs]), s("model.2.weight", &[512, 256]), s("model.4.weight", &[784, 512])] {
                assert!(g.contains(&expected), "{g:?}");
            }
            for expected in [s("model.0.weight", &[512, 784]), s("model.2.weight", &[256, 512]), s("model.4.weight", &[1, 256])] {
                assert!(d.contains(&expected), "{d:?}");
            }
            assert_eq!(d.contains(&s("embed.weight", &[10, 256])), conditional);
            assert_same_tensors(&import(&generator, Some(&discriminator)).unwrap(), &ours);
            let swapped = import(&discriminator, Some(&generator)).unwrap_err().to_string();
            assert!(swapped.contains("holds a discriminator"), "{swapped}");
        }
    }

    #[test]
    fn the_conditional_dcgan_comes_back() {
        let model = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4).with_conditional(true);
        let ours = export(model);
        let [generator, discriminator] = export_pair(&ours);
        let pt = names(&generator);
        assert!(pt.contains(&("project.weight".to_string(), vec![8 * 49, 110])), "{pt:?}");
        assert!(pt.contains(&("project_norm.num_batches_tracked".to_string(), vec![])), "{pt:?}");
        assert!(names(&discriminator).contains(&("embed.weight".to_string(), vec![10, 8 * 49])));
        assert_same_tensors(&import(&generator, Some(&discriminator)).unwrap(), &ours);
        // Swapped, the files say what they hold.
        let swapped = import(&discriminator, Some(&generator)).unwrap_err().to_string();
        assert!(swapped.contains("holds a discriminator"), "{swapped}");
    }

    fn export_pair(ours: &[u8]) -> [Vec<u8>; 2] {
        super::export(&WeightsFile::parse(ours).unwrap()).unwrap()
    }

    fn assert_same_tensors(a: &[u8], b: &[u8]) {
        let (a, b) = (WeightsFile::parse(a).unwrap(), WeightsFile::parse(b).unwrap());
        let mut left: Vec<_> = a.tensors().collect();
        let mut right: Vec<_> = b.tensors().collect();
        left.sort_by_key(|t| t.0);
        right.sort_by_key(|t| t.0);
        assert_eq!(left, right);
        assert_eq!((a.architecture(), a.classes()), (b.architecture(), b.classes()));
    }
}
