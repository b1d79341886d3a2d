//! The estimators' error type.

use duckml_arrays::ArrayError;
use duckml_solvers::SolverError;
use thiserror::Error;

/// Why a fit, predict or score call was refused or failed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// No samples or no features.
    #[error("empty data: {0}")]
    EmptyData(String),
    /// `x` and `y` disagree on the number of samples.
    #[error("x has {x_rows} rows but y has {y_len} elements")]
    LengthMismatch {
        /// Rows of `x`.
        x_rows: usize,
        /// Length of `y`.
        y_len: usize,
    },
    /// NaN or infinite values in the input.
    #[error("{0} contains NaN or infinite values")]
    NonFinite(&'static str),
    /// Targets outside the family's support (labels not in {0, 1}, negative counts).
    #[error("invalid target values: {0}")]
    InvalidTarget(String),
    /// A hyper-parameter outside its range.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// Its value, printed.
        value: String,
        /// The valid range.
        reason: &'static str,
    },
    /// `predict` (or `score`) on data with another number of features than the fit.
    #[error("model was fitted with {expected} features but x has {found}")]
    FeatureMismatch {
        /// Features at fit time.
        expected: usize,
        /// Features given.
        found: usize,
    },
    /// A computation on finite input left the element type's range (an overflow, or
    /// an underflow of every value), so no correct result exists to return: e.g. a
    /// Poisson prediction `exp(eta)` beyond the largest float, or k-means on values
    /// whose squared distances overflow. The message says what to change.
    #[error("{what}: {detail}")]
    OutOfRange {
        /// The operation (`predict`, `decision_function`, `k-means`, ...).
        what: &'static str,
        /// What overflowed, and what to do about it.
        detail: String,
        /// The first row (0-based) whose result is out of range, for a per-row result
        /// (predictions); `None` for a result of the whole data.
        row: Option<usize>,
    },
    /// The solver refused the problem.
    #[error(transparent)]
    Solver(#[from] SolverError),
    /// An array backend refused an operation.
    #[error(transparent)]
    Array(#[from] ArrayError),
    /// More clusters requested than there are samples.
    #[error("n_clusters = {n_clusters} is larger than the number of samples ({n_samples})")]
    TooManyClusters {
        /// Clusters requested.
        n_clusters: usize,
        /// Samples in `x`.
        n_samples: usize,
    },
    /// More embedding components requested than there are samples.
    #[error("n_components = {n_components} is larger than the number of samples ({n_samples})")]
    TooManyComponents {
        /// Components requested.
        n_components: usize,
        /// Samples (graph nodes).
        n_samples: usize,
    },
    /// More nearest neighbours requested than there are samples (each sample counts
    /// as its own nearest neighbour).
    #[error("n_neighbors = {n_neighbors} is larger than the number of samples ({n_samples})")]
    TooManyNeighbors {
        /// Neighbours requested.
        n_neighbors: usize,
        /// Samples in `x`.
        n_samples: usize,
    },
    /// A precomputed affinity matrix that is not square.
    #[error("a precomputed affinity must be square, got {rows} x {cols}")]
    NotSquare {
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
    },
    /// Explicit initial centres whose shape is not `n_clusters x n_features`.
    #[error(
        "initial centres have shape {found:?}, expected {expected:?} (n_clusters x n_features)"
    )]
    InitShape {
        /// `(n_clusters, n_features)`.
        expected: (usize, usize),
        /// The shape given.
        found: (usize, usize),
    },
}

/// Result alias for the estimators.
pub type Result<T> = std::result::Result<T, Error>;
