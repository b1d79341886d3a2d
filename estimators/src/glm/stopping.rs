//! What `tol` means for a GLM fit, and the check that a "converged" logistic fit is a
//! minimiser at all.

use super::kind::GlmKind;
use duckml_arrays::{DataMatrix, Float, Linear, Reduction, SampleVector};
use duckml_solvers::{SolveResult, StopReason};
use ndarray::s;

/// The absolute tolerance the solver stops at, for the user's relative `tol`.
///
/// The solver works on standardised coefficients, whose gradient entries are
/// covariances of unit-variance predictors with the residuals `mu - y`: they do not
/// depend on X's units, and they scale with y's (for linear regression). The reference
/// they are measured against scales the same way:
///
/// `reference = min(|g~(w0)|, rms(y - mu0))`
///
/// where `g~(w0)` is the optimality measure (minimum-norm subgradient) at the start
/// (the intercept-only model, or zero without an intercept) and `mu0` the start's
/// prediction. The fit has converged when the optimality measure is at most
/// `tol * reference`, but never asks for less than the rounding of the gradient,
/// `precision * rms(y - mu0)`. So the start passes only when its gradient is already
/// at rounding level: `n_iter = 0` with `converged` means the start is the optimum.
pub(crate) fn absolute_tolerance(
    tol: f64,
    start_optimality: f64,
    residual_rms: f64,
    precision: f64,
) -> f64 {
    let scale = if residual_rms.is_finite() {
        residual_rms
    } else {
        start_optimality
    };
    let reference = start_optimality.min(scale);
    let t = (tol * reference).max(precision * scale);
    if t > 0.0 && t.is_finite() {
        t
    } else {
        // A start whose gradient is exactly zero (e.g. y constant and X constant):
        // only an exactly zero measure passes.
        f64::MIN_POSITIVE
    }
}

/// `rms(y - mu0)` for a constant start prediction `mu0`: one reduction over y.
pub(crate) fn residual_rms<F: Float, V: SampleVector<F>>(y: &V, mu0: f64) -> f64 {
    (y.reduce(Reduction::SquaredDeviation(mu0)) / y.len() as f64).sqrt()
}

/// An unpenalised logistic regression whose fit classifies every training sample
/// correctly has separated the classes: its objective has no minimiser (it decreases
/// towards 0 as the coefficients grow along the separating direction), so whatever the
/// gradient test said the answer is not an optimum. Marks `result` unconverged with
/// the reason. `result.w` holds the original coefficients. (Perfect training accuracy is impossible when a minimiser exists: then
/// every coefficient vector misclassifies some sample strictly.)
pub(crate) fn flag_separation<K: GlmKind, F: Float, X: DataMatrix<F>>(
    x: &X,
    y: &X::Vector,
    fit_intercept: bool,
    result: &mut SolveResult,
) {
    let (p, w) = (x.n_cols(), result.w.view());
    let eta = x.linear_predictor(Linear {
        coef: w.slice(s![..p]),
        intercept: if fit_intercept { w[p] } else { 0.0 },
    });
    if K::score_from_eta(y, &eta) == 1.0 {
        result.converged = false;
        result.stop_reason = StopReason::NoMinimizer(
            "the classes are perfectly separated, so the unpenalised coefficients grow \
             without bound; set alpha > 0 for a finite answer"
                .into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::absolute_tolerance;

    #[test]
    fn the_start_passes_only_at_rounding_level() {
        // A start far from the optimum: the test is relative to the residuals' scale.
        assert_eq!(absolute_tolerance(1e-4, 50.0, 2.0, 1e-12), 2e-4);
        // A weak signal: relative to the start's own gradient.
        assert!((absolute_tolerance(1e-4, 1e-3, 2.0, 1e-12) - 1e-7).abs() < 1e-20);
        // For any tol < 1 a start passes only below the rounding floor, 2e-12 here.
        let t = absolute_tolerance(0.5, 1e-13, 2.0, 1e-12);
        assert!(1e-13 < t && t == 2e-12);
        let t = absolute_tolerance(0.5, 1e-11, 2.0, 1e-12);
        assert!(1e-11 > t);
        // Everything zero: only an exactly zero gradient passes.
        assert_eq!(absolute_tolerance(1e-4, 0.0, 0.0, 1e-12), f64::MIN_POSITIVE);
    }
}
