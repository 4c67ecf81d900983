//! A pretrained generator of either architecture, for inference only: no discriminator, no
//! optimizer, no autodiff.

use burn::prelude::*;

use crate::config::{Architecture, ModelConfig};
use crate::nets::dcgan::{self, DcganGenerator};
use crate::nets::mlp::{self, MlpGenerator};
use crate::nets::ImageGenerator;
use crate::nets::conditioning::generator_input;
use crate::pytorch;
use crate::rng::HostRng;
use crate::train::checkpoint::STATE_PREFIXES;
use crate::weights::{WeightsError, WeightsFile, param_shapes};

/// The shipped generators, relative to the repository root: the DCGAN, the classic MLP the
/// tutorial uses, and the conditional DCGAN generate mode opens with.
pub const SHIPPED_GENERATOR: &str = "www/weights/generator.safetensors";
pub const SHIPPED_MLP_GENERATOR: &str = "www/weights/generator-mlp.safetensors";
/// The conditional DCGAN: digits drawn by label.
pub const SHIPPED_CONDITIONAL_GENERATOR: &str = "www/weights/generator-conditional.safetensors";
/// The conditional DCGAN of Fashion-MNIST: clothes drawn by class.
pub const SHIPPED_FASHION_GENERATOR: &str = "www/weights/generator-fashion.safetensors";

/// What a generator file may hold besides `generator.*`: a discriminator, and in a checkpoint
/// the training state.
const IGNORED: [&str; 4] = ["discriminator", STATE_PREFIXES[0], STATE_PREFIXES[1], STATE_PREFIXES[2]];

/// A generator loaded from a weights file.
pub enum PretrainedGenerator {
    Mlp(MlpGenerator),
    Dcgan(DcganGenerator),
}

impl PretrainedGenerator {
    /// Loads the `generator.*` tensors of `bytes` (a full trainer export or a checkpoint works
    /// too: the rest is ignored), or a generator in PyTorch's layout (`pytorch`). The
    /// architecture comes from the file's metadata, or, in files written before it had any,
    /// from the tensor names; the layer sizes from the shapes.
    pub fn load(bytes: &[u8], device: &Device) -> Result<Self, WeightsError> {
        let file = match pytorch::is_pytorch(bytes) {
            true => WeightsFile::parse(&pytorch::import(bytes, None)?)?,
            false => WeightsFile::parse(bytes)?,
        };
        let architecture = match file.architecture()? {
            Some(architecture) => architecture,
            None if file.shape("generator.project.weight").is_some() => Architecture::Dcgan,
            None => Architecture::Mlp,
        };
        // The sizes are read from the file; the initial values are placeholders it overwrites.
        let mut rng = HostRng::new(0);
        let classes = file.classes()?;
        let model = ModelConfig::new().with_architecture(architecture).with_conditional(classes > 0);
        match architecture {
            Architecture::Mlp => {
                let [inputs, hidden] = dims(&file, "generator.hidden.weight", [model.latent_dim, model.hidden_dim])?;
                // The second hidden layer's shape is held to the first's by the check below.
                let depth = file.mlp_depth("generator");
                let model = model.with_latent_dim(latent(inputs, classes)?).with_hidden_dim(hidden).with_depth(depth);
                let generator = mlp::init_generator(&model, &mut rng, device);
                file.check(&param_shapes("generator", &generator), &IGNORED)?;
                Ok(Self::Mlp(file.apply("generator", generator)))
            }
            Architecture::Dcgan => {
                let [inputs, _] = dims(&file, "generator.project.weight", [model.latent_dim, 0])?;
                let [channels] = dims(&file, "generator.up1_norm.gamma", [model.channels])?;
                let model = model.with_latent_dim(latent(inputs, classes)?).with_channels(channels).with_depth(file.dcgan_depth());
                let generator = dcgan::init_generator(&model, &mut rng, device);
                file.check(&param_shapes("generator", &generator), &IGNORED)?;
                Ok(Self::Dcgan(file.apply("generator", generator)))
            }
        }
    }

    pub fn latent_dim(&self) -> usize {
        match self {
            Self::Mlp(g) => g.latent_dim(),
            Self::Dcgan(g) => g.latent_dim(),
        }
    }

    /// Classes it draws on request: 0 for an unconditional generator.
    pub fn classes(&self) -> usize {
        match self {
            Self::Mlp(g) => g.classes(),
            Self::Dcgan(g) => g.classes(),
        }
    }

    /// Images for host noise (`n × latent` values) and, for a conditional generator, one
    /// label per image, in [-1, 1]. // [n, 784]
    pub fn generate(&self, noise: Vec<f32>, labels: Option<&[u8]>, device: &Device) -> Tensor<2> {
        let input = generator_input(noise, labels, self.latent_dim(), device); // [n, latent (+ classes)]
        match self {
            Self::Mlp(g) => g.forward(input),
            Self::Dcgan(g) => g.forward(input),
        }
    }
}

