//! Limited-memory BFGS for smooth problems.

use crate::driver::{Solver, Step};
use crate::error::SolverError;
use crate::line_search::{LineSearch, MAX_HALVINGS, MAX_WOLFE_EVALS};
use crate::options::SolveOptions;
use crate::problem::{Objective, Problem};
use crate::smooth::{Point, SmoothState};
use ndarray::Array1;
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

impl Lbfgs {
    /// The most evaluations of value and gradient one iteration makes (each one pass
    /// over the data): the strong-Wolfe search's 30, then the Armijo fallback's 60.
    /// Usually one or two.
    pub const MAX_EVALUATIONS: usize = MAX_WOLFE_EVALS + MAX_HALVINGS;
}

/// Number of correction pairs kept (scipy's and scikit-learn's default is 10).
const MEMORY: usize = 10;

/// The stored correction pairs `(s, y, 1/(s.y))`, oldest first.
pub type Pairs = VecDeque<(Array1<f64>, Array1<f64>, f64)>;

impl Solver for Lbfgs {
    const NAME: &'static str = "Lbfgs";
    const HANDLES_L1: bool = false;
    type State = SmoothState<Pairs>;

    fn init<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        w0: Array1<f64>,
        _opts: &SolveOptions,
    ) -> Self::State {
        SmoothState {
            point: Point::eval(problem, w0),
            memory: VecDeque::with_capacity(MEMORY),
        }
    }

    fn step<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        state: &mut Self::State,
    ) -> Result<Step, SolverError> {
        let SmoothState {
            point,
            memory: pairs,
        } = state;
        let g = &point.g;
        let mut dir = two_loop(pairs, g);
        // First step (no curvature yet): a unit-length move, like scipy's L-BFGS-B;
        // the Wolfe search lengthens or shortens it.
        let t0 = if pairs.is_empty() {
            1.0 / g.dot(g).sqrt()
        } else {
            1.0
        };
        if g.dot(&dir) >= 0.0 {
            pairs.clear();
            dir = -g;
        }
        let search = LineSearch {
            problem,
            from: point,
            dir: &dir,
            t0,
        };
        // At the limits of floating point the Wolfe conditions may be unreachable;
        // backtracking with the approximate-Wolfe test still makes progress there.
        let next = match search.strong_wolfe().or_else(|_| search.armijo()) {
            Ok(accepted) => accepted.point,
            Err(stop) => return Ok(Step::Stop(stop)),
        };
        let s = &next.w - &point.w;
        let y = &next.g - &point.g;
        let sy = s.dot(&y);
        // Keep the pair only with positive curvature, so H stays positive definite.
        if sy > 1e-12 * y.dot(&y).max(f64::MIN_POSITIVE) {
            if pairs.len() == MEMORY {
                pairs.pop_front();
            }
            pairs.push_back((s, y, 1.0 / sy));
        }
        *point = next;
        Ok(Step::Continue)
    }
}

/// `-H g` by the two-loop recursion over the stored `(s, y, 1/(s.y))` pairs, with the
/// initial Hessian scaled by `s.y / y.y` of the newest pair.
fn two_loop(pairs: &Pairs, g: &Array1<f64>) -> Array1<f64> {
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
