//! The one loop every solver runs in (argmin's `Executor`): it validates the run,
//! asks the solver for its initial state, tests the stopping rule before each step,
//! records the history, calls the observer and builds the [`SolveResult`]. A solver
//! is only its state and its step, so these rules cannot drift apart between solvers.

use crate::error::SolverError;
use crate::observer::{IterationState, LogObserver, Observer};
use crate::options::SolveOptions;
use crate::problem::{ElasticNet, Objective, Problem};
use crate::result::{SolveResult, StopReason};
use ndarray::Array1;

/// An iterative method: its state and one iteration step. The [`Driver`] owns the
/// loop around them.
///
/// A new solver implements `init` and `step` and inherits the validation, stopping
/// rule, history, observers and result of every other solver:
///
/// ```
/// use duckml_solvers::*;
/// use ndarray::{array, Array1, ArrayView1};
///
/// /// Gradient steps of fixed length 1/2 (smooth problems only).
/// struct HalfSteps;
/// /// The point, f + g there and the smooth part's gradient.
/// struct At(Array1<f64>, f64, Array1<f64>);
/// impl SolverState for At {
///     fn objective(&self) -> f64 { self.1 }
///     fn optimality(&self) -> f64 { self.2.dot(&self.2).sqrt() }
///     fn into_w(self) -> Array1<f64> { self.0 }
/// }
/// impl Solver for HalfSteps {
///     const NAME: &'static str = "HalfSteps";
///     const HANDLES_L1: bool = false;
///     type State = At;
///     fn init<O: Objective>(&self, p: &Problem<'_, O>, w0: Array1<f64>, _: &SolveOptions) -> At {
///         let (f, g) = p.smooth_value_grad(w0.view());
///         At(w0, f, g)
///     }
///     fn step<O: Objective>(&self, p: &Problem<'_, O>, s: &mut At) -> Result<Step, SolverError> {
///         let w = &s.0 - &(&s.2 * 0.5);
///         let (f, g) = p.smooth_value_grad(w.view());
///         *s = At(w, f, g);
///         Ok(Step::Continue)
///     }
/// }
///
/// struct Quadratic; // f(w) = |w - (1, 2)|^2 / 2
/// impl Objective for Quadratic {
///     fn dim(&self) -> usize { 2 }
///     fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
///         let d = &w - &array![1.0, 2.0];
///         (0.5 * d.dot(&d), d)
///     }
/// }
/// let reg = ElasticNet::new(0.0, 0.0, 2);
/// let opts = SolveOptions { max_iter: 100, tol: 1e-6 };
/// let res = HalfSteps.minimize(&Quadratic, &reg, Array1::zeros(2), &opts)?;
/// // The gradient halves every step: from |(1, 2)| = 2.24 below 1e-6 in 22 steps.
/// assert_eq!((res.n_iter, res.stop_reason), (22, StopReason::Converged));
/// // The driver refuses what the solver says it cannot do.
/// let lasso = ElasticNet { l1: 0.1, ..reg.clone() };
/// let err = HalfSteps.minimize(&Quadratic, &lasso, Array1::zeros(2), &opts).unwrap_err();
/// assert!(matches!(err, SolverError::Unsupported { solver: "HalfSteps", .. }));
/// # Ok::<(), SolverError>(())
/// ```
pub trait Solver {
    /// The solver's name, as errors, logs and [`SolverChoice`](crate::SolverChoice)
    /// print it.
    const NAME: &'static str;
    /// Whether the solver handles an L1 term; the driver refuses an L1 problem for a
    /// solver that does not, naming those that do.
    const HANDLES_L1: bool;
    /// Everything the solver carries from one iteration to the next.
    type State: SolverState;

    /// Refuses a problem the solver cannot handle within its documented bounds, before
    /// any work is done (e.g. Newton on more coefficients than its `d x d` system
    /// allows). The default accepts every problem.
    fn check<O: Objective>(&self, _problem: &Problem<'_, O>) -> Result<(), SolverError> {
        Ok(())
    }

    /// The state at the (validated) start `w0`; the driver refuses to go on when its
    /// objective is not finite.
    fn init<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        w0: Array1<f64>,
        opts: &SolveOptions,
    ) -> Self::State;

    /// One iteration from `state`, which it updates in place. Called only while the
    /// stopping rule does not hold; an error ends the run (e.g. Newton without a
    /// Hessian).
    fn step<O: Objective>(
        &self,
        problem: &Problem<'_, O>,
        state: &mut Self::State,
    ) -> Result<Step, SolverError>;

    /// Minimises `f + g` from `w0` with the default observer ([`LogObserver`]):
    /// shorthand for [`Driver::run`].
    fn minimize<O: Objective>(
        &self,
        objective: &O,
        reg: &ElasticNet,
        w0: Array1<f64>,
        opts: &SolveOptions,
    ) -> Result<SolveResult, SolverError>
    where
        Self: Sized,
    {
        Driver::new(*opts).run(self, Problem::new(objective, reg), w0)
    }
}

/// What the driver reads from a solver's state between steps.
pub trait SolverState {
    /// `f + g` at the current point (what the history records).
    fn objective(&self) -> f64;

    /// The 2-norm of the minimum-norm subgradient of `f + g` at the current point
    /// ([`ElasticNet::optimality`]).
    fn optimality(&self) -> f64;

    /// The stopping rule: `optimality() < tol`, the same for every solver.
    fn converged(&self, tol: f64) -> bool {
        self.optimality() < tol
    }

