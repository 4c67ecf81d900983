//! One matmul kernel for every product of the hand-written trainer on WebGPU.
//!
//! burn's fused matmul compiles a kernel per shape, layout and fused prologue or epilogue: ten
//! of them in the classic MLP's step, 1,300–2,200 lines of WGSL each, which SwiftShader took
//! 0.8–1.8 s apiece to compile, 10.2 of the first step's 11 s (docs/performance.md). This one
//! is compiled once, for every shape and either operand transposed (it reads both through their
//! strides): one output element per invocation, a dot product along the shared dimension.
//! The matrices of a batch of 64 are small enough that the GPU's time goes to launching
//! kernels rather than to multiply-adds, and fusion still joins the elementwise chains around
//! each product. It enters burn as a backend extension, which fusion runs as a custom
//! operation; on the CPU the products stay burn's own matmul, through the same call as before.

use burn::prelude::*;

/// The product `lhs · rhs` of two matrices. // [m, k] · [k, n] → [m, n]
pub fn matmul(lhs: Tensor<2>, rhs: Tensor<2>) -> Tensor<2> {
    #[cfg(feature = "webgpu")]
    if matches!(lhs.device().as_dispatch(), burn::backend::DispatchDevice::Cube(_)) {
        use burn::backend::Dispatch;
        return Tensor::from_dispatch(<Dispatch as cube::PlainMatmul>::plain_matmul(lhs.into_dispatch(), rhs.into_dispatch()));
    }
    lhs.matmul(rhs)
}

#[cfg(feature = "webgpu")]
mod cube {
    use burn::backend::tensor::FloatTensor;
    use burn::backend::{Backend, backend_extension};
    use burn::tensor::Shape;
    use burn_cubecl::CubeBackend;
    use burn_cubecl::kernel::untile;
    use burn_cubecl::ops::numeric::empty_device_contiguous_dtype;
    use burn_cubecl::tensor::CubeTensor;
    use cubecl::prelude::*;
    use cubecl::{CubeDim, calculate_cube_count_elemwise};

    #[backend_extension(Cube, Fusion)]
    pub trait PlainMatmul: Backend {
        /// `lhs · rhs` for two matrices.
        #[fusion(dtype = lhs, shape = product_shape(lhs, rhs))]
        fn plain_matmul(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>) -> FloatTensor<Self>;
    }

    /// The shape of `lhs · rhs`. // [m, n]
    fn product_shape(lhs: &Shape, rhs: &Shape) -> Shape {
        Shape::new([lhs[0], rhs[1]])
    }

    /// One element of `out = lhs · rhs` per invocation, each operand read through its strides.
    #[cube(launch_unchecked)]
    fn plain_matmul_kernel(lhs: &Tensor<f32>, rhs: &Tensor<f32>, out: &mut Tensor<f32>) {
        let columns = out.shape(1);
        if ABSOLUTE_POS >= out.shape(0) * columns {
            terminate!();
        }
        let row = ABSOLUTE_POS / columns;
        let column = ABSOLUTE_POS % columns;
        let (lhs_step, rhs_step) = (lhs.stride(1), rhs.stride(0));
        let mut at_lhs = row * lhs.stride(0);
        let mut at_rhs = column * rhs.stride(1);
        let mut sum = 0.0f32;
        for _ in 0..lhs.shape(1) {
            sum += lhs[at_lhs] * rhs[at_rhs];
            at_lhs += lhs_step;
            at_rhs += rhs_step;
        }
        let at_out = row * out.stride(0) + column * out.stride(1);
        out[at_out] = sum;
    }

    impl PlainMatmul for CubeBackend {
        fn plain_matmul(lhs: CubeTensor, rhs: CubeTensor) -> CubeTensor {
            let (lhs, rhs) = (untile(lhs), untile(rhs));
            let shape = product_shape(lhs.meta.shape(), rhs.meta.shape());
            let elements = shape.num_elements();
            let out = empty_device_contiguous_dtype(lhs.client.clone(), lhs.device.clone(), shape, lhs.dtype);
            let cube_dim = CubeDim::new(&lhs.client, elements);
            let cube_count = calculate_cube_count_elemwise(&lhs.client, elements, cube_dim);
            // Safety: every index the kernel reads is within its operand's shape and strides,
            // and it writes only below out's element count.
            unsafe {
                plain_matmul_kernel::launch_unchecked(
                    &out.client,
                    cube_count,
                    cube_dim,
                    lhs.into_tensor_arg(),
                    rhs.into_tensor_arg(),
                    out.clone().into_tensor_arg(),
                );
            }
            out
        }
    }
}
