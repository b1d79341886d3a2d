//! Consensus ADMM over the objective's blocks (Boyd et al. 2011, section 7.1).

use crate::driver::{Driver, Solver, SolverState, Step};
use crate::error::SolverError;
use crate::lbfgs::Lbfgs;
use crate::observer::IterationState;
use crate::options::SolveOptions;
use crate::problem::{ElasticNet, Objective, Problem};
use ndarray::{Array1, ArrayView1, Zip};

/// Consensus ADMM: one local smooth problem per row block of the data,
/// `x_b = argmin f_b(x) + rho/2 |x - z + u_b|^2` (solved with L-BFGS, warm-started),
/// then `z = prox_{g / (N rho)}(mean(x_b + u_b))` for the elastic-net regulariser `g`,
/// then the scaled dual update `u_b += x_b - z`.
///
/// Stops on the same rule as every other solver: the optimality measure at the
/// consensus point `z` (the answer) below `tol` (the objective at `z` is evaluated every
/// iteration for the history anyway, and the fused pass returns the gradient with it).
/// Boyd's primal and dual residuals drive the penalty `rho` (residual balancing, Boyd
/// 3.4.1) but do not decide convergence: they are in coefficient units, and a small
/// residual does not prove `z` optimal while a small optimality measure does.
///
/// Work per outer iteration is bounded: each block's local L-BFGS solve makes at most
/// `LOCAL_MAX_ITER` (50) iterations, so one outer iteration costs at most
/// `50 x 90` evaluations of each block (90: the most a line search evaluates) plus one
/// full evaluation at `z`; warm-started local solves usually need a few. A plain array
/// is one block; a chunked array offers its chunks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Admm;

impl Admm {
    /// The most evaluations of value and gradient one outer iteration makes, in full
    /// passes over the data (a block's evaluation counts as its share of a pass): per
    /// block, the local L-BFGS solve's start and at most `LOCAL_MAX_ITER` (50)
    /// iterations of at most [`Lbfgs::MAX_EVALUATIONS`] each; then one evaluation at
    /// `z`. Warm-started local solves usually need a few evaluations.
    pub const MAX_EVALUATIONS: usize = 1 + LOCAL_MAX_ITER * Lbfgs::MAX_EVALUATIONS + 1;
}

/// Starting penalty parameter; data terms are means, so curvature is O(1).
const RHO0: f64 = 1.0;
/// Residual-balancing ratio and factor.
const BALANCE_RATIO: f64 = 10.0;
const BALANCE_FACTOR: f64 = 2.0;
/// Iteration limit of each local L-BFGS solve: the local solves are warm-started and
/// need only be as accurate as the outer iteration's progress, and the limit bounds
/// the work of one outer iteration when `tol` cannot be reached (it was 500, which let
/// a run with a tiny `tol` spend minutes on 200 rows).
const LOCAL_MAX_ITER: usize = 50;
/// The local problems carry no regulariser: `g` enters through the z-update only.
const NO_PENALTY: ElasticNet = ElasticNet {
    l1: 0.0,
    l2: 0.0,
    n_penalised: 0,
    weights: None,
};

/// ADMM's state: the consensus point `z` (the answer) and the local copies, scaled
/// duals and penalty of the blocks.
#[derive(Debug, Clone)]
pub struct AdmmState {
    z: Array1<f64>,
    /// `f + g` at `z`.
    objective: f64,
    /// [`ElasticNet::optimality`] at `z`.
    optimality: f64,
    xs: Vec<Array1<f64>>,
    us: Vec<Array1<f64>>,
    rho: f64,
    /// The driver's `tol`; the local solves aim at a tenth of it.
    tol: f64,
}

impl SolverState for AdmmState {
    fn objective(&self) -> f64 {
        self.objective
    }

    fn optimality(&self) -> f64 {
        self.optimality
    }

    fn into_w(self) -> Array1<f64> {
        self.z
    }
}

impl Solver for Admm {
    const NAME: &'static str = "Admm";
    const HANDLES_L1: bool = true;
    type State = AdmmState;

