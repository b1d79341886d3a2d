//! Properties over estimator x solver x array type (dense, CSR, chunked), on random
//! data (proptest; few cases each, so the module runs in seconds):
//!
//! - the fitted objective is no worse than at zero coefficients;
//! - permuting the rows changes the optimum by nothing beyond 1e-10;
//! - scaling a column by 10^k scales its coefficient by 10^-k and leaves the
//!   unpenalised optimum unchanged;
//! - f32 and f64 data give the same fit to f32 precision;
//! - predictions on finite input are finite, or an `OutOfRange` error.

use super::{chunked, coef_err, csr, problem, rel, Family, Fitted, Spec, FAMILIES};
use duckml::estimators::Error;
use duckml::prelude::*;
use ndarray::{Array1, Array2, Axis};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The array type a fit runs on.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Dense,
    Csr,
    Chunked,
}

/// Fits `spec` on `x` converted to `kind`, with `f64` or (`single`) `f32` elements.
fn fit_on(
    spec: &Spec,
    kind: Kind,
    single: bool,
    x: &Array2<f64>,
    y: &Array1<f64>,
) -> Result<Fitted, Error> {
    if single {
        let (x, y) = (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
        return match kind {
            Kind::Dense => spec.fit(&x, &y),
            Kind::Csr => spec.fit(&sprs::CsMat::csr_from_dense(x.view(), 0.0), &y),
            Kind::Chunked => {
                let c = Chunked::from_array(&x, x.nrows().div_ceil(3)).unwrap();
                spec.fit(&c, &c.vector_from_host(y.view()).unwrap())
            }
        };
    }
    match kind {
        Kind::Dense => spec.fit(x, y),
        Kind::Csr => spec.fit(&csr(x), y),
        Kind::Chunked => {
            let (c, v) = chunked(x, y, x.nrows().div_ceil(3));
            spec.fit(&c, &v)
        }
    }
}

/// One random case: estimator, solver, array type, data and penalty.
#[derive(Debug, Clone)]
struct Case {
    family: Family,
    solver: SolverChoice,
    kind: Kind,
    x: Array2<f64>,
    y: Array1<f64>,
    alpha: f64,
    l1_ratio: f64,
}

impl Case {
    fn spec(&self) -> Spec {
        let mut spec = Spec::new(self.family, self.solver).alpha(self.alpha);
        spec.l1_ratio = if self.solver.handles_l1() {
            self.l1_ratio
        } else {
            0.0
        };
        spec
    }
}

fn cases(penalised: bool) -> impl Strategy<Value = Case> {
    let alphas: &[f64] = if penalised { &[0.0, 0.01, 0.1] } else { &[0.0] };
    (
        0..3usize,
        0..5usize,
        0..3usize,
        any::<u64>(),
        40..90usize,
        1..4usize,
        proptest::sample::select(alphas.to_vec()),
        proptest::sample::select(vec![0.0, 0.5, 1.0]),
    )
        .prop_map(|(f, s, k, seed, n, p, alpha, l1_ratio)| {
            let family = FAMILIES[f];
            let (x, y) = problem(family, n, p, seed);
            Case {
                family,
                solver: SolverChoice::ALL[s],
                kind: [Kind::Dense, Kind::Csr, Kind::Chunked][k],
                x,
                y,
                alpha,
                l1_ratio,
            }
        })
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// `mean_i h(y_i, 0)`: the objective at zero coefficients and intercept.
fn objective_at_zero(family: Family, y: &Array1<f64>) -> f64 {
    let fam = match family {
        Family::Gaussian => GlmFamily::Gaussian,
        Family::Bernoulli => GlmFamily::Bernoulli,
        Family::Poisson => GlmFamily::Poisson,
    };
    y.iter().map(|&v| fam.loss(v, 0.0)).sum::<f64>() / y.len() as f64
}

/// A logistic fit without penalty on separated classes has no optimum to compare.
fn has_optimum(fit: &Fitted) -> bool {
    !matches!(fit.stop, StopReason::NoMinimizer(_))
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn the_fit_is_no_worse_than_zero_coefficients(case in cases(true)) {
        let fit = fit_on(&case.spec().tol(1e-6), case.kind, false, &case.x, &case.y).unwrap();
        let zero = objective_at_zero(case.family, &case.y);
        prop_assert!(fit.objective.is_finite());
        prop_assert!(fit.objective <= zero * (1.0 + 1e-12) + 1e-12, "{} > {zero}", fit.objective);
        prop_assert!(fit.converged || !has_optimum(&fit), "{}", fit.stop);
    }

    #[test]
    fn permuting_rows_changes_nothing(case in cases(true), shift in 1..1000usize) {
        let spec = case.spec().tol(1e-12);
        let a = fit_on(&spec, case.kind, false, &case.x, &case.y).unwrap();
        prop_assume!(has_optimum(&a));
        let n = case.x.nrows();
        let order: Vec<usize> = (0..n).map(|i| (i * 7 + shift) % n).collect();
        prop_assume!({ let mut o = order.clone(); o.sort_unstable(); o.dedup(); o.len() == n });
        let (xp, yp) = (case.x.select(Axis(0), &order), case.y.select(Axis(0), &order));
        let b = fit_on(&spec, case.kind, false, &xp, &yp).unwrap();
        prop_assert!(a.converged && b.converged, "{} / {}", a.stop, b.stop);
        prop_assert!(rel(b.objective, a.objective) <= 1e-10, "objective {} vs {}", b.objective, a.objective);
        prop_assert!(coef_err(&b.coef, &a.coef) <= 1e-9, "{} vs {}", b.coef, a.coef);
    }

    #[test]
    fn scaling_a_column_scales_its_coefficient(case in cases(false), k in -6..=6i32, col in 0..3usize) {
        let spec = case.spec();
        let a = fit_on(&spec, case.kind, false, &case.x, &case.y).unwrap();
        prop_assume!(has_optimum(&a));
        let j = col % case.x.ncols();
        let f = 10f64.powi(k);
        let mut xs = case.x.clone();
        xs.column_mut(j).mapv_inplace(|v| v * f);
        let b = fit_on(&spec, case.kind, false, &xs, &case.y).unwrap();
        prop_assert!(a.converged && b.converged, "{} / {}", a.stop, b.stop);
        let mut back = b.coef.clone();
        back[j] *= f;
        prop_assert!(coef_err(&back, &a.coef) <= 1e-6, "{} vs {}", back, a.coef);
        prop_assert!(rel(b.objective, a.objective) <= 1e-9);
    }

    #[test]
    fn f32_and_f64_agree_to_f32_precision(case in cases(true)) {
        let spec = case.spec().tol(1e-6);
        let a = fit_on(&spec, case.kind, false, &case.x, &case.y).unwrap();
        prop_assume!(has_optimum(&a));
        let b = fit_on(&spec, case.kind, true, &case.x, &case.y).unwrap();
        prop_assert!(b.objective.is_finite() && b.coef.iter().all(|c| c.is_finite()));
        prop_assert!(rel(b.objective, a.objective) <= 1e-5, "objective {} vs {}", b.objective, a.objective);
        prop_assert!(coef_err(&b.coef, &a.coef) <= 2e-3, "{} vs {}", b.coef, a.coef);
    }

    #[test]
    fn predictions_on_finite_input_are_finite_or_an_error(case in cases(true), magnitude in -3..=3i32) {
        // Fit, then predict on test rows of magnitude 10^magnitude.
        let (xt, _) = problem(Family::Gaussian, 30, case.x.ncols(), 99);
        let xt = xt * 10f64.powi(magnitude);
        let spec = case.spec().tol(1e-6);
        macro_rules! check {
            ($est:expr) => {{
                let m = $est.fit(&case.x, &case.y).unwrap();
                match m.predict(&xt) {
                    Ok(p) => prop_assert!(p.iter().all(|v| v.is_finite())),
                    Err(e) => prop_assert!(matches!(e, Error::OutOfRange { .. }) && magnitude > 0, "{e}"),
                }
                prop_assert!(m.decision_function(&xt).unwrap().iter().all(|v| v.is_finite()));
            }};
        }
        match case.family {
            Family::Gaussian => check!(LinearRegression::new().solver(spec.solver).alpha(spec.alpha).l1_ratio(spec.l1_ratio)),
            Family::Bernoulli => check!(LogisticRegression::new().solver(spec.solver).alpha(spec.alpha.max(1e-3)).l1_ratio(spec.l1_ratio)),
            Family::Poisson => check!(PoissonRegression::new().solver(spec.solver).alpha(spec.alpha).l1_ratio(spec.l1_ratio)),
        }
    }
}
