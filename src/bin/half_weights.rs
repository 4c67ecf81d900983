//! Writes a copy of a weights file with every tensor in half precision (F16), and with `--int8`
//! its large matrices as 8-bit integers with a scale per row (`WeightsFile::to_compact`): the
//! shipped generators are stored this way, a half to a quarter of the download of F32, and load
//! into any trainer or generator as before (`WeightsFile::parse` widens them).
//!
//! `cargo run --release --bin half_weights -- [--int8] IN.safetensors OUT.safetensors`

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let int8 = args.first().is_some_and(|a| a == "--int8");
    if int8 {
        args.remove(0);
    }
    let [input, output] = &args[..] else {
        eprintln!("usage: half_weights [--int8] IN.safetensors OUT.safetensors");
        std::process::exit(2);
    };
    let run = || -> Result<(usize, usize, f32), String> {
        let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
        let file = webgan::weights::WeightsFile::parse(&bytes).map_err(|e| format!("{input}: {e}"))?;
        let (half, worst) = file.to_compact(int8)?;
        std::fs::write(output, &half).map_err(|e| format!("{output}: {e}"))?;
        Ok((bytes.len(), half.len(), worst))
    };
    match run() {
        Ok((before, after, worst)) => println!(
            "wrote {output}: {after} bytes (from {before}); largest rounding error {worst:.1e} of its tensor's largest value"
        ),
        Err(message) => {
            eprintln!("half_weights: {message}");
            std::process::exit(1);
        }
    }
}
