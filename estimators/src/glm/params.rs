//! The GLM estimator builders: hyper-parameters and `fit`.

use super::kind::{Bernoulli, Gaussian, GlmKind, Poisson};
use super::model::FittedGlm;
use super::objective::GlmObjective;
use super::observer::SharedObserver;
use super::scaled::ScaledObjective;
use super::scaling::ColumnScaling;
use super::stopping::{absolute_tolerance, flag_separation, residual_rms};
use crate::error::{Error, Result};
use crate::validate::{check_param, check_xy_except_x_finite};
use duckml_arrays::{DataMatrix, Float, GlmFamily, Reduction, SampleVector};
use duckml_solvers::{
    Driver, ElasticNet, Objective, Observer, Problem, SolveOptions, SolverChoice,
};
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
/// Predictors are always scaled inside the fit, without copying X: the solver works on
/// the coefficients of standardised columns (centred into the intercept, divided by
/// their standard deviation), with the penalty carried over so that the objective
/// above is unchanged. The optimum, the coefficients (reported on X's own scale) and
/// the meaning of `tol` therefore do not depend on the units of X's columns, nor, for
/// linear regression, on those of y. Constant columns beside an intercept get a zero
/// coefficient (the intercept spans them). [`Glm::scale_predictors`] instead puts the
/// penalty on the standardised coefficients, as glum's option of that name.
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
    pub(super) l1_ratio: f64,
    pub(super) fit_intercept: bool,
    max_iter: usize,
    tol: f64,
    pub(super) scale_predictors: bool,
    /// Where the solver starts (`None`: the intercept-only model).
    warm_start: Option<WarmStart>,
    /// `None`: the driver's default, `log::debug!` traces.
    observer: Option<SharedObserver>,
    kind: PhantomData<K>,
}

/// Coefficients and intercept a fit starts from ([`Glm::warm_start`]).
#[derive(Debug, Clone, PartialEq)]
struct WarmStart {
    coef: Array1<f64>,
    intercept: f64,
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
            scale_predictors: false,
            warm_start: None,
            observer: None,
            kind: PhantomData,
        }
    }
}

impl<K: GlmKind> Glm<K> {
    /// Defaults: L-BFGS, scikit-learn's default `alpha`, `l1_ratio = 0`, an intercept,
    /// `max_iter = 1000`, `tol = 1e-4`, `scale_predictors = false`.
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

