//! Fits logistic regression (L2, `alpha = 1/n`) with L-BFGS on a generated CSR matrix
//! and reports time, iterations, objective and the process's peak memory against the
//! bytes of the CSR arrays. Optionally writes the CSR arrays and `y` as `.npy` so
//! `benches/peers/sparse_peers.py` can fit scikit-learn on the very same matrix.
//!
//! ```text
//! cargo run --release --example sparse_fit -- [N] [P] [NNZ_PER_ROW] [TOL] [OUT_DIR]
//! /usr/bin/time -v target/release/examples/sparse_fit 1000000 100000 10 1e-6
//! ```

use duckml::prelude::*;
use std::time::Instant;

/// Peak resident set size of this process in bytes (Linux), if readable.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = arg(1, 1_000_000);
    let p: usize = arg(2, 100_000);
    let k: usize = arg(3, 10);
    let tol: f64 = arg(4, 1e-6);
    let out: Option<String> = std::env::args().nth(5);
    let t = Instant::now();
    let data = make_sparse_classification(n, p, k, 7)?;
    let gen_s = t.elapsed().as_secs_f64();
    let x = &data.x;
    let csr_bytes = x.data().len() * 8 + x.indices().len() * 8 + x.indptr().len() * 8;
    println!(
        "CSR {n} x {p}, {} non-zeros, {:.1} MB of CSR arrays (generated in {gen_s:.2} s)",
        x.nnz(),
        csr_bytes as f64 / 1e6
    );
    let rss_before = peak_rss_bytes().unwrap_or(0);
    let alpha = 1.0 / n as f64;
    let t = Instant::now();
    let model = LogisticRegression::new()
        .solver(Lbfgs)
        .alpha(alpha)
        .tol(tol)
        .fit(x, &data.y)?;
    let fit_s = t.elapsed().as_secs_f64();
    println!(
        "fit: {fit_s:.3} s, {} iterations, converged {}, objective {:.12}",
        model.n_iter(),
        model.converged(),
        model.objective()
    );
    if let Ok(target) = std::env::var("DUCKML_TARGET_OBJECTIVE") {
        // Iterations needed to reach a peer's objective (to 1e-8 relative).
        let target: f64 = target.parse()?;
        let hit = model
            .history()
            .iter()
            .position(|&f| f <= target * (1.0 + 1e-8));
        println!(
            "reached {target} (1e-8 rel) after {:?} iterations",
            hit.map(|i| i + 1)
        );
    }
    if let Some(peak) = peak_rss_bytes() {
        println!(
            "peak RSS {:.1} MB after generation, {:.1} MB after the fit = {:.2}x the CSR bytes",
            rss_before as f64 / 1e6,
            peak as f64 / 1e6,
            peak as f64 / csr_bytes as f64
        );
    }
    if let Some(dir) = out {
        std::fs::create_dir_all(&dir)?;
        let as_f64 = |v: &[usize]| ndarray::Array1::from_iter(v.iter().map(|&i| i as f64));
        write_npy_vector(
            format!("{dir}/data.npy"),
            &ndarray::Array1::from(x.data().to_vec()),
        )?;
        write_npy_vector(format!("{dir}/indices.npy"), &as_f64(x.indices()))?;
        write_npy_vector(
            format!("{dir}/indptr.npy"),
            &as_f64(&x.indptr().to_proper()),
        )?;
        write_npy_vector(format!("{dir}/y.npy"), &data.y)?;
        println!("wrote {dir}/{{data,indices,indptr,y}}.npy (shape {n} x {p})");
    }
    Ok(())
}
