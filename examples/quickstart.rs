//! Fits linear, logistic and Poisson regression with every solver on generated data
//! and prints one table row per fit.
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
    Ok(())
}
