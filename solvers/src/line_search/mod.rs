//! Line searches of the smooth solvers: Armijo backtracking (Newton, gradient
//! descent, and L-BFGS's fallback) and a strong-Wolfe search (L-BFGS).

mod armijo;
mod wolfe;

pub(crate) use armijo::MAX_HALVINGS;
pub(crate) use wolfe::MAX_WOLFE_EVALS;

use crate::problem::{Objective, Problem};
use crate::result::StopReason;
use crate::smooth::Point;
use ndarray::Array1;

/// Sufficient-decrease constant of the Armijo search (Nocedal & Wright's usual 1e-4).
const ARMIJO_C: f64 = 1e-4;

/// One line search's question: from the point `from`, along `dir`, on the smooth part
/// of `problem`, trying the step length `t0` first.
pub(crate) struct LineSearch<'a, O> {
    /// Whose smooth part `f + l2/2 |w_P|^2` is searched.
    pub problem: &'a Problem<'a, O>,
    /// The current point, with its value and gradient.
    pub from: &'a Point,
    /// The search direction (a descent direction, or the search fails).
    pub dir: &'a Array1<f64>,
    /// The first step length tried.
    pub t0: f64,
}

/// An accepted step: the new point and the step length that reached it.
pub(crate) struct Accepted {
    pub point: Point,
    pub t: f64,
}

/// A line search's answer; a failure is the reason the solver stops.
pub(crate) type Trial = Result<Accepted, StopReason>;

impl<O: Objective> LineSearch<'_, O> {
    /// `g . dir`, or the failure when `dir` is not a (finite) descent direction.
    fn descent_slope(&self) -> Result<f64, StopReason> {
        let slope = self.from.g.dot(self.dir);
        if slope >= 0.0 || !slope.is_finite() {
            return Err(failed(format!("not a descent direction (slope {slope:e})")));
        }
        Ok(slope)
    }

    /// The trial point `w + t dir` with the smooth part's value and gradient there.
    fn probe(&self, t: f64) -> (Array1<f64>, f64, Array1<f64>) {
        let w = &self.from.w + &(self.dir * t);
        let (f, g) = self.problem.smooth_value_grad(w.view());
        (w, f, g)
    }

    /// Differences in `f` below this are rounding (see `Objective::precision`).
    fn rounding(&self) -> f64 {
        self.problem.objective.precision() * self.from.f.abs()
    }

    /// The step `t` to `w` accepted.
    fn accept(&self, w: Array1<f64>, f: f64, g: Array1<f64>, t: f64) -> Accepted {
        Accepted {
            point: Point::new(self.problem, w, f, g),
            t,
        }
    }
}

/// The stop reason of a failed search.
fn failed(reason: String) -> StopReason {
    StopReason::LineSearchFailed(reason)
}
