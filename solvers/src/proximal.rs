//! Proximal gradient (FISTA with backtracking and adaptive restart).

use crate::problem::{check_start, smooth_value_grad};
use crate::{ElasticNet, Objective, SolveOptions, SolveResult, SolverError, StopReason};
use ndarray::{Array1, Zip};

/// Accelerated proximal gradient (FISTA, Beck & Teboulle 2009) for `f + g` with an
/// L1 term: the smooth part is the data term plus the L2 penalty, the prox is
/// soft-thresholding. The step length backtracks on the quadratic upper bound and is
/// allowed to grow again after steps that needed no backtracking; momentum restarts
/// whenever the objective goes up (O'Donoghue & Candes 2015).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProximalGradient;

/// Step growth after an accepted step without backtracking.
const STEP_GROWTH: f64 = 1.25;
/// Halvings before the backtracking gives up.
const MAX_HALVINGS: usize = 60;

impl ProximalGradient {
    /// The solver's name.
    pub const NAME: &'static str = "ProximalGradient";

    /// Minimises `f + g` from `w0`.
    pub fn minimize<O: Objective>(
        &self,
        obj: &O,
        reg: &ElasticNet,
        w0: Array1<f64>,
        opts: &SolveOptions,
    ) -> Result<SolveResult, SolverError> {
        check_start(obj, &w0, opts)?;
        let smooth = |w: &Array1<f64>| smooth_value_grad(obj, reg, w.view());
        // Below this relative difference objective values no longer tell a better
        // point from a worse one.
        let rounding = obj.precision();
        let l1 =
            |w: &Array1<f64>| reg.l1 * w.iter().take(reg.n_penalised).map(|v| v.abs()).sum::<f64>();
        let mut x = w0;
        let (mut fx, mut gx) = smooth(&x);
        if !fx.is_finite() {
            return Err(SolverError::NonFiniteStart);
        }
        let mut big_f = fx + l1(&x);
        let (mut y, mut fy, mut gy) = (x.clone(), fx, gx.clone());
        let mut theta: f64 = 1.0;
        let mut t = 1.0 / gx.dot(&gx).sqrt().max(1.0);
        let mut history = Vec::new();
        for iter in 0..opts.max_iter {
            if reg.optimality(x.view(), gx.view()) < opts.tol {
                return Ok(SolveResult::new(
                    x,
                    big_f,
                    iter,
                    StopReason::Converged,
                    history,
                ));
            }
            // Backtracking on f(x+) <= f(y) + g(y).d + |d|^2 / (2t).
            let mut accepted = None;
            let mut halvings = 0;
            while halvings < MAX_HALVINGS {
                let mut xn = &y - &(&gy * t);
                reg.prox_l1(&mut xn, t);
                let d = &xn - &y;
                let (fn_, gn) = smooth(&xn);
                let bound = fy + gy.dot(&d) + d.dot(&d) / (2.0 * t);
                if fn_.is_finite() && fn_ <= bound + rounding * fy.abs() {
                    accepted = Some((xn, fn_, gn));
                    break;
                }
                t *= 0.5;
                halvings += 1;
            }
            let Some((xn, fn_, gn)) = accepted else {
                let stop = StopReason::LineSearchFailed("step length underflow".into());
                return Ok(SolveResult::new(x, big_f, iter, stop, history));
            };
            let new_f = fn_ + l1(&xn);
            if new_f > big_f + rounding * big_f.abs() {
                // Restart: drop momentum and take a plain proximal step from x next.
                theta = 1.0;
                (y, fy, gy) = (x.clone(), fx, gx.clone());
                history.push(big_f);
                continue;
            }
            let theta_next = 0.5 * (1.0 + (1.0 + 4.0 * theta * theta).sqrt());
            let beta = (theta - 1.0) / theta_next;
            theta = theta_next;
            let x_prev = std::mem::replace(&mut x, xn);
            (fx, gx, big_f) = (fn_, gn, new_f);
            history.push(big_f);
            if beta > 0.0 {
                y = x.clone();
                Zip::from(&mut y)
                    .and(&x_prev)
                    .for_each(|yi, &xp| *yi += beta * (*yi - xp));
                (fy, gy) = smooth(&y);
            } else {
                (y, fy, gy) = (x.clone(), fx, gx.clone());
            }
            if halvings == 0 {
                t *= STEP_GROWTH;
            }
        }
        let stop = if reg.optimality(x.view(), gx.view()) < opts.tol {
            StopReason::Converged
        } else {
            StopReason::MaxIterations
        };
        Ok(SolveResult::new(x, big_f, opts.max_iter, stop, history))
    }
}
