//! Every setting of a training run, nested by concern, and [`GanConfig::validate`]: the one
//! place a setting's range and its combination with the others are checked. The JS API
//! (`web::options`) and `pretrain` both call it, so neither accepts what the other refuses.
//!
//! Settings are named in errors as the JS API spells them (`learningRate`); `pretrain`'s flags
//! are the same names in kebab case (`--learning-rate`).

use std::fmt;

use burn::prelude::*;

/// Length of the latent noise vector, unless a config or a weights file says otherwise.
pub const LATENT_DIM: usize = 100;

/// Which pair of networks to train.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// The MLP: G 100→256→784, D 784→256→1 at depth 1, the classic; one more hidden layer in
    /// each at depth 2 (`nets::mlp`).
    Mlp,
    /// Convolutional: transposed convolutions in G, strided ones in D (`nets::dcgan`).
    Dcgan,
}

impl Architecture {
    /// The names the page, the JS API, weights files and `pretrain` use.
    pub const NAMES: [(&'static str, Self); 2] = [("mlp", Self::Mlp), ("dcgan", Self::Dcgan)];

    pub fn name(self) -> &'static str {
        name_of(&Self::NAMES, self)
    }

    /// The deepest it goes ([`ModelConfig::depth`]): 2 for the MLP, 3 for the DCGAN.
    pub fn max_depth(self) -> usize {
        match self {
            Self::Mlp => 2,
            Self::Dcgan => 3,
        }
    }
}

/// What D and G are trained to optimise.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Non-saturating binary cross-entropy: D classifies real against fake, G maximises
    /// log D(G(z)) rather than minimising log(1 − D(G(z))), whose gradient vanishes early on.
    Bce,
    /// Wasserstein loss with a gradient penalty: D becomes a critic whose score difference
    /// estimates the distance between the real and generated distributions, kept 1-Lipschitz
    /// by penalising input gradients whose norm is not 1. Smoother gradients for G at the
    /// cost of several critic steps per G step.
    WganGp,
}

