//! The duckml array contract and its CPU backends.
//!
//! Estimators and solvers are written once against [`DataMatrix`] and
//! [`SampleVector`]; each array type (ndarray's dense arrays here; sparse, chunked and
//! GPU arrays as they arrive) implements them. See `arrays/README.md` for the
//! principles and how to add a backend.
//!
//! ```
//! use duckml_arrays::{DataMatrix, GlmFamily, Linear};
//! use ndarray::array;
//!
//! let x = array![[1.0, 2.0], [3.0, 4.0]];
//! let y = array![0.5, 1.5];
//! let coef = array![0.1, -0.2];
//! let lin = Linear { coef: coef.view(), intercept: 0.3 };
//! let part = x.glm_loss_grad(GlmFamily::Gaussian, &y, lin);
//! // eta = [0.0, -0.2]; residuals = eta - y = [-0.5, -1.7]
//! assert!((part.grad_intercept - (-2.2)).abs() < 1e-12);
//! assert!((part.grad[0] - (-0.5 - 5.1)).abs() < 1e-12);
//! ```
#![warn(missing_docs)]

mod block;
mod chunked;
pub mod cluster;
mod contract;
#[cfg(feature = "cuda")]
pub mod cuda;
mod dense;
mod dense_cluster;
mod dense_glm;
mod family;
mod float;
mod graph;
pub mod kernels;
mod ops;
mod pass;
mod simd;
mod sparse;
mod sparse_cluster;
mod sparse_factor;

pub use block::SampleBlock;
pub use chunked::{Chunked, ChunkedVector, SplitRows};
pub use cluster::{KMeansStep, Nearest};
pub use contract::{
    finite_from_pass, ArrayError, BlockVector, ColumnsOf, DataMatrix, GlmHessian, GlmLossGrad,
    Linear, SampleVector,
};
#[cfg(feature = "cuda")]
pub use cuda::{CudaError, CudaMatrix, CudaVector};
pub use family::{ElementTerms, GlmFamily};
pub use float::Float;
pub use graph::{BlockSolve, Neighbors};
pub use ops::{hash_uniform, BinaryOp, ElementCheck, PairReduction, Reduction, UnaryOp};
