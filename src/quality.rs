//! How good generated digits are, judged by the classifier: which classes they look like,
//! the classifier score exp E[KL(p(y|x) ‖ p(y))] (1 to 10), and the Fréchet distance between
//! the classifier's features of the digits and of real ones.

use burn::prelude::*;
use burn::tensor::Transaction;
use burn::tensor::activation::softmax;

use crate::classifier::{Classifier, ClassifierConfig};
use crate::rng::HostRng;
use crate::weights::{Export, WeightsError, WeightsFile, param_shapes};

/// Classes the classifier tells apart.
pub const CLASSES: usize = 10;

/// Digits the classifier never trains on: the reference line for every score.
pub const HELD_OUT: usize = 1_500;

/// Splits `count` digit indices into training and held-out sets, the same way every time.
pub fn held_out_split(count: usize) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..count).collect();
    HostRng::new(0x4E1D_0u64).shuffle(&mut order);
    let held_out = order.split_off(count.saturating_sub(HELD_OUT));
    (order, held_out)
}

/// Mean and covariance of feature vectors, in f64.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureStats {
    pub mean: Vec<f64>,
    /// Row-major, `dim × dim`.
    pub covariance: Vec<f64>,
}

impl FeatureStats {
    /// Statistics of `features`, rows of `dim` values.
    pub fn from_features(features: &[f32], dim: usize) -> Self {
        let n = (features.len() / dim).max(1) as f64;
        let mut mean = vec![0.0; dim];
        for row in features.chunks(dim) {
            for (m, &x) in mean.iter_mut().zip(row) {
                *m += x as f64 / n;
            }
        }
        let mut covariance = vec![0.0; dim * dim];
        for row in features.chunks(dim) {
            for i in 0..dim {
                let di = row[i] as f64 - mean[i];
                for j in i..dim {
                    covariance[i * dim + j] += di * (row[j] as f64 - mean[j]);
                }
            }
        }
        let denominator = (n - 1.0).max(1.0);
        for i in 0..dim {
            for j in i..dim {
                let c = covariance[i * dim + j] / denominator;
                covariance[i * dim + j] = c;
                covariance[j * dim + i] = c;
            }
        }
        Self { mean, covariance }
    }

    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Adds these statistics to `export` as `real.mean` and `real.covariance`.
    pub fn export(&self, export: Export, device: &Device) -> Export {
        let dim = self.dim();
        export
            .tensor("real.mean", vec![dim], f32_tensor(&self.mean, device))
            .tensor("real.covariance", vec![dim, dim], f32_tensor(&self.covariance, device))
    }

    /// The statistics stored by [`FeatureStats::export`].
    pub fn load(file: &WeightsFile, dim: usize) -> Result<Self, WeightsError> {
        let read = |name: &str, shape: Vec<usize>| {
            file.values(name, &shape)
                .map(|values| values.iter().map(|&v| v as f64).collect::<Vec<f64>>())
        };
        Ok(Self {
            mean: read("real.mean", vec![dim])?,
            covariance: read("real.covariance", vec![dim, dim])?,
        })
    }

    /// The Fréchet distance ‖μ₁ − μ₂‖² + Tr(C₁ + C₂ − 2 (C₁C₂)^½) to `other`.
    pub fn frechet_distance(&self, other: &Self) -> f64 {
        let dim = self.dim();
        let mean_term: f64 = self.mean.iter().zip(&other.mean).map(|(a, b)| (a - b).powi(2)).sum();
        let trace = |c: &[f64]| (0..dim).map(|i| c[i * dim + i]).sum::<f64>();
        // Tr (C₁C₂)^½ = Tr (C₁^½ C₂ C₁^½)^½, and the latter is symmetric: the sum of the square
        // roots of its eigenvalues.
        let root = symmetric_sqrt(&self.covariance, dim);
        let inner = multiply(&multiply(&root, &other.covariance, dim), &root, dim);
        let (values, _) = jacobi_eigen(&inner, dim);
        let cross: f64 = values.iter().map(|&v| v.max(0.0).sqrt()).sum();
        mean_term + trace(&self.covariance) + trace(&other.covariance) - 2.0 * cross
    }
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
            },
            classifier,
            device: device.clone(),
        })
    }

    /// Scores `images`, each 784 values in [-1, 1], with one readback.
    pub async fn score(&self, images: Tensor<2>) -> Result<QualityScore, String> {
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
        Ok(score_of(&read(features)?, &read(probabilities)?, &self.real))
    }
}