/// The latent size of a generator whose first layer reads `inputs` values, `classes` of
/// them the label.
fn latent(inputs: usize, classes: usize) -> Result<usize, WeightsError> {
    match inputs.checked_sub(classes) {
        Some(latent) if latent > 0 => Ok(latent),
        _ => Err(WeightsError::Metadata {
            key: "classes".into(),
            value: format!("{classes}, with {inputs} generator inputs"),
        }),
    }
}

/// The dimensions of tensor `name`, which must have rank `N`; `typical` is what the error
/// says was expected.
fn dims<const N: usize>(file: &WeightsFile, name: &str, typical: [usize; N]) -> Result<[usize; N], WeightsError> {
    let shape = file.shape(name).ok_or_else(|| WeightsError::Missing(name.into()))?;
    shape.try_into().map_err(|_| WeightsError::Shape {
        name: name.into(),
        expected: typical.to_vec(),
        found: shape.to_vec(),
    })
}

// Native only: the tests block on futures with pollster.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::config::GanConfig;
    use crate::data::{IMAGE_PIXELS, pixels_to_tensor};
    use crate::train::trainer;
    use crate::weights::Export;

    fn trained(config: GanConfig) -> Box<dyn crate::train::Trainer> {
        let device = Device::flex();
        let mut trainer = trainer(config.clone(), &device);
        for salt in 0..3u8 {
            let pixels: Vec<u8> = (0..config.batch_size * IMAGE_PIXELS).map(|i| (i as u8).wrapping_mul(salt + 7)).collect();
            trainer.step(pixels_to_tensor(&pixels, &device), None);
        }
        trainer
    }

    /// A trained generator of either architecture (the DCGAN's batch-norm running statistics
    /// included) survives export and inference-only loading: the same noise gives the same
    /// digits. A full export loads too, its discriminator ignored; a file cut short does not.

    /// 10,000 mutations each of a trainer's export and of the same generator in PyTorch's
    /// layout, loaded as generate mode loads them: `Ok` or an error, never a panic.
    #[test]
    fn mutated_generator_files_never_panic() {
        use crate::mutate;
        let config = GanConfig::new().with_model(crate::config::ModelConfig::new().with_hidden_dim(8)).with_batch_size(4);
        let ours = pollster::block_on(trained(config).export().to_bytes()).unwrap();
        let [theirs, _] = pytorch::export(&WeightsFile::parse(&ours).unwrap()).unwrap();
        let device = Device::flex();
        let load = |bytes: &[u8]| PretrainedGenerator::load(bytes, &device).map(|_| ()).map_err(|e| e.to_string());
        mutate::assert_no_panics("generator file", &mutate::run(&ours, &theirs, 4, load));
        mutate::assert_no_panics("PyTorch generator file", &mutate::run(&theirs, &ours, 5, load));
    }

    #[test]
    fn generators_round_trip() {
        let device = Device::flex();
        let dcgan = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        let deep = ModelConfig::new().with_hidden_dim(32).with_depth(2);
        for model in [ModelConfig::new().with_hidden_dim(32), deep, dcgan] {
            let architecture = model.architecture;
            let trainer = trained(GanConfig::new().with_model(model).with_batch_size(8));
            for export in [trainer.export_generator(), trainer.export()] {
                let bytes = pollster::block_on(export.to_bytes()).unwrap();
                let loaded = PretrainedGenerator::load(&bytes, &device).unwrap();
                assert_eq!(matches!(loaded, PretrainedGenerator::Dcgan(_)), architecture == Architecture::Dcgan);
                assert_eq!(loaded.latent_dim(), 100);
                let noise = HostRng::new(9).normal(5 * 100);
                let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
                let expected = read(trainer.generate(noise.clone(), None));
                assert_eq!(read(loaded.generate(noise, None, &device)), expected);
                assert!(PretrainedGenerator::load(&bytes[..bytes.len() / 2], &device).is_err());
            }
        }
        assert!(matches!(PretrainedGenerator::load(b"nope", &device), Err(WeightsError::Corrupt(_))));
    }

    /// A trained generator of either architecture, conditional or not, loads the same from its
    /// PyTorch-layout file and from a checkpoint (its live G: no average here).
    #[test]
    fn pytorch_files_and_checkpoints_load_too() {
        let device = Device::flex();
        let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
        let dcgan = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        let deep = ModelConfig::new().with_hidden_dim(32).with_depth(2);
        for model in [ModelConfig::new().with_hidden_dim(32), deep, dcgan.clone(), dcgan.with_conditional(true)] {
            let conditional = model.conditional;
            let mut trainer = trainer(GanConfig::new().with_model(model).with_batch_size(8), &device);
            for salt in 0..3u8 {
                let pixels: Vec<u8> = (0..8 * IMAGE_PIXELS).map(|i| (i as u8).wrapping_mul(salt + 7)).collect();
                let labels: Vec<u8> = (0..8).map(|i| (i + salt) % 10).collect();
                trainer.step(pixels_to_tensor(&pixels, &device), conditional.then_some(&labels[..]));
            }
            let ours = pollster::block_on(trainer.export().to_bytes()).unwrap();
            let [generator, _] = pytorch::export(&WeightsFile::parse(&ours).unwrap()).unwrap();
            let checkpoint = pollster::block_on(trainer.checkpoint().to_bytes()).unwrap();
            let noise = HostRng::new(4).normal(3 * 100);
            let labels = conditional.then_some(&[1u8, 7, 7][..]);
            let expected = read(trainer.generate(noise.clone(), labels));
            for bytes in [generator, checkpoint] {
                let loaded = PretrainedGenerator::load(&bytes, &device).unwrap();
                assert_eq!(loaded.classes(), if conditional { 10 } else { 0 });
                assert_eq!(read(loaded.generate(noise.clone(), labels, &device)), expected);
            }
        }
    }

    /// An export says what it holds, a trainer of another architecture refuses it by name, and
    /// a file without metadata (as written before format 1) still loads.
    #[test]
    fn metadata_describes_the_file() {
        let trainer = trained(GanConfig::new().with_batch_size(4));
        let bytes = pollster::block_on(trainer.export().to_bytes()).unwrap();
        let again = pollster::block_on(trainer.export().to_bytes()).unwrap();
        assert!(bytes == again, "two exports of the same weights differ");
        let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
        let metadata = header.metadata().clone().unwrap();
        assert_eq!(metadata["architecture"], "mlp");
        assert_eq!(metadata["latent_dim"], "100");
        assert_eq!(metadata["image_shape"], "28,28");
        assert_eq!(metadata["format_version"], crate::weights::FORMAT_VERSION);

        let mut dcgan = trainer_of(Architecture::Dcgan);
        let error = dcgan.load_weights(&bytes).unwrap_err();
        assert_eq!(error.to_string(), "weights were exported from the mlp architecture; this trainer is dcgan");

        let legacy = pollster::block_on(Export::default().add("generator", &mlp::init_generator(&ModelConfig::new(), &mut HostRng::new(1), &Device::flex())).to_bytes()).unwrap();
        let (_, header) = safetensors::SafeTensors::read_metadata(&legacy).unwrap();
        assert!(!header.metadata().clone().unwrap_or_default().contains_key("architecture"));
        assert!(matches!(PretrainedGenerator::load(&legacy, &Device::flex()), Ok(PretrainedGenerator::Mlp(_))));
    }

    /// A conditional trainer of either architecture, trained on labelled batches, exports a
    /// generator that says it is conditional and draws the same digit for the same label;
    /// trainers refuse a file whose conditioning differs from theirs, by name.
    #[test]
    fn conditional_generators_round_trip() {
        let device = Device::flex();
        let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
        let dcgan = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        for model in [ModelConfig::new().with_hidden_dim(32), dcgan] {
            let config = GanConfig::new().with_model(model.with_conditional(true)).with_batch_size(8);
            let mut trainer = trainer(config.clone(), &device);
            for salt in 0..3u8 {
                let pixels: Vec<u8> = (0..8 * IMAGE_PIXELS).map(|i| (i as u8).wrapping_mul(salt + 7)).collect();
                let labels: Vec<u8> = (0..8).map(|i| (i + salt) % 10).collect();
                trainer.step(pixels_to_tensor(&pixels, &device), Some(&labels));
            }
            let bytes = pollster::block_on(trainer.export_generator().to_bytes()).unwrap();
            let loaded = PretrainedGenerator::load(&bytes, &device).unwrap();
            assert_eq!((loaded.latent_dim(), loaded.classes()), (100, 10));
            let noise = HostRng::new(9).normal(3 * 100);
            let labels = [2, 5, 5];
            let expected = read(trainer.generate(noise.clone(), Some(&labels)));
            assert_eq!(read(loaded.generate(noise.clone(), Some(&labels), &device)), expected);
            assert_ne!(read(loaded.generate(noise, Some(&[3, 5, 5]), &device))[..IMAGE_PIXELS], expected[..IMAGE_PIXELS]);

            let full = pollster::block_on(trainer.export().to_bytes()).unwrap();
            let mut plain = crate::train::trainer(config.clone().with_model(config.model.clone().with_conditional(false)), &device);
            let error = plain.load_weights(&full).unwrap_err();
            assert!(error.to_string().starts_with("weights are of a conditional GAN"), "{error}");
            let unconditional = pollster::block_on(plain.export().to_bytes()).unwrap();
            let error = trainer.load_weights(&unconditional).unwrap_err();
            assert!(error.to_string().starts_with("weights are of an unconditional GAN"), "{error}");
            trainer.load_weights(&full).unwrap();
        }
    }

    fn trainer_of(architecture: Architecture) -> Box<dyn crate::train::Trainer> {
        let model = ModelConfig::new().with_architecture(architecture).with_channels(4);
        trainer(GanConfig::new().with_model(model), &Device::flex())
    }
}