    /// The current point, which becomes [`SolveResult::w`].
    fn into_w(self) -> Array1<f64>;
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The state moved (or, for a restart, was reset); the iteration counts.
    Continue,
    /// The solver cannot go on (e.g. its line search failed); the state is the answer
    /// and this iteration does not count.
    Stop(StopReason),
}

/// Runs any [`Solver`] under one set of options and an [`Observer`].
///
/// The rules, the same for every solver: options and the start's length are checked,
/// an L1 problem is refused to a smooth-only solver, the solver may refuse a problem
/// beyond its bounds ([`Solver::check`]), a start with a non-finite objective is an
/// error. Before each step the stopping rule is tested (`Converged`);
/// after each step the objective is recorded and observed, and a non-finite objective
/// stops the run (`NonFinite`). A step may stop the run itself (`LineSearchFailed`);
/// after `max_iter` steps the rule is tested once more (`Converged` or
/// `MaxIterations`). `n_iter` counts the steps taken and equals the history's length.
///
/// ```
/// use duckml_solvers::{Driver, ElasticNet, GradientDescent, Objective, Problem, SolveOptions, StopReason};
/// use ndarray::{array, Array1, ArrayView1};
///
/// /// f(w) = |w - (1, 2)|^2 / 2
/// struct Quadratic;
/// impl Objective for Quadratic {
///     fn dim(&self) -> usize { 2 }
///     fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
///         let d = &w - &array![1.0, 2.0];
///         (0.5 * d.dot(&d), d)
///     }
/// }
/// let reg = ElasticNet::new(0.0, 1.0, 2);
/// let driver = Driver::new(SolveOptions { max_iter: 50, tol: 1e-12 });
/// let res = driver.run(&GradientDescent, Problem::new(&Quadratic, &reg), Array1::zeros(2))?;
/// assert_eq!(res.stop_reason, StopReason::Converged);
/// assert_eq!(res.history.len(), res.n_iter);
/// // With the ridge term the minimiser is halfway: (1, 2) / (1 + l2).
/// assert!((&res.w - &array![0.5, 1.0]).iter().all(|d| d.abs() < 1e-12));
/// # Ok::<(), duckml_solvers::SolverError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Driver<'a> {
    opts: SolveOptions,
    observer: &'a dyn Observer,
}

impl Driver<'static> {
    /// A driver with options `opts` and the default observer, [`LogObserver`].
    pub fn new(opts: SolveOptions) -> Self {
        Driver {
            opts,
            observer: &LogObserver,
        }
    }
}

impl<'a> Driver<'a> {
    /// The same driver reporting to `observer` instead.
    pub fn observer<'b>(self, observer: &'b dyn Observer) -> Driver<'b> {
        Driver {
            opts: self.opts,
            observer,
        }
    }

    /// The options this driver runs with.
    pub fn options(&self) -> &SolveOptions {
        &self.opts
    }

    /// Minimises `problem` from `w0` with `solver`.
    pub fn run<S: Solver, O: Objective>(
        &self,
        solver: &S,
        problem: Problem<'_, O>,
        w0: Array1<f64>,
    ) -> Result<SolveResult, SolverError> {
        self.validate(solver, &problem, &w0)?;
        let mut state = solver.init(&problem, w0, &self.opts);
        if !state.objective().is_finite() {
            return Err(SolverError::NonFiniteStart);
        }
        let mut history = Vec::new();
        let (n_iter, stop_reason) = self.iterate(solver, &problem, &mut state, &mut history)?;
        let objective = state.objective();
        Ok(SolveResult::new(
            state.into_w(),
            objective,
            n_iter,
            stop_reason,
            history,
        ))
    }

    /// The checks made before a solver sees the problem.
    fn validate<S: Solver, O: Objective>(
        &self,
        solver: &S,
        problem: &Problem<'_, O>,
        w0: &Array1<f64>,
    ) -> Result<(), SolverError> {
        self.opts.validate()?;
        let expected = problem.objective.dim();
        if w0.len() != expected {
            return Err(SolverError::DimensionMismatch {
                expected,
                found: w0.len(),
            });
        }
        if problem.reg.has_l1() && !S::HANDLES_L1 {
            return Err(SolverError::Unsupported {
                solver: S::NAME,
                what: "an L1 penalty (l1_ratio > 0 with alpha > 0)".into(),
                alternatives: vec!["ProximalGradient", "Admm"],
            });
        }
        solver.check(problem)
    }

    /// The loop: steps until a stopping rule holds; returns the iterations taken and
    /// why it stopped.
    fn iterate<S: Solver, O: Objective>(
        &self,
        solver: &S,
        problem: &Problem<'_, O>,
        state: &mut S::State,
        history: &mut Vec<f64>,
    ) -> Result<(usize, StopReason), SolverError> {
        let SolveOptions { max_iter, tol } = self.opts;
        for iter in 0..max_iter {
            if state.converged(tol) {
                return Ok((iter, StopReason::Converged));
            }
            if let Step::Stop(reason) = solver.step(problem, state)? {
                return Ok((iter, reason));
            }
            let objective = state.objective();
            history.push(objective);
            self.observer.observe(&IterationState {
                solver: S::NAME,
                iteration: iter + 1,
                max_iter,
                objective,
                optimality: state.optimality(),
            });
            if !objective.is_finite() {
                return Ok((iter + 1, StopReason::NonFinite));
            }
        }
        let reason = if state.converged(tol) {
            StopReason::Converged
        } else {
            StopReason::MaxIterations
        };
        Ok((max_iter, reason))
    }
}
