//! Observers: what the driver reports after every iteration, for progress lines and
//! traces (argmin's observers, reduced to one method).

/// One iteration as the driver reports it to an [`Observer`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IterationState {
    /// The solver's name ([`Solver::NAME`](crate::Solver::NAME)).
    pub solver: &'static str,
    /// Iterations done so far, this one included (1 for the first).
    pub iteration: usize,
    /// The iteration limit ([`SolveOptions::max_iter`](crate::SolveOptions::max_iter)).
    pub max_iter: usize,
    /// `f + g` after this iteration (the value the history records).
    pub objective: f64,
    /// The 2-norm of the minimum-norm subgradient of `f + g` after this iteration
    /// ([`ElasticNet::optimality`](crate::ElasticNet::optimality)); every solver but
    /// ADMM stops when it falls below `tol`, ADMM also needs its residuals small.
    pub optimality: f64,
}

/// Called by the [`Driver`](crate::Driver) once after every iteration.
///
/// `observe` takes `&self` so that one observer can be shared (an estimator's builder
/// holds it in an `Arc` and is cloned); an observer that keeps state uses a `Cell`,
/// an atomic or a `Mutex`. Any `Fn(&IterationState)` closure is an observer.
///
/// ```
/// use duckml_solvers::{Driver, ElasticNet, IterationState, Lbfgs, Objective, Problem, SolveOptions};
/// use ndarray::{array, Array1, ArrayView1};
/// use std::cell::RefCell;
///
/// struct Quadratic;
/// impl Objective for Quadratic {
///     fn dim(&self) -> usize { 2 }
///     fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
///         let d = &w - &array![1.0, -3.0];
///         (0.5 * d.dot(&d) + 0.25 * d[0].powi(4), d.clone() + array![d[0].powi(3), 0.0])
///     }
/// }
/// let reg = ElasticNet::new(0.0, 0.0, 2);
/// let seen = RefCell::new(Vec::new());
/// let record = |s: &IterationState| seen.borrow_mut().push((s.iteration, s.objective));
/// let opts = SolveOptions { max_iter: 100, tol: 1e-10 };
/// let driver = Driver::new(opts).observer(&record);
/// let res = driver.run(&Lbfgs, Problem::new(&Quadratic, &reg), Array1::zeros(2))?;
/// let seen = seen.into_inner();
/// assert!(res.converged && res.n_iter > 1);
/// // One call per iteration, with the objective the history records.
/// assert_eq!(seen.len(), res.n_iter);
/// assert!(seen.iter().zip(&res.history).all(|(s, h)| s.1 == *h));
/// assert_eq!(seen.last().unwrap().0, res.n_iter);
/// # Ok::<(), duckml_solvers::SolverError>(())
/// ```
pub trait Observer {
    /// Sees the state after one iteration.
    fn observe(&self, state: &IterationState);
}

impl<F: Fn(&IterationState)> Observer for F {
    fn observe(&self, state: &IterationState) {
        self(state)
    }
}

/// The default observer: one `log::debug!` line per iteration (target
/// `duckml_solvers::observer`), silent unless a logger enables debug output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogObserver;

impl Observer for LogObserver {
    fn observe(&self, s: &IterationState) {
        log::debug!(
            "{} iteration {}/{}: objective {:.12e}, optimality {:.3e}",
            s.solver,
            s.iteration,
            s.max_iter,
            s.objective,
            s.optimality
        );
    }
}