    /// Stopping tolerance (`> 0`), relative and unit-free. The fit has converged when
    /// the 2-norm of the objective's minimum-norm subgradient with respect to the
    /// standardised coefficients (unit-variance predictors, the intercept of the
    /// centred ones) is at most `tol * min(g0, r0)`, where `g0` is that norm at the
    /// start (the intercept-only model; zero coefficients without an intercept) and
    /// `r0` the root mean square of the start's residuals `y - mu0`; never below the
    /// rounding of the gradient (`1e-12 r0` for `f64` data). The same test for every
    /// solver. Scaling a column of X, or y for linear regression, changes nothing;
    /// `converged()` with `n_iter() == 0` happens only when the start is the optimum to
    /// rounding.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// glum's `scale_predictors`: when `true`, the penalty acts on the coefficients of
    /// the standardised predictors (`std_j * b_j`, population standard deviation), so
    /// that features in different units are penalised alike; coefficients are still
    /// reported on X's own scale. Default `false` (the penalty acts on `b` itself, as
    /// scikit-learn and glum's default). Requires an intercept (as in glum). Without a
    /// penalty it changes nothing. The reported objective is the one minimised.
    ///
    /// ```
    /// use duckml_estimators::LinearRegression;
    /// use ndarray::{array, Array2};
    ///
    /// let x = Array2::from_shape_fn((40, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f64);
    /// let y = x.column(0).mapv(|v| 2.0 * v) + 1.0;
    /// let big = {
    ///     let mut b = x.clone();
    ///     b.column_mut(0).mapv_inplace(|v| v * 1000.0);
    ///     b
    /// };
    /// let ridge = LinearRegression::new().alpha(0.5).scale_predictors(true);
    /// let (a, b) = (ridge.fit(&x, &y)?, ridge.fit(&big, &y)?);
    /// // The penalty does not see the unit change: the fit is the same, rescaled.
    /// assert!((a.coef()[0] - 1000.0 * b.coef()[0]).abs() < 1e-6);
    /// assert!((a.objective() - b.objective()).abs() < 1e-10);
    /// # Ok::<(), duckml_estimators::Error>(())
    /// ```
    pub fn scale_predictors(mut self, scale_predictors: bool) -> Self {
        self.scale_predictors = scale_predictors;
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

    /// Starts the solver from `coef` (one per column of x) and `intercept` instead of
    /// the intercept-only model: scikit-learn's `warm_start`, with the start given
    /// explicitly (e.g. a previous fit's `coef()` and `intercept()`). The optimum and
    /// the stopping rule do not change (`tol` stays relative to the intercept-only
    /// start), only the work to get there; a start at the optimum converges at once.
    /// Without an intercept, `intercept` must be 0. Checked by `fit`: a wrong length or
    /// a non-finite value is [`Error::InvalidParameter`].
    ///
    /// ```
    /// use duckml_estimators::LinearRegression;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.5]];
    /// let y = array![1.0, 2.0, 5.0, 6.5];
    /// let cold = LinearRegression::new().alpha(0.1).fit(&x, &y)?;
    /// let warm = LinearRegression::new()
    ///     .alpha(0.1)
    ///     .warm_start(cold.coef(), cold.intercept())
    ///     .fit(&x, &y)?;
    /// assert!(warm.n_iter() <= 1);
    /// assert!((warm.objective() - cold.objective()).abs() < 1e-12);
    /// # Ok::<(), duckml_estimators::Error>(())
    /// ```
    pub fn warm_start(mut self, coef: Array1<f64>, intercept: f64) -> Self {
        self.warm_start = Some(WarmStart { coef, intercept });
        self
    }

    /// The estimator without a warm start (a path's first fit starts from the
    /// intercept-only model).
    pub(super) fn without_warm_start(mut self) -> Self {
        self.warm_start = None;
        self
    }

    /// The solver's start in the original coordinates: the warm start when one is set
    /// (checked against `p` and `fit_intercept`), else `intercept_only`.
    fn start_point(&self, p: usize, intercept_only: &Array1<f64>) -> Result<Array1<f64>> {
        let Some(warm) = &self.warm_start else {
            return Ok(intercept_only.clone());
        };
        let bad = |reason| {
            Err(Error::InvalidParameter {
                name: "warm_start",
                value: format!(
                    "{} coefficients, intercept {}",
                    warm.coef.len(),
                    warm.intercept
                ),
                reason,
            })
        };
        if warm.coef.len() != p {
            return bad("needs one coefficient per column of x");
        }
        if !warm.intercept.is_finite() || warm.coef.iter().any(|c| !c.is_finite()) {
            return bad("must be finite");
        }
        if !self.fit_intercept && warm.intercept != 0.0 {
            return bad("the intercept must be 0 when fit_intercept is false");
        }
        let mut w = Array1::zeros(p + usize::from(self.fit_intercept));
        w.slice_mut(ndarray::s![..p]).assign(&warm.coef);
        if self.fit_intercept {
            w[p] = warm.intercept;
        }
        Ok(w)
    }

    /// Fits the model to `x` (any array type implementing the contract) and targets
    /// `y` (the array type's sample vector).
    ///
    /// Besides the two passes over X per solver evaluation, the fit reads X once or
    /// twice more to find the columns' means and spreads.
    pub fn fit<F: Float, X: DataMatrix<F>>(&self, x: &X, y: &X::Vector) -> Result<FittedGlm<K, F>> {
        // X's finiteness is checked by the column statistics' pass.
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
        if self.scale_predictors && !self.fit_intercept {
            return Err(Error::InvalidParameter {
                name: "scale_predictors",
                value: "true".into(),
                reason: "needs fit_intercept = true (as in glum)",
            });
        }
        SolveOptions {
            max_iter: self.max_iter,
            tol: self.tol,
        }
        .validate()?;
        let p = x.n_cols();
        let scaling = ColumnScaling::compute(x, self.fit_intercept)?;
        let reg = ElasticNet::new(alpha * l1, alpha * (1.0 - l1), p)
            .with_weights(scaling.penalty_weights(self.scale_predictors));
        let objective = GlmObjective::new(x, y, K::FAMILY, self.fit_intercept);
        let w0 = intercept_only::<F, X>(K::FAMILY, y, p, self.fit_intercept);
        let start = self.start_point(p, &w0)?;
        let (_, g0) = objective.check_start(w0.view())?;
        if self.warm_start.is_some() {
            // The solver's first evaluation (kept by the objective), and the check that
            // the start's predictions are finite.
            objective.check_start(start.view())?;
        }
        let scaled = ScaledObjective {
            inner: &objective,
            scaling: &scaling,
        };
        let ws0 = scaling.to_scaled(w0.view());
        let mut gs0 = scaling.grad_to_scaled(g0);
        let ws_start = scaling.to_scaled(start.view());
        reg.add_l2(ws0.view(), &mut 0.0, &mut gs0);
        let mu0 = K::FAMILY.mean(if self.fit_intercept { w0[p] } else { 0.0 });
        let tol = absolute_tolerance(
            self.tol,
            reg.optimality(ws0.view(), gs0.view()),
            residual_rms(y, mu0),
            scaled.precision(),
        );
        let opts = SolveOptions {
            max_iter: self.max_iter,
            tol,
        };
        let driver = Driver::new(opts).observer(SharedObserver::or_default(&self.observer));
        let mut result = self
            .solver
            .run(&driver, Problem::new(&scaled, &reg), ws_start)?;
        result.w = scaling.to_original(result.w.view());
        if K::FAMILY == GlmFamily::Bernoulli && alpha == 0.0 {
            flag_separation::<K, F, X>(x, y, self.fit_intercept, &mut result);
        }
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

/// The intercept-only model's coefficients (zero), followed by its intercept (the link
/// of y's mean) when there is one: where a fit starts, and where the stopping rule and a
/// regularisation path take their reference gradient.
pub(crate) fn intercept_only<F: Float, X: DataMatrix<F>>(
    family: GlmFamily,
    y: &X::Vector,
    p: usize,
    fit_intercept: bool,
) -> Array1<f64> {
    let mut w0 = Array1::zeros(p + usize::from(fit_intercept));
    if fit_intercept {
        w0[p] = family.link(y.reduce(Reduction::Sum) / y.len() as f64);
    }
    w0
}
