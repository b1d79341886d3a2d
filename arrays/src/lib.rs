//! The duckml array contract and its backends.
//!
//! Estimators and solvers are written once against [`DataMatrix`] and
//! [`SampleVector`]; each array type implements them: ndarray's dense matrices,
//! sprs's CSR and CSC matrices, [`Chunked`] row blocks of any of them, files mapped
//! from disk ([`mmap`]: `.npy` and CSR folders, out of core), (feature `cuda`)
//! `CudaMatrix` on the GPU, and (feature `mpi`) `Distributed` rows spread over the
//! processes of an MPI job. See `arrays/README.md` for the layout and how to
//! add a backend.
//!
//! Layers, from the bottom: `element` (float types, GLM families, op enums),
//! `contract` (the traits, in parts: [`MatrixCore`] plus the operation families
//! [`GlmOps`], [`ClusterOps`], [`GraphOps`]), `cpu` (kernels shared by the CPU
//! backends), then one folder per backend (`dense`, `sparse`, `chunked`, `mmap`, `cuda`); [`npy`]
//! is the `.npy` header reader that `mmap` and the datasets crate share.
//! Lower layers never import higher ones, and no backend imports another's internals.
//!
//! ```
//! use duckml_arrays::prelude::*;
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

pub mod contract;
mod cpu;
mod element;
pub mod npy;

mod chunked;
#[cfg(feature = "cuda")]
pub mod cuda;
mod dense;
pub mod mmap;
#[cfg(feature = "mpi")]
pub mod mpi;
mod sparse;

pub use chunked::{Chunked, ChunkedVector};
pub use contract::{
    finite_from_pass, ArrayError, BlockSolve, BlockVector, ClusterOps, ColumnSqSums, ColumnsOf,
    DataMatrix, GlmHessian, GlmLossGrad, GlmOps, GraphOps, KMeansStep, Linear, MatrixCore, Nearest,
    Neighbors, SampleBlock, SampleVector, SplitRows,
};
#[cfg(feature = "cuda")]
pub use cuda::{CudaError, CudaMatrix, CudaVector};
pub use element::{
    hash_uniform, BinaryOp, ElementCheck, ElementTerms, Float, GlmFamily, PairReduction, Reduction,
    UnaryOp,
};
pub use mmap::{open_csr, open_npy, MapElement, MmapCsr, MmapError, MmapMatrix};
#[cfg(feature = "mpi")]
pub use mpi::{Comm, DistVector, Distributed, Mpi, Traffic};

/// The contract's traits and the types their methods take, for code that calls the
/// operations on a concrete array type: `use duckml_arrays::prelude::*;`.
pub mod prelude {
    pub use crate::contract::Linear;
    pub use crate::contract::{
        ClusterOps, DataMatrix, GlmOps, GraphOps, MatrixCore, SampleBlock, SampleVector,
    };
    pub use crate::element::{Float, GlmFamily};
}
