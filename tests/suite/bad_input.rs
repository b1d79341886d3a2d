//! Every public entry point answers bad input with a typed error, never a panic.

use duckml::estimators::Error;
use duckml::prelude::*;
use duckml::solvers::SolverError;
use ndarray::{array, Array1, Array2};

fn data() -> (Array2<f64>, Array1<f64>) {
    let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, 0.1], [3.0, -0.3], [1.5, 0.2]];
    let y = array![0.0, 0.0, 1.0, 1.0, 0.0];
    (x, y)
}

#[test]
fn nan_in_x_is_rejected() {
    let (mut x, y) = data();
    x[[2, 1]] = f64::NAN;
    let err = LogisticRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(err, Error::NonFinite("x"));
}

#[test]
fn infinity_in_x_is_rejected() {
    let (mut x, y) = data();
    x[[0, 0]] = f64::INFINITY;
    let err = LinearRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(err, Error::NonFinite("x"));
}

#[test]
fn nan_in_y_is_rejected() {
    let (x, mut y) = data();
    y[1] = f64::NAN;
    let err = LinearRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(err, Error::NonFinite("y"));
}

#[test]
fn infinity_in_y_is_rejected() {
    let (x, mut y) = data();
    y[4] = f64::NEG_INFINITY;
    let err = PoissonRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(err, Error::NonFinite("y"));
}

#[test]
fn length_mismatch_is_rejected() {
    let (x, _) = data();
    let y = array![0.0, 1.0, 1.0];
    let err = LinearRegression::new().fit(&x, &y).unwrap_err();
    assert_eq!(
        err,
        Error::LengthMismatch {
            x_rows: 5,
            y_len: 3
        }
    );
}

#[test]
fn zero_rows_are_rejected() {
    let x = Array2::<f64>::zeros((0, 3));
    let y = Array1::<f64>::zeros(0);
    let err = LinearRegression::new().fit(&x, &y).unwrap_err();
    assert!(matches!(err, Error::EmptyData(_)), "{err}");
}

#[test]
fn zero_features_are_rejected() {
    let x = Array2::<f64>::zeros((4, 0));
    let y = Array1::<f64>::zeros(4);
    let err = LinearRegression::new().fit(&x, &y).unwrap_err();
    assert!(matches!(err, Error::EmptyData(_)), "{err}");
}

#[test]
fn labels_outside_zero_one_are_rejected() {
    let (x, mut y) = data();
    y[0] = 2.0;
    let err = LogisticRegression::new().fit(&x, &y).unwrap_err();
    assert!(matches!(err, Error::InvalidTarget(_)), "{err}");
}

#[test]
fn a_single_class_is_rejected() {
    let (x, _) = data();
    let y = Array1::<f64>::ones(5);
    let err = LogisticRegression::new().fit(&x, &y).unwrap_err();
    assert!(matches!(err, Error::InvalidTarget(_)), "{err}");
}

#[test]
fn negative_counts_are_rejected() {
    let (x, _) = data();
    let y = array![1.0, 0.0, -1.0, 3.0, 2.0];
    let err = PoissonRegression::new().fit(&x, &y).unwrap_err();
    assert!(matches!(err, Error::InvalidTarget(_)), "{err}");
}

#[test]
fn negative_alpha_is_rejected() {
    let (x, y) = data();
    let err = LinearRegression::new().alpha(-0.1).fit(&x, &y).unwrap_err();
    assert!(
        matches!(err, Error::InvalidParameter { name: "alpha", .. }),
        "{err}"
    );
}

#[test]
fn nan_alpha_is_rejected() {
    let (x, y) = data();
    let err = LinearRegression::new()
        .alpha(f64::NAN)
        .fit(&x, &y)
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidParameter { name: "alpha", .. }),
        "{err}"
    );
}

#[test]
fn l1_ratio_outside_unit_interval_is_rejected() {
    let (x, y) = data();
    for bad in [-0.1, 1.5] {
        let err = LinearRegression::new()
            .alpha(0.1)
            .l1_ratio(bad)
            .fit(&x, &y)
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    name: "l1_ratio",
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn predict_with_wrong_feature_count_is_rejected() {
    let (x, y) = data();
    let model = LogisticRegression::new().fit(&x, &y).unwrap();
    let x3 = Array2::<f64>::zeros((2, 3));
    let err = model.predict(&x3).unwrap_err();
    assert_eq!(
        err,
        Error::FeatureMismatch {
            expected: 2,
            found: 3
        }
    );
    assert!(model.predict_proba(&x3).is_err());
}

#[test]
fn predict_with_nan_is_rejected() {
    let (x, y) = data();
    let model = LinearRegression::new().fit(&x, &y).unwrap();
    let mut xt = x.clone();
    xt[[0, 0]] = f64::NAN;
    assert_eq!(model.predict(&xt).unwrap_err(), Error::NonFinite("x"));
}

#[test]
fn l1_with_a_smooth_solver_names_the_solvers_that_can() {
    let (x, y) = data();
    for solver in [
        SolverChoice::Lbfgs,
        SolverChoice::Newton,
        SolverChoice::GradientDescent,
    ] {
        let err = LogisticRegression::new()
            .solver(solver)
            .alpha(0.1)
            .l1_ratio(1.0)
            .fit(&x, &y)
            .unwrap_err();
        match err {
            Error::Solver(SolverError::Unsupported { alternatives, .. }) => {
                assert_eq!(alternatives, vec!["ProximalGradient", "Admm"]);
            }
            other => panic!("{solver}: unexpected {other}"),
        }
        let text = LogisticRegression::new()
            .solver(solver)
            .alpha(0.1)
            .l1_ratio(0.5)
            .fit(&x, &y)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("ProximalGradient") && text.contains("Admm"),
            "{text}"
        );
    }
}

#[test]
fn zero_max_iter_and_bad_tol_are_rejected() {
    let (x, y) = data();
    let err = LinearRegression::new().max_iter(0).fit(&x, &y).unwrap_err();
    assert!(matches!(
        err,
        Error::Solver(SolverError::InvalidOption {
            name: "max_iter",
            ..
        })
    ));
    let err = LinearRegression::new().tol(0.0).fit(&x, &y).unwrap_err();
    assert!(matches!(
        err,
        Error::Solver(SolverError::InvalidOption { name: "tol", .. })
    ));
}

#[test]
fn non_convergence_is_reported_not_hidden() {
    let data = make_classification(2000, 10, 5).unwrap();
    let model = LogisticRegression::new()
        .solver(GradientDescent)
        .max_iter(2)
        .tol(1e-12)
        .fit(&data.x, &data.y)
        .unwrap();
    assert!(!model.converged());
    assert_eq!(model.n_iter(), 2);
    assert_eq!(*model.stop_reason(), StopReason::MaxIterations);
    assert_eq!(model.history().len(), 2);
}
