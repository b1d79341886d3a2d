//! Numerical extremes, each with its documented outcome: never a NaN, never a silent
//! success.

use super::{coef_err, csr, problem, rel, Family, Spec, FAMILIES};
use duckml::estimators::Error;
use duckml::prelude::*;
use ndarray::{array, concatenate, s, Array1, Array2, Axis};
use sprs::CsMat;

/// Perfectly separated classes without a penalty have no minimiser: every solver stops
/// with `converged == false` and `StopReason::NoMinimizer`, finite coefficients that
/// separate the classes; a penalty gives a converged fit.
#[test]
fn separable_classes_without_penalty_are_not_reported_converged() {
    let x = array![
        [-2.0, 0.3],
        [-1.5, -0.2],
        [-1.0, 0.1],
        [-0.5, 0.4],
        [0.5, -0.1],
        [1.0, 0.2],
        [1.5, 0.0],
        [2.5, -0.3]
    ];
    let y = array![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
    for solver in SolverChoice::ALL {
        for fit in [
            Spec::new(Family::Bernoulli, solver).fit(&x, &y).unwrap(),
            Spec::new(Family::Bernoulli, solver)
                .fit(&csr(&x), &y)
                .unwrap(),
        ] {
            assert!(!fit.converged, "{solver}");
            assert!(
                matches!(fit.stop, StopReason::NoMinimizer(_)),
                "{solver}: {}",
                fit.stop
            );
            assert!(fit.coef.iter().all(|c| c.is_finite()) && fit.intercept.is_finite());
            assert!(
                fit.objective.is_finite() && fit.objective >= 0.0,
                "{solver}"
            );
            assert!(fit.coef[0] > 0.0, "{solver}: {}", fit.coef);
        }
        let ridge = Spec::new(Family::Bernoulli, solver)
            .alpha(0.1)
            .fit(&x, &y)
            .unwrap();
        assert!(ridge.converged, "{solver}: {}", ridge.stop);
    }
}

/// Features near 1e150 and 1e-150 (dense and CSR): the same optimum as at unit scale,
/// coefficients scaled by 1e-150 and 1e150.
#[test]
fn features_of_1e150_and_1e_minus_150() {
    for family in FAMILIES {
        let (x, y) = problem(family, 100, 3, 21);
        let base = Spec::new(family, SolverChoice::Newton)
            .tol(1e-12)
            .fit(&x, &y)
            .unwrap();
        for k in [1e150, 1e-150] {
            let xs = &x * k;
            for solver in SolverChoice::ALL {
                for fit in [
                    Spec::new(family, solver).fit(&xs, &y).unwrap(),
                    Spec::new(family, solver).fit(&csr(&xs), &y).unwrap(),
                ] {
                    let what = format!("{family:?} x{k:e} {solver}");
                    assert!(fit.converged, "{what}: {}", fit.stop);
                    assert!(coef_err(&(&fit.coef * k), &base.coef) < 1e-6, "{what}");
                    assert!(rel(fit.objective, base.objective) < 1e-9, "{what}");
                }
            }
        }
    }
}

/// A constant column beside an intercept gets coefficient 0 (the intercept spans it)
/// and leaves the other coefficients as without it; an all-zero column gets 0 with or
/// without an intercept; without an intercept a constant column plays the intercept.
#[test]
fn constant_columns_get_a_zero_coefficient() {
    for family in FAMILIES {
        let (x, y) = problem(family, 120, 2, 22);
        let n = x.nrows();
        let with = |c: f64| concatenate![Axis(1), x, Array2::from_elem((n, 1), c)];
        let base = Spec::new(family, SolverChoice::Newton)
            .tol(1e-12)
            .fit(&x, &y)
            .unwrap();
        for solver in SolverChoice::ALL {
            for c in [7.0, -1e6, 0.0] {
                let xc = with(c);
                for fit in [
                    Spec::new(family, solver).fit(&xc, &y).unwrap(),
                    Spec::new(family, solver)
                        .alpha(0.01)
                        .fit(&csr(&xc), &y)
                        .unwrap(),
                ] {
                    let what = format!("{family:?} {solver} constant {c}");
                    assert!(fit.converged, "{what}: {}", fit.stop);
                    assert_eq!(fit.coef[2], 0.0, "{what}");
                    assert!(fit.coef.iter().all(|v| v.is_finite()), "{what}");
                }
                let fit = Spec::new(family, solver).fit(&xc, &y).unwrap();
                let what = format!("{family:?} {solver} constant {c}");
                assert!(
                    coef_err(&fit.coef.slice(s![..2]).to_owned(), &base.coef) < 1e-6,
                    "{what}"
                );
                assert!(rel(fit.objective, base.objective) < 1e-9, "{what}");
            }
            // No intercept: the constant column is the intercept.
            let mut spec = Spec::new(family, solver);
            spec.fit_intercept = false;
            let fit = spec.fit(&with(4.0), &y).unwrap();
            assert!(fit.converged, "{family:?} {solver}: {}", fit.stop);
            assert!(
                (fit.coef[2] * 4.0 - base.intercept).abs() < 1e-6,
                "{family:?} {solver}"
            );
            assert!(
                rel(fit.objective, base.objective) < 1e-9,
                "{family:?} {solver}"
            );
            let zero = spec
                .fit(&concatenate![Axis(1), with(4.0), Array2::zeros((n, 1))], &y)
                .unwrap();
            assert_eq!(zero.coef[3], 0.0);
        }
    }
}

/// A duplicated column: the unpenalised optimum is not unique, the solvers split the
/// coefficient between the copies (summing to the single column's) at the same
/// objective; with a ridge penalty the split is even.
#[test]
fn duplicate_columns_share_their_coefficient() {
    for family in FAMILIES {
        let (x, y) = problem(family, 120, 2, 23);
        let xd = concatenate![Axis(1), x, x.slice(s![.., 0..1])];
        let base = Spec::new(family, SolverChoice::Newton)
            .tol(1e-12)
            .fit(&x, &y)
            .unwrap();
        for solver in SolverChoice::ALL {
            let fit = Spec::new(family, solver).fit(&xd, &y).unwrap();
            let what = format!("{family:?} {solver}");
            assert!(fit.converged, "{what}: {}", fit.stop);
            assert!(
                (fit.coef[0] + fit.coef[2] - base.coef[0]).abs() < 1e-6,
                "{what}: {}",
                fit.coef
            );
            assert!(rel(fit.objective, base.objective) < 1e-9, "{what}");
            let ridge = Spec::new(family, solver).alpha(0.1).fit(&xd, &y).unwrap();
            assert!(ridge.converged, "{what}");
            assert!(
                (ridge.coef[0] - ridge.coef[2]).abs() < 1e-6,
                "{what}: {}",
                ridge.coef
            );
        }
    }
}

/// Logistic regression needs both classes.
#[test]
fn a_single_class_is_an_error() {
    let (x, _) = problem(Family::Bernoulli, 20, 2, 24);
    for y in [Array1::zeros(20), Array1::ones(20)] {
        let err = LogisticRegression::new().fit(&x, &y).unwrap_err();
        assert!(matches!(err, Error::InvalidTarget(_)), "{err}");
    }
}

/// Poisson counts near 1e12: the unpenalised coefficients are those of the counts / 1e12
/// and the intercept moves by ln(1e12); predictions are finite.
#[test]
fn poisson_counts_of_1e12() {
    let (x, y) = problem(Family::Poisson, 150, 3, 25);
    let base = Spec::new(Family::Poisson, SolverChoice::Newton)
        .tol(1e-12)
        .fit(&x, &y)
        .unwrap();
    let big = &y * 1e12;
    for solver in SolverChoice::ALL {
        let fit = Spec::new(Family::Poisson, solver).fit(&x, &big).unwrap();
        assert!(fit.converged, "{solver}: {}", fit.stop);
        assert!(
            coef_err(&fit.coef, &base.coef) < 1e-6,
            "{solver}: {}",
            fit.coef
        );
        assert!(
            (fit.intercept - base.intercept - 1e12f64.ln()).abs() < 1e-6,
            "{solver}"
        );
    }
    let model = PoissonRegression::new().alpha(0.0).fit(&x, &big).unwrap();
    assert!(model
        .predict(&x)
        .unwrap()
        .iter()
        .all(|m| m.is_finite() && *m > 0.0));
}

/// More coefficients than rows: the unpenalised least-squares problem interpolates
/// (objective ~ 0, predictions = y); Newton on 5 x 9000 refuses, naming the solvers that
/// suit, instead of a cubic-cost factorisation; L-BFGS fits it.
#[test]
fn more_coefficients_than_rows() {
    let (x, y) = problem(Family::Gaussian, 5, 40, 26);
    for solver in SolverChoice::ALL {
        let fit = Spec::new(Family::Gaussian, solver).fit(&x, &y).unwrap();
        assert!(fit.converged, "{solver}: {}", fit.stop);
        let pred = x.dot(&fit.coef) + fit.intercept;
        assert!(
            (&pred - &y).iter().all(|d| d.abs() < 1e-4),
            "{solver}: {pred} vs {y}"
        );
    }
    let (x, y) = problem(Family::Gaussian, 5, 9000, 27);
    let err = LinearRegression::new()
        .solver(Newton)
        .fit(&x, &y)
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("Newton") && msg.contains("Lbfgs") && msg.contains("9001"),
        "{msg}"
    );
    let fit = LinearRegression::new().solver(Lbfgs).fit(&x, &y).unwrap();
    assert!(fit.converged() && fit.coef().iter().all(|c| c.is_finite()));
    assert!(fit.score(&x, &y).unwrap() > 0.999);
}

