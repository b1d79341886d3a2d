//! Every solver reaches the same optimum whatever the units of X's columns (and of y
//! for linear regression): the predictors are scaled inside the fit and `tol` is
//! unit-free. Before, a linear regression on X * 1e-5 returned zero coefficients with
//! `converged` after 0 iterations, and at 1e-3 "converged" to wrong coefficients.

use super::{chunked, coef_err, csr, problem, rel, Family, Fitted, Spec, FAMILIES};
use duckml::estimators::Error;
use duckml::prelude::*;
use ndarray::{Array1, Array2, Axis};

/// `x` with column `j` multiplied by `factors[j]`.
fn scale_columns(x: &Array2<f64>, factors: &[f64]) -> Array2<f64> {
    let mut out = x.clone();
    for (mut col, f) in out.axis_iter_mut(Axis(1)).zip(factors) {
        col *= *f;
    }
    out
}

/// Fits `spec` on `x` as a dense, a CSR and a chunked (3 chunks) array.
fn on_three_types(spec: &Spec, x: &Array2<f64>, y: &Array1<f64>) -> Vec<(&'static str, Fitted)> {
    let (xc, yc) = chunked(x, y, x.nrows().div_ceil(3));
    vec![
        ("dense", spec.fit(x, y).unwrap()),
        ("csr", spec.fit(&csr(x), y).unwrap()),
        ("chunked", spec.fit(&xc, &yc).unwrap()),
    ]
}

/// The optimum on unit-scale data, by Newton to a tight tolerance.
fn reference(family: Family, x: &Array2<f64>, y: &Array1<f64>) -> Fitted {
    let fit = Spec::new(family, SolverChoice::Newton)
        .tol(1e-13)
        .fit(x, y)
        .unwrap();
    assert!(fit.converged, "{family:?} reference: {}", fit.stop);
    fit
}

