//! The two measurements behind the cluster-scale projection in BENCHMARKS.md, run
//! under `mpirun` (feature `mpi`):
//!
//! - the all-reduce time of model-sized vectors, p = 10^2 .. 10^6 (`--mca btl tcp,self`
//!   for TCP between processes), median of repeated calls;
//! - the per-process pass rate of the fused GLM pass (`glm_loss_grad`) on dense rows
//!   (n x 100) and on CSR rows with 40 non-zeros among 10^6 columns, in rows/s and GB/s.
//!
//! `mpirun -np 2 target/release/examples/mpi_rates [rows]`

use duckml::arrays::prelude::*;
use duckml::arrays::Mpi;
use ndarray::{Array1, Array2};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median seconds of 7 runs of `f`.
fn time_median<T>(f: impl Fn() -> T) -> f64 {
    median(
        (0..7)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let mpi = Mpi::init().expect("MPI");
    let comm = mpi.world();
    let root = comm.rank() == 0;
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    if root {
        println!("processes {}, rows per process {n}", comm.size());
        println!("allreduce p, median seconds, GB/s of payload");
    }
    for p in [100usize, 1_000, 10_000, 100_000, 1_000_000] {
        let mut buf = vec![1.0f64; p];
        let reps = if p >= 100_000 { 20 } else { 200 };
        let mut times = Vec::with_capacity(reps);
        for _ in 0..reps {
            comm.barrier();
            let t = Instant::now();
            comm.sum(&mut buf);
            times.push(t.elapsed().as_secs_f64());
        }
        let m = median(times);
        if root {
            println!("allreduce {p} {m:.3e} {:.3}", 8.0 * p as f64 / m / 1e9);
        }
    }
    // Dense pass: n x 100.
    let p = 100;
    let x = Array2::from_shape_fn((n, p), |(i, j)| {
        ((i * 31 + j * 17) % 97) as f64 / 97.0 - 0.5
    });
    let y = Array1::from_shape_fn(n, |i| (i % 2) as f64);
    let coef = Array1::from_elem(p, 0.01);
    let lin = Linear {
        coef: coef.view(),
        intercept: 0.1,
    };
    let m = time_median(|| x.glm_loss_grad(GlmFamily::Bernoulli, &y, lin));
    if root {
        println!(
            "dense pass {n} x {p}: {m:.3e} s, {:.3e} rows/s, {:.2} GB/s",
            n as f64 / m,
            (n * p * 8) as f64 / m / 1e9
        );
    }
    // CSR pass: 40 non-zeros a row among 10^3 and among 10^6 hashed columns (the
    // per-row speed must not depend on the width beyond cache effects).
    for cols in [1_000usize, 1_000_000] {
        csr_pass(&comm, n, cols, &y);
    }
}

fn csr_pass(comm: &duckml::arrays::Comm, n: usize, cols: usize, y: &Array1<f64>) {
    let nnz = 40usize;
    let mut indptr = vec![0usize];
    let mut indices = Vec::with_capacity(n * nnz);
    for i in 0..n {
        let mut row: Vec<usize> = (0..nnz)
            .map(|k| (i.wrapping_mul(2_654_435_761) ^ (k * 40_503)) % cols)
            .collect();
        row.sort_unstable();
        row.dedup();
        indices.extend(row);
        indptr.push(indices.len());
    }
    let data = vec![0.5f64; indices.len()];
    let stored = indices.len();
    let csr = sprs::CsMat::new((n, cols), indptr, indices, data);
    let coef = Array1::from_elem(cols, 0.001);
    let lin = Linear {
        coef: coef.view(),
        intercept: 0.1,
    };
    let m = time_median(|| csr.glm_loss_grad(GlmFamily::Bernoulli, y, lin));
    if comm.rank() == 0 {
        // Bytes read: 8 (value) + 8 (index) per stored entry, 8 per row pointer.
        let bytes = (stored * 16 + n * 8) as f64;
        println!(
            "csr pass {n} x {cols} ({stored} stored): {m:.3e} s, {:.3e} rows/s, {:.2} GB/s",
            n as f64 / m,
            bytes / m / 1e9
        );
    }
}
