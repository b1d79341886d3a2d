//! One GLM fit, written once over the array contract, for every model kind.

use crate::error::CliError;
use crate::flags::{solver_key, solver_names_as_flags, ArraySpec, ModelKind};
use crate::memory;
use crate::progress::FitProgress;
use crate::schema::FittedModel;
use duckml::arrays::{DataMatrix, Float};
use duckml::estimators::glm::{Glm, GlmKind};
use duckml::estimators::FittedGlm;
use duckml::solvers::SolverChoice;
use std::time::Instant;

/// Hyper-parameters of one fit.
#[derive(Debug, Clone, Copy)]
pub struct GlmParams {
    /// The GLM.
    pub model: ModelKind,
    /// The solver.
    pub solver: SolverChoice,
    /// `None`: the estimator's default ([`ModelKind::default_alpha`]).
    pub alpha: Option<f64>,
    /// L1 share of the penalty.
    pub l1_ratio: f64,
    /// Whether to fit an intercept.
    pub fit_intercept: bool,
    /// Iteration limit.
    pub max_iter: usize,
    /// Stopping tolerance.
    pub tol: f64,
    /// Draw a progress line on stderr when it is a terminal (`fit`; the bench draws
    /// its own).
    pub progress: bool,
}

impl GlmParams {
    /// Refuses a smooth-only solver for a problem with an L1 term, before any data is
    /// read, with the library's wording.
    pub fn check_solver(&self) -> Result<(), CliError> {
        let has_l1 = self.l1_ratio > 0.0 && self.alpha.is_none_or(|a| a > 0.0);
        if has_l1 && !self.solver.handles_l1() {
            let can: Vec<&str> = SolverChoice::ALL
                .iter()
                .filter(|s| s.handles_l1())
                .map(|&s| solver_key(s))
                .collect();
            return Err(CliError::Usage(format!(
                "solver {} cannot handle an L1 penalty (--l1-ratio {} > 0); use one of: {}",
                solver_key(self.solver),
                self.l1_ratio,
                can.join(", ")
            )));
        }
        Ok(())
    }
}

/// Vectors of the model's size (coefficients and intercept) a smooth solver keeps:
/// L-BFGS's 10 pairs of history, gradients, steps and the line search's points.
const STATE_VECTORS: u128 = 32;

/// Refuses a fit whose solver state (sized by the number of features, which an
/// svmlight file's widest index sets) would not fit in memory. ADMM keeps two vectors
/// per row block (`--array chunked:ROWS` sets the blocks) and a local L-BFGS per
/// thread. Newton's Hessian is not counted: the library refuses Newton beyond 10,000
/// coefficients with its own message.
pub fn check_state_memory(
    params: &GlmParams,
    (n, p): (usize, usize),
    array: ArraySpec,
    x_name: &str,
) -> Result<(), CliError> {
    let coefs = p as u128 + 1;
    let vectors = match params.solver {
        SolverChoice::Admm => {
            let blocks = array.chunk_rows().map_or(1, |r| n.div_ceil(r.max(1))) as u128;
            let threads = std::thread::available_parallelism().map_or(1, |t| t.get()) as u128;
            2 * blocks + STATE_VECTORS * threads
        }
        _ => STATE_VECTORS,
    };
    let bytes = memory::bytes(&[vectors, coefs, 8]);
    memory::require(
        format!(
            "the {} solver's state for {p} features ('{x_name}')",
            solver_key(params.solver)
        ),
        bytes,
        "check the file's widest feature index, or use fewer row blocks for admm",
    )
}