    fn init<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        w0: Array1<f64>,
        opts: &SolveOptions,
    ) -> Self::State {
        let nb = problem.objective.n_blocks().max(1);
        let (objective, optimality) = objective_at(problem, w0.view());
        AdmmState {
            z: w0.clone(),
            objective,
            optimality,
            us: vec![Array1::zeros(w0.len()); nb],
            xs: vec![w0; nb],
            rho: RHO0,
            tol: opts.tol,
        }
    }

    fn step<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        s: &mut Self::State,
    ) -> Result<Step, SolverError> {
        let nb = s.xs.len();
        let local_opts = SolveOptions {
            max_iter: LOCAL_MAX_ITER,
            tol: s.tol * 0.1,
        };
        // The local solves are inner loops: the caller's observer sees outer iterations.
        let quiet = |_: &IterationState| {};
        let local_driver = Driver::new(local_opts).observer(&quiet);
        for b in 0..nb {
            let local = LocalProblem {
                objective: problem.objective,
                block: b,
                anchor: &s.z - &s.us[b],
                rho: s.rho,
            };
            let local_problem = Problem::new(&local, &NO_PENALTY);
            // A local start with a non-finite value stays where it is.
            if let Ok(res) = local_driver.run(&Lbfgs, local_problem, s.xs[b].clone()) {
                s.xs[b] = res.w;
            }
        }
        let z_old = std::mem::replace(&mut s.z, consensus(problem.reg, &s.xs, &s.us, s.rho));
        let mut r2 = 0.0;
        for (x, u) in s.xs.iter().zip(s.us.iter_mut()) {
            Zip::from(u).and(x).and(&s.z).for_each(|ui, &xi, &zi| {
                *ui += xi - zi;
                r2 += (xi - zi) * (xi - zi);
            });
        }
        let dz = &s.z - &z_old;
        let r = r2.sqrt();
        let dual = s.rho * (nb as f64).sqrt() * dz.dot(&dz).sqrt();
        (s.objective, s.optimality) = objective_at(problem, s.z.view());
        // Residual balancing for the next iteration (harmless if the driver stops now:
        // the answer is z).
        if r > BALANCE_RATIO * dual {
            s.rho *= BALANCE_FACTOR;
            s.us.iter_mut().for_each(|u| *u /= BALANCE_FACTOR);
        } else if dual > BALANCE_RATIO * r {
            s.rho /= BALANCE_FACTOR;
            s.us.iter_mut().for_each(|u| *u *= BALANCE_FACTOR);
        }
        Ok(Step::Continue)
    }
}

/// `f + g` and the optimality measure at `w`: the fused pass gives the gradient for
/// free.
fn objective_at<O: Objective>(problem: &Problem<'_, O>, w: ArrayView1<f64>) -> (f64, f64) {
    let (f, mut g) = problem.objective.value_grad(w);
    let mut smooth = f;
    problem.reg.add_l2(w, &mut smooth, &mut g);
    (
        f + problem.reg.value(w),
        problem.reg.optimality(w, g.view()),
    )
}

/// The z-update: `prox_{g / (N rho)}(mean(x_b + u_b))`.
fn consensus(reg: &ElasticNet, xs: &[Array1<f64>], us: &[Array1<f64>], rho: f64) -> Array1<f64> {
    let nb = xs.len() as f64;
    let mut v = Array1::<f64>::zeros(xs[0].len());
    for (x, u) in xs.iter().zip(us) {
        v += x;
        v += u;
    }
    v /= nb;
    reg.prox(&mut v, 1.0 / (nb * rho));
    v
}

/// Block `b`'s local problem `f_b(x) + rho/2 |x - anchor|^2`, with
/// `anchor = z - u_b`.
struct LocalProblem<'a, O> {
    objective: &'a O,
    block: usize,
    anchor: Array1<f64>,
    rho: f64,
}

impl<O: Objective> Objective for LocalProblem<'_, O> {
    fn dim(&self) -> usize {
        self.anchor.len()
    }

    fn value_grad(&self, x: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let (mut f, mut g) = self.objective.block_value_grad(self.block, x);
        let d = &x - &self.anchor;
        f += 0.5 * self.rho * d.dot(&d);
        g.scaled_add(self.rho, &d);
        (f, g)
    }

    fn precision(&self) -> f64 {
        self.objective.precision()
    }
}
