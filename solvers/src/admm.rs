//! Consensus ADMM over the objective's blocks (Boyd et al. 2011, section 7.1).

use crate::lbfgs::minimize_smooth;
use crate::problem::check_start;
use crate::{ElasticNet, Objective, SolveOptions, SolveResult, SolverError, StopReason};
use ndarray::{Array1, Zip};

/// Consensus ADMM: one local smooth problem per row block of the data,
/// `x_b = argmin f_b(x) + rho/2 |x - z + u_b|^2` (solved with L-BFGS, warm-started),
/// then `z = prox_{g / (N rho)}(mean(x_b + u_b))` for the elastic-net regulariser `g`,
/// then the scaled dual update `u_b += x_b - z`.
///
/// Stops on Boyd's primal and dual residuals with `eps_abs = eps_rel = tol`, and, so
/// that its answers are as accurate as the other solvers', when the optimality measure
/// at `z` is below `tol` too (the objective at `z` is evaluated every iteration for the
/// history anyway, and the fused pass returns the gradient with it). `rho` adapts by
/// residual balancing (Boyd 3.4.1). A plain array is one block; a chunked
/// array offers its chunks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Admm;

/// Starting penalty parameter; data terms are means, so curvature is O(1).
const RHO0: f64 = 1.0;
/// Residual-balancing ratio and factor.
const BALANCE_RATIO: f64 = 10.0;
const BALANCE_FACTOR: f64 = 2.0;
/// Iteration limit of each local L-BFGS solve.
const LOCAL_MAX_ITER: usize = 500;

impl Admm {
    /// The solver's name.
    pub const NAME: &'static str = "Admm";

    /// Minimises `f + g` from `w0`.
    pub fn minimize<O: Objective>(
        &self,
        obj: &O,
        reg: &ElasticNet,
        w0: Array1<f64>,
        opts: &SolveOptions,
    ) -> Result<SolveResult, SolverError> {
        check_start(obj, &w0, opts)?;
        let nb = obj.n_blocks().max(1);
        let dim = w0.len();
        // Objective and optimality at z: the fused pass gives the gradient for free.
        let at = |w: &Array1<f64>| {
            let (f, mut g) = obj.value_grad(w.view());
            let mut smooth = f;
            reg.add_l2(w.view(), &mut smooth, &mut g);
            (f + reg.value(w.view()), reg.optimality(w.view(), g.view()))
        };
        let f0 = at(&w0).0;
        if !f0.is_finite() {
            return Err(SolverError::NonFiniteStart);
        }
        let mut z = w0.clone();
        let mut xs = vec![w0; nb];
        let mut us = vec![Array1::<f64>::zeros(dim); nb];
        let mut rho = RHO0;
        let mut history = Vec::new();
        let (eps_abs, eps_rel) = (opts.tol, opts.tol);
        let sqrt_nd = ((nb * dim) as f64).sqrt();
        let local_opts = SolveOptions {
            max_iter: LOCAL_MAX_ITER,
            tol: opts.tol * 0.1,
        };
        for iter in 1..=opts.max_iter {
            for b in 0..nb {
                let anchor = &z - &us[b];
                let local = |x: ndarray::ArrayView1<f64>| {
                    let (mut f, mut g) = obj.block_value_grad(b, x);
                    let d = &x - &anchor;
                    f += 0.5 * rho * d.dot(&d);
                    g.scaled_add(rho, &d);
                    (f, g)
                };
                let start = std::mem::take(&mut xs[b]);
                xs[b] = minimize_smooth(local, obj.precision(), start, &local_opts).w;
            }
            let z_old = z.clone();
            let mut v = Array1::<f64>::zeros(dim);
            for (x, u) in xs.iter().zip(&us) {
                v += x;
                v += u;
            }
            v /= nb as f64;
            reg.prox(&mut v, 1.0 / (nb as f64 * rho));
            z = v;
            let (mut r2, mut x2, mut u2) = (0.0, 0.0, 0.0);
            for (x, u) in xs.iter().zip(us.iter_mut()) {
                Zip::from(u).and(x).and(&z).for_each(|ui, &xi, &zi| {
                    *ui += xi - zi;
                    r2 += (xi - zi) * (xi - zi);
                    x2 += xi * xi;
                });
            }
            for u in &us {
                u2 += u.dot(u);
            }
            let dz = &z - &z_old;
            let r = r2.sqrt();
            let s = rho * (nb as f64).sqrt() * dz.dot(&dz).sqrt();
            let eps_pri =
                sqrt_nd * eps_abs + eps_rel * x2.sqrt().max((nb as f64).sqrt() * z.dot(&z).sqrt());
            let eps_dual = sqrt_nd * eps_abs + eps_rel * rho * u2.sqrt();
            let (fz, optimality) = at(&z);
            history.push(fz);
            if !fz.is_finite() {
                return Ok(SolveResult::new(
                    z,
                    fz,
                    iter,
                    StopReason::NonFinite,
                    history,
                ));
            }
            if r <= eps_pri && s <= eps_dual && optimality < opts.tol {
                return Ok(SolveResult::new(
                    z,
                    fz,
                    iter,
                    StopReason::Converged,
                    history,
                ));
            }
            if r > BALANCE_RATIO * s {
                rho *= BALANCE_FACTOR;
                us.iter_mut().for_each(|u| *u /= BALANCE_FACTOR);
            } else if s > BALANCE_RATIO * r {
                rho /= BALANCE_FACTOR;
                us.iter_mut().for_each(|u| *u *= BALANCE_FACTOR);
            }
        }
        let fz = at(&z).0;
        Ok(SolveResult::new(
            z,
            fz,
            opts.max_iter,
            StopReason::MaxIterations,
            history,
        ))
    }
}
