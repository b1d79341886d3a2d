//! The same logistic fits on one dense array and on `Chunked<dense>` with several
//! chunk counts, plus ADMM over the chunks with an L1 penalty against the proximal
//! gradient optimum. Optionally writes `x.npy`/`y.npy` for the dask-glm peer script.
//!
//! ```text
//! cargo run --release --example chunked_bench -- glm [N] [P]        # dense vs chunked, L2
//! cargo run --release --example chunked_bench -- admm [N] [P] [DIR] # ADMM L1 on chunks
//! ```

use duckml::arrays::{Chunked, DataMatrix};
use duckml::prelude::*;
use std::time::Instant;

fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// Median of `runs` timed fits after one warm-up; returns (seconds, model).
fn timed<K: GlmKind, M: DataMatrix<f64>>(
    est: &duckml::estimators::Glm<K>,
    x: &M,
    y: &M::Vector,
    runs: usize,
) -> (f64, FittedGlm<K>) {
    let mut model = est.fit(x, y).expect("fit");
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        model = est.fit(x, y).expect("fit");
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], model)
}

fn glm(n: usize, p: usize) {
    let d = make_classification(n, p, 42).expect("data");
    let est = LogisticRegression::new()
        .solver(Lbfgs)
        .alpha(1.0 / n as f64)
        .tol(1e-7);
    println!("logistic L2 alpha=1/n, Lbfgs tol 1e-7, {n} x {p} f64, median of 3 after warm-up");
    println!(
        "{:<28} {:>9} {:>6} {:>18}",
        "array", "seconds", "iters", "objective"
    );
    let (s, m) = timed(&est, &d.x, &d.y, 3);
    println!(
        "{:<28} {:>9.3} {:>6} {:>18.12}",
        "dense",
        s,
        m.n_iter(),
        m.objective()
    );
    for chunks in [2, 4, 8] {
        let x = Chunked::from_array(&d.x, n.div_ceil(chunks)).expect("chunks");
        let y = x.vector_from_host(d.y.view()).expect("y");
        let (s, m) = timed(&est, &x, &y, 3);
        let name = format!("Chunked<dense> x{chunks}");
        println!(
            "{:<28} {:>9.3} {:>6} {:>18.12}",
            name,
            s,
            m.n_iter(),
            m.objective()
        );
    }
}

fn admm(n: usize, p: usize, out: Option<String>) {
    let d = make_classification(n, p, 43).expect("data");
    let alpha = 0.01;
    if let Some(dir) = out {
        std::fs::create_dir_all(&dir).expect("dir");
        write_npy_matrix(format!("{dir}/x.npy"), &d.x).expect("x");
        write_npy_vector(format!("{dir}/y.npy"), &d.y).expect("y");
    }
    let base = LogisticRegression::new()
        .alpha(alpha)
        .l1_ratio(1.0)
        .fit_intercept(false)
        .max_iter(100_000);
    let (ps, prox) = timed(
        &base.clone().solver(ProximalGradient).tol(1e-9),
        &d.x,
        &d.y,
        1,
    );
    println!("logistic L1 alpha={alpha}, no intercept, {n} x {p} f64");
    println!(
        "{:<34} {:>9} {:>6} {:>18} {:>10}",
        "solver / array", "seconds", "iters", "objective", "rel gap"
    );
    let gap = |o: f64| (o - prox.objective()) / prox.objective();
    println!(
        "{:<34} {:>9.3} {:>6} {:>18.12} {:>10.1e}",
        "ProximalGradient dense (tol 1e-9)",
        ps,
        prox.n_iter(),
        prox.objective(),
        0.0
    );
    for chunks in [1, 2, 4] {
        let x = Chunked::from_array(&d.x, n.div_ceil(chunks)).expect("chunks");
        let y = x.vector_from_host(d.y.view()).expect("y");
        let (s, m) = timed(&base.clone().solver(Admm).tol(1e-6), &x, &y, 1);
        let name = format!("Admm Chunked<dense> x{chunks} (tol 1e-6)");
        println!(
            "{:<34} {:>9.3} {:>6} {:>18.12} {:>10.1e}",
            name,
            s,
            m.n_iter(),
            m.objective(),
            gap(m.objective())
        );
    }
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("admm") => admm(arg(2, 100_000), arg(3, 100), std::env::args().nth(4)),
        _ => glm(arg(2, 1_000_000), arg(3, 100)),
    }
}
