//! Fits linear, logistic and Poisson regression with every solver on generated data
//! and prints one table row per fit; then fits the same logistic model, with the same
//! generic code, on a dense, a sparse (CSR) and a chunked array.
//!
//! `cargo run --release --example quickstart`

use duckml::prelude::*;
use std::time::Instant;

/// One fitted model's report, whatever its family.
struct Row {
    objective: f64,
    n_iter: usize,
    converged: bool,
    score: f64,
}

fn report<K: GlmKind>(
    model: Result<FittedGlm<K>, duckml::estimators::Error>,
    x: &ndarray::Array2<f64>,
    y: &ndarray::Array1<f64>,
) -> Result<Row, duckml::estimators::Error> {
    let model = model?;
    Ok(Row {
        objective: model.objective(),
        n_iter: model.n_iter(),
        converged: model.converged(),
        score: model.score(x, y)?,
    })
}

/// One function for every array type: the estimator never learns which it got.
fn fit_any<X: DataMatrix<f64>>(
    x: &X,
    y: &X::Vector,
) -> Result<(f64, usize, f64, f64), duckml::estimators::Error> {
    let t = Instant::now();
    let model = LogisticRegression::new()
        .solver(Lbfgs)
        .tol(1e-8)
        .fit(x, y)?;
    let secs = t.elapsed().as_secs_f64();
    Ok((model.objective(), model.n_iter(), model.score(x, y)?, secs))
}

/// The same sparse logistic problem as a dense array, CSR, and chunks of each.
fn array_types() -> Result<(), Box<dyn std::error::Error>> {
    use duckml::arrays::Chunked;
    let d = make_sparse_classification(50_000, 200, 10, 4)?;
    let dense = d.x.to_dense();
    let chunked_dense = Chunked::from_array(&dense, 12_500)?;
    let chunked_csr = Chunked::from_array(&d.x, 12_500)?;
    let y_chunks = chunked_dense.vector_from_host(d.y.view())?;
    println!();
    println!("The same LogisticRegression on four array types (50000 x 200, 10 non-zeros a row):");
    println!(
        "{:<60} {:>16} {:>6} {:>9} {:>9}",
        "array", "objective", "iters", "accuracy", "seconds"
    );
    let rows = [
        (dense.describe(), fit_any(&dense, &d.y)?),
        (d.x.describe(), fit_any(&d.x, &d.y)?),
        (
            chunked_dense.describe(),
            fit_any(&chunked_dense, &y_chunks)?,
        ),
        (chunked_csr.describe(), fit_any(&chunked_csr, &y_chunks)?),
    ];
    for (name, (obj, it, acc, secs)) in rows {
        println!("{name:<60} {obj:>16.12} {it:>6} {acc:>9.4} {secs:>9.4}");
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (n, p) = (20_000, 20);
    let linear = make_regression(n, p, 1.0, 1)?;
    let logistic = make_classification(n, p, 2)?;
    let poisson = make_poisson(n, p, 3)?;
    println!("n = {n}, p = {p}, dense f64; alpha = 1e-3 (elastic net rows: l1_ratio = 0.5)");
    println!(
        "{:<20} {:<17} {:>8} {:>16} {:>6} {:>9} {:>8} {:>9}",
        "model", "solver", "penalty", "objective", "iters", "converged", "score", "seconds"
    );
    for l1_ratio in [0.0, 0.5] {
        for solver in SolverChoice::ALL {
            if l1_ratio > 0.0 && !solver.handles_l1() {
                continue;
            }
            let penalty = if l1_ratio > 0.0 { "enet" } else { "l2" };
            macro_rules! run {
                ($name:expr, $est:ty, $data:expr) => {{
                    let t = Instant::now();
                    let fit = <$est>::new()
                        .solver(solver)
                        .alpha(1e-3)
                        .l1_ratio(l1_ratio)
                        .tol(1e-6)
                        .fit(&$data.x, &$data.y);
                    let secs = t.elapsed().as_secs_f64();
                    let row = report(fit, &$data.x, &$data.y)?;
                    println!(
                        "{:<20} {:<17} {:>8} {:>16.10} {:>6} {:>9} {:>8.4} {:>9.4}",
                        $name,
                        solver.name(),
                        penalty,
                        row.objective,
                        row.n_iter,
                        row.converged,
                        row.score,
                        secs
                    );
                }};
            }
            run!("LinearRegression", LinearRegression, linear);
            run!("LogisticRegression", LogisticRegression, logistic);
            run!("PoissonRegression", PoissonRegression, poisson);
        }
    }
    array_types()
}
