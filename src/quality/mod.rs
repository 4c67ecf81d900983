//! How good generated digits are, judged by the classifier: which classes they look like,
//! the classifier score exp E[KL(p(y|x) ‖ p(y))] (1 to 10), and the Fréchet distance between
//! the classifier's features of the digits and of real ones.

use burn::prelude::*;
use burn::tensor::Transaction;
use burn::tensor::activation::softmax;

pub mod frechet;

use crate::nets::classifier::{Classifier, ClassifierConfig};
use crate::rng::HostRng;
use crate::weights::{WeightsError, WeightsFile, param_shapes};
pub use frechet::{FeatureStats, f32_tensor};

/// The shipped classifiers, relative to the repository root: of digits, and of clothes.
pub const SHIPPED_CLASSIFIER: &str = "www/weights/classifier.safetensors";
pub const FASHION_CLASSIFIER: &str = "www/weights/classifier-fashion.safetensors";

/// The classifier that judges images of `dataset`.
pub fn classifier_of(dataset: Dataset) -> &'static str {
    match dataset {
        Dataset::Digits => SHIPPED_CLASSIFIER,
        Dataset::Fashion => FASHION_CLASSIFIER,
    }
}

pub use crate::data::CLASSES;
use crate::data::Dataset;

/// Digits the classifier never trains on: the reference line for every score.
pub const HELD_OUT: usize = 1_500;

/// Splits `count` digit indices into training and held-out sets, the same way every time.
pub fn held_out_split(count: usize) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..count).collect();
    HostRng::new(0x4E1D_0u64).shuffle(&mut order);
    let held_out = order.split_off(count.saturating_sub(HELD_OUT));
    (order, held_out)
}

/// How a set of digits looks to the classifier.
#[derive(Clone, Debug, PartialEq)]
pub struct QualityScore {
    /// Share of the digits predicted as each class; sums to 1.
    pub histogram: Vec<f64>,
    /// exp E[KL(p(y|x) ‖ p(y))]: 1 when every digit looks alike, 10 when all ten classes are
    /// recognised equally often and with certainty.
    pub score: f64,
    /// Fréchet distance between the classifier features of these digits and of the real
    /// training digits. Lower is better.
    pub frechet_distance: f64,
    /// For digits drawn by label: the share the classifier reads as the digit asked for.
    pub agreement: Option<f64>,
}

/// The classifier, the statistics of its features on real digits, and the figures of the
/// held-out real digits for reference.
pub struct Judge {
    classifier: Classifier,
    real: FeatureStats,
    pub reference: QualityScore,
    device: Device,
}

impl Judge {
    /// Reads what `train_classifier` wrote: the classifier, `real.*` and `reference.*`.
    pub fn load(bytes: &[u8], device: &Device) -> Result<Self, WeightsError> {
        let file = WeightsFile::parse(bytes)?;
        let classifier = ClassifierConfig::new().init(device);
        let expected = param_shapes("classifier", &classifier);
        file.check(&expected, &["real", "reference"])?;
        let classifier = file.apply("classifier", classifier);
        let dim = classifier.hidden.weight.dims()[1];
        let reference = file.values("reference.summary", &[2])?;
        Ok(Self {
            real: FeatureStats::load(&file, dim)?,
            reference: QualityScore {
                histogram: file
                    .values("reference.histogram", &[CLASSES])?
                    .iter()
                    .map(|&v| v as f64)
                    .collect(),
                score: reference[0] as f64,
                frechet_distance: reference[1] as f64,
                agreement: None,
            },
            classifier,
            device: device.clone(),
        })
    }

    /// Scores `images`, each 784 values in [-1, 1], with one readback; `labels`, one per
    /// image, are the digits they were drawn as, for [`QualityScore::agreement`].
    pub async fn score(&self, images: Tensor<2>, labels: Option<&[u8]>) -> Result<QualityScore, String> {
        let features = self.classifier.features(images.to_device(&self.device)); // [n, features]
        let probabilities = softmax(self.classifier.logits(features.clone()), 1); // [n, 10]
        let [features, probabilities] = Transaction::default()
            .register(features)
            .register(probabilities)
            .execute_async()
            .await
            .map_err(|e| format!("{e:?}"))?
            .try_into()
            .map_err(|_| "two tensors were read back".to_string())?;
        let read = |data: TensorData| data.try_to_vec::<f32>().map_err(|e| format!("{e:?}"));
        let probabilities = read(probabilities)?;
        let mut score = score_of(&read(features)?, &probabilities, &self.real);
        score.agreement = labels.map(|labels| agreement(&predictions(&probabilities), labels));
        Ok(score)
    }

