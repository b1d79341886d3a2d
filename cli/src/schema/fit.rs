//! What `duckml fit` prints.

use super::InputData;
use crate::flags::ModelKind;
use serde::{Deserialize, Serialize};

/// One fit: the options it ran with, the coefficients and the solver's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitOutput {
    /// `--model`.
    pub model: ModelKind,
    /// `--solver`, by its command-line name.
    pub solver: String,
    /// The data and how it was held.
    #[serde(flatten)]
    pub data: InputData,
    /// The penalty strength used (`--alpha` or the estimator's default).
    pub alpha: f64,
    /// `--l1-ratio`.
    pub l1_ratio: f64,
    /// False with `--no-intercept`.
    pub fit_intercept: bool,
    /// One coefficient per feature.
    pub coef: Vec<f64>,
    /// The intercept (0 without one).
    pub intercept: f64,
    /// The GLM objective (DESIGN.md) at the coefficients.
    pub objective: f64,
    /// Solver iterations.
    pub n_iter: usize,
    /// Whether the tolerance was met.
    pub converged: bool,
    /// Why the solver stopped.
    pub stop_reason: String,
    /// Wall-clock seconds of the fit alone.
    pub seconds: f64,
    /// The objective after each iteration (`--history`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<f64>>,
}
