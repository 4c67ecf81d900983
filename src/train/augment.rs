//! Augmentation of what D sees (DiffAugment, Zhao et al., 2020): each image D looks at, real
//! or generated, is shifted by a few pixels and has a square blanked out, at random, and G
//! learns through the same augmentation. D then cannot memorise the 10,000 training digits
//! pixel for pixel, and since G's gradient passes through the augmentation, G is not pushed
//! to draw shifted or blanked digits: the augmented distributions match only when the
//! unaugmented ones do.
//!
//! Both are one `gather` over the image with a background pixel appended: pixel i of the
//! augmented image is pixel `index[i]` of the original, or the background. The gather is
//! differentiable; its backward (what the hand-written trainer calls) adds each output
//! pixel's gradient onto the pixel it came from.

use burn::prelude::*;
use burn::tensor::IndexingUpdateOp;

use crate::data::{IMAGE_PIXELS, IMAGE_SIDE};
use crate::rng::HostRng;

/// Largest shift, in pixels, either way along each axis: an eighth of the side, as in
/// DiffAugment's `translation`.
pub const MAX_SHIFT: usize = IMAGE_SIDE / 8;

/// Side of the blanked square: half the image's, as in DiffAugment's `cutout`.
pub const CUTOUT_SIDE: usize = IMAGE_SIDE / 2;

/// The value of a pixel shifted in from outside or blanked: the background of images in
/// [-1, 1].
const BACKGROUND: f32 = -1.0;

/// One batch's augmentation: where each pixel of each augmented image comes from.
pub struct Augmentation {
    /// Per image, the source of each pixel: an index below 784, or 784 for the background. // [batch, 784]
    index: Tensor<2, Int>,
}

impl Augmentation {
    /// Draws a batch's augmentation: each image is shifted with probability `probability`, by
    /// up to [`MAX_SHIFT`] pixels along each axis, and, independently with the same
    /// probability, loses a [`CUTOUT_SIDE`]-square centred anywhere on it. `None` at
    /// probability 0, without drawing from `rng`.
    pub fn draw(probability: f32, batch: usize, rng: &mut HostRng, device: &Device) -> Option<Self> {
        if probability <= 0.0 {
            return None;
        }
        let mut sources = Vec::with_capacity(batch * IMAGE_PIXELS);
        let whole = |rng: &mut HostRng, n: usize| ((rng.uniform() * n as f32) as usize).min(n - 1);
        let span = 2 * MAX_SHIFT + 1;
        for _ in 0..batch {
            let shift = (rng.uniform() < probability).then(|| {
                let (dx, dy) = (whole(rng, span), whole(rng, span));
                (dx as isize - MAX_SHIFT as isize, dy as isize - MAX_SHIFT as isize)
            });
            let cutout = (rng.uniform() < probability).then(|| (whole(rng, IMAGE_SIDE), whole(rng, IMAGE_SIDE)));
            sources.extend(image_sources(shift.unwrap_or((0, 0)), cutout));
        }
        let index = Tensor::from_data(TensorData::new(sources, [batch, IMAGE_PIXELS]), device);
        Some(Self { index })
    }

    /// The augmentation of a batch whose images each move by `shift` (x, y) and lose the
    /// square centred at `cutout` (x, y), if any: for tests and hand computations.
    pub fn fixed(batch: usize, shift: (isize, isize), cutout: Option<(usize, usize)>, device: &Device) -> Self {
        let sources: Vec<i64> = (0..batch).flat_map(|_| image_sources(shift, cutout)).collect();
        Self { index: Tensor::from_data(TensorData::new(sources, [batch, IMAGE_PIXELS]), device) }
    }

    /// The augmented images, differentiably. // [batch, 784]
    pub fn apply(&self, images: Tensor<2>) -> Tensor<2> {
        let [batch, _] = images.dims();
        let background = Tensor::full([batch, 1], BACKGROUND, &images.device()); // [batch, 1]
        let padded = Tensor::cat(vec![images, background], 1); // [batch, 785]
        let index = self.index.clone().to_device(&padded.device());
        padded.gather(1, index) // [batch, 784]
    }

    /// `apply`'s backward: the gradient at the original images, given `grad` at the augmented
    /// ones. Each augmented pixel's gradient adds onto its source; the background's is dropped. // [batch, 784]
    pub fn backward(&self, grad: Tensor<2>) -> Tensor<2> {
        let [batch, _] = grad.dims();
        let sums = Tensor::zeros([batch, IMAGE_PIXELS + 1], &grad.device()); // [batch, 785]
        let index = self.index.clone().to_device(&grad.device());
        sums.scatter(1, index, grad, IndexingUpdateOp::Add).slice([0..batch, 0..IMAGE_PIXELS]) // [batch, 784]
    }
}