/// Predictions that overflow are an `OutOfRange` error naming the call, never inf or NaN.
#[test]
fn overflowing_predictions_are_errors() {
    let (x, y) = problem(Family::Poisson, 100, 2, 28);
    let poisson = PoissonRegression::new().alpha(0.0).fit(&x, &y).unwrap();
    // exp(eta) overflows f64 beyond eta = 709.8; the linear predictor itself is finite.
    let far = array![[1e5, 1e5], [0.0, 0.0]] * poisson.coef().mapv(f64::signum);
    let err = poisson.predict(&far).unwrap_err();
    assert!(
        matches!(
            err,
            Error::OutOfRange {
                what: "predict",
                ..
            }
        ),
        "{err}"
    );
    assert!(poisson
        .decision_function(&far)
        .unwrap()
        .iter()
        .all(|v| v.is_finite()));
    // Far below: the mean underflows to 0, a documented value.
    let low = poisson.predict(&(-&far)).unwrap();
    assert!(low[0] == 0.0 && low[1] > 0.0);
    // The linear predictor overflows: decision_function, predict, predict_proba and
    // score all refuse. Targets with slopes near 5 on both features (noisy, so that the
    // classes overlap).
    let (xl, _) = problem(Family::Gaussian, 200, 2, 29);
    let (noise, _) = problem(Family::Gaussian, 200, 1, 30);
    let signal = (xl.column(0).to_owned() + xl.column(1)) * 5.0 + noise.column(0).mapv(|e| 3.0 * e);
    let yl = signal.mapv(|v| f64::from(u8::from(v > 0.0)));
    let logistic = LogisticRegression::new().fit(&xl, &yl).unwrap();
    let linear = LinearRegression::new().fit(&xl, &signal).unwrap();
    assert!(logistic
        .coef()
        .iter()
        .chain(linear.coef().iter())
        .all(|c| *c > 1.0));
    let huge = array![[f64::MAX / 2.0, f64::MAX / 2.0], [1.0, 1.0]];
    for err in [
        logistic.decision_function(&huge).unwrap_err(),
        logistic.predict(&huge).unwrap_err(),
        logistic.predict_proba(&huge).unwrap_err(),
        logistic.score(&huge, &array![1.0, 0.0]).unwrap_err(),
        linear.predict(&huge).unwrap_err(),
    ] {
        assert!(matches!(err, Error::OutOfRange { .. }), "{err}");
    }
    // f32 overflows far earlier.
    let x32 = xl.mapv(|v| v as f32);
    let y32 = signal.mapv(|v| v as f32);
    let m32 = LinearRegression::new().fit(&x32, &y32).unwrap();
    let err = m32
        .predict(&array![[3e38f32, 3e38], [1.0, 1.0]])
        .unwrap_err();
    assert!(matches!(err, Error::OutOfRange { .. }), "{err}");
}

