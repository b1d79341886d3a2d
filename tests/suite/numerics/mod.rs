//! Numerical robustness: the answer does not depend on units, `converged` means it,
//! work is bounded, and results outside the floating-point range are typed errors.
//!
//! - `scale_invariance`: every solver reaches the same optimum whatever the units of
//!   X's columns (and of y for linear regression), on dense, CSR and chunked arrays;
//!   glum's `scale_predictors`;
//! - `extremes`: separable classes, features near 1e150 and 1e-150, constant and
//!   duplicate columns, one class, counts of 1e12, more coefficients than rows,
//!   overflowing predictions, k-means with k = n, k above the distinct points and values
//!   whose squares leave the range, a graph with an isolated node;
//! - `bounds`: every solver's evaluations per iteration within its documented bound;
//!   ADMM with a tiny `tol`; Newton's size limit;
//! - `properties`: proptest over estimator x solver x array type;
//! - `concurrency`: fits from 8 threads on shared arrays.

mod bounds;
mod concurrency;
mod extremes;
mod properties;
mod scale_invariance;

use duckml::arrays::ChunkedVector;
use duckml::estimators::Error;
use duckml::prelude::*;
use ndarray::{Array1, Array2};
use sprs::CsMat;

/// The three GLM estimators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Gaussian,
    Bernoulli,
    Poisson,
}

pub const FAMILIES: [Family; 3] = [Family::Gaussian, Family::Bernoulli, Family::Poisson];

/// A fit's numbers, whatever the estimator.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub coef: Array1<f64>,
    pub intercept: f64,
    pub objective: f64,
    pub converged: bool,
    pub n_iter: usize,
    pub stop: StopReason,
}

/// What to fit: an estimator and its parameters.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub family: Family,
    pub solver: SolverChoice,
    pub alpha: f64,
    pub l1_ratio: f64,
    pub fit_intercept: bool,
    pub tol: f64,
    pub max_iter: usize,
    pub scale_predictors: bool,
}

impl Spec {
    /// Unpenalised, with an intercept, `tol = 1e-10`, `max_iter = 20000`.
    pub fn new(family: Family, solver: SolverChoice) -> Self {
        Spec {
            family,
            solver,
            alpha: 0.0,
            l1_ratio: 0.0,
            fit_intercept: true,
            tol: 1e-10,
            max_iter: 20_000,
            scale_predictors: false,
        }
    }

    pub fn alpha(self, alpha: f64) -> Self {
        Spec { alpha, ..self }
    }

    pub fn tol(self, tol: f64) -> Self {
        Spec { tol, ..self }
    }

    pub fn fit<F: Float, X: DataMatrix<F>>(&self, x: &X, y: &X::Vector) -> Result<Fitted, Error> {
        macro_rules! go {
            ($est:ty) => {{
                let m = <$est>::new()
                    .solver(self.solver)
                    .alpha(self.alpha)
                    .l1_ratio(self.l1_ratio)
                    .fit_intercept(self.fit_intercept)
                    .tol(self.tol)
                    .max_iter(self.max_iter)
                    .scale_predictors(self.scale_predictors)
                    .fit(x, y)?;
                Fitted {
                    coef: m.coef_f64().clone(),
                    intercept: m.intercept_f64(),
                    objective: m.objective(),
                    converged: m.converged(),
                    n_iter: m.n_iter(),
                    stop: m.stop_reason().clone(),
                }
            }};
        }
        Ok(match self.family {
            Family::Gaussian => go!(LinearRegression),
            Family::Bernoulli => go!(LogisticRegression),
            Family::Poisson => go!(PoissonRegression),
        })
    }
}

/// Deterministic data of the family's model (ChaCha12 generators): `n x p` standard
/// normal features.
pub fn problem(family: Family, n: usize, p: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
    let d = match family {
        Family::Gaussian => make_regression(n, p, 0.5, seed),
        Family::Bernoulli => make_classification(n, p, seed),
        Family::Poisson => make_poisson(n, p, seed),
    }
    .unwrap();
    (d.x, d.y)
}

/// CSR with every non-zero of `x`.
pub fn csr(x: &Array2<f64>) -> CsMat<f64> {
    CsMat::csr_from_dense(x.view(), 0.0)
}

/// `x` in row chunks of `rows`, and `y` split alike.
pub fn chunked(
    x: &Array2<f64>,
    y: &Array1<f64>,
    rows: usize,
) -> (Chunked<Array2<f64>>, ChunkedVector<Array1<f64>>) {
    let c = Chunked::from_array(x, rows).unwrap();
    let v = c.vector_from_host(y.view()).unwrap();
    (c, v)
}

/// The largest of `|a - b| / max(1, |b|)` over two coefficient vectors.
pub fn coef_err(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    let scale = b.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

/// `|a - b| / max(|b|, 1e-300)`.
pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}
