//! The state of the smooth solvers (L-BFGS, Newton, gradient descent): the current
//! point with the smooth part's value and gradient, plus what each method remembers.

use crate::driver::SolverState;
use crate::problem::{Objective, Problem};
use ndarray::Array1;

/// A point `w` with the smooth part's value `f` and gradient `g` there (for smooth
/// problems `f` is the whole objective), and the optimality measure at `w`.
#[derive(Debug, Clone)]
pub struct Point {
    /// The coefficients.
    pub w: Array1<f64>,
    /// `f + l2/2 |w_P|^2` at `w`.
    pub f: f64,
    /// Its gradient.
    pub g: Array1<f64>,
    /// [`ElasticNet::optimality`](crate::ElasticNet::optimality) at `w`, computed
    /// once when the point is accepted.
    pub optimality: f64,
}

impl Point {
    /// The point `w` with its value and gradient already computed.
    pub(crate) fn new<O: Objective>(
        problem: &Problem<'_, O>,
        w: Array1<f64>,
        f: f64,
        g: Array1<f64>,
    ) -> Self {
        let optimality = problem.reg.optimality(w.view(), g.view());
        Point {
            w,
            f,
            g,
            optimality,
        }
    }

    /// The point `w`, evaluated (one pass over the data).
    pub(crate) fn eval<O: Objective>(problem: &Problem<'_, O>, w: Array1<f64>) -> Self {
        let (f, g) = problem.smooth_value_grad(w.view());
        Self::new(problem, w, f, g)
    }
}

/// A smooth solver's state: the current [`Point`] and the method's memory `M`
/// (L-BFGS's correction pairs, gradient descent's next step length, nothing for
/// Newton).
#[derive(Debug, Clone)]
pub struct SmoothState<M> {
    /// The current point.
    pub point: Point,
    /// What the method carries between iterations.
    pub memory: M,
}

impl<M> SolverState for SmoothState<M> {
    fn objective(&self) -> f64 {
        self.point.f
    }

    fn optimality(&self) -> f64 {
        self.point.optimality
    }

    fn into_w(self) -> Array1<f64> {
        self.point.w
    }
}