    /// The digit the classifier reads in each of `images` (784 values in [-1, 1] each).
    pub async fn classify(&self, images: Tensor<2>) -> Result<Vec<u8>, String> {
        let logits = self.classifier.forward(images.to_device(&self.device)); // [n, 10]
        let data = logits.into_data_async().await.map_err(|e| format!("{e:?}"))?;
        Ok(predictions(&data.try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?))
    }
}

/// The most likely class of each row of `scores` (probabilities or logits, CLASSES a row).
pub fn predictions(scores: &[f32]) -> Vec<u8> {
    predictions_of(scores, CLASSES)
}

fn predictions_of(scores: &[f32], classes: usize) -> Vec<u8> {
    scores
        .chunks(classes)
        .map(|row| (0..classes).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap_or(0) as u8)
        .collect()
}

/// The share of `predicted` equal to `wanted`, pair by pair.
pub fn agreement(predicted: &[u8], wanted: &[u8]) -> f64 {
    let same = predicted.iter().zip(wanted).filter(|(p, w)| p == w).count();
    same as f64 / predicted.len().max(1) as f64
}

/// The figures of digits whose classifier features and class probabilities are given.
pub fn score_of(features: &[f32], probabilities: &[f32], real: &FeatureStats) -> QualityScore {
    let (histogram, score) = class_histogram_and_score(probabilities, CLASSES);
    let frechet_distance = FeatureStats::from_features(features, real.dim()).frechet_distance(real);
    QualityScore {
        histogram,
        score,
        frechet_distance,
        agreement: None,
    }
}

