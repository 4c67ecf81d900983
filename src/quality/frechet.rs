//! The Fréchet distance between two sets of classifier features, each summarised by its mean
//! and covariance: how far generated digits are from real ones, as the classifier sees them.

use burn::prelude::*;

use crate::weights::{Export, WeightsError, WeightsFile};

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
}
