//! Newton's method with the exact Hessian, solved by Cholesky on the host.

use crate::line_search::{armijo, Trial};
use crate::problem::{check_start, reject_l1, smooth_value_grad};
use crate::{ElasticNet, Objective, SolveOptions, SolveResult, SolverError, StopReason};
use nalgebra::{DMatrix, DVector};
use ndarray::{Array1, Array2};

/// Newton's method: the Hessian comes from the array contract's weighted Gram
/// operation (`X^T W X`, p x p), the system is solved on the host, and an Armijo
/// backtracking line search keeps every step a descent step.
///
/// For smooth objectives whose Hessian the objective can form (all GLMs here).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Newton;

impl Newton {
    /// The solver's name.
    pub const NAME: &'static str = "Newton";

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
        let mut history = Vec::new();
        for iter in 0..opts.max_iter {
            if reg.optimality(w.view(), g.view()) < opts.tol {
                return Ok(SolveResult::new(w, f, iter, StopReason::Converged, history));
            }
            let Some(mut h) = obj.hessian(w.view()) else {
                return Err(SolverError::Unsupported {
                    solver: Self::NAME,
                    what:
                        "this problem: its Hessian is not available (more than 10000 coefficients?)"
                            .into(),
                    alternatives: vec!["Lbfgs", "GradientDescent", "ProximalGradient", "Admm"],
                });
            };
            reg.add_l2_hessian(&mut h);
            let step = newton_direction(&h, &g);
            match armijo(&eval, precision, &w, f, &g, &step, 1.0) {
                Trial::Accepted {
                    w: wn,
                    f: fnew,
                    g: gn,
                    ..
                } => {
                    (w, f, g) = (wn, fnew, gn);
                    history.push(f);
                }
                Trial::Failed(reason) => {
                    let stop = if f.is_finite() {
                        StopReason::LineSearchFailed(reason)
                    } else {
                        StopReason::NonFinite
                    };
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

/// Solves `H d = -g` by Cholesky; an indefinite or singular `H` (no L2 term and
/// collinear features) gets a small ridge added until it factors.
fn newton_direction(h: &Array2<f64>, g: &Array1<f64>) -> Array1<f64> {
    let n = g.len();
    let hm = DMatrix::from_fn(n, n, |i, j| h[[i, j]]);
    let rhs = DVector::from_iterator(n, g.iter().map(|v| -v));
    let scale = (0..n)
        .map(|i| h[[i, i]].abs())
        .fold(0.0, f64::max)
        .max(1e-300);
    let mut ridge = 0.0;
    for _ in 0..12 {
        let mut m = hm.clone();
        for i in 0..n {
            m[(i, i)] += ridge;
        }
        if let Some(ch) = m.cholesky() {
            return Array1::from_iter(ch.solve(&rhs).iter().copied());
        }
        ridge = if ridge == 0.0 {
            scale * 1e-12
        } else {
            ridge * 100.0
        };
    }
    // Give up on curvature: steepest descent, scaled by the diagonal.
    g.mapv(|v| -v / scale)
}
