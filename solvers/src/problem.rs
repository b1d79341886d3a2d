//! What a solver is given (a smooth data term, a regulariser, options) and what it
//! returns. Everything here lives in model space: host `f64` vectors of the model's
//! size, never data arrays.

use crate::SolverError;
use ndarray::{Array1, Array2, ArrayView1};
use serde::{Deserialize, Serialize};

/// The smooth data term `f(w)` of an objective `f(w) + g(w)`.
///
/// Estimators implement it by calling the array contract; solvers only see numbers.
pub trait Objective {
    /// Number of coordinates of `w`.
    fn dim(&self) -> usize;

    /// `f(w)`.
    fn value(&self, w: ArrayView1<f64>) -> f64 {
        self.value_grad(w).0
    }

    /// `f(w)` and its gradient, computed together (one pass over the data).
    fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>);

    /// The Hessian of `f` at `w`, when the objective can form it (needed by Newton).
    fn hessian(&self, _w: ArrayView1<f64>) -> Option<Array2<f64>> {
        None
    }

    /// Relative accuracy of computed objective values: differences below
    /// `precision * |f|` are rounding. `f32` data needs a far larger allowance than
    /// `f64`; line searches and restarts use it to stop trusting comparisons.
    fn precision(&self) -> f64 {
        1e-12
    }

    /// Number of separable blocks: `f = sum_b f_b` (row blocks of the data).
    fn n_blocks(&self) -> usize {
        1
    }

    /// `f_b(w)` and its gradient for one block; blocks sum to [`Objective::value_grad`].
    fn block_value_grad(&self, _block: usize, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        self.value_grad(w)
    }
}

/// The elastic-net regulariser `g(w) = l1 |w_P|_1 + l2/2 |w_P|_2^2`, where `P` is the
/// first `n_penalised` coordinates (an intercept, stored last, stays unpenalised).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ElasticNet {
    /// Weight of the L1 norm (`alpha * l1_ratio`).
    pub l1: f64,
    /// Weight of the squared L2 norm (`alpha * (1 - l1_ratio)`).
    pub l2: f64,
    /// How many leading coordinates are penalised.
    pub n_penalised: usize,
}

impl ElasticNet {
    /// `g(w)`.
    pub fn value(&self, w: ArrayView1<f64>) -> f64 {
        let wp = w.slice(ndarray::s![..self.n_penalised]);
        self.l1 * wp.iter().map(|v| v.abs()).sum::<f64>() + 0.5 * self.l2 * wp.dot(&wp)
    }

    /// Whether the problem has a non-smooth part.
    pub fn has_l1(&self) -> bool {
        self.l1 > 0.0 && self.n_penalised > 0
    }

    /// Adds the smooth L2 part's value and gradient to `(f, grad)`.
    pub fn add_l2(&self, w: ArrayView1<f64>, value: &mut f64, grad: &mut Array1<f64>) {
        for j in 0..self.n_penalised {
            *value += 0.5 * self.l2 * w[j] * w[j];
            grad[j] += self.l2 * w[j];
        }
    }

    /// Adds the L2 part's Hessian (`l2 I` on penalised coordinates).
    pub fn add_l2_hessian(&self, h: &mut Array2<f64>) {
        for j in 0..self.n_penalised {
            h[[j, j]] += self.l2;
        }
    }

    /// Proximal operator of `step * l1 |.|_1` only (the L2 part handled as smooth).
    pub fn prox_l1(&self, v: &mut Array1<f64>, step: f64) {
        let t = step * self.l1;
        for x in v.iter_mut().take(self.n_penalised) {
            *x = soft_threshold(*x, t);
        }
    }

    /// Proximal operator of `step * g` (L1 and L2 together), in place.
    pub fn prox(&self, v: &mut Array1<f64>, step: f64) {
        let t = step * self.l1;
        let shrink = 1.0 / (1.0 + step * self.l2);
        for x in v.iter_mut().take(self.n_penalised) {
            *x = soft_threshold(*x, t) * shrink;
        }
    }

    /// The 2-norm of the minimum-norm subgradient of `f + g` at `w`, given the
    /// gradient of the smooth part `f + l2/2 |w_P|^2`: zero exactly at the optimum.
    /// Every solver but ADMM stops when it falls below `tol`.
    pub fn optimality(&self, w: ArrayView1<f64>, smooth_grad: ArrayView1<f64>) -> f64 {
        let mut sq = 0.0;
        for (j, (&wj, &g)) in w.iter().zip(smooth_grad.iter()).enumerate() {
            let d = if j < self.n_penalised {
                if wj != 0.0 {
                    g + self.l1 * wj.signum()
                } else {
                    soft_threshold(g, self.l1)
                }
            } else {
                g
            };
            sq += d * d;
        }
        sq.sqrt()
    }
}

/// `sign(x) max(|x| - t, 0)`.
pub fn soft_threshold(x: f64, t: f64) -> f64 {
    if x > t {
        x - t
    } else if x < -t {
        x + t
    } else {
        0.0
    }
}

/// Iteration limit and tolerance, shared by every solver.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SolveOptions {
    /// Maximum number of (outer) iterations.
    pub max_iter: usize,
    /// Stop when [`ElasticNet::optimality`] (for ADMM: Boyd's residuals) falls below this.
    pub tol: f64,
}

impl SolveOptions {
    /// Checks that the options are usable.
    pub fn validate(&self) -> Result<(), SolverError> {
        if self.max_iter == 0 {
            return Err(SolverError::InvalidOption {
                name: "max_iter",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(SolverError::InvalidOption {
                name: "tol",
                value: self.tol.to_string(),
                reason: "must be finite and > 0",
            });
        }
        Ok(())
    }
}

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
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Converged => f.write_str("converged"),
            StopReason::MaxIterations => f.write_str("max_iter reached"),
            StopReason::LineSearchFailed(m) => write!(f, "line search failed: {m}"),
            StopReason::NonFinite => f.write_str("objective became non-finite"),
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

/// Checks the start against the problem.
pub(crate) fn check_start<O: Objective>(
    obj: &O,
    w0: &Array1<f64>,
    opts: &SolveOptions,
) -> Result<(), SolverError> {
    opts.validate()?;
    if w0.len() != obj.dim() {
        return Err(SolverError::DimensionMismatch {
            expected: obj.dim(),
            found: w0.len(),
        });
    }
    Ok(())
}

/// `f + l2 part` and its gradient: the smooth part seen by smooth solvers.
pub(crate) fn smooth_value_grad<O: Objective>(
    obj: &O,
    reg: &ElasticNet,
    w: ArrayView1<f64>,
) -> (f64, Array1<f64>) {
    let (mut v, mut g) = obj.value_grad(w);
    reg.add_l2(w, &mut v, &mut g);
    (v, g)
}

/// The error smooth-only solvers return for an L1 term.
pub(crate) fn reject_l1(solver: &'static str, reg: &ElasticNet) -> Result<(), SolverError> {
    if reg.has_l1() {
        return Err(SolverError::Unsupported {
            solver,
            what: "an L1 penalty (l1_ratio > 0 with alpha > 0)".into(),
            alternatives: vec!["ProximalGradient", "Admm"],
        });
    }
    Ok(())
}
