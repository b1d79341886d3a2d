//! A fitted GLM: coefficients, solver report, predictions and scores.

use super::kind::{Bernoulli, GlmKind};
use crate::error::{Error, Result};
use crate::validate::{check_features, check_xy};
use duckml_arrays::{DataMatrix, ElementCheck, Float, GlmFamily, Linear, SampleVector, UnaryOp};
use duckml_solvers::{SolveResult, SolverChoice, StopReason};
use ndarray::{s, Array1};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// A fitted generalised linear model. Serialises with serde (e.g. to JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct FittedGlm<K: GlmKind, F: Float = f64> {
    coef: Array1<f64>,
    intercept: f64,
    family: GlmFamily,
    solver: SolverChoice,
    alpha: f64,
    l1_ratio: f64,
    fit_intercept: bool,
    objective: f64,
    n_iter: usize,
    converged: bool,
    stop_reason: StopReason,
    history: Vec<f64>,
    #[serde(skip)]
    marker: PhantomData<(K, F)>,
}

impl<K: GlmKind, F: Float> FittedGlm<K, F> {
    pub(crate) fn from_solution(
        res: SolveResult,
        p: usize,
        fit_intercept: bool,
        solver: SolverChoice,
        alpha: f64,
        l1_ratio: f64,
    ) -> Self {
        FittedGlm {
            coef: res.w.slice(s![..p]).to_owned(),
            intercept: if fit_intercept { res.w[p] } else { 0.0 },
            family: K::FAMILY,
            solver,
            alpha,
            l1_ratio,
            fit_intercept,
            objective: res.objective,
            n_iter: res.n_iter,
            converged: res.converged,
            stop_reason: res.stop_reason,
            history: res.history,
            marker: PhantomData,
        }
    }

    /// The coefficients, one per feature.
    pub fn coef(&self) -> Array1<F> {
        self.coef.mapv(F::of)
    }

    /// The intercept (0 when fitted without one).
    pub fn intercept(&self) -> F {
        F::of(self.intercept)
    }

    /// The coefficients as the solver returned them (`f64`, whatever the data type).
    pub fn coef_f64(&self) -> &Array1<f64> {
        &self.coef
    }

    /// The intercept as the solver returned it.
    pub fn intercept_f64(&self) -> f64 {
        self.intercept
    }

    /// The family (distribution and link).
    pub fn family(&self) -> GlmFamily {
        self.family
    }

    /// The solver that fitted the model.
    pub fn solver(&self) -> SolverChoice {
        self.solver
    }

    /// The penalty strength used.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The L1 share of the penalty used.
    pub fn l1_ratio(&self) -> f64 {
        self.l1_ratio
    }

    /// The objective value at the solution.
    pub fn objective(&self) -> f64 {
        self.objective
    }

    /// Iterations the solver used.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the solver met its stopping criterion.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Why the solver stopped.
    pub fn stop_reason(&self) -> &StopReason {
        &self.stop_reason
    }

    /// The objective after each iteration.
    pub fn history(&self) -> &[f64] {
        &self.history
    }

    /// The linear predictor `X coef + intercept`, beside `x`.
    ///
    /// Errors with [`Error::OutOfRange`] when it overflows the element type on finite
    /// `x` (e.g. features near `1e300`, or `f32` data beyond `3.4e38`): an infinite or
    /// NaN value is never returned.
    pub fn decision_function<X: DataMatrix<F>>(&self, x: &X) -> Result<X::Vector> {
        check_features(x, self.coef.len())?;
        let eta = x.linear_predictor(Linear {
            coef: self.coef.view(),
            intercept: self.intercept,
        });
        finite_or("decision_function", eta, || {
            format!("X coef + intercept overflows {}", F::NAME)
        })
    }

    /// Predictions: the mean for linear and Poisson regression, labels 0/1 for
    /// logistic regression. Returned beside `x` (same array type's vector).
    ///
    /// Errors with [`Error::OutOfRange`] when a prediction overflows on finite `x`: the
    /// linear predictor (see [`FittedGlm::decision_function`]) or, for Poisson
    /// regression, the mean `exp(eta)` (`eta` above `ln(max)`, 709.8 for `f64`, 88.7
    /// for `f32`). Means that underflow are returned as 0.
    pub fn predict<X: DataMatrix<F>>(&self, x: &X) -> Result<X::Vector> {
        let mu = K::predict_from_eta(&self.decision_function(x)?);
        finite_or("predict", mu, || {
            format!(
                "the predicted mean exp(eta) overflows {} (eta above {:.1})",
                F::NAME,
                F::max_value().as_f64().ln()
            )
        })
    }

    /// scikit-learn's score: R^2 (linear), accuracy (logistic), D^2 (Poisson).
    pub fn score<X: DataMatrix<F>>(&self, x: &X, y: &X::Vector) -> Result<f64> {
        check_xy(x, y)?;
        K::check_target(y).or_else(|e| match K::FAMILY {
            // A test set with one class is fine for accuracy.
            GlmFamily::Bernoulli if y.all(ElementCheck::ZeroOrOne) => Ok(()),
            GlmFamily::Poisson if y.all(ElementCheck::NonNegative) => Ok(()),
            _ => Err(e),
        })?;
        let eta = self.decision_function(x)?;
        Ok(K::score_from_eta(y, &eta))
    }
}

/// `v` when every element is finite, else [`Error::OutOfRange`] for `what`, naming
/// the first row that is not (found on a host copy: only on the error path).
fn finite_or<F: Float, V: SampleVector<F>>(
    what: &'static str,
    v: V,
    detail: impl FnOnce() -> String,
) -> Result<V> {
    if v.all(ElementCheck::Finite) {
        return Ok(v);
    }
    let row = v.to_host().iter().position(|e| !e.is_finite());
    let detail = match row {
        Some(i) => format!("row {i} (0-based): {}", detail()),
        None => detail(),
    };
    Err(Error::OutOfRange { what, detail, row })
}

impl<F: Float> FittedGlm<Bernoulli, F> {
    /// Probability of class 1 for each row of `x` (scikit-learn's
    /// `predict_proba(x)[:, 1]`), beside `x`. Always in `[0, 1]`; errors as
    /// [`FittedGlm::decision_function`] when the linear predictor overflows.
    pub fn predict_proba<X: DataMatrix<F>>(&self, x: &X) -> Result<X::Vector> {
        Ok(self
            .decision_function(x)?
            .map(UnaryOp::Mean(GlmFamily::Bernoulli)))
    }
}
