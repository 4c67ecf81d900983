//! Peak f32 multiply-add rates of one core in 128-bit wasm SIMD, with no memory traffic:
//! 12 independent accumulators of 4 lanes (the shape of gemm's 3 × 4 micro-kernel), each
//! updated once per iteration as acc·a + b, a chain the compiler cannot hoist out of the loop.
//! Each export returns a value that depends on every update, so none can be optimised away;
//! multiply-adds done = iterations × 12 × 4.
#![no_std]

use core::arch::wasm32::*;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

macro_rules! peak {
    ($name:ident, $update:expr) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $name(iterations: u32, seed: f32) -> f32 {
            let a = f32x4_splat(0.999_9);
            let b = f32x4_splat(seed);
            let mut acc = [f32x4_splat(0.0); 12];
            for (i, acc) in acc.iter_mut().enumerate() {
                *acc = f32x4_splat(i as f32 * seed);
            }
            for _ in 0..iterations {
                for acc in acc.iter_mut() {
                    *acc = $update(*acc, a, b);
                }
            }
            let mut sum = f32x4_splat(0.0);
            for acc in acc {
                sum = f32x4_add(sum, acc);
            }
            f32x4_extract_lane::<0>(sum) + f32x4_extract_lane::<3>(sum)
        }
    };
}

// acc·a + b as two instructions, what wasm SIMD has everywhere.
peak!(mul_add, |acc, a, b| f32x4_add(f32x4_mul(acc, a), b));

// acc·a + b as one relaxed multiply-add (fused where the CPU has it).
#[cfg(target_feature = "relaxed-simd")]
peak!(relaxed_madd, |acc, a, b| f32x4_relaxed_madd(acc, a, b));
