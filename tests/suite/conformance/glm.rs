//! GLM fits on one array type: every fixture case with every solver that takes its
//! penalty, against the dense f64 fit and the scikit-learn/glum reference.

use super::{Tolerance, F64};
use crate::common::{fit_case, fixtures, rel, Case, Fit};
use duckml::arrays::{DataMatrix, Float};
use ndarray::{Array1, Array2};
use std::sync::OnceLock;

/// Dense f64 fits of every case and solver, the baseline every type is compared with.
fn baseline() -> &'static Vec<(String, String, Fit)> {
    static BASE: OnceLock<Vec<(String, String, Fit)>> = OnceLock::new();
    BASE.get_or_init(|| {
        let fx = fixtures();
        let mut out = Vec::new();
        for case in &fx.cases {
            let d = &fx.datasets[&case.dataset];
            for solver in case.solvers() {
                let tol = F64.solver_tol;
                let fit = fit_case(case, solver, &d.x(), &d.y(), tol);
                out.push((case.name.clone(), solver.name().to_string(), fit));
            }
        }
        out
    })
}

pub fn run_glm_suite<F, X, C>(type_name: &str, convert: C, tol: &Tolerance)
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>, &Array1<f64>) -> (X, X::Vector),
{
    let fx = fixtures();
    let base = baseline();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &fx.cases {
        let d = &fx.datasets[&case.dataset];
        let (x, y) = convert(&d.x(), &d.y());
        for solver in case.solvers() {
            let fit = fit_case(case, solver, &x, &y, tol.solver_tol);
            let dense = &base
                .iter()
                .find(|(c, s, _)| c == &case.name && s == solver.name())
                .expect("baseline fit")
                .2;
            checked += 1;
            check(case, solver.name(), &fit, dense, tol, &mut failures);
        }
    }
    assert!(checked >= 150, "{type_name}: only {checked} fits");
    assert!(
        failures.is_empty(),
        "{type_name}: {} of {checked} fits disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check(
    case: &Case,
    solver: &str,
    fit: &Fit,
    dense: &Fit,
    tol: &Tolerance,
    out: &mut Vec<String>,
) {
    let vs_dense = rel(fit.objective, dense.objective);
    let vs_ref = rel(fit.objective, case.objective);
    let coef_err = fit
        .coef
        .iter()
        .zip(&case.coef)
        .map(|(a, b)| (a - b).abs())
        .fold((fit.intercept - case.intercept).abs(), f64::max);
    let scale = case.coef.iter().fold(1.0f64, |m, c| m.max(c.abs()));
    let coef_bad = tol.coef.is_some_and(|t| coef_err > t * scale);
    if vs_dense > tol.objective || vs_ref > tol.objective || coef_bad || !fit.converged {
        out.push(format!(
            "{} {solver}: vs dense {vs_dense:.1e}, vs reference {vs_ref:.1e}, coef {coef_err:.1e}, converged {}",
            case.name, fit.converged
        ));
    }
}
