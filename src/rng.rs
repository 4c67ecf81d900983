//! Seeded host-side random numbers.
//!
//! Weights and noise are drawn here rather than on the device so that the same seed gives
//! bit-identical starting points on every backend: the WebGPU-vs-CPU agreement test and
//! CPU determinism both rest on it.

/// SplitMix64: tiny, fast, and good enough for initialisation and latent noise.
#[derive(Clone, Debug)]
pub struct HostRng {
    state: u64,
}

impl HostRng {
    /// A stream from `seed`; `HostRng::new(rng.state())` continues `rng`'s stream exactly.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Where the stream is: what a checkpoint keeps.
    pub fn state(&self) -> u64 {
        self.state
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in [-bound, bound).
    pub fn symmetric(&mut self, bound: f32) -> f32 {
        (self.uniform() * 2.0 - 1.0) * bound
    }

    /// `n` standard normal samples (Box–Muller).
    pub fn normal(&mut self, n: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(n + 1);
        while out.len() < n {
            let u1 = 1.0 - self.uniform(); // (0, 1]: keeps ln finite
            let u2 = self.uniform();
            let radius = (-2.0 * u1.ln()).sqrt();
            let angle = 2.0 * core::f32::consts::PI * u2;
            out.push(radius * angle.cos());
            out.push(radius * angle.sin());
        }
        out.truncate(n);
        out
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (HostRng::new(7), HostRng::new(7));
        assert_eq!(a.normal(101), b.normal(101));
        assert_ne!(HostRng::new(8).normal(4), HostRng::new(7).normal(4));
    }

    #[test]
    fn normal_has_unit_moments() {
        let xs = HostRng::new(1).normal(100_000);
        let mean = xs.iter().sum::<f32>() / xs.len() as f32;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / xs.len() as f32;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "var {var}");
    }
}
