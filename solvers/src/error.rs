//! Errors a solver returns.

use thiserror::Error;

/// Why a solver could not run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SolverError {
    /// The solver cannot handle this problem (e.g. an L1 term with a smooth-only
    /// solver); the message names the solvers that can.
    #[error("solver {solver} cannot handle {what}; use one of: {}", alternatives.join(", "))]
    Unsupported {
        /// The solver asked for.
        solver: &'static str,
        /// What it cannot handle.
        what: String,
        /// Solvers that can.
        alternatives: Vec<&'static str>,
    },
    /// An option is out of range.
    #[error("invalid solver option {name} = {value}: {reason}")]
    InvalidOption {
        /// The option's name.
        name: &'static str,
        /// Its value, printed.
        value: String,
        /// The valid range.
        reason: &'static str,
    },
    /// The starting point has the wrong length.
    #[error("starting point has {found} coordinates but the problem has {expected}")]
    DimensionMismatch {
        /// The problem's dimension.
        expected: usize,
        /// The start's length.
        found: usize,
    },
    /// The objective is not finite at the starting point.
    #[error("objective is not finite at the starting point")]
    NonFiniteStart,
}