/// What a fit produced, whatever the model kind and array type.
#[derive(Debug, Clone)]
pub struct FitSummary {
    /// One coefficient per feature.
    pub coef: Vec<f64>,
    /// The intercept (0 without one).
    pub intercept: f64,
    /// The penalty strength used.
    pub alpha: f64,
    /// The GLM objective at the coefficients.
    pub objective: f64,
    /// Solver iterations.
    pub n_iter: usize,
    /// Whether the tolerance was met.
    pub converged: bool,
    /// Why the solver stopped.
    pub stop_reason: String,
    /// Wall-clock seconds of `fit` alone (the arrays were built before).
    pub seconds: f64,
    /// The objective after each iteration.
    pub history: Vec<f64>,
    /// The fitted model, for the saved-model file (only when asked for: `--save`).
    pub fitted: Option<FittedModel>,
}

/// Fits `params.model` with `params.solver` on any array type.
pub fn fit_glm<F: Float, X: DataMatrix<F>>(
    params: &GlmParams,
    x: &X,
    y: &X::Vector,
    keep_model: bool,
) -> Result<FitSummary, CliError> {
    match params.model {
        ModelKind::Linear => fit_kind(params, x, y, keep_model.then_some(FittedModel::Linear)),
        ModelKind::Logistic => fit_kind(params, x, y, keep_model.then_some(FittedModel::Logistic)),
        ModelKind::Poisson => fit_kind(params, x, y, keep_model.then_some(FittedModel::Poisson)),
    }
}

/// Fits one GLM kind; `keep` wraps the model for the saved-model file when asked for.
fn fit_kind<K: GlmKind, F: Float, X: DataMatrix<F>>(
    params: &GlmParams,
    x: &X,
    y: &X::Vector,
    keep: Option<fn(FittedGlm<K>) -> FittedModel>,
) -> Result<FitSummary, CliError> {
    let mut est = Glm::<K>::new()
        .solver(params.solver)
        .l1_ratio(params.l1_ratio)
        .fit_intercept(params.fit_intercept)
        .max_iter(params.max_iter)
        .tol(params.tol);
    if let Some(alpha) = params.alpha {
        est = est.alpha(alpha);
    }
    let progress = params
        .progress
        .then(|| FitProgress::on_terminal(solver_key(params.solver)))
        .flatten();
    if let Some(p) = &progress {
        est = est.observer(p.observer());
    }
    let start = Instant::now();
    let model = est.fit(x, y)?;
    drop(progress);
    let seconds = start.elapsed().as_secs_f64();
    let fitted = keep.map(|wrap| as_f64(&model).map(wrap)).transpose()?;
    Ok(FitSummary {
        coef: model.coef_f64().to_vec(),
        intercept: model.intercept_f64(),
        alpha: model.alpha(),
        objective: model.objective(),
        n_iter: model.n_iter(),
        converged: model.converged(),
        stop_reason: solver_names_as_flags(&model.stop_reason().to_string()),
        seconds,
        history: model.history().to_vec(),
        fitted,
    })
}

/// The model as the `f64` model the saved-model file holds. The element type is only a
/// marker that serde skips (coefficients are `f64` whatever the data), so the two share
/// one serde form and the conversion goes through it.
fn as_f64<K: GlmKind, F: Float>(model: &FittedGlm<K, F>) -> Result<FittedGlm<K>, CliError> {
    serde_json::to_value(model)
        .and_then(serde_json::from_value)
        .map_err(|e| CliError::Input(format!("cannot serialise the fitted model: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smooth_solvers_refuse_l1() {
        let mut p = GlmParams {
            model: ModelKind::Linear,
            solver: SolverChoice::Lbfgs,
            alpha: Some(0.1),
            l1_ratio: 0.5,
            fit_intercept: true,
            max_iter: 10,
            tol: 1e-4,
            progress: false,
        };
        let err = p.check_solver().unwrap_err().to_string();
        assert!(
            err.contains("lbfgs cannot") && err.contains("proximal, admm"),
            "{err}"
        );
        p.alpha = Some(0.0);
        assert!(p.check_solver().is_ok());
        p.alpha = Some(0.1);
        p.solver = SolverChoice::Admm;
        assert!(p.check_solver().is_ok());
    }
}
