//! One GLM fit, written once over the array contract, for every model kind.

use super::CliError;
use clap::ValueEnum;
use duckml::arrays::{DataMatrix, Float};
use duckml::estimators::glm::{Bernoulli, Gaussian, Glm, GlmKind, Poisson};
use duckml::solvers::SolverChoice;
use serde_json::{json, Value};
use std::time::Instant;

/// The GLM to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelKind {
    /// Least squares (Gaussian, identity link); ridge / lasso / elastic net with --alpha.
    Linear,
    /// Binary logistic regression (Bernoulli, logit link); y in {0, 1}.
    Logistic,
    /// Poisson regression (log link); y non-negative counts.
    Poisson,
}

impl ModelKind {
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Linear => "linear",
            ModelKind::Logistic => "logistic",
            ModelKind::Poisson => "poisson",
        }
    }

    /// Parses the name written by [`ModelKind::name`].
    pub fn from_name(name: &str) -> Option<ModelKind> {
        <ModelKind as ValueEnum>::from_str(name, true).ok()
    }

    /// scikit-learn's default penalty, as the estimators use it.
    pub fn default_alpha(self, n_samples: usize) -> f64 {
        match self {
            ModelKind::Linear => Gaussian::default_alpha(n_samples),
            ModelKind::Logistic => Bernoulli::default_alpha(n_samples),
            ModelKind::Poisson => Poisson::default_alpha(n_samples),
        }
    }
}

/// The command line's name for a solver (what `--solver` accepts).
pub fn solver_key(s: SolverChoice) -> &'static str {
    match s {
        SolverChoice::Lbfgs => "lbfgs",
        SolverChoice::Newton => "newton",
        SolverChoice::GradientDescent => "gd",
        SolverChoice::ProximalGradient => "proximal",
        SolverChoice::Admm => "admm",
    }
}

/// Parses `--solver` (clap value parser).
pub fn parse_solver(s: &str) -> Result<SolverChoice, String> {
    s.parse()
}

/// Hyper-parameters of one fit.
#[derive(Debug, Clone, Copy)]
pub struct GlmParams {
    pub model: ModelKind,
    pub solver: SolverChoice,
    /// `None`: the estimator's default ([`ModelKind::default_alpha`]).
    pub alpha: Option<f64>,
    pub l1_ratio: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: f64,
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

/// What a fit produced, whatever the model kind and array type.
#[derive(Debug, Clone)]
pub struct FitSummary {
    pub coef: Vec<f64>,
    pub intercept: f64,
    pub alpha: f64,
    pub objective: f64,
    pub n_iter: usize,
    pub converged: bool,
    pub stop_reason: String,
    /// Wall-clock seconds of `fit` alone (the arrays were built before).
    pub seconds: f64,
    /// The objective after each iteration.
    pub history: Vec<f64>,
    /// The fitted model as serde writes it (only when asked for: `--save`).
    pub fitted: Option<Value>,
}

/// Fits `params.model` with `params.solver` on any array type.
pub fn fit_glm<F: Float, X: DataMatrix<F>>(
    params: &GlmParams,
    x: &X,
    y: &X::Vector,
    keep_model: bool,
) -> Result<FitSummary, CliError> {
    match params.model {
        ModelKind::Linear => fit_kind::<Gaussian, F, X>(params, x, y, keep_model),
        ModelKind::Logistic => fit_kind::<Bernoulli, F, X>(params, x, y, keep_model),
        ModelKind::Poisson => fit_kind::<Poisson, F, X>(params, x, y, keep_model),
    }
}

fn fit_kind<K: GlmKind, F: Float, X: DataMatrix<F>>(
    params: &GlmParams,
    x: &X,
    y: &X::Vector,
    keep_model: bool,
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
    let start = Instant::now();
    let model = est.fit(x, y)?;
    let seconds = start.elapsed().as_secs_f64();
    let fitted = if keep_model {
        Some(
            serde_json::to_value(&model)
                .map_err(|e| CliError::Input(format!("cannot serialise the fitted model: {e}")))?,
        )
    } else {
        None
    };
    Ok(FitSummary {
        coef: model.coef_f64().to_vec(),
        intercept: model.intercept_f64(),
        alpha: model.alpha(),
        objective: model.objective(),
        n_iter: model.n_iter(),
        converged: model.converged(),
        stop_reason: model.stop_reason().to_string(),
        seconds,
        history: model.history().to_vec(),
        fitted,
    })
}

/// A JSON number, or `null` for NaN and infinities (which JSON cannot hold).
pub fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_round_trip() {
        for m in [ModelKind::Linear, ModelKind::Logistic, ModelKind::Poisson] {
            assert_eq!(ModelKind::from_name(m.name()), Some(m));
        }
        assert_eq!(ModelKind::from_name("probit"), None);
    }

    #[test]
    fn solver_keys_parse_back() {
        for s in SolverChoice::ALL {
            assert_eq!(parse_solver(solver_key(s)), Ok(s));
        }
    }

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
