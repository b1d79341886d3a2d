//! The array contract, in parts a backend author reads one at a time.
//!
//! | part | trait | a backend must | a backend may |
//! |---|---|---|---|
//! | sample vectors | [`SampleVector`] | length, host copy, check, map, zip-map, reductions | override the host selections (`top_k`, ...) |
//! | core primitives | [`MatrixCore`] | shape, transfers, `X v`, `X^T r`, `X^T W X`, `X C^T`, GLM weights/residuals, row blocks | — |
//! | GLM passes | [`GlmOps`] | `impl GlmOps<F> for M {}` | fuse loss + gradient (+ Hessian) into one pass; column moments in one pass |
//! | clustering passes | [`ClusterOps`] | `impl ClusterOps<F> for M {}` | fuse distances, argmin and centre sums |
//! | graph operations | [`GraphOps`] | `impl GraphOps<F> for M {}` | multiply blocks, factorise a Laplacian, k-NN beside the data |
//! | blocks of vectors | [`SampleBlock`] | the block type of its vectors | override the multi-part products |
//! | row splits | [`SplitRows`] | only to be wrapped by [`Chunked::from_array`](crate::Chunked::from_array) | — |
//!
//! Estimators name one bound, [`DataMatrix`], which every type implementing the four
//! matrix traits gets by a blanket implementation. Concrete code that calls the
//! operations on a known array type imports the traits with
//! `use duckml_arrays::prelude::*`.
//!
//! Layering: the element types (`crate::element`) sit below the contract; the CPU
//! kernels and every backend sit above it. Nothing here names a backend.

mod block;
mod cluster;
mod core;
mod error;
mod glm;
mod graph;
pub mod host;
mod split;
mod vector;

pub use self::core::{BlockVector, ColumnsOf, Linear, MatrixCore};
pub use block::SampleBlock;
pub use cluster::{
    check_rows, default_kmeans_step, default_nearest_center, default_row_sq_norms,
    default_rows_to_host, default_sq_distances, sq_norms, ClusterOps, KMeansStep, Nearest,
};
pub use error::ArrayError;
pub use glm::{
    default_column_sq_sums, default_glm_loss_grad, finite_from_pass, ColumnSqSums, GlmHessian,
    GlmLossGrad, GlmOps,
};
pub use graph::{
    default_block_product, default_diagonal_from, default_kneighbors, default_rbf_kernel,
    BlockSolve, GraphOps, Neighbors,
};
pub use split::SplitRows;
pub use vector::SampleVector;

use crate::element::Float;

/// A data matrix (n samples x p features) that estimators can fit on: the core
/// primitives and every operation family. Implemented automatically for every type
/// that implements [`MatrixCore`], [`GlmOps`], [`ClusterOps`] and [`GraphOps`].
///
/// ```
/// use duckml_arrays::prelude::*;
/// use ndarray::array;
///
/// fn mean_loss<F: Float, M: DataMatrix<F>>(x: &M, y: &M::Vector) -> f64 {
///     let coef = ndarray::Array1::zeros(x.n_cols());
///     let lin = Linear { coef: coef.view(), intercept: 0.0 };
///     x.glm_loss(GlmFamily::Gaussian, y, lin) / x.n_rows() as f64
/// }
/// let x = array![[1.0, 2.0], [3.0, 4.0]];
/// assert_eq!(mean_loss(&x, &array![1.0, 3.0]), 2.5);
/// ```
pub trait DataMatrix<F: Float>: MatrixCore<F> + GlmOps<F> + ClusterOps<F> + GraphOps<F> {}

impl<F: Float, M> DataMatrix<F> for M where
    M: MatrixCore<F> + GlmOps<F> + ClusterOps<F> + GraphOps<F>
{
}
