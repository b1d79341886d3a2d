//! The GLM estimator builders: hyper-parameters and `fit`.

use super::kind::{Bernoulli, Gaussian, GlmKind, Poisson};
use super::model::FittedGlm;
use super::objective::GlmObjective;
use super::observer::SharedObserver;
use crate::error::Result;
use crate::validate::{check_param, check_xy_except_x_finite};
use duckml_arrays::{DataMatrix, Float, Reduction, SampleVector};
use duckml_solvers::{Driver, ElasticNet, Observer, Problem, SolveOptions, SolverChoice};
use ndarray::Array1;
use std::marker::PhantomData;
use std::sync::Arc;

/// A generalised linear model estimator (unfitted): hyper-parameters only.
///
/// Minimises `mean_i h(y_i, eta_i) + alpha * (l1_ratio*|b|_1 + (1-l1_ratio)/2*|b|_2^2)`,
/// `eta = X b + b0`, with the half deviance `h` of the family and the intercept `b0`
/// unpenalised: scikit-learn's and glum's objective, so results compare one to one.
/// Use the aliases [`LinearRegression`], [`LogisticRegression`], [`PoissonRegression`].
///
/// ```
/// use duckml_estimators::LogisticRegression;
/// use duckml_solvers::Lbfgs;
/// use ndarray::array;
///
/// let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, 0.1], [3.0, -0.3]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let model = LogisticRegression::new().solver(Lbfgs).alpha(0.1).fit(&x, &y)?;
/// assert_eq!(model.predict(&x)?, array![0.0, 0.0, 1.0, 1.0]);
/// assert!(model.converged());
/// # Ok::<(), duckml_estimators::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Glm<K: GlmKind> {
    solver: SolverChoice,
    alpha: Option<f64>,
    l1_ratio: f64,
    fit_intercept: bool,
    max_iter: usize,
    tol: f64,
    /// `None`: the driver's default, `log::debug!` traces.
    observer: Option<SharedObserver>,
    kind: PhantomData<K>,
}

/// Ordinary least squares / ridge / lasso / elastic net (Gaussian GLM).
/// Default: no penalty (`alpha = 0`), like scikit-learn's `LinearRegression`.
pub type LinearRegression = Glm<Gaussian>;
/// Binary logistic regression (Bernoulli GLM). Default `alpha = 1 / n_samples`,
/// scikit-learn's `C = 1`.
pub type LogisticRegression = Glm<Bernoulli>;
/// Poisson regression with log link. Default `alpha = 1`, like scikit-learn's
/// `PoissonRegressor`.
pub type PoissonRegression = Glm<Poisson>;

impl<K: GlmKind> Default for Glm<K> {
    fn default() -> Self {
        Glm {
            solver: SolverChoice::Lbfgs,
            alpha: None,
            l1_ratio: 0.0,
            fit_intercept: true,
            max_iter: 1000,
            tol: 1e-4,
            observer: None,
            kind: PhantomData,
        }
    }
}

impl<K: GlmKind> Glm<K> {
    /// Defaults: L-BFGS, scikit-learn's default `alpha`, `l1_ratio = 0`, an intercept,
    /// `max_iter = 1000`, `tol = 1e-4`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The solver: [`duckml_solvers::Lbfgs`], `Newton`, `GradientDescent`,
    /// `ProximalGradient`, `Admm`, or a [`SolverChoice`].
    pub fn solver(mut self, solver: impl Into<SolverChoice>) -> Self {
        self.solver = solver.into();
        self
    }

    /// Penalty strength (`>= 0`).
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = Some(alpha);
        self
    }

    /// Share of the L1 norm in the penalty, in `[0, 1]` (0: ridge, 1: lasso).
    pub fn l1_ratio(mut self, l1_ratio: f64) -> Self {
        self.l1_ratio = l1_ratio;
        self
    }

    /// Whether to fit an (unpenalised) intercept.
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Iteration limit of the solver (outer iterations for ADMM).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Stopping tolerance: the 2-norm of the objective's minimum-norm subgradient
    /// (for ADMM, Boyd's residual tolerances).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Reports every solver iteration (iteration, objective, optimality) to
    /// `observer`, e.g. for a progress line, instead of the default `log::debug!`
    /// traces. Clones of the builder share it.
    ///
    /// ```
    /// use duckml_estimators::LinearRegression;
    /// use duckml_solvers::IterationState;
    /// use ndarray::array;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, 0.1], [3.0, -0.3]];
    /// let y = array![1.0, 2.0, 2.5, 4.5];
    /// let calls = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&calls);
    /// let count = move |_: &IterationState| {
    ///     counter.fetch_add(1, Ordering::Relaxed);
    /// };
    /// let model = LinearRegression::new().observer(Arc::new(count)).fit(&x, &y)?;
    /// assert!(model.n_iter() > 0);
    /// assert_eq!(calls.load(Ordering::Relaxed), model.n_iter());
    /// # Ok::<(), duckml_estimators::Error>(())
    /// ```
    pub fn observer(mut self, observer: Arc<dyn Observer + Send + Sync>) -> Self {
        self.observer = Some(SharedObserver(observer));
        self
    }

    /// Fits the model to `x` (any array type implementing the contract) and targets
    /// `y` (the array type's sample vector).
    pub fn fit<F: Float, X: DataMatrix<F>>(&self, x: &X, y: &X::Vector) -> Result<FittedGlm<K, F>> {
        // X's finiteness is checked by the objective's first pass (`check_start`).
        check_xy_except_x_finite(x, y)?;
        K::check_target(y)?;
        let alpha = self.alpha.unwrap_or_else(|| K::default_alpha(x.n_rows()));
        check_param("alpha", alpha, alpha >= 0.0, "must be finite and >= 0")?;
        let l1 = self.l1_ratio;
        check_param(
            "l1_ratio",
            l1,
            (0.0..=1.0).contains(&l1),
            "must be in [0, 1]",
        )?;
        let opts = SolveOptions {
            max_iter: self.max_iter,
            tol: self.tol,
        };
        opts.validate()?;
        let p = x.n_cols();
        let reg = ElasticNet {
            l1: alpha * l1,
            l2: alpha * (1.0 - l1),
            n_penalised: p,
        };
        let objective = GlmObjective::new(x, y, K::FAMILY, self.fit_intercept);
        let mut w0 = Array1::zeros(p + usize::from(self.fit_intercept));
        if self.fit_intercept {
            // Start from the intercept-only model's mean.
            w0[p] = K::FAMILY.link(y.reduce(Reduction::Sum) / y.len() as f64);
        }
        objective.check_start(w0.view())?;
        let driver = Driver::new(opts).observer(SharedObserver::or_default(&self.observer));
        let result = self
            .solver
            .run(&driver, Problem::new(&objective, &reg), w0)?;
        if !result.converged {
            log::warn!(
                "{} with {} did not converge after {} iterations: {}",
                K::ESTIMATOR,
                self.solver,
                result.n_iter,
                result.stop_reason
            );
        }
        Ok(FittedGlm::from_solution(
            result,
            p,
            self.fit_intercept,
            self.solver,
            alpha,
            l1,
        ))
    }
}
