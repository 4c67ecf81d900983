//! Training speed outside the browser: the page's trainers, on the shipped digits, natively on
//! burn's flex CPU backend or on its wgpu runtime (Vulkan, Metal or DX12; a real GPU where
//! there is one). It prints steps/s for the classic MLP, the Default preset and the DCGAN
//! preset, statistics read every 50 steps as in the browser bench, and with `--json FILE`
//! writes them for `bench/results/`.
//!
//! `cargo run --release --bin bench_native -- --backend flex [--steps 300] [--json FILE]`
//! `cargo run --release --features webgpu --bin bench_native -- --backend wgpu`
//! (`webgpu` adds burn's wgpu runtime, as it does to the browser build.)

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(message) = native::run() {
        eprintln!("bench_native: {message}");
        std::process::exit(1);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;

    use burn::prelude::*;
    use webgan::config::{Architecture, Defaults, GanConfig, Loss};
    use webgan::data::{Dataset, IMAGE_PIXELS, parse_idx_images, pixels_to_tensor, read_gz};
    use webgan::rng::HostRng;
    use webgan::train::{self, Trainer};

    /// Statistics are read (and the device waited for) once per this many steps.
    const READ_EVERY: usize = 50;

    /// The models measured: the page's presets' settings, from the same place the page takes them.
    fn models() -> [(&'static str, GanConfig); 3] {
        [
            ("classic MLP", Defaults::Classic.config(Architecture::Mlp, Loss::Bce, false)),
            ("Default preset (MLP, 2 layers, R1)", GanConfig::recommended(Architecture::Mlp, Loss::Bce, false)),
            ("DCGAN preset (R1)", GanConfig::recommended(Architecture::Dcgan, Loss::Bce, false)),
        ]
    }

    pub fn run() -> Result<(), String> {
        let flags: Vec<String> = std::env::args().skip(1).collect();
        let (mut backend, mut steps, mut json) = ("flex".to_string(), None, None);
        let mut it = flags.into_iter();
        while let Some(flag) = it.next() {
            let value = it.next().ok_or(format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--backend" => backend = value,
                "--steps" => steps = Some(value.parse::<usize>().map_err(|_| format!("--steps: '{value}' is not a whole number"))?),
                "--json" => json = Some(value),
                _ => return Err(format!("unknown flag {flag} (--backend flex|wgpu, --steps N, --json FILE)")),
            }
        }
        let (device, adapter) = device(&backend)?;
        let (images_file, _) = Dataset::Digits.files();
        let images = parse_idx_images(&read_gz(images_file)?).map_err(|e| e.to_string())?;
        println!("bench_native on {backend} ({adapter}), {images_file}");
        let mut rows = Vec::new();
        for (name, config) in models() {
            // The CPU runs the DCGAN at a few steps a second: fewer steps for it there.
            let slow = backend == "flex" && config.model.architecture == Architecture::Dcgan;
            let steps = steps.unwrap_or(if slow { 50 } else { 500 }).div_ceil(READ_EVERY) * READ_EVERY;
            let (first_step_s, steps_per_second) = measure(config, &images.pixels, steps, &device)?;
            println!("{name:<36} {steps_per_second:>8.2} steps/s over {steps} steps (first step {first_step_s:.2} s)");
            rows.push(format!(
                "{{\"model\": \"{name}\", \"steps\": {steps}, \"stepsPerSecond\": {steps_per_second:.3}, \"firstStepSeconds\": {first_step_s:.3}}}"
            ));
        }
        if let Some(path) = json {
            let text = format!(
                "{{\"backend\": \"{backend}\", \"adapter\": {adapter:?}, \"readEvery\": {READ_EVERY}, \"models\": [\n  {}\n]}}\n",
                rows.join(",\n  ")
            );
            std::fs::write(&path, text).map_err(|e| format!("{path}: {e}"))?;
            println!("wrote {path}");
        }
        Ok(())
    }

    /// The device for `backend` and a description of it.
    fn device(backend: &str) -> Result<(Device, String), String> {
        match backend {
            "flex" => Ok((Device::flex(), format!("CPU, {} threads", std::thread::available_parallelism().map_or(1, |n| n.get())))),
            "wgpu" => wgpu(),
            other => Err(format!("--backend: '{other}' is not flex or wgpu")),
        }
    }

    /// burn's wgpu runtime on its default adapter, described by the adapter wgpu's own default
    /// request finds (a software one where there is no GPU).
    #[cfg(feature = "webgpu")]
    fn wgpu() -> Result<(Device, String), String> {
        use burn::tensor::wgpu::wgpu;
        let instance = wgpu::Instance::default();
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions::default()))
            .map_err(|e| format!("no wgpu adapter: {e}"))?;
        let info = adapter.get_info();
        let device = Device::wgpu_options().init().map_err(|e| format!("no wgpu device: {e}"))?;
        Ok((device, format!("wgpu: {} ({:?}, {:?}, driver {})", info.name, info.backend, info.device_type, info.driver)))
    }

    #[cfg(not(feature = "webgpu"))]
    fn wgpu() -> Result<(Device, String), String> {
        Err("this build has no wgpu runtime: run it with --features webgpu".into())
    }

    /// Seconds of the first step (kernels compiled, buffers allocated), then steps/s over
    /// `steps` more, each batch drawn from `pixels` at random and its statistics read every
    /// `READ_EVERY` steps.
    fn measure(config: GanConfig, pixels: &[u8], steps: usize, device: &Device) -> Result<(f64, f64), String> {
        let batch = config.batch_size;
        let count = pixels.len() / IMAGE_PIXELS;
        let mut rng = HostRng::new(7);
        let mut trainer = train::trainer(config, device);
        let mut step = |trainer: &mut Box<dyn Trainer>, read: bool| -> Result<(), String> {
            let images: Vec<u8> = (0..batch)
                .flat_map(|_| {
                    let i = (rng.uniform() * count as f32) as usize % count;
                    &pixels[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]
                })
                .copied()
                .collect(); // [batch · 784]
            trainer.step(pixels_to_tensor(&images, device), None);
            if read {
                let stats = pollster::block_on(trainer.stats().expect("a step was taken").read()).map_err(|e| format!("{e:?}"))?;
                if !stats.d_loss.is_finite() || !stats.g_loss.is_finite() {
                    return Err(format!("training diverged: {stats:?}"));
                }
            }
            Ok(())
        };
        let started = Instant::now();
        step(&mut trainer, true)?;
        let first = started.elapsed().as_secs_f64();
        let started = Instant::now();
        for i in 1..=steps {
            step(&mut trainer, i % READ_EVERY == 0)?;
        }
        Ok((first, steps as f64 / started.elapsed().as_secs_f64()))
    }
}
