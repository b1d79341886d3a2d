//! Gradient descent with Armijo backtracking.

use crate::driver::{Solver, Step};
use crate::error::SolverError;
use crate::line_search::{LineSearch, MAX_HALVINGS};
use crate::options::SolveOptions;
use crate::problem::{Objective, Problem};
use crate::smooth::{Point, SmoothState};
use ndarray::Array1;

/// Gradient descent: each step starts from the Barzilai-Borwein step length (the
/// secant estimate of the inverse curvature) and backtracks until Armijo's
/// sufficient-decrease condition holds, so every step decreases the objective.
///
/// For smooth objectives only (no L1 term).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GradientDescent;

impl GradientDescent {
    /// The most evaluations of value and gradient one iteration makes: the Armijo
    /// search's 60 halvings. Usually one.
    pub const MAX_EVALUATIONS: usize = MAX_HALVINGS;
}

impl Solver for GradientDescent {
    const NAME: &'static str = "GradientDescent";
    const HANDLES_L1: bool = false;
    /// The memory is the next step length to try.
    type State = SmoothState<f64>;

    fn init<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        w0: Array1<f64>,
        _opts: &SolveOptions,
    ) -> Self::State {
        let point = Point::eval(problem, w0);
        // No curvature known yet: a first move of length at most one.
        let t = 1.0 / point.g.dot(&point.g).sqrt().max(1.0);
        SmoothState { point, memory: t }
    }

    fn step<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        state: &mut Self::State,
    ) -> Result<Step, SolverError> {
        let SmoothState { point, memory: t } = state;
        let dir = -&point.g;
        let search = LineSearch {
            problem,
            from: point,
            dir: &dir,
            t0: *t,
        };
        let (next, used) = match search.armijo() {
            Ok(accepted) => (accepted.point, accepted.t),
            Err(stop) => return Ok(Step::Stop(stop)),
        };
        let s = &next.w - &point.w;
        let y = &next.g - &point.g;
        let sy = s.dot(&y);
        // BB1 step for the next iteration; fall back to growing the last one.
        *t = if sy > 0.0 { s.dot(&s) / sy } else { used * 2.0 };
        *point = next;
        Ok(Step::Continue)
    }
}