/// Class probabilities of a batch → the share of each predicted class and the classifier
/// score exp E_x[KL(p(y|x) ‖ p(y))].
pub fn class_histogram_and_score(probabilities: &[f32], classes: usize) -> (Vec<f64>, f64) {
    let n = (probabilities.len() / classes).max(1) as f64;
    let mut histogram = vec![0.0; classes];
    for best in predictions_of(probabilities, classes) {
        histogram[best as usize] += 1.0 / n;
    }
    let mut marginal = vec![0.0; classes];
    for row in probabilities.chunks(classes) {
        for (m, &p) in marginal.iter_mut().zip(row) {
            *m += p as f64 / n;
        }
    }
    let kl: f64 = probabilities
        .chunks(classes)
        .map(|row| {
            row.iter()
                .zip(&marginal)
                .filter(|(p, _)| **p > 0.0)
                .map(|(&p, &m)| p as f64 * (p as f64 / m).ln())
                .sum::<f64>()
        })
        .sum::<f64>()
        / n;
    (histogram, kl.exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each shipped classifier file (of digits, of clothes) reproduces its own reference line,
    /// reads its held-out images' labels (held a little below their 97.9% and 89.6%: Fashion-MNIST
    /// is harder, and a shirt and a T-shirt are often the same picture), and a set of identical
    /// images scores as collapsed.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn shipped_judges_score_real_and_collapsed_images() {
        for (dataset, min_accuracy, min_score) in [(Dataset::Digits, 0.975, 9.0), (Dataset::Fashion, 0.885, 7.5)] {
            judge_scores_real_and_collapsed_images(dataset, min_accuracy, min_score);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn judge_scores_real_and_collapsed_images(dataset: Dataset, min_accuracy: f64, min_score: f64) {
        use crate::data::{IMAGE_PIXELS, parse_idx_images, parse_idx_labels, pixels_to_tensor, read_gz};
        let device = Device::flex();
        let bytes = std::fs::read(classifier_of(dataset)).unwrap();
        let judge = Judge::load(&bytes, &device).unwrap();
        let (images_file, labels_file) = dataset.files();
        let images = parse_idx_images(&read_gz(images_file).unwrap()).unwrap();
        let labels = parse_idx_labels(&read_gz(labels_file).unwrap()).unwrap();
        let (_, held_out) = held_out_split(images.count);
        let pixels: Vec<u8> = held_out.iter().flat_map(|&i| &images.pixels[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]).copied().collect();
        let wanted: Vec<u8> = held_out.iter().map(|&i| labels[i]).collect();
        let real = pollster::block_on(judge.score(pixels_to_tensor(&pixels, &device), Some(&wanted))).unwrap();
        println!("{images_file}: held-out accuracy {:.2}%, {real:?}", 100.0 * real.agreement.unwrap());
        assert!(real.agreement.unwrap() >= min_accuracy, "{dataset:?}: {real:?}");
        assert!((real.score - judge.reference.score).abs() < 1e-3, "{dataset:?}: {real:?}");
        assert!((real.frechet_distance - judge.reference.frechet_distance).abs() < 1e-2, "{dataset:?}: {real:?}");
        assert!(real.score > min_score && real.histogram.iter().all(|&h| h > 0.05), "{dataset:?}: {real:?}");

        let one_digit: Vec<u8> = (0..200).flat_map(|_| &pixels[..IMAGE_PIXELS]).copied().collect();
        let collapsed = pollster::block_on(judge.score(pixels_to_tensor(&one_digit, &device), None)).unwrap();
        assert!(collapsed.score < 1.01, "{dataset:?}: {collapsed:?}");
        assert!(collapsed.histogram.iter().any(|&h| h > 0.99), "{dataset:?}: {collapsed:?}");
        assert!(collapsed.frechet_distance > 10.0 * real.frechet_distance, "{dataset:?}: {collapsed:?}");
    }

    /// The shipped generators, judged on 1,500 samples (printed for the record): the DCGAN that
    /// generate mode loads, and the Default preset's two-layer MLP.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn shipped_generators_cover_every_class() {
        use crate::inference::PretrainedGenerator;
        let device = Device::flex();
        let judge = Judge::load(&std::fs::read(SHIPPED_CLASSIFIER).unwrap(), &device).unwrap();
        use crate::inference::{SHIPPED_GENERATOR, SHIPPED_MLP_GENERATOR};
        // The DCGAN (depth 3: D and G three convolutions deep; the weight average) held a little
        // below its figures, 8.63 / FD 5.11 (the depth-2 file before it gave 8.32 / 6.06); the
        // MLP (two hidden layers, the weight average; 8.09 / FD 19.5) to issue 15's target for
        // it, score 8 and FD 25.
        for (file, min_score, max_fd) in [(SHIPPED_GENERATOR, 8.5, 6.0), (SHIPPED_MLP_GENERATOR, 8.0, 25.0)] {
            let bytes = std::fs::read(file).unwrap();
            let generator = PretrainedGenerator::load(&bytes, &device).unwrap();
            let noise = HostRng::new(11).normal(HELD_OUT * generator.latent_dim());
            let quality = pollster::block_on(judge.score(generator.generate(noise, None, &device), None)).unwrap();
            println!("{file}: {quality:?}; held-out real digits: {:?}", judge.reference);
            assert!(quality.histogram.iter().all(|&h| h >= 0.03), "{file}: {quality:?}");
            assert!(quality.score > min_score && quality.frechet_distance < max_fd, "{file}: {quality:?}");
        }
    }

    /// The shipped conditional DCGAN, asked for 150 of each digit (1,500 samples): at least 97%
    /// are read as the digit asked for, every class holds 8–12%, its score is at least 9 and
    /// its Fréchet distance at most 6 (issue 15's target for the best shipped generator), and
    /// both are at least as good as the unconditional DCGAN's on the same noise.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn shipped_conditional_generator_draws_the_digit_asked_for() {
        use crate::inference::{PretrainedGenerator, SHIPPED_CONDITIONAL_GENERATOR, SHIPPED_GENERATOR};
        let device = Device::flex();
        let judge = Judge::load(&std::fs::read(SHIPPED_CLASSIFIER).unwrap(), &device).unwrap();
        let load = |file: &str| PretrainedGenerator::load(&std::fs::read(file).unwrap(), &device).unwrap();
        let (conditional, plain) = (load(SHIPPED_CONDITIONAL_GENERATOR), load(SHIPPED_GENERATOR));
        assert_eq!(conditional.classes(), CLASSES);
        let noise = HostRng::new(11).normal(HELD_OUT * conditional.latent_dim());
        let wanted: Vec<u8> = (0..HELD_OUT).map(|i| (i % CLASSES) as u8).collect();
        let images = conditional.generate(noise.clone(), Some(&wanted), &device);
        let asked = pollster::block_on(judge.score(images, Some(&wanted))).unwrap();
        let unconditional = pollster::block_on(judge.score(plain.generate(noise, None, &device), None)).unwrap();
        println!("{SHIPPED_CONDITIONAL_GENERATOR}: {asked:?}; unconditional DCGAN: {unconditional:?}");
        let agreement = asked.agreement.unwrap();
        assert!(agreement >= 0.97, "{agreement}");
        assert!(asked.histogram.iter().all(|&h| (0.08..=0.12).contains(&h)), "{asked:?}");
        assert!(asked.score >= 9.0 && asked.frechet_distance <= 6.0, "{asked:?}");
        assert!(asked.score >= unconditional.score, "{asked:?} vs {unconditional:?}");
        assert!(asked.frechet_distance <= unconditional.frechet_distance, "{asked:?} vs {unconditional:?}");
    }

    /// The shipped Fashion generator, asked for 150 of each class and judged by the clothes
    /// classifier: held a little below its own figures (FASHION_FIGURES), every class 8–12%.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn shipped_fashion_generator_draws_the_clothes_asked_for() {
        use crate::inference::{PretrainedGenerator, SHIPPED_FASHION_GENERATOR};
        let device = Device::flex();
        let judge = Judge::load(&std::fs::read(FASHION_CLASSIFIER).unwrap(), &device).unwrap();
        let generator = PretrainedGenerator::load(&std::fs::read(SHIPPED_FASHION_GENERATOR).unwrap(), &device).unwrap();
        assert_eq!(generator.classes(), CLASSES);
        let noise = HostRng::new(11).normal(HELD_OUT * generator.latent_dim());
        let wanted: Vec<u8> = (0..HELD_OUT).map(|i| (i % CLASSES) as u8).collect();
        let asked = pollster::block_on(judge.score(generator.generate(noise, Some(&wanted), &device), Some(&wanted))).unwrap();
        println!("{SHIPPED_FASHION_GENERATOR}: {asked:?}; held-out real clothes: {:?}", judge.reference);
        let (min_score, max_fd, min_agreement) = FASHION_FIGURES;
        assert!(asked.agreement.unwrap() >= min_agreement, "{asked:?}");
        assert!(asked.histogram.iter().all(|&h| (0.08..=0.12).contains(&h)), "{asked:?}");
        assert!(asked.score >= min_score && asked.frechet_distance <= max_fd, "{asked:?}");
    }

    /// The shipped Fashion generator's floor: score, Fréchet distance and share read as asked,
    /// a little below its 7.66 / 3.62 / 91.3% (held-out real clothes: 7.73 / 2.61 / 89.6%).
    #[cfg(not(target_arch = "wasm32"))]
    const FASHION_FIGURES: (f64, f64, f64) = (7.5, 4.5, 0.90);

    #[test]
    fn split_is_fixed_and_disjoint() {
        let (train, held_out) = held_out_split(10_000);
        assert_eq!((train.len(), held_out.len()), (8_500, 1_500));
        assert_eq!(held_out_split(10_000).1, held_out);
        let mut all: Vec<usize> = train.iter().chain(&held_out).copied().collect();
        all.sort();
        assert_eq!(all, (0..10_000).collect::<Vec<_>>());
    }

    #[test]
    fn score_spans_one_to_ten() {
        let one_hot = |class: usize| (0..10).map(|c| if c == class { 1.0 } else { 0.0 }).collect::<Vec<f32>>();
        // Every class equally often, each predicted with certainty: score 10.
        let diverse: Vec<f32> = (0..10).flat_map(one_hot).collect();
        let (histogram, score) = class_histogram_and_score(&diverse, 10);
        assert!((score - 10.0).abs() < 1e-9);
        assert!(histogram.iter().all(|&h| (h - 0.1).abs() < 1e-12));
        // One class only: score 1, the histogram says collapse.
        let collapsed: Vec<f32> = (0..10).flat_map(|_| one_hot(7)).collect();
        let (histogram, score) = class_histogram_and_score(&collapsed, 10);
        assert!((score - 1.0).abs() < 1e-9);
        assert!((histogram[7] - 1.0).abs() < 1e-12);
    }
}
