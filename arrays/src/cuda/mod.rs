//! GPU arrays on cudarc (feature `cuda`): [`CudaMatrix`] and its sample vector
//! [`CudaVector`], for `f32` and `f64`.
//!
//! ```no_run
//! use duckml_arrays::cuda::CudaMatrix;
//! use duckml_arrays::prelude::*;
//! use ndarray::Array2;
//!
//! let x_host = Array2::<f32>::ones((1000, 10));
//! let x = CudaMatrix::from_host(&x_host)?;        // Err(CudaError::NoGpu(..)) without a GPU
//! let y = x.vector_from_host(ndarray::Array1::zeros(1000).view())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layout and where the work happens
//!
//! A [`CudaMatrix`] is dense and **column-major** (cuBLAS's native layout): element
//! `(i, j)` of an `n x p` matrix is at `i + j n`. Column-major also makes a block of
//! sample vectors (`n x m`, the vectors as columns) a `CudaMatrix` whose columns are
//! contiguous, so `CudaMatrix` is its own [`SampleBlock`](crate::SampleBlock) type.
//!
//! - `X v`, `X^T r`, `X^T diag(w) X` (row blocks), `X C^T` (k-means, distances) and the
//!   block products are cuBLAS GEMV/GEMM calls;
//! - elementwise maps, checks, reductions, the GLM element pass (loss, residual and
//!   their sums in one kernel between the two GEMVs) and the k-means assignment
//!   (argmin, exact distance, label change, one-hot row for the GEMM that sums the rows
//!   per centre) are NVRTC-compiled kernels (`arrays/cuda/*.cu`), compiled once per
//!   element type and loaded once per device;
//! - only model-sized values cross to the host per call: coefficients, gradients,
//!   `p x p` and `k x p` results, and at most [`MAX_REDUCE_BLOCKS`] per-block partial
//!   sums of a reduction.
//!
//! # Errors
//!
//! Constructors ([`CudaMatrix::from_host`], [`CudaMatrix::chunked_from_host`],
//! [`available`]) return [`CudaError::NoGpu`] when the CUDA driver, cuBLAS or NVRTC
//! library is missing or no device is present: cudarc is asked
//! (`is_culib_present`) before any call that would panic. The contract's bulk
//! operations return plain values, so a device failure after construction (out of
//! memory, a lost device) panics with the CUDA error.
//!
//! # Streams and devices
//!
//! Every matrix owns a *lane*: its own CUDA stream and cuBLAS handle on one device.
//! [`CudaMatrix::chunked_from_host`] gives every chunk of a
//! [`Chunked`](crate::Chunked) matrix its own lane, round-robin over the visible devices,
//! so the chunks' work (driven by rayon, one thread per chunk) overlaps.

mod block;
mod cluster;
mod codes;
mod core;
mod device;
mod glm;
mod graph;
#[doc(hidden)]
pub mod host_math;
pub mod kernels;
mod matrix;
mod split;
mod vector;

pub use device::{available, device_count, CudaFloat, MAX_REDUCE_BLOCKS};
pub use matrix::{set_row_block_elems, CudaMatrix};
pub use vector::CudaVector;

use std::fmt;

/// What can go wrong creating or moving GPU arrays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CudaError {
    /// No usable GPU: a CUDA library (driver, cuBLAS, NVRTC) could not be loaded or the
    /// driver reports no device. The reason says which.
    NoGpu(String),
    /// A call into the CUDA driver or cuBLAS failed.
    Device(String),
    /// NVRTC rejected a kernel source (the compiler's log is included).
    Compile(String),
    /// The input cannot be represented (shape, length, sizes beyond cuBLAS's `i32`).
    Invalid(String),
}

impl fmt::Display for CudaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CudaError::NoGpu(why) => write!(f, "no GPU available: {why}"),
            CudaError::Device(e) => write!(f, "CUDA error: {e}"),
            CudaError::Compile(e) => write!(f, "CUDA kernel compilation failed: {e}"),
            CudaError::Invalid(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for CudaError {}

impl From<CudaError> for crate::contract::ArrayError {
    fn from(e: CudaError) -> Self {
        crate::contract::ArrayError::Invalid(e.to_string())
    }
}
