//! Weights as safetensors: `generator.hidden.weight`, `discriminator.output.bias`, … in f32.
//!
//! Reading is done with one asynchronous transaction because a synchronous readback panics on
//! wasm with WebGPU. Loading validates the whole file before touching a module, so a bad file
//! leaves the caller's networks as they were.

use std::collections::HashMap;
use std::fmt;

use burn::module::{ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::Transaction;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::dcgan::ConvGenerator;
use crate::model::{GanConfig, Generator, noise_tensor};
use crate::rng::HostRng;

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
                write!(f, "tensor '{name}' is {found}, expected F32")
            }
            Self::Readback(why) => write!(f, "could not read weights from the device: {why}"),
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
}

impl Export {
    /// Adds every parameter and running statistic of `module` under `prefix`.
    pub fn add<M: Module>(mut self, prefix: &str, module: &M) -> Self {
        let mut visitor = Collector::new(prefix);
        // `valid` folds in batch norm's pending running-statistic updates.
        module.valid().visit(&mut visitor);
        self.tensors.extend(visitor.found);
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
        let bytes: Vec<Vec<u8>> = data.iter().map(|d| d.as_bytes().to_vec()).collect();
        let views = self
            .tensors
            .iter()
            .zip(&bytes)
            .map(|((name, shape, _), bytes)| {
                TensorView::new(Dtype::F32, shape.clone(), bytes)
                    .map(|view| (name.clone(), view))
                    .map_err(|e| WeightsError::Corrupt(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let metadata = HashMap::from([("producer".to_string(), "webgan".to_string())]);
        safetensors::tensor::serialize(views, Some(metadata))
            .map_err(|e| WeightsError::Corrupt(e.to_string()))
    }
}

/// A parsed weights file: every tensor as f32 values with its shape.
pub struct WeightsFile {
    tensors: HashMap<String, (Vec<usize>, Vec<f32>)>,
}

impl WeightsFile {
    pub fn parse(bytes: &[u8]) -> Result<Self, WeightsError> {
        let file =
            SafeTensors::deserialize(bytes).map_err(|e| WeightsError::Corrupt(e.to_string()))?;
        let mut tensors = HashMap::new();
        for (name, view) in file.tensors() {
            if view.dtype() != Dtype::F32 {
                return Err(WeightsError::DType {
                    name,
                    found: format!("{:?}", view.dtype()),
                });
            }
            let values = view
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            tensors.insert(name, (view.shape().to_vec(), values));
        }
        Ok(Self { tensors })
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

/// Both networks of a trainer from a full export (`generator.*` and `discriminator.*`), with
/// the file validated against them first, so on error the caller keeps its networks.
pub fn load_networks<G: Module, D: Module>(
    bytes: &[u8],
    generator: &G,
    discriminator: &D,
) -> Result<(G, D), WeightsError> {
    let file = WeightsFile::parse(bytes)?;
    let mut expected = param_shapes("generator", generator);
    expected.extend(param_shapes("discriminator", discriminator));
    file.check(&expected, &[])?;
    Ok((
        file.apply("generator", generator.clone()),
        file.apply("discriminator", discriminator.clone()),
    ))
}

/// A pretrained generator of either architecture.
pub enum LoadedGenerator {
    Mlp(Generator),
    Dcgan(ConvGenerator),
}

impl LoadedGenerator {
    pub fn latent_dim(&self) -> usize {
        match self {
            Self::Mlp(g) => g.latent_dim(),
            Self::Dcgan(g) => g.latent_dim(),
        }
    }

    /// Images for host noise (`n × latent` values), in [-1, 1]. // [n, 784]
    pub fn generate(&self, noise: Vec<f32>, device: &Device) -> Tensor<2> {
        let noise = noise_tensor(noise, self.latent_dim(), device); // [n, latent]
        match self {
            Self::Mlp(g) => g.forward(noise),
            Self::Dcgan(g) => g.forward(noise),
        }
    }
}

/// An inference-only generator from a file holding `generator.*` tensors (a full trainer
/// export works too: its discriminator is ignored). The architecture and layer widths are
/// read from the file: a DCGAN has `generator.project.*`, the MLP `generator.hidden.*`.
pub fn load_generator(bytes: &[u8], device: &Device) -> Result<LoadedGenerator, WeightsError> {
    let file = WeightsFile::parse(bytes)?;
    let defaults = GanConfig::new();
    // Placeholder values, all overwritten by the file below.
    let mut rng = HostRng::new(0);
    if let Some((shape, _)) = file.tensors.get("generator.project.weight") {
        let config = match shape[..] {
            [latent, width] if width % (2 * 49) == 0 => defaults.with_latent_dim(latent).with_channels(width / 98),
            _ => {
                return Err(WeightsError::Shape {
                    name: "generator.project.weight".into(),
                    expected: vec![defaults.latent_dim, 2 * defaults.channels * 49],
                    found: shape.clone(),
                });
            }
        };
        let generator = config.init_conv_generator(&mut rng, device);
        file.check(&param_shapes("generator", &generator), &["discriminator"])?;
        return Ok(LoadedGenerator::Dcgan(file.apply("generator", generator)));
    }
    let name = "generator.hidden.weight";
    let config = match file.tensors.get(name) {
        Some((shape, _)) if shape.len() == 2 => defaults.with_latent_dim(shape[0]).with_hidden_dim(shape[1]),
        Some((shape, _)) => {
            return Err(WeightsError::Shape {
                name: name.into(),
                expected: vec![defaults.latent_dim, defaults.hidden_dim],
                found: shape.clone(),
            });
        }
        None => return Err(WeightsError::Missing(name.into())),
    };
    let generator = config.init_generator(&mut rng, device);
    file.check(&param_shapes("generator", &generator), &["discriminator"])?;
    Ok(LoadedGenerator::Mlp(file.apply("generator", generator)))
}

// Native only: the tests block on futures with pollster.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn networks(seed: u64) -> (Generator, crate::model::Discriminator) {
        GanConfig::new()
            .with_seed(seed)
            .init(&mut HostRng::new(seed), &Device::flex())
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

    #[test]
    fn generator_loads_alone_and_ignores_the_discriminator() {
        let device = Device::flex();
        let generator = load_generator(&export(3), &device).unwrap();
        assert_eq!(generator.latent_dim(), 100);
        assert!(matches!(
            load_generator(b"nope", &device),
            Err(WeightsError::Corrupt(_))
        ));
    }

    /// A trained DCGAN generator, batch-norm running statistics included, survives export and
    /// inference-only loading: the same noise gives the same digits.
    #[test]
    fn dcgan_generator_round_trips() {
        use crate::model::Architecture;
        use crate::training::trainer;
        let device = Device::flex();
        let config = GanConfig::new().with_architecture(Architecture::Dcgan).with_channels(4).with_batch_size(8);
        let mut trainer = trainer(config, &device);
        for salt in 0..3u8 {
            let pixels: Vec<u8> = (0..8 * 784).map(|i| (i as u8).wrapping_mul(salt + 7)).collect();
            trainer.step(crate::data::pixels_to_tensor(&pixels, 784, &device));
        }
        let bytes = pollster::block_on(trainer.export_generator().to_bytes()).unwrap();
        let loaded = load_generator(&bytes, &device).unwrap();
        assert!(matches!(loaded, LoadedGenerator::Dcgan(_)));
        let noise = HostRng::new(9).normal(5 * 100);
        let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
        let expected = read(trainer.generate(noise.clone()));
        assert_eq!(read(loaded.generate(noise, &device)), expected);
        // A trainer's own export loads back too; a file cut short does not.
        assert!(load_generator(&bytes[..bytes.len() / 2], &device).is_err());
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
}
