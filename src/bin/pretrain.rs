//! Trains the GAN natively on the shipped digits and writes the generator the page's
//! inference mode loads, plus a PNG of 64 samples to look at.
//!
//! `cargo run --release --bin pretrain -- [--steps 20000] [--seed 42] [--lr 2e-4]
//!  [--batch 64] [--beta1 0.5] [--real-label 1] [--dropout 0] [--average 0] [--hidden 256]
//!  [--architecture mlp|dcgan] [--loss bce|wgan-gp] [--channels 32] [--critic-steps 5] [--beta2 0.999] [--out www/weights/generator.safetensors] [--preview docs/pretrained-dcgan.png]
//!  [--score-every 1000]`
//!
//! `--score-every N` judges 1,500 samples with the digit classifier every N steps and at the
//! end (class histogram, score, Fréchet distance), as the page's quality panel does.

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
    use webgan::data::{parse_idx_images, pixels_to_tensor, read_gz, unit_to_pixels};
    use webgan::model::{Architecture, GanConfig, Loss};
    use webgan::quality::{HELD_OUT, Judge};
    use webgan::rng::HostRng;
    use webgan::training;

    const DATA: &str = "www/data/mnist-10k-images-idx3-ubyte.gz";
    const CLASSIFIER: &str = "www/weights/classifier.safetensors";

    struct Args {
        steps: usize,
        config: GanConfig,
        out: String,
        preview: Option<String>,
        score_every: Option<usize>,
    }

    fn parse_args() -> Result<Args, String> {
        let mut args = Args {
            steps: 20_000,
            config: GanConfig::new(),
            out: "www/weights/generator.safetensors".into(),
            preview: None,
            score_every: None,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let value = it.next().ok_or(format!("{flag} needs a value"))?;
            let number = |v: &str| v.parse::<f64>().map_err(|_| format!("{flag}: '{v}' is not a number"));
            match flag.as_str() {
                "--steps" => args.steps = number(&value)? as usize,
                "--seed" => args.config.seed = number(&value)? as u64,
                "--lr" => args.config.learning_rate = number(&value)?,
                "--batch" => args.config.batch_size = number(&value)? as usize,
                "--beta1" => args.config.beta1 = number(&value)? as f32,
                "--real-label" => args.config.real_label = number(&value)? as f32,
                "--dropout" => args.config.dropout = number(&value)? as f32,
                "--average" => args.config.average_decay = number(&value)? as f32,
                "--hidden" => args.config.hidden_dim = number(&value)? as usize,
                "--beta2" => args.config.beta2 = number(&value)? as f32,
                "--r1" => args.config.r1_penalty = number(&value)? as f32,
                "--architecture" => args.config.architecture = named(&Architecture::NAMES, &flag, &value)?,
                "--loss" => args.config.loss = named(&Loss::NAMES, &flag, &value)?,
                "--channels" => args.config.channels = number(&value)? as usize,
                "--critic-steps" => args.config.critic_steps = number(&value)? as usize,
                "--out" => args.out = value,
                "--preview" => args.preview = Some(value),
                "--score-every" => args.score_every = Some(number(&value)? as usize),
                _ => return Err(format!("unknown flag {flag}")),
            }
        }
        Ok(args)
    }

    /// The value of `names` called `value`, e.g. `Architecture::NAMES`.
    fn named<T: Copy>(names: &[(&str, T)], flag: &str, value: &str) -> Result<T, String> {
        match names.iter().find(|(name, _)| *name == value) {
            Some(&(_, choice)) => Ok(choice),
            None => {
                let known: Vec<&str> = names.iter().map(|(name, _)| *name).collect();
                Err(format!("{flag}: '{value}' is not {}", known.join(" or ")))
            }
        }
    }

    pub fn run() -> Result<(), String> {
        let args = parse_args()?;
        let images = parse_idx_images(&read_gz(DATA)?).map_err(|e| e.to_string())?;
        let pixels = images.rows * images.cols;
        let config = args.config.clone();
        println!("{} digits; {} steps with {config}", images.count, args.steps);

        let device = Device::flex();
        let mut trainer = training::trainer(config.clone(), &device);
        let judge = match args.score_every {
            Some(_) => Some(
                Judge::load(&std::fs::read(CLASSIFIER).map_err(|e| format!("{CLASSIFIER}: {e}"))?, &device)
                    .map_err(|e| e.to_string())?,
            ),
            None => None,
        };
        let mut score_rng = HostRng::new(11);
        let mut rng = HostRng::new(config.seed ^ 0xDA7A);
        let mut order: Vec<usize> = (0..images.count).collect();
        let mut cursor = order.len();
        let started = Instant::now();
        for step in 1..=args.steps {
            let mut batch = Vec::with_capacity(config.batch_size * pixels);
            for _ in 0..config.batch_size {
                if cursor == order.len() {
                    rng.shuffle(&mut order);
                    cursor = 0;
                }
                let i = order[cursor];
                cursor += 1;
                batch.extend_from_slice(&images.pixels[i * pixels..(i + 1) * pixels]);
            }
            trainer.step(pixels_to_tensor(&batch, pixels, &device));
            if step % 1000 == 0 || step == args.steps {
                let stats = trainer.stats().expect("a step was taken");
                let s = pollster::block_on(stats.read()).map_err(|e| format!("{e:?}"))?;
                println!(
                    "step {step:>6}  D loss {:.3}  G loss {:.3}  D(x) {:.3}  D(G(z)) {:.3}  {:.0} steps/s",
                    s.d_loss,
                    s.g_loss,
                    s.d_real,
                    s.d_fake,
                    step as f64 / started.elapsed().as_secs_f64()
                );
            }
            if let (Some(judge), Some(every)) = (&judge, args.score_every) {
                if step % every == 0 || step == args.steps {
                    let noise = score_rng.normal(HELD_OUT * config.latent_dim);
                    let q = pollster::block_on(judge.score(trainer.generate(noise)))?;
                    let classes: Vec<String> = q.histogram.iter().map(|h| format!("{:.1}", 100.0 * h)).collect();
                    println!(
                        "step {step:>6}  score {:.2}  FD {:.1}  classes % [{}]",
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
            let noise = HostRng::new(7).normal(64 * config.latent_dim);
            let values = trainer.generate(noise).into_data().try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?;
            write_grid(&path, &unit_to_pixels(&values)).map_err(|e| format!("{path}: {e}"))?;
            println!("wrote {path}");
        }
        Ok(())
    }

    /// 64 digits as an 8 × 8 grid, scaled 2× for viewing.
    fn write_grid(path: &str, pixels: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
        const SIDE: usize = 28 * 8 * 2;
        let mut image = vec![0u8; SIDE * SIDE];
        for (y, row) in image.chunks_mut(SIDE).enumerate() {
            for (x, value) in row.iter_mut().enumerate() {
                let (gx, gy) = (x / 2, y / 2);
                let n = (gy / 28) * 8 + gx / 28;
                *value = pixels[n * 784 + (gy % 28) * 28 + gx % 28];
            }
        }
        let mut encoder = png::Encoder::new(std::fs::File::create(path)?, SIDE as u32, SIDE as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.write_header()?.write_image_data(&image)?;
        Ok(())
    }
}
