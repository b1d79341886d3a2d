//! The core every backend writes: shape, transfers and the bulk products. Everything
//! else in the contract has a default written on these.

use super::error::ArrayError;
use super::vector::SampleVector;
use super::DataMatrix;
use crate::element::{Float, GlmFamily};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// A linear predictor's coefficients on the host: `eta = X coef + intercept`.
#[derive(Debug, Clone, Copy)]
pub struct Linear<'a> {
    /// Coefficients, one per column of X.
    pub coef: ArrayView1<'a, f64>,
    /// The constant term.
    pub intercept: f64,
}

/// The required primitives of a data matrix (n samples x p features).
///
/// A backend implements this trait and [`SampleVector`] for its vector type; the
/// operation families ([`GlmOps`](super::GlmOps), [`ClusterOps`](super::ClusterOps),
/// [`GraphOps`](super::GraphOps)) then work through their defaults, and the backend
/// overrides whichever it can fuse into fewer passes. Nothing here indexes single
/// elements or takes a closure, so a matrix on a GPU or spread over processes can
/// implement it. Model-sized arguments and results (coefficients, gradients, Gram
/// matrices) are host `f64` arrays.
pub trait MatrixCore<F: Float>: Sync + Sized {
    /// The sample-space vector that lives beside this matrix.
    type Vector: SampleVector<F>;
    /// The row block type that block-wise solvers (ADMM) iterate over.
    type Block: DataMatrix<F>;

    /// Number of rows (samples).
    fn n_rows(&self) -> usize;
    /// Number of columns (features).
    fn n_cols(&self) -> usize;

    /// A short description of the array type, for tables and messages.
    fn describe(&self) -> String;

    /// Moves a host vector of length `n_rows` beside the matrix, split like its rows.
    fn vector_from_host(&self, v: ArrayView1<F>) -> Result<Self::Vector, ArrayError>;

    /// Whether every stored element is finite.
    fn all_finite(&self) -> bool;

    /// `X coef + intercept`.
    fn linear_predictor(&self, lin: Linear<'_>) -> Self::Vector;

    /// `X^T r`.
    fn t_matvec(&self, r: &Self::Vector) -> Array1<f64>;

    /// `X^T diag(w) X`.
    fn weighted_gram(&self, w: &Self::Vector) -> Array2<f64>;

    /// `X C^T` for a small host matrix `C` (`k x p`): an `n x k` block beside the data
    /// whose column `j` is `X c_j` (distances to k centres, k linear predictors).
    fn mul_small_t(&self, c: ArrayView2<f64>) -> ColumnsOf<F, Self>;

    /// `w_i = d^2 h / d eta_i^2` for the family at `eta`: the IRLS weights (an
    /// elementwise map chosen by the family).
    fn glm_weights(&self, family: GlmFamily, eta: &Self::Vector) -> Self::Vector;

    /// The working residuals `mu(eta_i) - y_i` (an elementwise map of two vectors).
    fn glm_residuals(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        eta: &Self::Vector,
    ) -> Self::Vector;

    /// The row blocks, in order; a plain matrix is its own single block.
    fn blocks(&self) -> Vec<&Self::Block>;

    /// A sample vector split like [`MatrixCore::blocks`].
    fn vector_blocks<'v>(&self, v: &'v Self::Vector) -> Vec<&'v BlockVector<F, Self>>;
}

/// The block type of a matrix's sample vectors.
pub type ColumnsOf<F, X> = <<X as MatrixCore<F>>::Vector as SampleVector<F>>::Columns;

/// The sample vector of a matrix's row blocks.
pub type BlockVector<F, X> = <<X as MatrixCore<F>>::Block as MatrixCore<F>>::Vector;
