//! The fitted models' API: scores as scikit-learn defines them, probabilities,
//! serde round trips, f32 data, views and the contract's default composite ops.

use approx::assert_relative_eq;
use duckml::arrays::{GlmFamily, Linear};
use duckml::prelude::*;
use ndarray::{s, Array1};

use crate::common::primitives::PrimitivesOnly;

#[test]
fn r2_score_matches_its_definition() {
    let d = make_regression(500, 4, 2.0, 1).unwrap();
    let m = LinearRegression::new().fit(&d.x, &d.y).unwrap();
    let pred = m.predict(&d.x).unwrap();
    let mean = d.y.mean().unwrap();
    let ss_res: f64 = (&d.y - &pred).mapv(|v| v * v).sum();
    let ss_tot: f64 = d.y.mapv(|v| (v - mean) * (v - mean)).sum();
    assert_relative_eq!(
        m.score(&d.x, &d.y).unwrap(),
        1.0 - ss_res / ss_tot,
        max_relative = 1e-12
    );
}

#[test]
fn accuracy_and_probabilities_are_consistent() {
    let d = make_classification(800, 5, 2).unwrap();
    let m = LogisticRegression::new().fit(&d.x, &d.y).unwrap();
    let proba = m.predict_proba(&d.x).unwrap();
    let labels = m.predict(&d.x).unwrap();
    assert!(proba.iter().all(|&p| (0.0..=1.0).contains(&p)));
    for (&p, &l) in proba.iter().zip(&labels) {
        assert_eq!(l, if p > 0.5 { 1.0 } else { 0.0 });
    }
    let acc = labels.iter().zip(&d.y).filter(|(a, b)| a == b).count() as f64 / 800.0;
    assert_relative_eq!(m.score(&d.x, &d.y).unwrap(), acc);
}

#[test]
fn d2_score_matches_its_definition() {
    let d = make_poisson(600, 4, 3).unwrap();
    let m = PoissonRegression::new()
        .alpha(0.01)
        .fit(&d.x, &d.y)
        .unwrap();
    let mu = m.predict(&d.x).unwrap();
    let mean = d.y.mean().unwrap();
    let dev = |y: f64, mu: f64| {
        if y > 0.0 {
            y * (y / mu).ln() - y + mu
        } else {
            mu
        }
    };
    let num: f64 = d.y.iter().zip(&mu).map(|(&y, &m)| dev(y, m)).sum();
    let den: f64 = d.y.iter().map(|&y| dev(y, mean)).sum();
    assert_relative_eq!(
        m.score(&d.x, &d.y).unwrap(),
        1.0 - num / den,
        max_relative = 1e-10
    );
}

#[test]
fn models_round_trip_through_json() {
    let d = make_classification(300, 3, 4).unwrap();
    let m = LogisticRegression::new()
        .alpha(0.01)
        .fit(&d.x, &d.y)
        .unwrap();
    let text = serde_json::to_string(&m).unwrap();
    let back: LogisticRegressionModel = serde_json::from_str(&text).unwrap();
    assert_eq!(back, m);
    assert_eq!(
        back.predict_proba(&d.x).unwrap(),
        m.predict_proba(&d.x).unwrap()
    );
}

#[test]
fn f32_data_reaches_the_f64_optimum() {
    let d = make_classification(2000, 6, 5).unwrap();
    let x32 = d.x.mapv(|v| v as f32);
    let y32 = d.y.mapv(|v| v as f32);
    for solver in SolverChoice::ALL {
        let m64 = LogisticRegression::new()
            .solver(solver)
            .tol(1e-8)
            .fit(&d.x, &d.y)
            .unwrap();
        let m32 = LogisticRegression::new()
            .solver(solver)
            .tol(1e-5)
            .fit(&x32, &y32)
            .unwrap();
        assert!(m32.converged(), "{solver}");
        assert_relative_eq!(m32.objective(), m64.objective(), max_relative = 1e-3);
        let p: Array1<f32> = m32.predict_proba(&x32).unwrap();
        assert_eq!(p.len(), 2000);
    }
}

#[test]
fn views_and_column_major_arrays_fit_like_owned_arrays() {
    let d = make_poisson(1500, 5, 6).unwrap();
    let owned = PoissonRegression::new().tol(1e-10).fit(&d.x, &d.y).unwrap();
    let view = PoissonRegression::new()
        .tol(1e-10)
        .fit(&d.x.view(), &d.y)
        .unwrap();
    let fortran = d.x.t().as_standard_layout().t().to_owned();
    assert!(!fortran.is_standard_layout());
    let col = PoissonRegression::new()
        .tol(1e-10)
        .fit(&fortran, &d.y)
        .unwrap();
    assert_relative_eq!(view.objective(), owned.objective(), max_relative = 1e-12);
    assert_relative_eq!(col.objective(), owned.objective(), max_relative = 1e-10);
}

#[test]
fn fused_dense_pass_equals_the_default_composite() {
    for (family, d) in [
        (
            GlmFamily::Gaussian,
            make_regression(70_000, 7, 1.0, 7).unwrap(),
        ),
        (
            GlmFamily::Bernoulli,
            make_classification(70_000, 7, 8).unwrap(),
        ),
        (GlmFamily::Poisson, make_poisson(70_000, 7, 9).unwrap()),
    ] {
        let coef = Array1::linspace(-0.2, 0.3, 7);
        let lin = Linear {
            coef: coef.view(),
            intercept: 0.1,
        };
        let fused = d.x.glm_loss_grad(family, &d.y, lin);
        let default = PrimitivesOnly(d.x.clone()).glm_loss_grad(family, &d.y, lin);
        assert_relative_eq!(fused.loss, default.loss, max_relative = 1e-10);
        assert_relative_eq!(
            fused.grad_intercept,
            default.grad_intercept,
            max_relative = 1e-9
        );
        for (a, b) in fused.grad.iter().zip(&default.grad) {
            assert_relative_eq!(a, b, max_relative = 1e-9, epsilon = 1e-9);
        }
        let loss_only = d.x.glm_loss(family, &d.y, lin);
        assert_relative_eq!(loss_only, default.loss, max_relative = 1e-10);
        let hess = d.x.glm_hessian(family, lin);
        let w = d.x.glm_weights(family, &d.x.linear_predictor(lin));
        let direct =
            d.x.t()
                .dot(&(&d.x * &w.view().insert_axis(ndarray::Axis(1))));
        for (a, b) in hess.xtwx.iter().zip(&direct) {
            assert_relative_eq!(a, b, max_relative = 1e-9, epsilon = 1e-9);
        }
        // A fit through the defaults lands on the same optimum.
        let slice = d.x.slice(s![..2000, ..]).to_owned();
        let y = d.y.slice(s![..2000]).to_owned();
        let a = PoissonRegression::new().tol(1e-10);
        if family == GlmFamily::Poisson {
            let m1 = a.fit(&slice, &y).unwrap();
            let m2 = a.fit(&PrimitivesOnly(slice.clone()), &y).unwrap();
            assert_relative_eq!(m1.objective(), m2.objective(), max_relative = 1e-12);
        }
    }
}
