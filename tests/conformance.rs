//! The conformance suite: the same fits on every array type, checked against the
//! dense `f64` result and the scikit-learn/glum reference fixtures.
//!
//! Adding an array type is one line at the bottom: a name, a conversion from the
//! dense `f64` fixture data, and the tolerances for its element type.

mod common;

use common::{fit_case, fixtures, rel, Case, Fit};
use duckml::arrays::{Chunked, DataMatrix, Float};
use ndarray::{Array1, Array2};
use sprs::CsMat;
use std::sync::OnceLock;

/// Tolerances for one element type.
struct Tolerance {
    /// Relative objective agreement with the dense f64 fit and the reference.
    objective: f64,
    /// Coefficient agreement with the reference, relative to the largest reference
    /// coefficient when that exceeds 1 (diabetes' reach 700) (None: not checked).
    coef: Option<f64>,
    /// Solver tolerance, relative to the objective's scale.
    solver_tol: f64,
}

const F64: Tolerance = Tolerance {
    objective: 1e-6,
    coef: Some(1e-4),
    solver_tol: 1e-10,
};
const F32: Tolerance = Tolerance {
    objective: 1e-3,
    coef: None,
    solver_tol: 1e-5,
};

/// Dense f64 fits of every case and solver, the baseline every type is compared with.
fn baseline() -> &'static Vec<(String, String, Fit)> {
    static BASE: OnceLock<Vec<(String, String, Fit)>> = OnceLock::new();
    BASE.get_or_init(|| {
        let fx = fixtures();
        let mut out = Vec::new();
        for case in &fx.cases {
            let d = &fx.datasets[&case.dataset];
            for solver in case.solvers() {
                let tol = F64.solver_tol * case.objective.abs().max(1.0);
                let fit = fit_case(case, solver, &d.x(), &d.y(), tol);
                out.push((case.name.clone(), solver.name().to_string(), fit));
            }
        }
        out
    })
}

fn run_suite<F, X, C>(type_name: &str, convert: C, tol: &Tolerance)
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
            let fit = fit_case(
                case,
                solver,
                &x,
                &y,
                tol.solver_tol * case.objective.abs().max(1.0),
            );
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

fn csr(x: &Array2<f64>) -> CsMat<f64> {
    CsMat::csr_from_dense(x.view(), 0.0)
}

/// Rows per chunk: uneven chunk lengths (the fixture sets have 300 to 2000 rows).
const CHUNK_ROWS: usize = 128;

macro_rules! conformance {
    ($($name:ident: $tol:expr, |$x:ident, $y:ident| $convert:expr;)*) => {$(
        #[test]
        fn $name() {
            run_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
        }
    )*};
}

conformance! {
    dense_f64: F64, |x, y| (x.clone(), y.clone());
    dense_f32: F32, |x, y| (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
    csr_f64: F64, |x, y| (csr(x), y.clone());
    csc_f64: F64, |x, y| (csr(x).to_csc(), y.clone());
    chunked_dense_f64: F64, |x, y| {
        let c = Chunked::from_array(x, CHUNK_ROWS).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
    chunked_csr_f64: F64, |x, y| {
        let c = Chunked::from_array(&csr(x), CHUNK_ROWS).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
}
