//! Limited-memory BFGS for smooth problems.

use crate::line_search::{armijo, strong_wolfe, Trial};
use crate::problem::{check_start, reject_l1, smooth_value_grad};
use crate::{ElasticNet, Objective, SolveOptions, SolveResult, SolverError, StopReason};
use ndarray::{Array1, ArrayView1};
use std::collections::VecDeque;

/// Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a strong-Wolfe line
/// search from the unit step, for smooth objectives only (no L1 term).
///
/// Each evaluation of value and gradient is one fused pass over the data. This is our
/// own implementation rather than argmin's: argmin 0.11's L-BFGS with More-Thuente
/// looped forever on a NaN step on several of the reference problems, and with
/// Hager-Zhang it stopped on the first Poisson step that overflowed `exp`; see
/// `solvers/README.md` for the measurements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lbfgs;

/// Number of correction pairs kept (scipy's and scikit-learn's default is 10).
const MEMORY: usize = 10;

impl Lbfgs {
    /// The solver's name.
    pub const NAME: &'static str = "Lbfgs";

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
        let res = minimize_smooth(
            |w| smooth_value_grad(obj, reg, w),
            obj.precision(),
            w0,
            opts,
        );
        if res.stop_reason == StopReason::NonFinite && res.n_iter == 0 {
            return Err(SolverError::NonFiniteStart);
        }
        Ok(res)
    }
}

/// L-BFGS on any smooth function given as a fused value-and-gradient closure; also the
/// local solver inside ADMM. Stops when the gradient's 2-norm falls below `opts.tol`.
pub(crate) fn minimize_smooth<Fun>(
    fun: Fun,
    precision: f64,
    w0: Array1<f64>,
    opts: &SolveOptions,
) -> SolveResult
where
    Fun: Fn(ArrayView1<f64>) -> (f64, Array1<f64>),
{
    let eval = |w: &Array1<f64>| fun(w.view());
    let mut w = w0;
    let (mut f, mut g) = eval(&w);
    if !f.is_finite() {
        return SolveResult::new(w, f, 0, StopReason::NonFinite, vec![]);
    }
    let mut pairs: VecDeque<(Array1<f64>, Array1<f64>, f64)> = VecDeque::with_capacity(MEMORY);
    let mut history = Vec::new();
    for iter in 0..opts.max_iter {
        let gnorm = g.dot(&g).sqrt();
        if gnorm < opts.tol {
            return SolveResult::new(w, f, iter, StopReason::Converged, history);
        }
        let mut dir = two_loop(&pairs, &g);
        // First step (no curvature yet): a unit-length move, like scipy's L-BFGS-B;
        // the Wolfe search lengthens or shortens it.
        let t0 = if pairs.is_empty() { 1.0 / gnorm } else { 1.0 };
        if g.dot(&dir) >= 0.0 {
            pairs.clear();
            dir = -&g;
        }
        // At the limits of floating point the Wolfe conditions may be unreachable;
        // backtracking with the approximate-Wolfe test still makes progress there.
        let trial = match strong_wolfe(&eval, precision, &w, f, &g, &dir, t0) {
            Trial::Failed(_) => armijo(&eval, precision, &w, f, &g, &dir, t0),
            accepted => accepted,
        };
        match trial {
            Trial::Accepted {
                w: wn,
                f: fnew,
                g: gn,
                ..
            } => {
                let s = &wn - &w;
                let y = &gn - &g;
                let sy = s.dot(&y);
                // Keep the pair only with positive curvature, so H stays positive definite.
                if sy > 1e-12 * y.dot(&y).max(f64::MIN_POSITIVE) {
                    if pairs.len() == MEMORY {
                        pairs.pop_front();
                    }
                    pairs.push_back((s, y, 1.0 / sy));
                }
                (w, f, g) = (wn, fnew, gn);
                history.push(f);
            }
            Trial::Failed(reason) => {
                let stop = if g.dot(&g).sqrt() < opts.tol {
                    StopReason::Converged
                } else {
                    StopReason::LineSearchFailed(reason)
                };
                return SolveResult::new(w, f, iter, stop, history);
            }
        }
    }
    let stop = if g.dot(&g).sqrt() < opts.tol {
        StopReason::Converged
    } else {
        StopReason::MaxIterations
    };
    SolveResult::new(w, f, opts.max_iter, stop, history)
}

/// `-H g` by the two-loop recursion over the stored `(s, y, 1/(s.y))` pairs, with the
/// initial Hessian scaled by `s.y / y.y` of the newest pair.
fn two_loop(pairs: &VecDeque<(Array1<f64>, Array1<f64>, f64)>, g: &Array1<f64>) -> Array1<f64> {
    let mut q = g.clone();
    let mut alphas = Vec::with_capacity(pairs.len());
    for (s, y, rho) in pairs.iter().rev() {
        let a = rho * s.dot(&q);
        q.scaled_add(-a, y);
        alphas.push(a);
    }
    if let Some((_, y, rho)) = pairs.back() {
        q *= 1.0 / (rho * y.dot(y));
    }
    for ((s, y, rho), a) in pairs.iter().zip(alphas.into_iter().rev()) {
        let b = rho * y.dot(&q);
        q.scaled_add(a - b, s);
    }
    -q
}
