//! The array contract: what every data matrix and its sample-space vector provide.

use crate::{ElementCheck, Float, GlmFamily, PairReduction, Reduction, UnaryOp};
use ndarray::{Array1, Array2, ArrayView1};
use std::fmt;

/// A vector over samples (`y`, `X b`, residuals) living beside its matrix, on the
/// matrix's device. Only reductions and explicit [`SampleVector::to_host`] calls
/// bring its values to the host.
pub trait SampleVector<F: Float>: Clone + Send + Sync + Sized {
    /// Number of elements (samples).
    fn len(&self) -> usize;

    /// Whether the vector has no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Copies the values to a host array (an O(n) transfer: not for inner loops).
    fn to_host(&self) -> Array1<F>;

    /// Whether every element passes `check`.
    fn all(&self, check: ElementCheck) -> bool;

    /// A new vector with `op` applied to every element.
    fn map(&self, op: UnaryOp) -> Self;

    /// Reduces the vector to one host number.
    fn reduce(&self, op: Reduction) -> f64;

    /// Reduces `(self, other)` elementwise to one host number. The lengths must match;
    /// callers check them, and backends may panic on a mismatch (a programming error).
    fn reduce_pair(&self, other: &Self, op: PairReduction) -> f64;
}

/// Sum of the half deviance, its gradient and the intercept's gradient over the rows
/// of one matrix: the partial result a fused GLM pass returns, to be added across blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmLossGrad {
    /// `sum_i h(y_i, eta_i)`.
    pub loss: f64,
    /// `X^T r` with `r_i = mu_i - y_i`.
    pub grad: Array1<f64>,
    /// `sum_i r_i` (gradient with respect to the intercept).
    pub grad_intercept: f64,
}

/// The pieces of the GLM Hessian with an intercept: `X^T W X`, `X^T w` and `sum w`.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmHessian {
    /// `X^T diag(w) X` (p x p).
    pub xtwx: Array2<f64>,
    /// `X^T w` (the intercept's column of the Hessian).
    pub xtw: Array1<f64>,
    /// `sum_i w_i`.
    pub sum_w: f64,
}

/// A linear predictor's coefficients on the host: `eta = X coef + intercept`.
#[derive(Debug, Clone, Copy)]
pub struct Linear<'a> {
    /// Coefficients, one per column of X.
    pub coef: ArrayView1<'a, f64>,
    /// The constant term.
    pub intercept: f64,
}

/// A data matrix (n samples x p features) that estimators can fit on.
///
/// Required: shape, transfers, and the bulk products `X v`, `X^T r`, `X^T diag(w) X`.
/// The composite operations used in inner loops ([`DataMatrix::glm_loss_grad`],
/// [`DataMatrix::glm_hessian`]) have defaults written with the primitives; a backend
/// overrides them with a fused single pass where it can.
///
/// The contract never indexes single elements and never takes closures, so that a
/// matrix on a GPU can implement it. Model-sized arguments and results (coefficients,
/// gradients, Gram matrices) are host `f64` arrays.
pub trait DataMatrix<F: Float>: Sync {
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

    /// `w_i = d^2 h / d eta_i^2` for the family at `eta`: the IRLS weights.
    fn glm_weights(&self, family: GlmFamily, eta: &Self::Vector) -> Self::Vector;

    /// The working residuals `mu(eta_i) - y_i`.
    fn glm_residuals(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        eta: &Self::Vector,
    ) -> Self::Vector;

    /// The row blocks, in order; a plain matrix is its own single block.
    fn blocks(&self) -> Vec<&Self::Block>;

    /// A sample vector split like [`DataMatrix::blocks`].
    fn vector_blocks<'v>(&self, v: &'v Self::Vector) -> Vec<&'v BlockVector<F, Self>>
    where
        Self: Sized;

    /// Fused GLM pass: loss sum, `X^T r` and `sum r` at `eta = X coef + intercept`.
    ///
    /// The default makes three passes (predictor, residuals, `X^T r`); backends
    /// override it with one pass that reads each row of X once.
    fn glm_loss_grad(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> GlmLossGrad
    where
        Self: Sized,
    {
        default_glm_loss_grad(self, family, y, lin)
    }

    /// Loss sum only (line searches); by default the loss part of the fused pass.
    fn glm_loss(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> f64
    where
        Self: Sized,
    {
        self.glm_loss_grad(family, y, lin).loss
    }

    /// The GLM Hessian pieces at `eta = X coef + intercept`.
    fn glm_hessian(&self, family: GlmFamily, lin: Linear<'_>) -> GlmHessian {
        let eta = self.linear_predictor(lin);
        let w = self.glm_weights(family, &eta);
        GlmHessian {
            xtwx: self.weighted_gram(&w),
            xtw: self.t_matvec(&w),
            sum_w: w.reduce(Reduction::Sum),
        }
    }
}

/// The default fused GLM pass, written with the primitives (three passes over X:
/// predictor, residuals, `X^T r`). Backends that override
/// [`DataMatrix::glm_loss_grad`] for some layouts call it for the others.
pub fn default_glm_loss_grad<F: Float, M: DataMatrix<F>>(
    m: &M,
    family: GlmFamily,
    y: &M::Vector,
    lin: Linear<'_>,
) -> GlmLossGrad {
    let eta = m.linear_predictor(lin);
    let mu = eta.map(UnaryOp::Mean(family));
    let loss = y.reduce_pair(&mu, PairReduction::Deviance(family));
    let r = m.glm_residuals(family, y, &eta);
    GlmLossGrad {
        loss,
        grad: m.t_matvec(&r),
        grad_intercept: r.reduce(Reduction::Sum),
    }
}

/// The sample vector of a matrix's row blocks.
pub type BlockVector<F, X> = <<X as DataMatrix<F>>::Block as DataMatrix<F>>::Vector;

/// Errors raised by array constructors and transfers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrayError {
    /// A vector's length does not match the matrix's rows.
    LengthMismatch {
        /// Rows of the matrix.
        expected: usize,
        /// Length given.
        found: usize,
    },
    /// Anything else a backend cannot do with the input, in words.
    Invalid(String),
}

impl fmt::Display for ArrayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArrayError::LengthMismatch { expected, found } => write!(
                f,
                "vector has {found} elements but the matrix has {expected} rows"
            ),
            ArrayError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ArrayError {}
