//! Trains the GAN natively on a shipped dataset (the digits, or `--dataset fashion`) and
//! writes the generator the page's inference mode loads, plus a PNG of 64 samples to look at.
//!
//! `cargo run --release --bin pretrain -- [--defaults recommended|classic] [--steps 20000] [--seed 42] [--lr LR]
//!  [--discriminator-lr LR] [--batch 64] [--beta1 B1] [--real-label 1] [--dropout 0] [--average 0] [--augment 0] [--hidden 256] [--depth 1|2]
//!  [--architecture mlp|dcgan] [--loss bce|wgan-gp] [--channels 32] [--critic-steps 5] [--beta2 B2]
//!  [--r1 GAMMA] [--conditional true] [--out www/weights/generator.safetensors]
//!  [--preview docs/pretrained-dcgan.png] [--score-every 1000] [--checkpoint FILE]
//!  [--checkpoint-every 1000] [--dataset mnist|fashion]`
//!
//! The settings left out are those recommended for the architecture, loss and conditioning, as in
//! `GanTrainer.create` (`GanConfig::recommended`); `--defaults classic` starts from the
//! textbook setup instead. They are checked by `GanConfig::validate`, as the page's are, so
//! pretrain refuses what `GanTrainer.create` refuses, with the same message.
//!
//! `--score-every N` judges 1,500 samples with the dataset's classifier every N steps and at the
//! end (class histogram, score, Fréchet distance), as the page's quality panel does; for a
//! conditional GAN, 150 of each class, with the share read as the class asked for.
//!
//! `--checkpoint FILE` makes a long run resumable: every 1,000 steps (`--checkpoint-every N`)
//! and at the last an exact checkpoint (the
//! one `export_checkpoint` writes: networks, Adam, the weight average, step and RNG, with the
//! batch order in its annotation) replaces FILE, and a run started with an existing FILE
//! continues from there exactly as if it had never stopped, on this machine or another. The
//! flags must repeat the run's settings, but for `--lr` and `--discriminator-lr`, which may be
//! given anew to continue at another rate. A FILE of the older kind (weights, with the step in
//! FILE.step) still resumes, with Adam's moments afresh.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(message) = native::run() {
        eprintln!("pretrain: {message}");
        std::process::exit(1);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;

    use burn::prelude::*;
    use webgan::config::{Architecture, Defaults, GanConfig, Loss, named};
    use webgan::data::{
        CLASSES, Dataset, IMAGE_PIXELS, IMAGE_SIDE, parse_idx_images, parse_idx_labels,
        pixels_to_tensor, read_gz, unit_to_pixels,
    };
    use webgan::inference::SHIPPED_GENERATOR;
    use webgan::quality::{HELD_OUT, Judge, classifier_of};
    use webgan::rng::HostRng;
    use webgan::train::{self, Trainer};
    use webgan::train::checkpoint::{Checkpoint, CheckpointError};

    struct Args {
        steps: usize,
        config: GanConfig,
        out: String,
        preview: Option<String>,
        score_every: Option<usize>,
        checkpoint: Option<String>,
        checkpoint_every: usize,
        dataset: Dataset,
    }

    fn parse_args() -> Result<Args, String> {
        // The settings start from the defaults asked for, for the architecture and loss asked for.
        let flags: Vec<String> = std::env::args().skip(1).collect();
        let given = |flag: &str| flags.iter().position(|f| f == flag).and_then(|i| flags.get(i + 1));
        let pick = |flag: &str| given(flag).map(String::as_str);
        let defaults = named(&Defaults::NAMES, pick("--defaults").unwrap_or("recommended")).map_err(|e| format!("--defaults: {e}"))?;
        let architecture = named(&Architecture::NAMES, pick("--architecture").unwrap_or("mlp")).map_err(|e| format!("--architecture: {e}"))?;
        let loss = named(&Loss::NAMES, pick("--loss").unwrap_or("bce")).map_err(|e| format!("--loss: {e}"))?;
        let conditional = pick("--conditional") == Some("true");
        let mut args = Args {
            steps: 20_000,
            config: defaults.config(architecture, loss, conditional),
            out: SHIPPED_GENERATOR.into(),
            preview: None,
            score_every: None,
            checkpoint: None,
            checkpoint_every: 1000,
            dataset: Dataset::Digits,
        };
        let mut it = flags.iter().cloned();
        while let Some(flag) = it.next() {
            let value = it.next().ok_or(format!("{flag} needs a value"))?;
            let number = |v: &str| v.parse::<f64>().map_err(|_| format!("{flag}: '{v}' is not a number"));
            let whole = |v: &str| v.parse::<usize>().map_err(|_| format!("{flag}: '{v}' is not a whole number"));
            let choice = |e: String| format!("{flag}: '{value}': {e}");
            let c = &mut args.config;
            match flag.as_str() {
                "--steps" => args.steps = whole(&value)?,
                "--defaults" => {}
                "--seed" => c.seed = whole(&value)? as u64,
                "--lr" => c.optim.learning_rate = number(&value)?,
                "--discriminator-lr" => c.optim.discriminator_learning_rate = Some(number(&value)?),
                "--batch" => c.batch_size = whole(&value)?,
                "--beta1" => c.optim.beta1 = number(&value)? as f32,
                "--beta2" => c.optim.beta2 = number(&value)? as f32,
                "--real-label" => c.loss.real_label = number(&value)? as f32,
                "--r1" => c.loss.r1_penalty = number(&value)? as f32,
                "--critic-steps" => c.loss.critic_steps = whole(&value)?,
                "--loss" => c.loss.kind = named(&Loss::NAMES, &value).map_err(choice)?,
                "--dropout" => c.stabilizers.dropout = number(&value)? as f32,
                "--average" => c.stabilizers.average_decay = number(&value)? as f32,
                "--augment" => c.stabilizers.augment = number(&value)? as f32,
                "--architecture" => c.model.architecture = named(&Architecture::NAMES, &value).map_err(choice)?,
                "--hidden" => c.model.hidden_dim = whole(&value)?,
                "--depth" => c.model.depth = whole(&value)?,
                "--channels" => c.model.channels = whole(&value)?,
                "--conditional" => c.model.conditional = value.parse().map_err(|_| format!("{flag}: '{value}' is not true or false"))?,
                "--checkpoint" => args.checkpoint = Some(value),
                "--checkpoint-every" => args.checkpoint_every = whole(&value)?.max(1),
                "--out" => args.out = value,
                "--dataset" => args.dataset = named(&Dataset::NAMES, &value).map_err(choice)?,
                "--preview" => args.preview = Some(value),
                "--score-every" => args.score_every = Some(whole(&value)?),
                _ => return Err(format!("unknown flag {flag}")),
            }
        }
        args.config.validate().map_err(|e| e.to_string())?;
        Ok(args)
    }

    pub fn run() -> Result<(), String> {
        let args = parse_args()?;
        let (images_file, labels_file) = args.dataset.files();
        let images = parse_idx_images(&read_gz(images_file)?).map_err(|e| e.to_string())?;
        let labels = parse_idx_labels(&read_gz(labels_file)?).map_err(|e| e.to_string())?;
        let pixels = IMAGE_PIXELS;
        let config = args.config.clone();
        println!("{images_file}: {} images; {} steps with {config}", images.count, args.steps);

        let device = Device::flex();
        let mut trainer = train::trainer(config.clone(), &device);
        let judge = match args.score_every {
            Some(_) => {
                let path = classifier_of(args.dataset);
                Some(Judge::load(&std::fs::read(path).map_err(|e| format!("{path}: {e}"))?, &device).map_err(|e| e.to_string())?)
            }
            None => None,
        };
        let mut score_rng = HostRng::new(11);
        let mut rng = HostRng::new(config.seed ^ 0xDA7A);
        let mut order: Vec<usize> = (0..images.count).collect();
        let mut cursor = order.len();
        let mut first = 1;
        if let Some(path) = args.checkpoint.as_deref().filter(|p| std::path::Path::new(p).exists()) {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            match Checkpoint::parse(&bytes) {
                Ok(mut checkpoint) => {
                    // The learning rates alone may be given anew, as GanTrainer.create allows:
                    // a long run may continue at a lower rate.
                    let json = |c: &GanConfig| {
                        let mut c = c.clone();
                        c.optim = config.optim;
                        serde_json::to_string(&c).map_err(|e| e.to_string())
                    };
                    let saved = json(&checkpoint.config)?;
                    if saved != json(&config)? {
                        return Err(format!("{path} was saved with other settings; give the flags it was started with. Its settings: {saved}"));
                    }
                    let (was, now) = (checkpoint.config.optim, config.optim);
                    if (was.beta1, was.beta2, was.epsilon) != (now.beta1, now.beta2, now.epsilon) {
                        return Err(format!("{path} was saved with other Adam settings; only --lr and --discriminator-lr may change"));
                    }
                    if (was.learning_rate, was.discriminator_learning_rate) != (now.learning_rate, now.discriminator_learning_rate) {
                        println!("learning rate {} from here on (was {})", now.learning_rate, was.learning_rate);
                    }
                    checkpoint.config = config.clone();
                    trainer = train::resume(&checkpoint, &device).map_err(|e| format!("{path}: {e}"))?;
                    let order_state = checkpoint.annotation().ok_or(format!("{path}: no batch order in its annotation"))?;
                    let dataset;
                    (dataset, rng, score_rng, cursor, order) = BatchOrder::read(order_state).map_err(|e| format!("{path}: {e}"))?;
                    if dataset != images_file {
                        return Err(format!("{path} was trained on {dataset}, not {images_file}; give the --dataset it was started with"));
                    }
                    first = checkpoint.step as usize + 1;
                    println!("resuming exactly from {path} after step {}", checkpoint.step);
                }
                Err(CheckpointError::WeightsOnly) => {
                    trainer.load_weights(&bytes).map_err(|e| format!("{path}: {e}"))?;
                    let step = std::fs::read_to_string(format!("{path}.step")).map_err(|e| format!("{path}.step: {e}"))?;
                    first = step.trim().parse::<usize>().map_err(|e| format!("{path}.step: {e}"))? + 1;
                    // The batch order and noise continue from a stream of their own.
                    rng = HostRng::new(config.seed ^ 0xDA7A ^ first as u64);
                    println!("resuming from {path} at step {first}, Adam's moments afresh (a weights file)");
                }
                Err(e) => return Err(format!("{path}: {e}")),
            }
        }
        let started = Instant::now();
        for step in first..=args.steps {
            let mut batch = Vec::with_capacity(config.batch_size * pixels);
            let mut batch_labels = Vec::with_capacity(config.batch_size);
            for _ in 0..config.batch_size {
                if cursor == order.len() {
                    rng.shuffle(&mut order);
                    cursor = 0;
                }
                let i = order[cursor];
                cursor += 1;
                batch.extend_from_slice(&images.pixels[i * pixels..(i + 1) * pixels]);
                batch_labels.push(labels[i]);
            }
            let batch_labels = config.model.conditional.then_some(&batch_labels[..]);
            trainer.step(pixels_to_tensor(&batch, &device), batch_labels);
            if let Some(path) = args.checkpoint.as_deref().filter(|_| step % args.checkpoint_every == 0 || step == args.steps) {
                let order_state = BatchOrder::write(images_file, &rng, &score_rng, cursor, &order);
                save_checkpoint(trainer.as_ref(), path, order_state)?;
            }
            if step % 1000 == 0 || step == args.steps {
                let stats = trainer.stats().expect("a step was taken");
                let s = pollster::block_on(stats.read()).map_err(|e| format!("{e:?}"))?;
                println!(
                    "step {step:>6}  D loss {:.3}  G loss {:.3}  D(x) {:.3}  D(G(z)) {:.3}  {:.0} steps/s",
                    s.d_loss,
                    s.g_loss,
                    s.d_real,
                    s.d_fake,
                    (step + 1 - first) as f64 / started.elapsed().as_secs_f64()
                );
            }
            if let (Some(judge), Some(every)) = (&judge, args.score_every) {
                if step % every == 0 || step == args.steps {
                    let noise = score_rng.normal(HELD_OUT * config.model.latent_dim);
                    let wanted = config.model.conditional.then(|| every_digit(HELD_OUT));
                    let images = trainer.generate(noise, wanted.as_deref());
                    let q = pollster::block_on(judge.score(images, wanted.as_deref()))?;
                    let classes: Vec<String> = q.histogram.iter().map(|h| format!("{:.1}", 100.0 * h)).collect();
                    let agreement = q.agreement.map(|a| format!("  agreement {:.1}%", 100.0 * a)).unwrap_or_default();
                    println!(
                        "step {step:>6}  score {:.2}  FD {:.1}{agreement}  classes % [{}]",
                        q.score,
                        q.frechet_distance,
                        classes.join(" ")
                    );
                }
            }
        }

        let bytes = pollster::block_on(trainer.export_generator().to_bytes())
            .map_err(|e| e.to_string())?;
        if let Some(dir) = std::path::Path::new(&args.out).parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(&args.out, &bytes).map_err(|e| format!("{}: {e}", args.out))?;
        println!("wrote {} ({} bytes)", args.out, bytes.len());

        if let Some(path) = args.preview {
            // 8 × 8 samples, or for a conditional GAN 8 rows of the digits 0–9.
            let columns = if config.model.conditional { CLASSES } else { 8 };
            let noise = HostRng::new(7).normal(8 * columns * config.model.latent_dim);
            let wanted = config.model.conditional.then(|| every_digit(8 * columns));
            let values = trainer.generate(noise, wanted.as_deref()).into_data().try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?;
            write_grid(&path, &unit_to_pixels(&values), columns).map_err(|e| format!("{path}: {e}"))?;
            println!("wrote {path}");
        }
        Ok(())
    }

    /// Writes `trainer`'s exact checkpoint to `path` through a temporary file, so a run stopped
    /// mid-write leaves the previous checkpoint whole.
    fn save_checkpoint(trainer: &dyn Trainer, path: &str, annotation: String) -> Result<(), String> {
        let export = trainer.checkpoint().metadata("annotation", annotation);
        let bytes = pollster::block_on(export.to_bytes()).map_err(|e| e.to_string())?;
        let partial = format!("{path}.partial");
        std::fs::write(&partial, &bytes).map_err(|e| format!("{partial}: {e}"))?;
        std::fs::rename(&partial, path).map_err(|e| format!("{path}: {e}"))
    }

    /// The batch order's place, kept in the checkpoint's annotation: the dataset's file, the
    /// order's and the scores' random streams, the position in this epoch and the epoch's
    /// permutation (each epoch shuffles the last one's, so the permutation itself is kept).
    struct BatchOrder;

    impl BatchOrder {
        fn write(dataset: &str, rng: &HostRng, score_rng: &HostRng, cursor: usize, order: &[usize]) -> String {
            serde_json::json!({
                "pretrain": { "dataset": dataset, "rng": rng.state().to_string(), "score_rng": score_rng.state().to_string(), "cursor": cursor, "order": order }
            })
            .to_string()
        }

        fn read(text: &str) -> Result<(String, HostRng, HostRng, usize, Vec<usize>), String> {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("annotation: {e}"))?;
            let state = &value["pretrain"];
            let stream = |key: &str| -> Result<HostRng, String> {
                let text = state[key].as_str().ok_or(format!("annotation lacks pretrain.{key}"))?;
                text.parse().map(HostRng::new).map_err(|_| format!("annotation's pretrain.{key} is '{text}'"))
            };
            let cursor = state["cursor"].as_u64().ok_or("annotation lacks pretrain.cursor")? as usize;
            let order: Vec<usize> = serde_json::from_value(state["order"].clone()).map_err(|e| format!("annotation's pretrain.order: {e}"))?;
            // Checkpoints from before the dataset was recorded are of the digits.
            let dataset = state["dataset"].as_str().unwrap_or(Dataset::Digits.files().0).to_string();
            Ok((dataset, stream("rng")?, stream("score_rng")?, cursor, order))
        }
    }

    /// The digits 0, 1, …, 9, 0, 1, … for `n` samples.
    fn every_digit(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i % CLASSES) as u8).collect()
    }

    /// Digits as a grid `columns` wide and 8 high, scaled 2× for viewing.
    fn write_grid(path: &str, pixels: &[u8], columns: usize) -> Result<(), Box<dyn std::error::Error>> {
        let (width, height) = (IMAGE_SIDE * columns * 2, IMAGE_SIDE * 8 * 2);
        let mut image = vec![0u8; width * height];
        for (y, row) in image.chunks_mut(width).enumerate() {
            for (x, value) in row.iter_mut().enumerate() {
                let (gx, gy) = (x / 2, y / 2);
                let n = (gy / IMAGE_SIDE) * columns + gx / IMAGE_SIDE;
                *value = pixels[n * IMAGE_PIXELS + (gy % IMAGE_SIDE) * IMAGE_SIDE + gx % IMAGE_SIDE];
            }
        }
        let mut encoder = png::Encoder::new(std::fs::File::create(path)?, width as u32, height as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.write_header()?.write_image_data(&image)?;
        Ok(())
    }
}
