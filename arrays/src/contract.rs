//! The array contract: what every data matrix and its sample-space vector provide.

use crate::cluster::{KMeansStep, Nearest};
use crate::SampleBlock;
use crate::{BinaryOp, ElementCheck, Float, GlmFamily, PairReduction, Reduction, UnaryOp};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use std::fmt;

/// A vector over samples (`y`, `X b`, residuals) living beside its matrix, on the
/// matrix's device. Only reductions and explicit [`SampleVector::to_host`] calls
/// bring its values to the host.
pub trait SampleVector<F: Float>: Clone + Send + Sync + Sized {
    /// Blocks of these vectors (`n x m`, the vectors as columns), beside the data.
    type Columns: SampleBlock<F, Vector = Self>;

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

    /// A new vector `op(self_i, other_i)`. The lengths (and, for split vectors, the
    /// splits) must match, as for [`SampleVector::reduce_pair`].
    fn zip_map(&self, other: &Self, op: BinaryOp) -> Self;

    /// The `m` largest values and their indices, largest first (ties: lower index
    /// first; NaN never selected). Only `m` pairs reach the host; the default copies
    /// the vector to the host first.
    fn top_k(&self, m: usize) -> Vec<(usize, f64)> {
        let host = self.to_host();
        crate::cluster::top_k_host(host.as_slice().expect("host copy is contiguous"), m)
    }

    /// For each target `t` in `[0, sum v)`, the first index whose running sum exceeds
    /// `t` (the last index when none does): draws proportional to the values (k-means++
    /// sampling by squared distance), as NumPy's `searchsorted(cumsum(v), t)`.
    /// The default copies the vector to the host; split vectors route each target to
    /// the block whose partial sums hold it.
    fn search_cumulative(&self, targets: &[f64]) -> Vec<usize> {
        let host = self.to_host();
        crate::cluster::search_cumulative_host(
            host.as_slice().expect("host copy is contiguous"),
            targets,
        )
    }

    /// The indices `first_index + i` where
    /// [`hash_uniform`](crate::hash_uniform)`(seed, first_index + i) < scale * v_i`:
    /// independent draws with probability `scale * v_i` (k-means|| oversampling),
    /// identical however the vector is split. `first_index` is the global index of
    /// element 0.
    fn bernoulli_indices(&self, scale: f64, seed: u64, first_index: usize) -> Vec<usize> {
        let host = self.to_host();
        crate::cluster::bernoulli_host(
            host.as_slice().expect("host copy is contiguous"),
            scale,
            seed,
            first_index,
        )
    }
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

impl GlmLossGrad {
    /// The empty sum over `p` columns, to add blocks' parts to.
    pub fn zeros(p: usize) -> Self {
        GlmLossGrad {
            loss: 0.0,
            grad: Array1::zeros(p),
            grad_intercept: 0.0,
        }
    }