#[test]
fn every_solver_finds_the_same_optimum_whatever_the_units_of_x() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for family in FAMILIES {
        let (x, y) = problem(family, 150, 3, 5);
        let base = reference(family, &x, &y);
        for k in -6..=6 {
            // Two columns in the units 10^k, one in 10^-k.
            let f = [10f64.powi(k), 10f64.powi(-k), 10f64.powi(k)];
            let xs = scale_columns(&x, &f);
            for solver in SolverChoice::ALL {
                for (kind, fit) in on_three_types(&Spec::new(family, solver), &xs, &y) {
                    checked += 1;
                    // Coefficients on X's own scale: b_j = b_ref_j / f_j.
                    let back = &fit.coef * &Array1::from(f.to_vec());
                    let (ce, oe) = (
                        coef_err(&back, &base.coef),
                        rel(fit.objective, base.objective),
                    );
                    let ie = (fit.intercept - base.intercept).abs() / base.intercept.abs().max(1.0);
                    if !fit.converged || fit.n_iter == 0 || ce > 1e-6 || ie > 1e-6 || oe > 1e-9 {
                        failures.push(format!(
                            "{family:?} 10^{k} {solver} {kind}: coef {ce:.1e}, intercept \
                             {ie:.1e}, objective {oe:.1e}, {} after {}",
                            fit.stop, fit.n_iter
                        ));
                    }
                }
            }
        }
    }
    assert_eq!(checked, 3 * 13 * 5 * 3);
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn linear_regression_does_not_depend_on_the_units_of_y() {
    let (x, y) = problem(Family::Gaussian, 150, 3, 6);
    let base = reference(Family::Gaussian, &x, &y);
    let mut failures = Vec::new();
    for k in -6..=6 {
        let f = 10f64.powi(k);
        let ys = &y * f;
        for solver in SolverChoice::ALL {
            for (kind, fit) in on_three_types(&Spec::new(Family::Gaussian, solver), &x, &ys) {
                let (ce, oe) = (
                    coef_err(&(&fit.coef / f), &base.coef),
                    rel(fit.objective / (f * f), base.objective),
                );
                let ie = (fit.intercept / f - base.intercept).abs() / base.intercept.abs().max(1.0);
                if !fit.converged || ce > 1e-6 || ie > 1e-6 || oe > 1e-9 {
                    failures.push(format!(
                        "y * 10^{k} {solver} {kind}: coef {ce:.1e}, objective {oe:.1e}, {}",
                        fit.stop
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The cases of the issue, at the default `tol`: X * 1e-5 used to give zero coefficients
/// after 0 iterations with `converged`, X * 1e-3 wrong coefficients, for the three
/// estimators and every solver.
#[test]
fn features_in_small_units_get_the_right_coefficients() {
    for family in FAMILIES {
        let (x, y) = problem(family, 200, 3, 7);
        let base = reference(family, &x, &y);
        for k in [1e-5, 1e-3] {
            let xs = &x * k;
            for solver in SolverChoice::ALL {
                let mut spec = Spec::new(family, solver).tol(1e-4);
                spec.max_iter = 1000;
                let fit = spec.fit(&xs, &y).unwrap();
                assert!(
                    fit.converged && fit.n_iter > 0,
                    "{family:?} {k} {solver}: {fit:?}"
                );
                let err = coef_err(&(&fit.coef * k), &base.coef);
                assert!(
                    err < 1e-3,
                    "{family:?} x{k} {solver}: coefficient error {err:.1e}"
                );
                assert!(
                    rel(fit.objective, base.objective) < 1e-6,
                    "{family:?} x{k} {solver}"
                );
            }
        }
    }
}

/// `scale_predictors(true)` is the fit on standardised columns (glum's option): the same
/// penalised optimum, reported on X's own scale.
#[test]
fn scale_predictors_penalises_the_standardised_coefficients() {
    for family in FAMILIES {
        let (x, y) = problem(family, 120, 3, 8);
        // Columns in very different units.
        let x = scale_columns(&x, &[1e-3, 1.0, 1e4]);
        let n = x.nrows() as f64;
        let mean = x.mean_axis(Axis(0)).unwrap();
        let sd = x.map_axis(Axis(0), |c| {
            let m = c.sum() / n;
            (c.mapv(|v| (v - m).powi(2)).sum() / n).sqrt()
        });
        let standardised = (&x - &mean) / &sd;
        for (solver, l1_ratio) in [
            (SolverChoice::Lbfgs, 0.0),
            (SolverChoice::Newton, 0.0),
            (SolverChoice::ProximalGradient, 0.5),
            (SolverChoice::Admm, 1.0),
        ] {
            let mut spec = Spec::new(family, solver).alpha(0.05);
            spec.l1_ratio = l1_ratio;
            let on_std = spec.fit(&standardised, &y).unwrap();
            spec.scale_predictors = true;
            for (kind, fit) in on_three_types(&spec, &x, &y) {
                let what = format!("{family:?} {solver} l1_ratio {l1_ratio} {kind}");
                assert!(fit.converged, "{what}: {}", fit.stop);
                let back = &fit.coef * &sd;
                assert!(
                    coef_err(&back, &on_std.coef) < 1e-6,
                    "{what}: {back} vs {}",
                    on_std.coef
                );
                let b0 = on_std.intercept - (&mean / &sd).dot(&on_std.coef);
                assert!(
                    (fit.intercept - b0).abs() < 1e-6 * b0.abs().max(1.0),
                    "{what}"
                );
                assert!(rel(fit.objective, on_std.objective) < 1e-9, "{what}");
            }
            // Without the option the penalty acts on X's own coefficients: another fit.
            spec.scale_predictors = false;
            let plain = spec.fit(&x, &y).unwrap();
            assert!(
                rel(plain.objective, on_std.objective) > 1e-6,
                "{family:?} {solver}"
            );
        }
    }
    let (x, y) = problem(Family::Gaussian, 30, 2, 1);
    let err = LinearRegression::new()
        .fit_intercept(false)
        .scale_predictors(true)
        .fit(&x, &y)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParameter {
                name: "scale_predictors",
                ..
            }
        ),
        "{err}"
    );
}
