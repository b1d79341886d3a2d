//! Fits from 8 threads at once on shared arrays give the one-at-a-time results: the
//! estimators keep no global state, and the arrays are only read.

use super::{chunked, csr, problem, Fitted, Spec, FAMILIES};
use duckml::prelude::*;
use ndarray::{Array1, Array2};

/// Every (family, solver) fit of `x`, in a fixed order.
fn all_fits<F: Float, X: DataMatrix<F>>(x: &X, ys: &[X::Vector]) -> Vec<Fitted> {
    let mut out = Vec::new();
    for (family, y) in FAMILIES.into_iter().zip(ys) {
        for solver in SolverChoice::ALL {
            out.push(
                Spec::new(family, solver)
                    .alpha(0.01)
                    .tol(1e-8)
                    .fit(x, y)
                    .unwrap(),
            );
        }
    }
    out
}

/// Runs `all_fits` once alone, then from 8 threads at once on the same arrays; with
/// `exact`, the results must be identical bit for bit (small arrays: every pass runs
/// on its caller's thread in a fixed order, and a chunked array adds its chunks in
/// order); else rayon's split of a parallel pass may change the rounding of its sums,
/// and so the last iterations, within the solver's tolerance: objectives within 1e-9,
/// coefficients within 1e-6 (a race would give garbage, not rounding).
fn check_threads<F: Float, X: DataMatrix<F> + Sync>(
    x: &X,
    ys: &[X::Vector],
    exact: bool,
    what: &str,
) where
    X::Vector: Sync,
{
    let alone = all_fits(x, ys);
    let results: Vec<Vec<Fitted>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8).map(|_| s.spawn(|| all_fits(x, ys))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (t, fits) in results.iter().enumerate() {
        for (a, b) in fits.iter().zip(&alone) {
            if exact {
                assert_eq!(a, b, "{what}: thread {t}");
            } else {
                let d = super::coef_err(&a.coef, &b.coef);
                let o = super::rel(a.objective, b.objective);
                assert!(
                    a.converged && d < 1e-6 && o < 1e-9,
                    "{what}: thread {t}: {d:e} {o:e}"
                );
            }
        }
    }
}

#[test]
fn eight_threads_fitting_shared_arrays_agree_with_one() {
    let data: Vec<(Array2<f64>, Array1<f64>)> = FAMILIES
        .into_iter()
        .map(|f| problem(f, 300, 4, 41))
        .collect();
    // One X for all three families: the Gaussian data's, with each family's targets.
    let x = data[0].0.clone();
    let ys: Vec<Array1<f64>> = data.iter().map(|(_, y)| y.clone()).collect();
    check_threads(&x, &ys, true, "dense");
    check_threads(&csr(&x), &ys, true, "csr");
    let (xc, _) = chunked(&x, &ys[0], 100);
    let yc: Vec<_> = ys
        .iter()
        .map(|y| xc.vector_from_host(y.view()).unwrap())
        .collect();
    check_threads(&xc, &yc, true, "chunked");
    // Large enough for the passes to run in parallel (rayon, in row ranges).
    let big: Vec<(Array2<f64>, Array1<f64>)> = FAMILIES
        .into_iter()
        .map(|f| problem(f, 17_000, 4, 42))
        .collect();
    let yb: Vec<Array1<f64>> = big.iter().map(|(_, y)| y.clone()).collect();
    check_threads(&big[0].0, &yb, false, "dense, parallel passes");
}
