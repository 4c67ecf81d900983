//! The hand-written trainer's hidden activations, ReLU (G's) and LeakyReLU (D's): each itself,
//! and its local slope, which the backward passes multiply gradients by.

use burn::prelude::*;

use crate::nets::leaky;

/// ReLU or LeakyReLU.
#[derive(Clone, Copy, Debug)]
pub enum Rectifier {
    /// max(x, 0); its slope is 1 where x > 0, else 0 (0 at x = 0 too, as in burn's ReLU backward).
    Relu,
    /// x where x ≥ 0, else this slope times x; its slope is 1 where x ≥ 0, else this slope.
    Leaky(f64),
}

impl Rectifier {
    /// The activation of `x`. // [n, width]
    pub fn apply(self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Rectifier::Relu => x.clamp_min(0.0),
            Rectifier::Leaky(_) => self.scale_by_slope(x.clone(), x),
        }
    }

    /// `value` ⊙ the slope at `x`: LeakyReLU's is the critics' own operation
    /// ([`crate::nets::leaky`]). Comparisons feeding `mask_fill` fuse with their neighbours; a
    /// bool-to-float cast would not. // [n, width]
    pub fn scale_by_slope(self, value: Tensor<2>, x: Tensor<2>) -> Tensor<2> {
        match self {
            Rectifier::Relu => value.mask_fill(x.lower_equal_elem(0.0), 0.0),
            Rectifier::Leaky(slope) => leaky::scale_by_slope(value, x, slope),
        }
    }

    /// The slope where x < 0 and where x = 0 (elsewhere it is 1), for a kernel. Either
    /// activation is x times its slope where x < 0 and x elsewhere.
    pub fn below_and_at_zero(self) -> (f32, f32) {
        match self {
            Rectifier::Relu => (0.0, 0.0),
            Rectifier::Leaky(slope) => (slope as f32, 1.0),
        }
    }
}
