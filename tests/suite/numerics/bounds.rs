//! Every solver's work per iteration is bounded by its documented number of
//! evaluations (`MAX_EVALUATIONS`, solvers/README.md), even when `tol` cannot be met:
//! ADMM with a tiny `tol` used to run for minutes on 200 x 5 data (500 local L-BFGS
//! iterations per block and outer iteration); Newton refuses more coefficients than its
//! `d x d` system allows before doing any work.

use super::{problem, Family, Spec};
use duckml::solvers::{
    Admm, Driver, ElasticNet, GradientDescent, Lbfgs, Newton, Objective, Problem, ProximalGradient,
    SolveOptions, SolverChoice, SolverError, StopReason,
};
use ndarray::{s, Array1, Array2, ArrayView1};
use std::cell::Cell;

/// Least squares `|A w - b|^2 / (2 n)` in four row blocks, counting evaluations in
/// passes over the rows (a block's evaluation counts a quarter).
struct Counted {
    a: Array2<f64>,
    b: Array1<f64>,
    block_evals: Cell<usize>,
    full_evals: Cell<usize>,
    hessians: Cell<usize>,
}

const BLOCKS: usize = 4;

impl Counted {
    fn new() -> Self {
        let (a, b) = problem(Family::Gaussian, 200, 5, 31);
        Counted {
            a,
            b,
            block_evals: Cell::new(0),
            full_evals: Cell::new(0),
            hessians: Cell::new(0),
        }
    }

    /// Evaluations so far, in passes over the data (rounded up).
    fn passes(&self) -> usize {
        self.full_evals.get() + self.block_evals.get().div_ceil(BLOCKS)
    }

    fn rows(&self, block: usize) -> std::ops::Range<usize> {
        let m = self.a.nrows() / BLOCKS;
        block * m..(block + 1) * m
    }

    fn part(&self, rows: std::ops::Range<usize>, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let n = self.a.nrows() as f64;
        let a = self.a.slice(s![rows.clone(), ..]);
        let r = a.dot(&w) - self.b.slice(s![rows]);
        (0.5 * r.dot(&r) / n, a.t().dot(&r) / n)
    }
}

impl Objective for Counted {
    fn dim(&self) -> usize {
        self.a.ncols()
    }
    fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        self.full_evals.set(self.full_evals.get() + 1);
        self.part(0..self.a.nrows(), w)
    }
    fn hessian(&self, _w: ArrayView1<f64>) -> Option<Array2<f64>> {
        self.hessians.set(self.hessians.get() + 1);
        Some(self.a.t().dot(&self.a) / self.a.nrows() as f64)
    }
    fn n_blocks(&self) -> usize {
        BLOCKS
    }
    fn block_value_grad(&self, block: usize, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        self.block_evals.set(self.block_evals.get() + 1);
        self.part(self.rows(block), w)
    }
}

/// An unreachable `tol` (1e-300): every solver stops within `max_iter` iterations, not
/// converged, having evaluated at most its documented number per iteration (plus the
/// start, and the step that stopped it).
#[test]
fn an_unreachable_tol_costs_at_most_the_documented_work() {
    let max_iter = 40;
    let opts = SolveOptions {
        max_iter,
        tol: 1e-300,
    };
    for (solver, per_iter) in [
        (SolverChoice::Lbfgs, Lbfgs::MAX_EVALUATIONS),
        (SolverChoice::Newton, Newton::MAX_EVALUATIONS),
        (
            SolverChoice::GradientDescent,
            GradientDescent::MAX_EVALUATIONS,
        ),
        (
            SolverChoice::ProximalGradient,
            ProximalGradient::MAX_EVALUATIONS,
        ),
        (SolverChoice::Admm, Admm::MAX_EVALUATIONS),
    ] {
        for l1 in [0.0, 0.01] {
            if l1 > 0.0 && !solver.handles_l1() {
                continue;
            }
            let f = Counted::new();
            let reg = ElasticNet::new(l1, 0.0, 5);
            let res = solver
                .run(&Driver::new(opts), Problem::new(&f, &reg), Array1::zeros(5))
                .unwrap();
            assert!(
                res.n_iter <= max_iter && !res.converged,
                "{solver}: {:?}",
                res.stop_reason
            );
            assert!(
                matches!(
                    res.stop_reason,
                    StopReason::MaxIterations | StopReason::LineSearchFailed(_)
                ),
                "{solver}: {}",
                res.stop_reason
            );
            let bound = 2 + (res.n_iter + 1) * per_iter;
            assert!(
                f.passes() <= bound,
                "{solver}: {} passes > {bound}",
                f.passes()
            );
            assert!(f.hessians.get() <= res.n_iter + 1, "{solver}");
            if solver == SolverChoice::Admm {
                // ADMM cannot tell that the tolerance is out of reach: it uses all its
                // outer iterations, each bounded.
                assert_eq!(
                    (res.n_iter, res.stop_reason.clone()),
                    (max_iter, StopReason::MaxIterations)
                );
            }
        }
    }
}

