//! Trains the classifier behind the quality scores on a shipped dataset (the digits, or with
//! `--dataset fashion` the clothes), holding out 1,500 of its images, and writes its weights
//! together with the statistics of its features on the real training images (for the Fréchet
//! distance).
//!
//! `cargo run --release --bin train_classifier -- [--dataset mnist|fashion] [--epochs 16] [--out FILE]`
//! (the file defaults to the dataset's shipped classifier).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(message) = native::run() {
        eprintln!("train_classifier: {message}");
        std::process::exit(1);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;

    use burn::nn::loss::CrossEntropyLossConfig;
    use burn::optim::{AdamConfig, GradientsParams};
    use burn::prelude::*;
    use webgan::nets::classifier::{Classifier, ClassifierConfig};
    use webgan::config::named;
    use webgan::data::{Dataset, IMAGE_PIXELS, parse_idx_images, parse_idx_labels, pixels_to_tensor, read_gz};
    use burn::tensor::activation::softmax;
    use webgan::quality::{CLASSES, FeatureStats, classifier_of, f32_tensor, held_out_split, score_of};
    use webgan::rng::HostRng;
    use webgan::weights::Export;

    const BATCH: usize = 64;

    pub fn run() -> Result<(), String> {
        let mut epochs = 16;
        let mut dataset = Dataset::Digits;
        let mut out = None;
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let value = it.next().ok_or(format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--epochs" => epochs = value.parse().map_err(|_| format!("--epochs: '{value}'"))?,
                "--dataset" => dataset = named(&Dataset::NAMES, &value).map_err(|e| format!("--dataset: {e}"))?,
                "--out" => out = Some(value),
                _ => return Err(format!("unknown flag {flag}")),
            }
        }
        let out = out.unwrap_or(classifier_of(dataset).to_string());
        let (images_file, labels_file) = dataset.files();
        let images = parse_idx_images(&read_gz(images_file)?).map_err(|e| e.to_string())?;
        let labels = parse_idx_labels(&read_gz(labels_file)?).map_err(|e| e.to_string())?;
        let (train, held_out) = held_out_split(images.count);
        println!("{images_file}: {} training images, {} held out", train.len(), held_out.len());

        let device = Device::flex();
        let autodiff = device.clone().autodiff();
        autodiff.seed(0xC1A55); // the initial weights: the same classifier on every run
        let mut model = ClassifierConfig::new().init(&autodiff);
        let mut optimizer = AdamConfig::new().init();
        let loss = CrossEntropyLossConfig::new().init(&autodiff);
        let mut rng = HostRng::new(0xC1A55);
        let mut order = train.clone();
        let started = Instant::now();
        for epoch in 1..=epochs {
            // Adam at 1e-3, then ten times smaller for the last quarter to settle.
            let lr = if epoch * 4 > epochs * 3 { 1e-4 } else { 1e-3 };
            rng.shuffle(&mut order);
            for batch in order.chunks(BATCH) {
                let x = pixels_to_tensor(&gather(&images.pixels, batch), &autodiff);
                let y = Tensor::<1, Int>::from_data(
                    TensorData::new(batch.iter().map(|&i| labels[i] as i64).collect(), [batch.len()]),
                    &autodiff,
                );
                let grads = loss.forward(model.forward(x), y).backward();
                let grads = GradientsParams::from_grads(grads, &model);
                model = optimizer.step(lr, model, grads);
            }
            let accuracy = accuracy(&model.valid(), &images.pixels, &labels, &held_out, &device);
            println!(
                "epoch {epoch}: held-out accuracy {:.2}% ({:.0} s)",
                100.0 * accuracy,
                started.elapsed().as_secs_f64()
            );
        }

        // The real statistics come from the training digits; the held-out ones, scored
        // against them, give the reference line a perfect generator would reach.
        let model = model.valid();
        let dim = model.hidden.weight.dims()[1];
        let features_of = |indices: &[usize]| {
            let images = pixels_to_tensor(&gather(&images.pixels, indices), &device);
            let features = model.features(images);
            let probabilities = softmax(model.logits(features.clone()), 1);
            let read = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().map_err(|e| format!("{e:?}"));
            Ok::<_, String>((read(features)?, read(probabilities)?))
        };
        let real = FeatureStats::from_features(&features_of(&train)?.0, dim);
        let (features, probabilities) = features_of(&held_out)?;
        let reference = score_of(&features, &probabilities, &real);
        println!(
            "held-out images: score {:.2}, Fréchet distance {:.3}, classes {:?}",
            reference.score,
            reference.frechet_distance,
            reference.histogram.iter().map(|h| format!("{:.1}%", 100.0 * h)).collect::<Vec<_>>()
        );
        let export = real
            .export(Export::default().add("classifier", &model), &device)
            .tensor("reference.histogram", vec![CLASSES], f32_tensor(&reference.histogram, &device))
            .tensor("reference.summary", vec![2], f32_tensor(&[reference.score, reference.frechet_distance], &device));
        let bytes = pollster::block_on(export.to_bytes()).map_err(|e| e.to_string())?;
        std::fs::write(&out, &bytes).map_err(|e| format!("{out}: {e}"))?;
        println!("wrote {out} ({} bytes)", bytes.len());
        Ok(())
    }

    /// The pixels of the images at `indices`, one after another.
    fn gather(pixels: &[u8], indices: &[usize]) -> Vec<u8> {
        indices.iter().flat_map(|&i| &pixels[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]).copied().collect()
    }

    fn accuracy(model: &Classifier, pixels: &[u8], labels: &[u8], indices: &[usize], device: &Device) -> f64 {
        let logits = model.forward(pixels_to_tensor(&gather(pixels, indices), device));
        let predicted = logits.argmax(1).into_data().convert::<i64>().try_to_vec::<i64>().unwrap_or_default();
        let correct = indices.iter().zip(&predicted).filter(|(i, p)| labels[**i] as i64 == **p).count();
        correct as f64 / indices.len() as f64
    }
}
