//! Every solver that supports a case's penalty reaches the reference optimum from
//! scikit-learn / glum / statsmodels: objective to 1e-6 relative, coefficients to 1e-4.

use crate::common::{fit_case, fixtures, rel};

#[test]
fn every_solver_matches_the_reference_fixtures() {
    let fx = fixtures();
    assert!(fx.cases.len() >= 54, "fixture file lost cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &fx.cases {
        let data = &fx.datasets[&case.dataset];
        let (x, y) = (data.x(), data.y());
        for solver in case.solvers() {
            // `tol` is relative and unit-free (it used to be absolute, and was scaled
            // here by the objective, ~1e3 for diabetes).
            let tol = 1e-10;
            let fit = fit_case(case, solver, &x, &y, tol);
            checked += 1;
            let obj_err = rel(fit.objective, case.objective);
            let coef_err = fit
                .coef
                .iter()
                .zip(&case.coef)
                .map(|(a, b)| (a - b).abs())
                .fold((fit.intercept - case.intercept).abs(), f64::max);
            if obj_err > 1e-6 || coef_err > 1e-4 || !fit.converged {
                failures.push(format!(
                    "{} {solver}: objective rel err {obj_err:.2e}, coef err {coef_err:.2e}, converged {}, iters {}",
                    case.name, fit.converged, fit.n_iter
                ));
            }
        }
    }
    assert!(checked > 150, "only {checked} fits checked");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