/// Where each pixel of one augmented image comes from, row by row. // [784]
fn image_sources((dx, dy): (isize, isize), cutout: Option<(usize, usize)>) -> impl Iterator<Item = i64> {
    let side = IMAGE_SIDE as isize;
    let half = (CUTOUT_SIDE / 2) as isize;
    (0..side).flat_map(move |y| {
        (0..side).map(move |x| {
            let blanked = cutout.is_some_and(|(cx, cy)| {
                let (cx, cy) = (cx as isize, cy as isize);
                (cx - half..cx + half).contains(&x) && (cy - half..cy + half).contains(&y)
            });
            let (sx, sy) = (x - dx, y - dy);
            if blanked || !(0..side).contains(&sx) || !(0..side).contains(&sy) {
                IMAGE_PIXELS as i64
            } else {
                (sy * side + sx) as i64
            }
        })
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn ramp(batch: usize, device: &Device) -> Tensor<2> {
        let values: Vec<f32> = (0..batch * IMAGE_PIXELS).map(|i| (i % 997) as f32 / 997.0).collect();
        Tensor::from_data(TensorData::new(values, [batch, IMAGE_PIXELS]), device)
    }

    fn values(t: Tensor<2>) -> Vec<f32> {
        t.into_data().iter::<f32>().collect()
    }

    /// At probability 0 there is no augmentation and the random stream is left untouched.
    #[test]
    fn nothing_at_probability_zero() {
        let mut rng = HostRng::new(7);
        assert!(Augmentation::draw(0.0, 4, &mut rng, &Device::flex()).is_none());
        assert_eq!(rng.state(), HostRng::new(7).state());
    }

    /// No shift and no cutout is the identity, forward and backward.
    #[test]
    fn identity_without_shift_or_cutout() {
        let device = Device::flex();
        let images = ramp(3, &device);
        let augmentation = Augmentation::fixed(3, (0, 0), None, &device);
        assert_eq!(values(augmentation.apply(images.clone())), values(images.clone()));
        assert_eq!(values(augmentation.backward(images.clone())), values(images));
    }

    /// A shift by (2, −1) and a cutout, checked pixel by pixel against a hand computation.
    #[test]
    fn shift_and_cutout_by_hand() {
        let device = Device::flex();
        let images = ramp(2, &device);
        let original = values(images.clone());
        let out = values(Augmentation::fixed(2, (2, -1), Some((20, 5)), &device).apply(images));
        let half = (CUTOUT_SIDE / 2) as isize;
        for b in 0..2 {
            for y in 0..IMAGE_SIDE {
                for x in 0..IMAGE_SIDE {
                    let (xi, yi) = (x as isize, y as isize);
                    let blanked = (20 - half..20 + half).contains(&xi) && (5 - half..5 + half).contains(&yi);
                    let (sx, sy) = (x as isize - 2, y as isize + 1);
                    let inside = (0..IMAGE_SIDE as isize).contains(&sx) && (0..IMAGE_SIDE as isize).contains(&sy);
                    let want = if blanked || !inside {
                        BACKGROUND
                    } else {
                        original[b * IMAGE_PIXELS + sy as usize * IMAGE_SIDE + sx as usize]
                    };
                    assert_eq!(out[b * IMAGE_PIXELS + y * IMAGE_SIDE + x], want, "image {b}, pixel ({x}, {y})");
                }
            }
        }
    }

    /// The augmentation is differentiable: autodiff's gradient of Σ w · aug(x) is `backward(w)`,
    /// w moved back by the shift with nothing where the pixels were blanked or shifted out.
    #[test]
    fn differentiable_and_backward_agrees_with_autodiff() {
        let device = Device::flex().autodiff();
        let mut rng = HostRng::new(3);
        let augmentation = Augmentation::draw(0.9, 4, &mut rng, &device).expect("probability 0.9");
        let images = ramp(4, &device).require_grad();
        let weights = ramp(4, &device).mul_scalar(2.0).sub_scalar(0.7);
        let loss = (augmentation.apply(images.clone()) * weights.clone()).sum();
        let autodiff = values(images.grad(&loss.backward()).unwrap());
        let by_hand = values(augmentation.backward(weights.inner()));
        assert!(autodiff.iter().zip(&by_hand).all(|(a, b)| (a - b).abs() < 1e-5));
        // Not the identity: some gradient was moved or dropped.
        assert_ne!(by_hand, values(ramp(4, &Device::flex()).mul_scalar(2.0).sub_scalar(0.7)));
        // A pure shift by (1, 0): pixel (x, y)'s gradient is w at (x + 1, y), zero in the last column.
        let shift = Augmentation::fixed(1, (1, 0), None, &Device::flex());
        let w = ramp(1, &Device::flex());
        let (g, w) = (values(shift.backward(w.clone())), values(w));
        for y in 0..IMAGE_SIDE {
            for x in 0..IMAGE_SIDE {
                let want = if x + 1 < IMAGE_SIDE { w[y * IMAGE_SIDE + x + 1] } else { 0.0 };
                assert_eq!(g[y * IMAGE_SIDE + x], want);
            }
        }
    }

    /// About the asked share of images is shifted, and shifts stay within MAX_SHIFT.
    #[test]
    fn draws_at_the_asked_probability() {
        let device = Device::flex();
        let mut rng = HostRng::new(11);
        let batch = 400;
        let augmentation = Augmentation::draw(0.5, batch, &mut rng, &device).unwrap();
        let index: Vec<i64> = augmentation.index.into_data().iter::<i64>().collect();
        let identity: Vec<i64> = (0..IMAGE_PIXELS as i64).collect();
        let untouched = index.chunks(IMAGE_PIXELS).filter(|image| *image == identity.as_slice()).count();
        // Neither shifted (a shift of (0, 0) counts as none) nor cut: about 1/4 + a little.
        assert!((70..150).contains(&untouched), "{untouched} of {batch} untouched");
    }
}
