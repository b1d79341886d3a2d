//! Warm starts and regularisation paths: the same optima as cold fits, on every CPU
//! array type; typed errors for bad starts and grids.

use duckml::arrays::Chunked;
use duckml::datasets::make_regression;
use duckml::estimators::{Error, LinearRegression, LogisticRegression};
use duckml::solvers::{Lbfgs, ProximalGradient};
use ndarray::{array, Array1, Array2};
use sprs::CsMat;

fn data() -> (Array2<f64>, Array1<f64>) {
    let d = make_regression(300, 8, 1.0, 3).unwrap();
    (d.x, d.y)
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn a_warm_start_reaches_the_cold_optimum_and_at_the_optimum_stops_at_once() {
    let (x, y) = data();
    let est = LinearRegression::new().alpha(0.5).l1_ratio(0.5).tol(1e-10);
    let cold = est.clone().solver(ProximalGradient).fit(&x, &y).unwrap();
    // From the optimum: no work.
    let at_opt = est
        .clone()
        .solver(ProximalGradient)
        .warm_start(cold.coef(), cold.intercept())
        .fit(&x, &y)
        .unwrap();
    assert!(at_opt.n_iter() <= 1, "{} iterations", at_opt.n_iter());
    assert!(rel(at_opt.objective(), cold.objective()) < 1e-12);
    // From elsewhere: the same optimum.
    let away = est
        .solver(ProximalGradient)
        .warm_start(Array1::from_elem(8, 3.0), -2.0)
        .fit(&x, &y)
        .unwrap();
    assert!(away.converged());
    assert!(rel(away.objective(), cold.objective()) < 1e-8);
}

#[test]
fn bad_warm_starts_are_typed_errors() {
    let (x, y) = data();
    let fit = |est: LinearRegression| est.fit(&x, &y).unwrap_err();
    for err in [
        fit(LinearRegression::new().warm_start(Array1::zeros(3), 0.0)),
        fit(LinearRegression::new().warm_start(Array1::from_elem(8, f64::NAN), 0.0)),
        fit(LinearRegression::new().warm_start(Array1::zeros(8), f64::INFINITY)),
        fit(LinearRegression::new()
            .fit_intercept(false)
            .warm_start(Array1::zeros(8), 1.0)),
    ] {
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    name: "warm_start",
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn each_point_of_a_path_is_the_cold_fit_at_its_alpha() {
    let (x, y) = data();
    let est = LinearRegression::new()
        .solver(ProximalGradient)
        .l1_ratio(0.7)
        .tol(1e-10);
    let path = est.path(&x, &y, 8, 1e-3).unwrap();
    let alphas = path.alphas();
    assert_eq!(alphas.len(), 8);
    assert!(alphas.windows(2).all(|w| w[1] < w[0]));
    assert!(rel(alphas[7], alphas[0] * 1e-3) < 1e-12);
    // At alpha_max every coefficient is zero; just below it one is not.
    assert!(path.coefs().row(0).iter().all(|&c| c.abs() < 1e-10));
    let below = est.clone().alpha(alphas[0] * 0.95).fit(&x, &y).unwrap();
    assert!(below.coef().iter().any(|&c| c.abs() > 1e-8));
    for (m, &a) in path.models().iter().zip(alphas) {
        assert!(m.converged());
        let cold = est.clone().alpha(a).fit(&x, &y).unwrap();
        assert!(
            rel(m.objective(), cold.objective()) < 1e-8,
            "alpha {a}: path {} vs cold {}",
            m.objective(),
            cold.objective()
        );
    }
}

#[test]
fn a_logistic_path_is_the_same_on_dense_csr_and_chunked_arrays() {
    let x = array![
        [0.0, 1.0, 3.0],
        [1.0, 0.0, 0.0],
        [2.0, 1.0, 1.0],
        [3.0, 0.0, 2.0],
        [4.0, 1.0, 0.0],
        [5.0, 0.0, 1.0],
        [6.0, 1.0, 0.0],
        [7.0, 0.0, 3.0]
    ];
    let y = array![0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0];
    let est = LogisticRegression::new()
        .solver(ProximalGradient)
        .l1_ratio(1.0)
        .tol(1e-10);
    let dense = est.path(&x, &y, 5, 1e-2).unwrap();
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let sparse = est.path(&csr, &y, 5, 1e-2).unwrap();
    let chunked = Chunked::from_array(&x, 3).unwrap();
    let yc = duckml::arrays::prelude::MatrixCore::vector_from_host(&chunked, y.view()).unwrap();
    let parts = est.path(&chunked, &yc, 5, 1e-2).unwrap();
    for other in [sparse.coefs(), parts.coefs()] {
        let diff = (&dense.coefs() - &other)
            .mapv(f64::abs)
            .fold(0.0, |a: f64, &b| a.max(b));
        assert!(diff < 1e-6, "coefficients differ by {diff}");
    }
    assert!(rel(sparse.alphas()[0], dense.alphas()[0]) < 1e-12);
}

#[test]
fn paths_refuse_a_pure_l2_penalty_and_bad_grids() {
    let (x, y) = data();
    let l2 = LinearRegression::new().solver(Lbfgs);
    assert!(matches!(
        l2.path(&x, &y, 10, 1e-3).unwrap_err(),
        Error::InvalidParameter {
            name: "l1_ratio",
            ..
        }
    ));
    let l1 = LinearRegression::new().l1_ratio(1.0);
    assert!(matches!(
        l1.path(&x, &y, 0, 1e-3).unwrap_err(),
        Error::InvalidParameter {
            name: "n_alphas",
            ..
        }
    ));
    for eps in [0.0, 1.0, f64::NAN] {
        assert!(matches!(
            l1.path(&x, &y, 10, eps).unwrap_err(),
            Error::InvalidParameter { name: "eps", .. }
        ));
    }
}
