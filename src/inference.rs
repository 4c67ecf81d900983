//! A pretrained generator of either architecture, for inference only: no discriminator, no
//! optimizer, no autodiff.

use burn::prelude::*;

use crate::config::{Architecture, ModelConfig};
use crate::nets::dcgan::{self, DcganGenerator};
use crate::nets::mlp::{self, MlpGenerator};
use crate::nets::{ImageGenerator, noise_tensor};
use crate::rng::HostRng;
use crate::weights::{WeightsError, WeightsFile, param_shapes};

/// The shipped generators, relative to the repository root: the DCGAN generate mode loads,
/// and the classic MLP the tutorial uses.
pub const SHIPPED_GENERATOR: &str = "www/weights/generator.safetensors";
pub const SHIPPED_MLP_GENERATOR: &str = "www/weights/generator-mlp.safetensors";

/// A generator loaded from a weights file.
pub enum PretrainedGenerator {
    Mlp(MlpGenerator),
    Dcgan(DcganGenerator),
}

impl PretrainedGenerator {
    /// Loads the `generator.*` tensors of `bytes` (a full trainer export works too: its
    /// discriminator is ignored). The architecture comes from the file's metadata, or, in files
    /// written before it had any, from the tensor names; the layer sizes from the shapes.
    pub fn load(bytes: &[u8], device: &Device) -> Result<Self, WeightsError> {
        let file = WeightsFile::parse(bytes)?;
        let architecture = match file.architecture()? {
            Some(architecture) => architecture,
            None if file.shape("generator.project.weight").is_some() => Architecture::Dcgan,
            None => Architecture::Mlp,
        };
        // The sizes are read from the file; the initial values are placeholders it overwrites.
        let mut rng = HostRng::new(0);
        let model = ModelConfig::new().with_architecture(architecture);
        match architecture {
            Architecture::Mlp => {
                let [latent, hidden] = dims(&file, "generator.hidden.weight", [model.latent_dim, model.hidden_dim])?;
                let model = model.with_latent_dim(latent).with_hidden_dim(hidden);
                let generator = mlp::init_generator(&model, &mut rng, device);
                file.check(&param_shapes("generator", &generator), &["discriminator"])?;
                Ok(Self::Mlp(file.apply("generator", generator)))
            }
            Architecture::Dcgan => {
                let [latent, _] = dims(&file, "generator.project.weight", [model.latent_dim, 0])?;
                let [channels] = dims(&file, "generator.up1_norm.gamma", [model.channels])?;
                let model = model.with_latent_dim(latent).with_channels(channels);
                let generator = dcgan::init_generator(&model, &mut rng, device);
                file.check(&param_shapes("generator", &generator), &["discriminator"])?;
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

    /// Images for host noise (`n × latent` values), in [-1, 1]. // [n, 784]
    pub fn generate(&self, noise: Vec<f32>, device: &Device) -> Tensor<2> {
        let noise = noise_tensor(noise, self.latent_dim(), device); // [n, latent]
        match self {
            Self::Mlp(g) => g.forward(noise),
            Self::Dcgan(g) => g.forward(noise),
        }
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
            trainer.step(pixels_to_tensor(&pixels, &device));
        }
        trainer
    }

    /// A trained generator of either architecture (the DCGAN's batch-norm running statistics
    /// included) survives export and inference-only loading: the same noise gives the same
    /// digits. A full export loads too, its discriminator ignored; a file cut short does not.
    #[test]
    fn generators_round_trip() {
        let device = Device::flex();
        let dcgan = ModelConfig::new().with_architecture(Architecture::Dcgan).with_channels(4);
        for model in [ModelConfig::new().with_hidden_dim(32), dcgan] {
            let architecture = model.architecture;
            let trainer = trained(GanConfig::new().with_model(model).with_batch_size(8));
            for export in [trainer.export_generator(), trainer.export()] {
                let bytes = pollster::block_on(export.to_bytes()).unwrap();
                let loaded = PretrainedGenerator::load(&bytes, &device).unwrap();
                assert_eq!(matches!(loaded, PretrainedGenerator::Dcgan(_)), architecture == Architecture::Dcgan);
                assert_eq!(loaded.latent_dim(), 100);
                let noise = HostRng::new(9).normal(5 * 100);
                let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
                let expected = read(trainer.generate(noise.clone()));
                assert_eq!(read(loaded.generate(noise, &device)), expected);
                assert!(PretrainedGenerator::load(&bytes[..bytes.len() / 2], &device).is_err());
            }
        }
        assert!(matches!(PretrainedGenerator::load(b"nope", &device), Err(WeightsError::Corrupt(_))));
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

    fn trainer_of(architecture: Architecture) -> Box<dyn crate::train::Trainer> {
        let model = ModelConfig::new().with_architecture(architecture).with_channels(4);
        trainer(GanConfig::new().with_model(model), &Device::flex())
    }
}
