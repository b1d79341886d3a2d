//! What the driver returns: the answer, how it was reached and why the loop stopped.

use ndarray::Array1;
use serde::{Deserialize, Serialize};

/// Why a solver stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// The optimality measure fell below `tol`.
    Converged,
    /// `max_iter` iterations were used up.
    MaxIterations,
    /// The line search could not make progress (often: at the optimum within
    /// floating-point precision, but above `tol`).
    LineSearchFailed(String),
    /// The objective or gradient became non-finite.
    NonFinite,
    /// The objective has no minimiser (e.g. an unpenalised logistic regression on
    /// perfectly separated classes, whose coefficients grow without bound): the point
    /// returned is where the solver stopped, not an optimum.
    NoMinimizer(String),
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Converged => f.write_str("converged"),
            StopReason::MaxIterations => f.write_str("max_iter reached"),
            StopReason::LineSearchFailed(m) => write!(f, "line search failed: {m}"),
            StopReason::NonFinite => f.write_str("objective became non-finite"),
            StopReason::NoMinimizer(m) => write!(f, "the objective has no minimiser: {m}"),
        }
    }
}

/// A solver's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolveResult {
    /// The minimiser found.
    pub w: Array1<f64>,
    /// `f(w) + g(w)` at `w`.
    pub objective: f64,
    /// Iterations used.
    pub n_iter: usize,
    /// Whether the stopping criterion was met.
    pub converged: bool,
    /// Why the solver stopped.
    pub stop_reason: StopReason,
    /// `f + g` after each iteration.
    pub history: Vec<f64>,
}

impl SolveResult {
    /// Builds a result, setting `converged` from the reason.
    pub fn new(
        w: Array1<f64>,
        objective: f64,
        n_iter: usize,
        stop_reason: StopReason,
        history: Vec<f64>,
    ) -> Self {
        SolveResult {
            w,
            objective,
            n_iter,
            converged: stop_reason == StopReason::Converged,
            stop_reason,
            history,
        }
    }
}