/// k-means with k = n puts every point in its own cluster; with more clusters than
/// distinct points the model says how many clusters are not empty (and the fit warns).
#[test]
fn kmeans_with_as_many_clusters_as_points_or_more_than_distinct_points() {
    let x = array![[0.0, 0.0], [1.0, 0.0], [0.0, 3.0], [5.0, 5.0], [9.0, 1.0]];
    let m = KMeans::new(5).seed(1).fit(&x).unwrap();
    assert_eq!((m.n_distinct_clusters(), m.inertia()), (5, 0.0));
    let mut l = m.labels().to_vec();
    l.sort_unstable();
    assert_eq!(l, vec![0, 1, 2, 3, 4]);
    // Three distinct points, each three times, five clusters.
    let dup = concatenate![
        Axis(0),
        x.slice(s![..3, ..]),
        x.slice(s![..3, ..]),
        x.slice(s![..3, ..])
    ];
    for init in [Init::KMeansPlusPlus, Init::Random] {
        let m = KMeans::new(5).init(init.clone()).seed(2).fit(&dup).unwrap();
        assert_eq!(m.n_distinct_clusters(), 3, "{init:?}");
        assert_eq!(m.inertia(), 0.0, "{init:?}");
        assert!(m.centers().iter().all(|c| c.is_finite()));
        let sparse: CsMat<f64> = csr(&dup);
        assert_eq!(
            KMeans::new(5)
                .init(init)
                .seed(2)
                .fit(&sparse)
                .unwrap()
                .n_distinct_clusters(),
            3
        );
    }
    let err = KMeans::new(16).fit(&dup).unwrap_err();
    assert!(matches!(err, Error::TooManyClusters { .. }), "{err}");
}