impl Loss {
    /// The names the page, the JS API and `pretrain` use.
    pub const NAMES: [(&'static str, Self); 2] = [("bce", Self::Bce), ("wgan-gp", Self::WganGp)];
}

/// The value of `names` called `name`; the error lists the names there are.
pub fn named<T: Copy>(names: &[(&str, T)], name: &str) -> Result<T, String> {
    match names.iter().find(|(n, _)| *n == name) {
        Some(&(_, choice)) => Ok(choice),
        None => Err(format!("expected {}", one_of(names))),
    }
}

/// `"a", "b" or "c"`: the names of a choice, for error messages.
pub fn one_of<T>(names: &[(&str, T)]) -> String {
    let names: Vec<String> = names.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn name_of<T: Copy + PartialEq>(names: &[(&'static str, T)], value: T) -> &'static str {
    names.iter().find(|(_, v)| *v == value).map_or("?", |(n, _)| *n)
}

/// The networks and their sizes.
#[derive(Config, Debug)]
pub struct ModelConfig {
    /// The classic MLP or the DCGAN.
    #[config(default = "Architecture::Mlp")]
    pub architecture: Architecture,
    /// Length of the latent noise vector fed to the generator.
    #[config(default = "LATENT_DIM")]
    pub latent_dim: usize,
    /// MLP: width of the hidden layer in both networks.
    #[config(default = 256)]
    pub hidden_dim: usize,
    /// MLP: hidden layers in each network. 1 is the classic GAN (G 100→256→784, D 784→256→1);
    /// 2 adds a layer twice as wide next to the image (G 100→256→512→784, D 784→512→256→1),
    /// which draws cleaner strokes in the first few thousand steps (docs/quality.md).
    /// DCGAN: 2 gives D a third convolution, 3 × 3 at 7 × 7, which halves the Fréchet distance
    /// at 3,000 steps; 3 gives G one too, 3 × 3 at 14 × 14, which lifts the score by about 0.2
    /// (docs/quality.md). G is the same at depths 1 and 2.
    #[config(default = 1)]
    pub depth: usize,
    /// DCGAN width: channels of D's first convolution and G's last hidden layer; the layer
    /// next to it has twice as many.
    #[config(default = 32)]
    pub channels: usize,
    /// Negative slope of the discriminator's LeakyReLU.
    #[config(default = 0.2)]
    pub leaky_slope: f64,
    /// Class-conditional: G takes each digit's label, one-hot, beside z, and D scores a digit
    /// together with its label through a projection (`nets::conditioning` says why these two).
    #[config(default = false)]
    pub conditional: bool,
}


/// The adversarial loss and the penalties added to it.
#[derive(Config, Debug)]
pub struct LossConfig {
    /// Non-saturating BCE or WGAN-GP.
    #[config(default = "Loss::Bce")]
    pub kind: Loss,
    /// BCE: target D is trained to give real digits. Below 1 (one-sided label smoothing) it
    /// stops D from growing over-confident, which keeps its gradients useful to G.
    #[config(default = 1.0)]
    pub real_label: f32,
    /// BCE: weight γ of the R1 penalty (Mescheder et al., 2018), γ/2 · E‖∇ₓD(x)‖² on real
    /// digits, added to D's loss; 0 turns it off. Flattening D around the real digits stops it
    /// from overshooting G's distribution, which is what makes the MLP stable enough to train
    /// at ten times the textbook learning rate. A DCGAN critic drops batch norm for it, as for
    /// WGAN-GP.
    #[config(default = 0.0)]
    pub r1_penalty: f32,
    /// WGAN-GP: weight λ of the gradient penalty.
    #[config(default = 10.0)]
    pub gradient_penalty: f32,
    /// WGAN-GP: critic steps per generator step. Every call of `step` trains the critic on
    /// one real batch; G follows on every `critic_steps`-th call.
    #[config(default = 5)]
    pub critic_steps: usize,
}

/// Adam, with the same settings for both networks.
#[derive(Config, Debug, Copy)]
pub struct OptimConfig {
    /// Learning rate.
    #[config(default = 2e-4)]
    pub learning_rate: f64,
    /// β1. 0.5 rather than the textbook 0.9: GANs chase a moving target, and a long momentum
    /// memory makes them overshoot and collapse.
    #[config(default = 0.5)]
    pub beta1: f32,
    /// β2.
    #[config(default = 0.999)]
    pub beta2: f32,
    /// ε.
    #[config(default = 1e-8)]
    pub epsilon: f32,
    /// D's own learning rate, for a two time-scale update (TTUR, Heusel et al., 2017: D
    /// learning faster than G); `None` trains D at `learning_rate`.
    #[config(default = "None")]
    pub discriminator_learning_rate: Option<f64>,
}

impl OptimConfig {
    /// The settings of D's Adam: these, at D's own learning rate when it has one.
    pub fn discriminator(&self) -> Self {
        let mut settings = *self;
        settings.learning_rate = self.discriminator_learning_rate.unwrap_or(self.learning_rate);
        settings
    }
}

/// Optional stabilisers: dropout (the hand-written MLP trainer's), the weight average and
/// augmentation (every trainer's).
#[derive(Config, Debug)]
pub struct StabilizerConfig {
    /// Probability of dropping each of D's hidden units during training. Dropout keeps D from
    /// memorising the 10k digits, so it cannot single out the few G is currently good at.
    #[config(default = 0.0)]
    pub dropout: f32,
    /// Decay of the running average of G's weights that samples are drawn from; 0 samples
    /// the latest G. Averaging smooths over the oscillation of adversarial training, which
    /// the latest weights show as flickering, blurred or missing digits.
    #[config(default = 0.0)]
    pub average_decay: f32,
    /// Probability with which each image D sees, real or generated, is shifted by up to 3
    /// pixels and, independently, has a 14×14 square blanked (DiffAugment, `train::augment`);
    /// G learns through the same augmentation. 0 turns it off.
    #[config(default = 0.0)]
    pub augment: f32,
}

/// What a run's settings start from before its own options (`defaults` in the JS API,
/// `--defaults` in `pretrain`).
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum Defaults {
    /// The settings the page's presets recommend for the architecture and loss
    /// ([`GanConfig::recommended`]).
    Recommended,
    /// The textbook setup of the classic PyTorch GAN: Adam at 2e-4, no penalty, no average
    /// (`GanConfig::new()`).
    Classic,
}

impl Defaults {
    /// The names the JS API and `pretrain` use.
    pub const NAMES: [(&'static str, Self); 2] = [("recommended", Self::Recommended), ("classic", Self::Classic)];

    /// The config these defaults give `architecture` and `loss`, conditional or not.
    pub fn config(self, architecture: Architecture, loss: Loss, conditional: bool) -> GanConfig {
        match self {
            Self::Recommended => GanConfig::recommended(architecture, loss, conditional),
            Self::Classic => {
                let model = ModelConfig::new().with_architecture(architecture).with_conditional(conditional);
                GanConfig::new().with_model(model).with_loss(LossConfig::new().with_kind(loss))
            }
        }
    }
}

/// Everything a training run is made of.
#[derive(Config, Debug)]
pub struct GanConfig {
    /// The networks.
    #[config(default = "ModelConfig::new()")]
    pub model: ModelConfig,
    /// The loss and its penalties.
    #[config(default = "LossConfig::new()")]
    pub loss: LossConfig,
    /// Adam.
    #[config(default = "OptimConfig::new()")]
    pub optim: OptimConfig,
    /// Dropout (the hand-written MLP trainer's) and the weight average (every trainer's).
    #[config(default = "StabilizerConfig::new()")]
    pub stabilizers: StabilizerConfig,
    /// Images per training step.
    #[config(default = 64)]
    pub batch_size: usize,
    /// Seed for the initial weights and the latent noise.
    #[config(default = 42)]
    pub seed: u64,
}

/// A setting out of range, or settings that do not go together.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    /// `setting` (its JS name) is `value`; `expected` says what would do.
    Range {
        setting: &'static str,
        value: String,
        expected: String,
    },
    /// A setting that the chosen architecture and loss do not read.
    Combination(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Range {
                setting,
                value,
                expected,
            } => write!(f, "option {setting} is {value}, expected {expected}"),
            Self::Combination(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ConfigError {}

/// An interval a setting must lie in.
struct Range {
    min: f64,
    max: f64,
    /// Whether `min` and `max` themselves are allowed.
    closed: (bool, bool),
    integer: bool,
}

impl Range {
    const fn real(min: f64, max: f64, closed: (bool, bool)) -> Self {
        Self { min, max, closed, integer: false }
    }

    const fn integer(min: f64, max: f64) -> Self {
        Self { min, max, closed: (true, true), integer: true }
    }

    /// `value` as a number, and as its own type prints it (an f32 0.2 is not the f64 0.2).
    fn check(&self, setting: &'static str, (value, shown): (f64, String)) -> Result<(), ConfigError> {
        let above = if self.closed.0 { value >= self.min } else { value > self.min };
        let below = if self.closed.1 { value <= self.max } else { value < self.max };
        if above && below && (!self.integer || value.fract() == 0.0) {
            return Ok(());
        }
        let expected = if self.integer {
            format!("a number that is an integer from {} to {}", self.min, self.max)
        } else {
            let open = if self.closed.0 { '[' } else { '(' };
            let close = if self.closed.1 { ']' } else { ')' };
            format!("a number in {open}{}, {}{close}", self.min, self.max)
        };
        Err(ConfigError::Range {
            setting,
            value: shown,
            expected,
        })
    }
}

/// `number` as JS writes it where Rust's spelling differs: "Infinity" and "-Infinity", not
/// "inf"; error messages quote what the caller gave.
pub fn js_number(number: f64) -> String {
    match number {
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        _ if number.is_nan() => "NaN".into(),
        _ => number.to_string(),
    }
}

/// The largest integer a JS number holds exactly: seeds cross the boundary as numbers.
pub const MAX_SEED: u64 = (1 << 53) - 1;

impl GanConfig {
    /// The settings the page's presets train `architecture` with `loss` at: the Default
    /// preset's for the MLP with BCE (depth 2, Adam at 2e-3 with the R1 penalty), the DCGAN
    /// presets' for the DCGAN with BCE (1e-3, Adam without momentum, with R1, samples from G's
    /// running average at 0.995; depth 3 for the DCGAN preset, 2 for the Conditional DCGAN, the
    /// depth each was measured at in the page's bench), the WGAN-GP
    /// preset's for WGAN-GP (1e-4, β2 0.9, 5 critic steps). `GanConfig::new()` is the classic
    /// textbook setup instead.
    pub fn recommended(architecture: Architecture, loss: Loss, conditional: bool) -> Self {
        let config = Defaults::Classic.config(architecture, loss, conditional);
        let (optim, penalties, model) = (config.optim, config.loss.clone(), config.model.clone());
        let stabilizers = config.stabilizers.clone();
        match (architecture, loss) {
            (Architecture::Mlp, Loss::Bce) => config
                .with_model(model.with_depth(2))
                .with_optim(optim.with_learning_rate(2e-3))
                .with_loss(penalties.with_r1_penalty(5.0)),
            (Architecture::Dcgan, Loss::Bce) => config
                .with_model(model.with_depth(if conditional { 2 } else { 3 }))
                .with_optim(optim.with_learning_rate(1e-3).with_beta1(0.0))
                .with_loss(penalties.with_r1_penalty(5.0))
                .with_stabilizers(stabilizers.with_average_decay(0.995)),
            (_, Loss::WganGp) => config
                .with_optim(optim.with_learning_rate(1e-4).with_beta2(0.9))
                .with_loss(penalties.with_critic_steps(5)),
        }
    }

    /// Checks every setting's range, then that each setting is read by the chosen architecture
    /// and loss: an option only another one reads is an error rather than silently ignored.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let (optim, loss, extra) = (&self.optim, &self.loss, &self.stabilizers);
        /// As its own type prints it, with infinities spelt as in JS.
        fn shown<T: Copy + Into<f64> + fmt::Display>(value: T) -> (f64, String) {
            let number: f64 = value.into();
            let text = if number.is_infinite() { js_number(number) } else { value.to_string() };
            (number, text)
        }
        let whole = |value: usize| (value as f64, value.to_string());
        let checks: [(&'static str, (f64, String), Range); 18] = [
            ("seed", (self.seed as f64, self.seed.to_string()), Range::integer(0.0, MAX_SEED as f64)),
            ("learningRate", shown(optim.learning_rate), Range::real(0.0, 1.0, (false, true))),
            ("discriminatorLearningRate", shown(optim.discriminator().learning_rate), Range::real(0.0, 1.0, (false, true))),
            ("beta1", shown(optim.beta1), Range::real(0.0, 1.0, (true, false))),
            ("beta2", shown(optim.beta2), Range::real(0.0, 1.0, (true, false))),
            ("epsilon", shown(optim.epsilon), Range::real(0.0, 0.1, (false, true))),
            ("batchSize", whole(self.batch_size), Range::integer(1.0, 1024.0)),
            ("realLabel", shown(loss.real_label), Range::real(0.5, 1.0, (false, true))),
            ("dropout", shown(extra.dropout), Range::real(0.0, 0.9, (true, true))),
            ("averageDecay", shown(extra.average_decay), Range::real(0.0, 1.0, (true, false))),
            ("augment", shown(extra.augment), Range::real(0.0, 1.0, (true, true))),
            ("r1Penalty", shown(loss.r1_penalty), Range::real(0.0, 100.0, (true, true))),
            ("criticSteps", whole(loss.critic_steps), Range::integer(1.0, 20.0)),
            ("latentDim", whole(self.model.latent_dim), Range::integer(1.0, 4096.0)),
            ("channels", whole(self.model.channels), Range::integer(4.0, 256.0)),
            ("depth", whole(self.model.depth), Range::integer(1.0, self.model.architecture.max_depth() as f64)),
            // Not options of the page; pretrain's --hidden, and what a checkpoint's config says.
            ("hiddenDim", whole(self.model.hidden_dim), Range::integer(1.0, 4096.0)),
            ("leakySlope", shown(self.model.leaky_slope), Range::real(0.0, 1.0, (true, true))),
        ];
        for (setting, value, range) in checks {
            range.check(setting, value)?;
        }
        let problem = if loss.kind == Loss::WganGp && loss.r1_penalty > 0.0 {
            "r1Penalty applies to the BCE loss; WGAN-GP has its own gradient penalty"
        } else if !(self.hand_written() && self.model.depth == 1) && extra.dropout > 0.0 {
            "dropout applies to the MLP of depth 1 with the BCE loss only"
        } else if self.model.architecture == Architecture::Mlp && self.model.channels != ModelConfig::new().channels {
            "channels applies to the DCGAN"
        } else {
            return Ok(());
        };
        Err(ConfigError::Combination(problem))
    }

    /// A config saved as JSON (in a checkpoint) by this version or an earlier one: settings
    /// added since take their defaults, which leave them off.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        fn merge(base: &mut serde_json::Value, saved: serde_json::Value) {
            match (base, saved) {
                (serde_json::Value::Object(base), serde_json::Value::Object(saved)) => {
                    for (key, value) in saved {
                        match base.get_mut(&key) {
                            Some(slot) => merge(slot, value),
                            None => {
                                base.insert(key, value);
                            }
                        }
                    }
                }
                (slot, value) => *slot = value,
            }
        }
        let mut config = serde_json::to_value(Self::new())?;
        merge(&mut config, serde_json::from_str(text)?);
        serde_json::from_value(config)
    }

    /// The MLP with BCE, at either depth, whose gradients are written out by hand.
    pub fn hand_written(&self) -> bool {
        self.model.architecture == Architecture::Mlp && self.loss.kind == Loss::Bce
    }

    /// Whether a DCGAN critic normalises its second convolution. Batch norm makes each image's
    /// score depend on the rest of its batch, so the per-image input-gradient penalties
    /// (WGAN-GP's and R1) need a critic without it.
    pub fn critic_batch_norm(&self) -> bool {
        self.loss.kind == Loss::Bce && self.loss.r1_penalty == 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(GanConfig::new().validate(), Ok(()));
        for (_, architecture) in Architecture::NAMES {
            for (_, loss) in Loss::NAMES {
                for (_, defaults) in Defaults::NAMES {
                    for conditional in [false, true] {
                        let config = defaults.config(architecture, loss, conditional);
                        assert_eq!(config.validate(), Ok(()), "{defaults:?} {architecture:?} {loss:?} {conditional}");
                        let kind = (config.model.architecture, config.loss.kind, config.model.conditional);
                        assert_eq!(kind, (architecture, loss, conditional));
                    }
                }
            }
        }
        let mlp = GanConfig::recommended(Architecture::Mlp, Loss::Bce, false);
        assert_eq!((mlp.optim.learning_rate, mlp.loss.r1_penalty, mlp.model.depth), (2e-3, 5.0, 2));
        let dcgan = GanConfig::recommended(Architecture::Dcgan, Loss::Bce, false);
        assert_eq!((dcgan.optim.learning_rate, dcgan.optim.beta1, dcgan.loss.r1_penalty), (1e-3, 0.0, 5.0));
        assert_eq!((dcgan.model.depth, dcgan.stabilizers.average_decay), (3, 0.995));
        let conditional = GanConfig::recommended(Architecture::Dcgan, Loss::Bce, true);
        assert_eq!((conditional.model.depth, conditional.optim.beta1, conditional.stabilizers.average_decay), (2, 0.0, 0.995));
        let classic = Defaults::Classic.config(Architecture::Mlp, Loss::Bce, false);
        assert_eq!((classic.optim.learning_rate, classic.loss.r1_penalty, classic.model.depth), (2e-4, 0.0, 1));
    }

    /// A config saved before a setting existed reads back with that setting at its default.
    #[test]
    fn configs_saved_before_a_setting_existed_still_read() {
        let saved = GanConfig::new().with_seed(5).with_optim(OptimConfig::new().with_learning_rate(1e-3));
        let mut json: serde_json::Value = serde_json::to_value(&saved).unwrap();
        json["stabilizers"].as_object_mut().unwrap().remove("augment");
        json["model"].as_object_mut().unwrap().remove("depth");
        json["optim"].as_object_mut().unwrap().remove("discriminator_learning_rate");
        let read = GanConfig::from_json(&json.to_string()).unwrap();
        assert_eq!(read.to_string(), saved.to_string());
        assert!(GanConfig::from_json("{\"seed\": \"x\"}").is_err());
    }

    #[test]
    fn ranges_and_combinations_are_named() {
        let bad = GanConfig::new().with_batch_size(0);
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "option batchSize is 0, expected a number that is an integer from 1 to 1024"
        );
        let bad = GanConfig::new().with_optim(OptimConfig::new().with_learning_rate(f64::NAN));
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "option learningRate is NaN, expected a number in (0, 1]"
        );
        // Spelt as JS spells it, not as Rust's "inf".
        let bad = GanConfig::new().with_optim(OptimConfig::new().with_learning_rate(f64::INFINITY));
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "option learningRate is Infinity, expected a number in (0, 1]"
        );
        let bad = GanConfig::new().with_loss(LossConfig::new().with_r1_penalty(f32::NEG_INFINITY));
        assert!(bad.validate().unwrap_err().to_string().starts_with("option r1Penalty is -Infinity,"));
        let bad = GanConfig::new().with_loss(LossConfig::new().with_kind(Loss::WganGp).with_r1_penalty(5.0));
        assert!(matches!(bad.validate(), Err(ConfigError::Combination(m)) if m.starts_with("r1Penalty")));
        let bad = GanConfig::new()
            .with_model(ModelConfig::new().with_architecture(Architecture::Dcgan))
            .with_stabilizers(StabilizerConfig::new().with_dropout(0.3));
        assert!(matches!(bad.validate(), Err(ConfigError::Combination(m)) if m.starts_with("dropout")));
        let deep = ModelConfig::new().with_depth(2);
        let bad = GanConfig::new().with_model(deep.clone()).with_stabilizers(StabilizerConfig::new().with_dropout(0.3));
        assert!(matches!(bad.validate(), Err(ConfigError::Combination(m)) if m.starts_with("dropout")));
        assert_eq!(GanConfig::new().with_model(deep.clone()).validate(), Ok(()));
        assert_eq!(GanConfig::new().with_model(deep.with_architecture(Architecture::Dcgan)).validate(), Ok(()));
        let bad = GanConfig::new().with_model(ModelConfig::new().with_depth(3));
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "option depth is 3, expected a number that is an integer from 1 to 2"
        );
        // The DCGAN goes one deeper: a convolution in G too.
        let dcgan = ModelConfig::new().with_architecture(Architecture::Dcgan);
        assert_eq!(GanConfig::new().with_model(dcgan.clone().with_depth(3)).validate(), Ok(()));
        assert_eq!(
            GanConfig::new().with_model(dcgan.with_depth(4)).validate().unwrap_err().to_string(),
            "option depth is 4, expected a number that is an integer from 1 to 3"
        );
    }

    /// 10,000 mutations of a saved config (what a checkpoint's metadata holds), read and
    /// validated as resuming does: `Ok` or an error, never a panic.
    #[test]
    fn mutated_configs_never_panic() {
        use crate::mutate;
        let valid = GanConfig::recommended(Architecture::Dcgan, Loss::Bce, false).to_string();
        let other = GanConfig::new().with_model(ModelConfig::new().with_conditional(true)).to_string();
        let read = |bytes: &[u8]| {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            let config = GanConfig::from_json(text).map_err(|e| e.to_string())?;
            config.validate().map_err(|e| e.to_string())
        };
        mutate::assert_no_panics("saved config", &mutate::run(valid.as_bytes(), other.as_bytes(), 3, read));
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(named(&Architecture::NAMES, "dcgan"), Ok(Architecture::Dcgan));
        assert_eq!(named(&Loss::NAMES, "hinge"), Err("expected \"bce\" or \"wgan-gp\"".into()));
        assert_eq!(Architecture::Mlp.name(), "mlp");
    }
}
