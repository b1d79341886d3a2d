//! Newton's method with the exact Hessian, solved by Cholesky on the host.

use crate::driver::{Solver, Step};
use crate::error::SolverError;
use crate::line_search::{LineSearch, MAX_HALVINGS};
use crate::options::SolveOptions;
use crate::problem::{Objective, Problem};
use crate::smooth::{Point, SmoothState};
use nalgebra::{DMatrix, DVector};
use ndarray::{Array1, Array2};

/// Newton's method: the Hessian comes from the array contract's weighted Gram
/// operation (`X^T W X`, p x p), the system is solved on the host, and an Armijo
/// backtracking line search from the full step keeps every step a descent step.
///
/// For smooth objectives whose Hessian the objective can form (all GLMs here), with at
/// most [`Newton::MAX_DIM`] coordinates: one iteration forms the `d x d` Hessian (one
/// pass over the data) and factors it on the host (`d^3 / 3` operations, at most 12
/// times when a growing ridge is needed), so the solver refuses larger problems
/// before any work, naming the solvers whose iterations cost `O(d)` on the host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Newton;

impl Newton {
    /// The most coordinates Newton accepts: a `2048 x 2048` factorisation is about
    /// 3e9 operations, seconds on one core; beyond, a minute per iteration is near.
    pub const MAX_DIM: usize = 2048;

    /// The most evaluations of value and gradient one iteration makes (the Armijo
    /// search's 60 halvings; usually one), besides its one Hessian.
    pub const MAX_EVALUATIONS: usize = MAX_HALVINGS;
}

/// The solvers whose iterations need no `d x d` matrix.
const WITHOUT_HESSIAN: [&str; 4] = ["Lbfgs", "GradientDescent", "ProximalGradient", "Admm"];

impl Solver for Newton {
    const NAME: &'static str = "Newton";
    const HANDLES_L1: bool = false;
    type State = SmoothState<()>;

    fn check<O: Objective>(&self, problem: &Problem<'_, O>) -> Result<(), SolverError> {
        let d = problem.objective.dim();
        if d > Self::MAX_DIM {
            return Err(SolverError::Unsupported {
                solver: Self::NAME,
                what: format!(
                    "{d} coefficients: its {d} x {d} system costs about {:.0e} host \
                     operations per iteration (limit {} coefficients)",
                    (d as f64).powi(3) / 3.0,
                    Self::MAX_DIM
                ),
                alternatives: WITHOUT_HESSIAN.to_vec(),
            });
        }
        Ok(())
    }

    fn init<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        w0: Array1<f64>,
        _opts: &SolveOptions,
    ) -> Self::State {
        SmoothState {
            point: Point::eval(problem, w0),
            memory: (),
        }
    }

    fn step<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        state: &mut Self::State,
    ) -> Result<Step, SolverError> {
        let point = &mut state.point;
        let Some(mut h) = problem.objective.hessian(point.w.view()) else {
            return Err(SolverError::Unsupported {
                solver: Self::NAME,
                what: "this objective: it does not provide a Hessian".into(),
                alternatives: WITHOUT_HESSIAN.to_vec(),
            });
        };
        problem.reg.add_l2_hessian(&mut h);
        let dir = newton_direction(&h, &point.g);
        let search = LineSearch {
            problem,
            from: point,
            dir: &dir,
            t0: 1.0,
        };
        match search.armijo() {
            Ok(accepted) => *point = accepted.point,
            Err(stop) => return Ok(Step::Stop(stop)),
        }
        Ok(Step::Continue)
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
