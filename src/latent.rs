//! Host-side maths of the latent explorer: the directions in z along which a generator's
//! digit changes most. Plain numbers in and out; the caller runs the generator.
//!
//! Moving z along coordinate axes mostly does nothing visible, because G spreads each
//! feature of the digit over many coordinates. The directions that matter at a given z are
//! the leading right singular vectors of G's Jacobian there: the eigenvectors of JᵀJ, where
//! J = ∂G(z)/∂z is estimated by finite differences from `latent + 1` images.

/// Step of the finite differences, in units of z (which is N(0, 1) per coordinate).
pub const PROBE_STEP: f32 = 0.05;

/// Power-iteration rounds per direction: plenty for a 100 × 100 symmetric matrix.
const ROUNDS: usize = 300;

/// The generator inputs that probe G around `z`: z itself, then z + PROBE_STEP · eᵢ for each
/// coordinate i. // [(latent + 1) × latent]
pub fn probe_noise(z: &[f32]) -> Vec<f32> {
    let latent = z.len();
    let mut noise = Vec::with_capacity((latent + 1) * latent);
    noise.extend_from_slice(z);
    for i in 0..latent {
        noise.extend_from_slice(z);
        noise[(i + 1) * latent + i] += PROBE_STEP;
    }
    noise
}

/// From G's images of [`probe_noise`] (`latent + 1` rows of equal length), the `count`
/// directions in z along which the image changes most, as unit vectors (`count × latent`
/// values, the strongest first), and each one's strength: how far the image moves (L2, in
/// [-1, 1] pixel units) per unit step along it.
pub fn principal_directions(images: &[f32], latent: usize, count: usize) -> (Vec<f32>, Vec<f32>) {
    let pixels = images.len() / (latent + 1);
    let base = &images[..pixels];
    // J's columns: (G(z + h·eᵢ) − G(z)) / h.
    let columns: Vec<Vec<f32>> = (0..latent)
        .map(|i| {
            let row = &images[(i + 1) * pixels..(i + 2) * pixels];
            row.iter().zip(base).map(|(a, b)| (a - b) / PROBE_STEP).collect()
        })
        .collect();
    // JᵀJ, symmetric: [latent, latent].
    let mut gram = vec![0f64; latent * latent];
    for i in 0..latent {
        for j in i..latent {
            let dot: f64 = columns[i].iter().zip(&columns[j]).map(|(a, b)| (*a as f64) * (*b as f64)).sum();
            gram[i * latent + j] = dot;
            gram[j * latent + i] = dot;
        }
    }
    let count = count.min(latent);
    let mut found: Vec<Vec<f64>> = Vec::new();
    for k in 0..count {
        // A fixed start, different per direction, so the same z always gives the same sliders.
        let mut v: Vec<f64> = (0..latent).map(|i| 1.0 + ((i * 7 + k * 13) % 11) as f64 / 10.0).collect();
        for _ in 0..ROUNDS {
            orthogonalise(&mut v, &found);
            if normalise(&mut v) == 0.0 {
                break;
            }
            v = multiply(&gram, &v);
        }
        orthogonalise(&mut v, &found);
        normalise(&mut v);
        found.push(v);
    }
    // Each direction's strength is its Rayleigh quotient √(vᵀ JᵀJ v). Where two eigenvalues are
    // nearly equal the iteration may not have separated them, so sort by it.
    let mut ranked: Vec<(f64, Vec<f64>)> = found
        .into_iter()
        .map(|v| (dot(&v, &multiply(&gram, &v)).max(0.0).sqrt(), v))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let strengths = ranked.iter().map(|(s, _)| *s as f32).collect();
    let directions = ranked.iter().flat_map(|(_, v)| v.iter().map(|&x| x as f32)).collect();
    (directions, strengths)
}

fn multiply(matrix: &[f64], v: &[f64]) -> Vec<f64> {
    matrix.chunks(v.len()).map(|row| dot(row, v)).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Scales `v` to length 1 and returns its former length; a zero vector stays zero.
fn normalise(v: &mut [f64]) -> f64 {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    norm
}

/// Removes from `v` its components along the unit vectors `basis`.
fn orthogonalise(v: &mut [f64], basis: &[Vec<f64>]) {
    for b in basis {
        let along = dot(v, b);
        v.iter_mut().zip(b).for_each(|(x, y)| *x -= along * y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A linear "generator" that stretches z along two known directions recovers them, in
    /// order of strength, with the right strengths.
    #[test]
    fn recovers_the_directions_of_a_linear_map() {
        let latent = 6;
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let strong = [s, s, 0.0, 0.0, 0.0, 0.0];
        let weak = [0.0, 0.0, 0.0, 0.6, 0.8, 0.0];
        // image = 5 (strong·z) on pixel 0, 2 (weak·z) on pixel 1, 0.1 z₂ on pixel 2.
        let g = |z: &[f32]| {
            let along = |d: &[f32; 6]| d.iter().zip(z).map(|(a, b)| a * b).sum::<f32>();
            vec![5.0 * along(&strong), 2.0 * along(&weak), 0.1 * z[2]]
        };
        let z = [0.3, -1.0, 0.5, 2.0, 0.0, -0.7];
        let probes = probe_noise(&z);
        assert_eq!(probes.len(), (latent + 1) * latent);
        let images: Vec<f32> = probes.chunks(latent).flat_map(g).collect();
        let (directions, strengths) = principal_directions(&images, latent, 3);
        let cosine = |d: &[f32], e: &[f32]| d.iter().zip(e).map(|(a, b)| a * b).sum::<f32>().abs();
        assert!(cosine(&directions[..6], &strong) > 0.999, "{directions:?}");
        assert!(cosine(&directions[6..12], &weak) > 0.999, "{directions:?}");
        assert!(cosine(&directions[12..], &[0.0, 0.0, 1.0, 0.0, 0.0, 0.0]) > 0.999, "{directions:?}");
        for (got, want) in strengths.iter().zip([5.0, 2.0, 0.1]) {
            assert!((got - want).abs() < 1e-2 * want, "{strengths:?}");
        }
    }
}
