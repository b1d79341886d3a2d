//! Proximal gradient (FISTA with backtracking and adaptive restart).

use crate::driver::{Solver, SolverState, Step};
use crate::error::SolverError;
use crate::options::SolveOptions;
use crate::problem::{ElasticNet, Objective, Problem};
use crate::result::StopReason;
use crate::smooth::Point;
use ndarray::{Array1, Zip};

/// Accelerated proximal gradient (FISTA, Beck & Teboulle 2009) for `f + g` with an
/// L1 term: the smooth part is the data term plus the L2 penalty, the prox is
/// soft-thresholding. The step length backtracks on the quadratic upper bound and is
/// allowed to grow again after steps that needed no backtracking; momentum restarts
/// whenever the objective goes up or the momentum points against the last step
/// (O'Donoghue & Candes 2015, function and gradient schemes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProximalGradient;

impl ProximalGradient {
    /// The most evaluations of value and gradient one iteration makes: 60
    /// backtracking halvings and the extrapolated point. Usually two.
    pub const MAX_EVALUATIONS: usize = MAX_HALVINGS + 1;
}

/// Step growth after an accepted step without backtracking.
const STEP_GROWTH: f64 = 1.25;
/// Halvings before the backtracking gives up.
const MAX_HALVINGS: usize = 60;

/// FISTA's state: the iterate `x`, the extrapolated point `y` the next step starts
/// from, the momentum and the step length.
#[derive(Debug, Clone)]
pub struct ProximalState {
    /// The iterate, with the smooth part's value and gradient.
    x: Point,
    /// `f + g` at `x`: the smooth part plus the L1 norm.
    objective: f64,
    /// The extrapolated point with the smooth part's value and gradient there.
    y: Array1<f64>,
    fy: f64,
    gy: Array1<f64>,
    /// FISTA's momentum sequence.
    theta: f64,
    /// The step length.
    t: f64,
}

impl SolverState for ProximalState {
    fn objective(&self) -> f64 {
        self.objective
    }

    fn optimality(&self) -> f64 {
        self.x.optimality
    }

    fn into_w(self) -> Array1<f64> {
        self.x.w
    }
}

impl Solver for ProximalGradient {
    const NAME: &'static str = "ProximalGradient";
    const HANDLES_L1: bool = true;
    type State = ProximalState;

    fn init<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        w0: Array1<f64>,
        _opts: &SolveOptions,
    ) -> Self::State {
        let x = Point::eval(problem, w0);
        ProximalState {
            objective: x.f + l1_norm(problem.reg, &x.w),
            y: x.w.clone(),
            fy: x.f,
            gy: x.g.clone(),
            theta: 1.0,
            t: initial_step(problem, &x),
            x,
        }
    }

    fn step<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        s: &mut Self::State,
    ) -> Result<Step, SolverError> {
        // Below this relative difference objective values no longer tell a better
        // point from a worse one.
        let rounding = problem.objective.precision();
        let Some((next, halvings)) = backtrack(problem, s) else {
            let stop = StopReason::LineSearchFailed("step length underflow".into());
            return Ok(Step::Stop(stop));
        };
        let new_objective = next.f + l1_norm(problem.reg, &next.w);
        if new_objective > s.objective + rounding * s.objective.abs() {
            // Restart: drop momentum and take a plain proximal step from x next.
            s.theta = 1.0;
            (s.y, s.fy, s.gy) = (s.x.w.clone(), s.x.f, s.x.g.clone());
            return Ok(Step::Continue);
        }
        // O'Donoghue and Candes' gradient scheme as well: momentum pointing against the
        // step just taken is dropped. Unlike the value test above it still works where
        // objective values differ only by rounding.
        let against = (&s.y - &next.w).dot(&(&next.w - &s.x.w)) > 0.0;
        let (theta_next, beta) = if against {
            (1.0, 0.0)
        } else {
            let theta_next = 0.5 * (1.0 + (1.0 + 4.0 * s.theta * s.theta).sqrt());
            (theta_next, (s.theta - 1.0) / theta_next)
        };
        s.theta = theta_next;
        let x_prev = std::mem::replace(&mut s.x, next).w;
        s.objective = new_objective;
        if beta > 0.0 {
            s.y = s.x.w.clone();
            Zip::from(&mut s.y)
                .and(&x_prev)
                .for_each(|yi, &xp| *yi += beta * (*yi - xp));
            (s.fy, s.gy) = problem.smooth_value_grad(s.y.view());
        } else {
            (s.y, s.fy, s.gy) = (s.x.w.clone(), s.x.f, s.x.g.clone());
        }
        if halvings == 0 {
            s.t *= STEP_GROWTH;
        }
        Ok(Step::Continue)
    }
}

/// The first step length: the inverse of the curvature measured along `-g` by one
/// probe (a secant), so that the first steps do not depend on the units of the
/// gradient (a move of length one in a problem whose minimiser lies a million units
/// away would take FISTA's step growth some 60 iterations to recover from). Falls back
/// to a move of length at most one when the probe tells nothing.
fn initial_step<O: Objective>(problem: &Problem<'_, O>, x: &Point) -> f64 {
    let gnorm = x.g.dot(&x.g).sqrt();
    let probe = 1.0 / gnorm.max(1.0);
    if !(gnorm > 0.0 && gnorm.is_finite()) {
        return probe;
    }
    let w = &x.w - &(&x.g * probe);
    let (_, g) = problem.smooth_value_grad(w.view());
    let dg = &g - &x.g;
    let curvature = dg.dot(&dg).sqrt() / (probe * gnorm);
    if curvature > 0.0 && curvature.is_finite() {
        1.0 / curvature
    } else {
        probe
    }
}

/// The proximal step from `y`, backtracking `t` until the quadratic upper bound
/// `f(x+) <= f(y) + g(y).d + |d|^2 / (2t)` holds, checked on the values and on the
/// gradients; the new point and the halvings needed, or `None` when the step length
/// underflowed.
fn backtrack<O: Objective>(
    problem: &Problem<'_, O>,
    s: &mut ProximalState,
) -> Option<(Point, usize)> {
    let rounding = problem.objective.precision();
    for halvings in 0..MAX_HALVINGS {
        let mut xn = &s.y - &(&s.gy * s.t);
        problem.reg.prox_l1(&mut xn, s.t);
        let d = &xn - &s.y;
        let (fn_, gn) = problem.smooth_value_grad(xn.view());
        let dd = d.dot(&d);
        let bound = s.fy + s.gy.dot(&d) + dd / (2.0 * s.t);
        // The same bound read off the gradients, `(g(x+) - g(y)).d <= |d|^2 / t` (equal
        // to it for a quadratic): near the optimum the values' differences drop below
        // their rounding and the value test accepts any step, which let `t` grow past
        // 1 / L and FISTA wander instead of converging; gradients stay accurate there.
        let curvature = (&gn - &s.gy).dot(&d);
        if fn_.is_finite() && fn_ <= bound + rounding * s.fy.abs() && curvature <= dd / s.t {
            return Some((Point::new(problem, xn, fn_, gn), halvings));
        }
        s.t *= 0.5;
    }
    None
}

/// `l1 sum_P d_j |w_j|`: the non-smooth part of the objective.
fn l1_norm(reg: &ElasticNet, w: &Array1<f64>) -> f64 {
    let weighted = w.iter().take(reg.n_penalised).enumerate();
    reg.l1 * weighted.map(|(j, v)| reg.weight(j) * v.abs()).sum::<f64>()
}