/// The figures of digits whose classifier features and class probabilities are given.
pub fn score_of(features: &[f32], probabilities: &[f32], real: &FeatureStats) -> QualityScore {
    let (histogram, score) = class_histogram_and_score(probabilities, CLASSES);
    let frechet_distance = FeatureStats::from_features(features, real.dim()).frechet_distance(real);
    QualityScore {
        histogram,
        score,
        frechet_distance,
    }
}

/// Class probabilities of a batch → the share of each predicted class and the classifier
/// score exp E_x[KL(p(y|x) ‖ p(y))].
pub fn class_histogram_and_score(probabilities: &[f32], classes: usize) -> (Vec<f64>, f64) {
    let n = (probabilities.len() / classes).max(1) as f64;
    let mut histogram = vec![0.0; classes];
    let mut marginal = vec![0.0; classes];
    for row in probabilities.chunks(classes) {
        let best = (0..classes)
            .max_by(|&a, &b| row[a].total_cmp(&row[b]))
            .unwrap_or(0);
        histogram[best] += 1.0 / n;
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

/// Host values as a flat f32 tensor, for export.
pub fn f32_tensor(values: &[f64], device: &Device) -> Tensor<1> {
    let values: Vec<f32> = values.iter().map(|&v| v as f32).collect();
    let n = values.len();
    Tensor::from_data(TensorData::new(values, [n]), device)
}

fn multiply(a: &[f64], b: &[f64], dim: usize) -> Vec<f64> {
    let mut out = vec![0.0; dim * dim];
    for i in 0..dim {
        for k in 0..dim {
            let aik = a[i * dim + k];
            for j in 0..dim {
                out[i * dim + j] += aik * b[k * dim + j];
            }
        }
    }
    out
}

/// The square root of a symmetric positive semi-definite matrix.
fn symmetric_sqrt(matrix: &[f64], dim: usize) -> Vec<f64> {
    let (values, vectors) = jacobi_eigen(matrix, dim);
    let mut out = vec![0.0; dim * dim];
    for (k, &value) in values.iter().enumerate() {
        let root = value.max(0.0).sqrt();
        for i in 0..dim {
            for j in 0..dim {
                out[i * dim + j] += root * vectors[i * dim + k] * vectors[j * dim + k];
            }
        }
    }
    out
}

/// Eigenvalues and eigenvectors (as columns) of a symmetric matrix by cyclic Jacobi rotations.
fn jacobi_eigen(matrix: &[f64], dim: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = matrix.to_vec();
    let mut v = vec![0.0; dim * dim];
    for i in 0..dim {
        v[i * dim + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..dim)
            .flat_map(|i| (0..dim).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * dim + j].powi(2))
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..dim {
            for q in p + 1..dim {
                let apq = a[p * dim + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * dim + q] - a[p * dim + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..dim {
                    let (akp, akq) = (a[k * dim + p], a[k * dim + q]);
                    a[k * dim + p] = c * akp - s * akq;
                    a[k * dim + q] = s * akp + c * akq;
                }
                for k in 0..dim {
                    let (apk, aqk) = (a[p * dim + k], a[q * dim + k]);
                    a[p * dim + k] = c * apk - s * aqk;
                    a[q * dim + k] = s * apk + c * aqk;
                }
                for k in 0..dim {
                    let (vkp, vkq) = (v[k * dim + p], v[k * dim + q]);
                    v[k * dim + p] = c * vkp - s * vkq;
                    v[k * dim + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..dim).map(|i| a[i * dim + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped classifier file reproduces its own reference line, and a set of identical
    /// digits scores as collapsed.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn shipped_judge_scores_real_and_collapsed_digits() {
        use crate::data::{parse_idx_images, pixels_to_tensor, read_gz};
        let device = Device::flex();
        let bytes = std::fs::read("www/weights/classifier.safetensors").unwrap();
        let judge = Judge::load(&bytes, &device).unwrap();
        let images = parse_idx_images(&read_gz("www/data/mnist-10k-images-idx3-ubyte.gz").unwrap()).unwrap();
        let (_, held_out) = held_out_split(images.count);
        let pixels: Vec<u8> = held_out.iter().flat_map(|&i| &images.pixels[i * 784..(i + 1) * 784]).copied().collect();
        let real = pollster::block_on(judge.score(pixels_to_tensor(&pixels, 784, &device))).unwrap();
        assert!((real.score - judge.reference.score).abs() < 1e-3, "{real:?}");
        assert!((real.frechet_distance - judge.reference.frechet_distance).abs() < 1e-2, "{real:?}");
        assert!(real.score > 9.0 && real.histogram.iter().all(|&h| h > 0.05), "{real:?}");

        let one_digit: Vec<u8> = (0..200).flat_map(|_| &pixels[..784]).copied().collect();
        let collapsed = pollster::block_on(judge.score(pixels_to_tensor(&one_digit, 784, &device))).unwrap();
        assert!(collapsed.score < 1.01, "{collapsed:?}");
        assert!(collapsed.histogram.iter().any(|&h| h > 0.99), "{collapsed:?}");
        assert!(collapsed.frechet_distance > 10.0 * real.frechet_distance, "{collapsed:?}");
    }

    /// The shipped generators, judged on 1,500 samples (printed for the record): the DCGAN that
    /// generate mode loads, and the classic MLP the tutorial uses.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn shipped_generators_cover_every_class() {
        use crate::weights::load_generator;
        let device = Device::flex();
        let judge = Judge::load(&std::fs::read("www/weights/classifier.safetensors").unwrap(), &device).unwrap();
        for (file, min_score, max_fd) in [("generator.safetensors", 7.5, 40.0), ("generator-mlp.safetensors", 6.5, 80.0)] {
            let bytes = std::fs::read(format!("www/weights/{file}")).unwrap();
            let generator = load_generator(&bytes, &device).unwrap();
            let noise = HostRng::new(11).normal(HELD_OUT * generator.latent_dim());
            let quality = pollster::block_on(judge.score(generator.generate(noise, &device))).unwrap();
            println!("{file}: {quality:?}; held-out real digits: {:?}", judge.reference);
            assert!(quality.histogram.iter().all(|&h| h >= 0.03), "{file}: {quality:?}");
            assert!(quality.score > min_score && quality.frechet_distance < max_fd, "{file}: {quality:?}");
        }
    }

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
    fn frechet_distance_of_known_gaussians() {
        // Same covariance diag(1, 4), means 3 apart: FD = 9. Covariances diag(1, 4) and
        // diag(4, 9), equal means: (1 − 2)² + (2 − 3)² = 2.
        let a = FeatureStats { mean: vec![0.0, 0.0], covariance: vec![1.0, 0.0, 0.0, 4.0] };
        let b = FeatureStats { mean: vec![3.0, 0.0], covariance: a.covariance.clone() };
        let c = FeatureStats { mean: vec![0.0, 0.0], covariance: vec![4.0, 0.0, 0.0, 9.0] };
        assert!((a.frechet_distance(&b) - 9.0).abs() < 1e-9);
        assert!((a.frechet_distance(&c) - 2.0).abs() < 1e-9);
        assert!(a.frechet_distance(&a).abs() < 1e-9);
        // A rotated, correlated covariance against itself is 0 too.
        let d = FeatureStats { mean: vec![1.0, 2.0], covariance: vec![2.0, 1.5, 1.5, 2.0] };
        assert!(d.frechet_distance(&d).abs() < 1e-9);
    }

    #[test]
    fn covariance_of_samples() {
        let stats = FeatureStats::from_features(&[1.0, 2.0, 3.0, 6.0], 2);
        assert_eq!(stats.mean, vec![2.0, 4.0]);
        assert_eq!(stats.covariance, vec![2.0, 4.0, 4.0, 8.0]);
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