    /// Whether the loss and every gradient entry are finite.
    pub fn is_finite(&self) -> bool {
        self.loss.is_finite()
            && self.grad_intercept.is_finite()
            && self.grad.iter().all(|g| g.is_finite())
    }
}

/// [`DataMatrix::glm_loss_grad_checked`] for backends whose fused pass multiplies
/// every stored element of a row into that row's `eta` (no skipped zeros) and adds
/// every row's loss to the sum.
///
/// Then a NaN or infinite element makes its row's `eta` NaN or infinite (`0 * inf` is
/// NaN, `c * inf` infinite), which makes that row's loss NaN or infinite for every
/// family (`y eta` is NaN or infinite, or the mean term overflows), hence the sum: a
/// finite result proves X finite without a separate scan. X is scanned only when the
/// result is not finite, which overflow on finite data can also cause. The
/// conformance suite's `finite_check` tests this on every array type.
pub fn finite_from_pass<F: Float, M: DataMatrix<F>>(
    m: &M,
    family: GlmFamily,
    y: &M::Vector,
    lin: Linear<'_>,
) -> Option<GlmLossGrad> {
    let part = m.glm_loss_grad(family, y, lin);
    (part.is_finite() || m.all_finite()).then_some(part)
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

    /// [`DataMatrix::glm_loss_grad`] that also answers whether X is finite, for a fit's
    /// first evaluation: `None` when X holds a NaN or an infinity.
    ///
    /// The default scans X ([`DataMatrix::all_finite`]) before the pass. A backend
    /// whose pass multiplies every stored element into its row's `eta` and loss
    /// overrides it with [`finite_from_pass`], which reads X a second time only when
    /// the pass's result is not finite.
    fn glm_loss_grad_checked(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        lin: Linear<'_>,
    ) -> Option<GlmLossGrad>
    where
        Self: Sized,
    {
        self.all_finite()
            .then(|| self.glm_loss_grad(family, y, lin))
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
    /// `|x_i|^2` for every row. The default makes one `X e_j` pass per column.
    fn row_sq_norms(&self) -> Self::Vector
    where
        Self: Sized,
    {
        crate::cluster::default_row_sq_norms(self)
    }

    /// Copies the listed rows to the host (`rows.len() x p`, `f64`): k-means
    /// initialisation picks data points as centres. Errors on a row out of range.
    /// The default makes one `X^T e_i` pass per row.
    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError>
    where
        Self: Sized,
    {
        crate::cluster::default_rows_to_host(self, rows)
    }

    /// For each row `c_j` of the host matrix `points`, the vector of squared distances
    /// `|x_i - c_j|^2` (computed as `|x|^2 + |c|^2 - 2 x.c`, clamped at 0), replaced by
    /// `min(floor_i, ...)` when `floor` is given (k-means++ candidate potentials).
    /// Dense and sparse backends compute all points in one pass over X.
    fn sq_distances(
        &self,
        points: ArrayView2<f64>,
        floor: Option<&Self::Vector>,
    ) -> Vec<Self::Vector>
    where
        Self: Sized,
    {
        crate::cluster::default_sq_distances(self, points, floor)
    }

    /// Each row's nearest centre (first on ties) and its squared distance. `centers`
    /// must have at least one row and `n_cols` columns.
    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Self::Vector>
    where
        Self: Sized,
    {
        crate::cluster::default_nearest_center(self, centers)
    }

    /// Fused k-means pass: assigns every row to its nearest centre (writing `labels`
    /// in place, beside the data) and returns per-centre row sums and counts, the
    /// inertia and the number of changed labels; only O(k p) numbers reach the host.
    /// The default is [`DataMatrix::nearest_center`] plus one `X^T 1[label = j]` per
    /// centre; backends override it with one pass (GEMM on row blocks for dense data).
    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Self::Vector) -> KMeansStep
    where
        Self: Sized,
    {
        crate::cluster::default_kmeans_step(self, centers, labels)
    }
    /// `X V` for a block `V` of `n_cols` rows (a graph times a block of vectors, for a
    /// square `X` split like `V`). The default copies `V` to the host and makes one
    /// `X v` per column; backends multiply beside the data.
    fn block_product(&self, v: &ColumnsOf<F, Self>) -> ColumnsOf<F, Self>
    where
        Self: Sized,
    {
        crate::graph::default_block_product(self, v)
    }

    /// `X[i, first_col + i]` for every row `i` (the diagonal of a square matrix when
    /// `first_col = 0`; a row block of one passes its first row's index). The default
    /// copies the rows to the host.
    fn diagonal_from(&self, first_col: usize) -> Self::Vector
    where
        Self: Sized,
    {
        crate::graph::default_diagonal_from(self, first_col)
    }

    /// A direct solver for `(L + shift I) X = B`, where `L = I - D^{-1/2} (A - diag A)
    /// D^{-1/2}` is the normalised Laplacian of this square affinity `A` (row sums as
    /// degrees; isolated nodes get `L_ii = 1`) and `shift > 0`; `None` when the backend
    /// has no factorisation (the default), and then eigensolvers use products only.
    /// The CSR backend factorises with a nested-dissection sparse Cholesky.
    fn laplacian_solver(&self, shift: f64) -> Option<Box<dyn crate::BlockSolve<ColumnsOf<F, Self>>>>
    where
        Self: Sized,
    {
        let _ = shift;
        None
    }

    /// The RBF kernel `exp(-gamma |x_i - x_j|^2)` of the rows, an `n x n` block beside
    /// the data (for moderate n: O(n^2) memory). The default computes it by row batches
    /// through [`DataMatrix::sq_distances`].
    fn rbf_kernel(&self, gamma: f64) -> ColumnsOf<F, Self>
    where
        Self: Sized,
    {
        crate::graph::default_rbf_kernel(self, gamma)
    }

    /// Each row's `k` nearest rows by Euclidean distance, the row itself first (at
    /// distance 0), then by increasing distance (ties: lower index first), as n x k
    /// host arrays ([`Neighbors`](crate::Neighbors), O(n k)); its
    /// [`affinity`](crate::Neighbors::affinity) is scikit-learn's k-nearest-neighbour
    /// graph `0.5 (C + C^T)` as sparse CSR. Errors when `k` is 0 or above `n_rows`, or
    /// a row has fewer than `k` rows at a finite distance. The default works on batches
    /// of rows: [`DataMatrix::rows_to_host`], [`DataMatrix::sq_distances`] of every row
    /// to the batch, then [`SampleVector::top_k`] of each negated distance vector
    /// (O(batch * n) memory beside the data, never `n x n`).
    fn kneighbors(&self, k: usize) -> Result<crate::Neighbors, ArrayError>
    where
        Self: Sized,
    {
        crate::graph::default_kneighbors(self, k)
    }
}

/// The block type of a matrix's sample vectors.
pub type ColumnsOf<F, X> = <<X as DataMatrix<F>>::Vector as SampleVector<F>>::Columns;

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
