//! Gradient descent with Armijo backtracking.

use crate::line_search::{armijo, Trial};
use crate::problem::{check_start, reject_l1, smooth_value_grad};
use crate::{ElasticNet, Objective, SolveOptions, SolveResult, SolverError, StopReason};
use ndarray::Array1;

/// Gradient descent: each step starts from the Barzilai-Borwein step length (the
/// secant estimate of the inverse curvature) and backtracks until Armijo's
/// sufficient-decrease condition holds, so every step decreases the objective.
///
/// For smooth objectives only (no L1 term).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GradientDescent;

impl GradientDescent {
    /// The solver's name.
    pub const NAME: &'static str = "GradientDescent";

    /// Minimises `f + g` (g without an L1 term) from `w0`.
    pub fn minimize<O: Objective>(
        &self,
        obj: &O,
        reg: &ElasticNet,
        w0: Array1<f64>,
        opts: &SolveOptions,
    ) -> Result<SolveResult, SolverError> {
        check_start(obj, &w0, opts)?;
        reject_l1(Self::NAME, reg)?;
        let eval = |w: &Array1<f64>| smooth_value_grad(obj, reg, w.view());
        let precision = obj.precision();
        let mut w = w0;
        let (mut f, mut g) = eval(&w);
        if !f.is_finite() {
            return Err(SolverError::NonFiniteStart);
        }
        let mut t = 1.0 / g.dot(&g).sqrt().max(1.0);
        let mut history = Vec::new();
        for iter in 0..opts.max_iter {
            if reg.optimality(w.view(), g.view()) < opts.tol {
                return Ok(SolveResult::new(w, f, iter, StopReason::Converged, history));
            }
            let dir = -&g;
            match armijo(&eval, precision, &w, f, &g, &dir, t) {
                Trial::Accepted {
                    w: wn,
                    f: fnew,
                    g: gn,
                    t: used,
                } => {
                    let s = &wn - &w;
                    let y = &gn - &g;
                    let sy = s.dot(&y);
                    // BB1 step for the next iteration; fall back to growing the last one.
                    t = if sy > 0.0 { s.dot(&s) / sy } else { used * 2.0 };
                    (w, f, g) = (wn, fnew, gn);
                    history.push(f);
                }
                Trial::Failed(reason) => {
                    let stop = StopReason::LineSearchFailed(reason);
                    return Ok(SolveResult::new(w, f, iter, stop, history));
                }
            }
        }
        let stop = if reg.optimality(w.view(), g.view()) < opts.tol {
            StopReason::Converged
        } else {
            StopReason::MaxIterations
        };
        Ok(SolveResult::new(w, f, opts.max_iter, stop, history))
    }
}
