//! Shared test helpers: the reference fixtures produced by
//! `scripts/make_glm_fixtures.py` (scikit-learn, glum, statsmodels).

#![allow(dead_code)]

use duckml::prelude::*;
use ndarray::{Array1, Array2};
use serde::Deserialize;
use std::collections::BTreeMap;

/// One data set of the fixture file.
#[derive(Deserialize)]
pub struct FixtureData {
    pub x: Vec<Vec<f64>>,
    pub y: Vec<f64>,
}

impl FixtureData {
    pub fn x(&self) -> Array2<f64> {
        let p = self.x[0].len();
        Array2::from_shape_vec((self.x.len(), p), self.x.concat()).unwrap()
    }
    pub fn y(&self) -> Array1<f64> {
        Array1::from(self.y.clone())
    }
}

/// One reference fit.
#[derive(Deserialize, Clone)]
pub struct Case {
    pub name: String,
    pub dataset: String,
    pub family: String,
    pub alpha: f64,
    pub l1_ratio: f64,
    pub fit_intercept: bool,
    pub coef: Vec<f64>,
    pub intercept: f64,
    pub objective: f64,
}

impl Case {
    /// Whether the case has a non-smooth L1 term.
    pub fn has_l1(&self) -> bool {
        self.alpha > 0.0 && self.l1_ratio > 0.0
    }

    /// The solvers that support this case's penalty.
    pub fn solvers(&self) -> Vec<SolverChoice> {
        SolverChoice::ALL
            .into_iter()
            .filter(|s| !self.has_l1() || s.handles_l1())
            .collect()
    }
}

#[derive(Deserialize)]
pub struct Fixtures {
    pub datasets: BTreeMap<String, FixtureData>,
    pub cases: Vec<Case>,
}

pub fn fixtures() -> Fixtures {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/glm_reference.json"
    ))
    .expect("fixture file");
    serde_json::from_str(&text).expect("fixture JSON")
}

/// The outcome of one fit, family-independent.
pub struct Fit {
    pub coef: Array1<f64>,
    pub intercept: f64,
    pub objective: f64,
    pub converged: bool,
    pub n_iter: usize,
}

fn fit_of<K: GlmKind, F: Float>(m: FittedGlm<K, F>) -> Fit {
    Fit {
        coef: m.coef_f64().clone(),
        intercept: m.intercept_f64(),
        objective: m.objective(),
        converged: m.converged(),
        n_iter: m.n_iter(),
    }
}

/// Fits `case` on `x`, `y` (any array type) with `solver`, tightly.
pub fn fit_case<F: Float, X: DataMatrix<F>>(
    case: &Case,
    solver: SolverChoice,
    x: &X,
    y: &X::Vector,
    tol: f64,
) -> Fit {
    macro_rules! go {
        ($est:ty) => {
            fit_of(
                <$est>::new()
                    .solver(solver)
                    .alpha(case.alpha)
                    .l1_ratio(case.l1_ratio)
                    .fit_intercept(case.fit_intercept)
                    .tol(tol)
                    .max_iter(20_000)
                    .fit(x, y)
                    .unwrap_or_else(|e| panic!("{} {solver}: {e}", case.name)),
            )
        };
    }
    match case.family.as_str() {
        "gaussian" => go!(LinearRegression),
        "bernoulli" => go!(LogisticRegression),
        "poisson" => go!(PoissonRegression),
        other => panic!("unknown family {other}"),
    }
}

/// Relative difference `|a - b| / max(|b|, tiny)`.
pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

pub mod kmeans;
pub mod primitives;
pub mod spectral_knn;