/// Newton refuses a problem beyond `Newton::MAX_DIM` coordinates before evaluating
/// anything, naming the solvers that need no `d x d` system.
#[test]
fn newton_refuses_beyond_its_size_limit_before_any_work() {
    struct Wide(Cell<usize>);
    impl Objective for Wide {
        fn dim(&self) -> usize {
            Newton::MAX_DIM + 1
        }
        fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
            self.0.set(self.0.get() + 1);
            (0.5 * w.dot(&w), w.to_owned())
        }
    }
    let f = Wide(Cell::new(0));
    let reg = ElasticNet::new(0.0, 0.0, Newton::MAX_DIM + 1);
    let opts = SolveOptions {
        max_iter: 10,
        tol: 1e-8,
    };
    let err = SolverChoice::Newton
        .minimize(&f, &reg, Array1::zeros(Newton::MAX_DIM + 1), &opts)
        .unwrap_err();
    match err {
        SolverError::Unsupported {
            solver: "Newton",
            alternatives,
            ..
        } => {
            assert!(alternatives.contains(&"Lbfgs") && alternatives.contains(&"Admm"))
        }
        other => panic!("{other}"),
    }
    assert_eq!(f.0.get(), 0);
    // The solvers it names take it.
    let ok = SolverChoice::Lbfgs.minimize(&f, &reg, Array1::ones(Newton::MAX_DIM + 1), &opts);
    assert!(ok.unwrap().converged);
}

/// Through the estimators a tiny `tol` is floored at the gradient's rounding level:
/// every solver reaches the optimum to rounding; the line-search solvers then stop
/// (converged, or their search finds no decrease) long before `max_iter`; ADMM, whose
/// steps do not search, may use its `max_iter`, each iteration bounded.
#[test]
fn a_tiny_tol_through_the_estimators_ends_at_the_optimum() {
    let (x, y) = problem(Family::Gaussian, 200, 5, 32);
    let best = Spec::new(Family::Gaussian, SolverChoice::Newton)
        .tol(1e-13)
        .fit(&x, &y)
        .unwrap();
    for solver in SolverChoice::ALL {
        let mut spec = Spec::new(Family::Gaussian, solver).tol(1e-300);
        spec.max_iter = 500;
        let fit = spec.fit(&x, &y).unwrap();
        assert!(
            (fit.objective - best.objective).abs() <= 1e-12 * best.objective,
            "{solver}"
        );
        assert!(fit.n_iter <= spec.max_iter, "{solver}");
        if solver != SolverChoice::Admm {
            assert!(
                fit.n_iter < spec.max_iter,
                "{solver}: {} after {}",
                fit.stop,
                fit.n_iter
            );
            let ended = fit.converged || matches!(fit.stop, StopReason::LineSearchFailed(_));
            assert!(ended, "{solver}: {}", fit.stop);
        }
    }
}