/// k-means on values whose squared distances overflow or underflow is an `OutOfRange`
/// error (it used to return one cluster, a NaN inertia and `converged`); values near
/// 1e150 and 1e-140 still work and give the clustering of the unit-scale data.
#[test]
fn kmeans_outside_the_floating_point_range() {
    let b = make_blobs(60, 2, 3, 0.5, 3).unwrap();
    let unit = KMeans::new(3).seed(4).fit(&b.x).unwrap();
    for k in [1e300, 1e-300, 1e-170] {
        let err = KMeans::new(3).seed(4).fit(&(&b.x * k)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::OutOfRange {
                    what: "k-means",
                    ..
                }
            ),
            "{k:e}: {err}"
        );
        let err = KMeans::new(3).initial_centers(&(&b.x * k)).unwrap_err();
        assert!(matches!(err, Error::OutOfRange { .. }), "{k:e}: {err}");
    }
    for k in [1e150, 1e-140] {
        let m = KMeans::new(3).seed(4).fit(&(&b.x * k)).unwrap();
        assert_eq!(m.labels(), unit.labels(), "{k:e}");
        assert!(rel(m.inertia() / (k * k), unit.inertia()) < 1e-9, "{k:e}");
    }
    // f32 overflows at far smaller values.
    let x32 = b.x.mapv(|v| v as f32 * 1e19);
    assert!(matches!(
        KMeans::new(3).fit(&x32).unwrap_err(),
        Error::OutOfRange { .. }
    ));
    // All-zero data is one point, not an underflow.
    let m = KMeans::new(1).fit(&Array2::<f64>::zeros((4, 2))).unwrap();
    assert_eq!(m.inertia(), 0.0);
}

/// A precomputed affinity with an isolated node (degree 0): the normalised Laplacian
/// leaves it unscaled, the embedding stays finite and the node gets its own cluster.
#[test]
fn an_affinity_graph_with_an_isolated_node() {
    let tri = array![[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]];
    let mut a = Array2::<f64>::zeros((7, 7));
    a.slice_mut(s![..3, ..3]).assign(&tri);
    a.slice_mut(s![3..6, 3..6]).assign(&tri);
    for m in [
        SpectralClustering::new(3)
            .affinity(Affinity::Precomputed)
            .seed(0)
            .fit(&a)
            .unwrap(),
        SpectralClustering::new(3)
            .affinity(Affinity::Precomputed)
            .seed(0)
            .fit(&csr(&a))
            .unwrap(),
    ] {
        assert!(m.embedding().iter().all(|v| v.is_finite()));
        assert!(m.eigenvalues().iter().all(|v| v.is_finite()));
        let l = m.labels();
        assert!(
            l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[4] == l[5],
            "{l:?}"
        );
        assert!(l[6] != l[0] && l[6] != l[3] && l[0] != l[3], "{l:?}");
    }
}
