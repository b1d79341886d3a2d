//! The driver's rules, the same for every solver: one observer call per counted
//! iteration, the history, the iteration limit, and the start checks.

use duckml_solvers::{
    Driver, ElasticNet, IterationState, Objective, Problem, SolveOptions, SolverChoice,
    SolverError, StopReason,
};
use ndarray::{array, Array1, ArrayView1};
use std::cell::RefCell;

/// `f(w) = sum_j c_j (w_j - t_j)^2 / 2 + (w_0 - t_0)^4 / 4`, in two row blocks that
/// split the sum, so ADMM has more than one local problem.
struct Bowl;

impl Bowl {
    fn part(&self, w: ArrayView1<f64>, scale: f64) -> (f64, Array1<f64>) {
        let d = &w - &array![1.0, -2.0, 0.5];
        let c = array![1.0, 3.0, 0.5];
        let f = 0.5 * (&c * &d).dot(&d) + 0.25 * d[0].powi(4);
        let mut g = &c * &d;
        g[0] += d[0].powi(3);
        (scale * f, g * scale)
    }
}

impl Objective for Bowl {
    fn dim(&self) -> usize {
        3
    }
    fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        self.part(w, 1.0)
    }
    fn hessian(&self, w: ArrayView1<f64>) -> Option<ndarray::Array2<f64>> {
        let d0 = w[0] - 1.0;
        Some(ndarray::Array2::from_diag(&array![
            1.0 + 3.0 * d0 * d0,
            3.0,
            0.5
        ]))
    }
    fn n_blocks(&self) -> usize {
        2
    }
    fn block_value_grad(&self, block: usize, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        self.part(w, if block == 0 { 0.25 } else { 0.75 })
    }
}

#[test]
fn every_solver_reports_each_counted_iteration_once() {
    let reg = ElasticNet::new(0.0, 0.1, 3);
    for s in SolverChoice::ALL {
        for (max_iter, tol) in [(1000, 1e-9), (3, 1e-14)] {
            let seen = RefCell::new(Vec::new());
            let record = |st: &IterationState| seen.borrow_mut().push(*st);
            let driver = Driver::new(SolveOptions { max_iter, tol }).observer(&record);
            let res = s
                .run(&driver, Problem::new(&Bowl, &reg), Array1::zeros(3))
                .unwrap();
            let seen = seen.into_inner();
            if max_iter == 3 {
                assert_eq!(res.stop_reason, StopReason::MaxIterations, "{s}");
            } else {
                assert!(res.converged, "{s}: {}", res.stop_reason);
            }
            // One call per counted iteration (ADMM's local L-BFGS solves are not
            // reported), numbered from 1, with the history's objectives.
            assert_eq!(seen.len(), res.n_iter, "{s}");
            assert_eq!(res.history.len(), res.n_iter, "{s}");
            for (i, (st, h)) in seen.iter().zip(&res.history).enumerate() {
                assert_eq!(st.iteration, i + 1, "{s}");
                assert_eq!(st.objective, *h, "{s}");
                assert_eq!((st.solver, st.max_iter), (s.name(), max_iter), "{s}");
            }
            let last = seen.last().unwrap();
            assert_eq!(last.objective, res.objective, "{s}");
            if res.converged {
                assert!(last.optimality < tol, "{s}: {}", last.optimality);
            }
        }
    }
}

/// A data term that is infinite away from the origin's neighbourhood.
struct Cliff;

impl Objective for Cliff {
    fn dim(&self) -> usize {
        1
    }
    fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let f = if w[0].abs() > 1.0 {
            f64::INFINITY
        } else {
            w[0]
        };
        (f, array![1.0])
    }
}

#[test]
fn the_driver_checks_options_and_the_start_for_every_solver() {
    let reg = ElasticNet::new(0.0, 0.0, 1);
    let opts = SolveOptions {
        max_iter: 10,
        tol: 1e-8,
    };
    for s in SolverChoice::ALL {
        let err = s.minimize(&Cliff, &reg, array![2.0], &opts).unwrap_err();
        assert_eq!(err, SolverError::NonFiniteStart, "{s}");
        for (max_iter, tol, name) in [
            (0, 1e-8, "max_iter"),
            (10, 0.0, "tol"),
            (10, f64::NAN, "tol"),
        ] {
            let bad = SolveOptions { max_iter, tol };
            let err = s.minimize(&Cliff, &reg, array![0.0], &bad).unwrap_err();
            assert!(
                matches!(err, SolverError::InvalidOption { name: n, .. } if n == name),
                "{s}: {err}"
            );
        }
    }
}
