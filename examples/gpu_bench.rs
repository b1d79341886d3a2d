//! GPU benchmark (feature `cuda`): logistic regression (L2, L-BFGS) and k-means
//! (Lloyd from fixed k-means++ centres) on the dense CPU arrays, on `CudaMatrix` and on
//! `Chunked<CudaMatrix>`, for `f64` and `f32`, with the speed-up table.
//! `scripts/gpu-check.sh` runs it on a machine with an NVIDIA GPU.
//!
//! ```text
//! cargo run --release --features cuda --example gpu_bench -- --n 1000000
//! ```
//!
//! Options: `--n` rows (1 000 000), `--p-glm` (100), `--p-km` (50), `--k` (100),
//! `--iters` Lloyd iterations (20, `tol = 0`), `--chunk-rows` (250 000), `--seed` (42).
//! Times are fits on data already in place (the host-to-device copy is timed
//! separately); the objective / inertia columns show that the fits agree.

use duckml::arrays::cuda::{self, CudaFloat, CudaMatrix};
use duckml::arrays::DataMatrix;
use duckml::prelude::*;
use ndarray::{Array1, Array2};
use std::time::Instant;

struct Args {
    n: usize,
    p_glm: usize,
    p_km: usize,
    k: usize,
    iters: usize,
    chunk_rows: usize,
    seed: u64,
}

fn parse_args() -> Args {
    let mut a = Args {
        n: 1_000_000,
        p_glm: 100,
        p_km: 50,
        k: 100,
        iters: 20,
        chunk_rows: 250_000,
        seed: 42,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v: usize = it
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{flag} needs a number"));
        match flag.as_str() {
            "--n" => a.n = v,
            "--p-glm" => a.p_glm = v,
            "--p-km" => a.p_km = v,
            "--k" => a.k = v,
            "--iters" => a.iters = v,
            "--chunk-rows" => a.chunk_rows = v,
            "--seed" => a.seed = v as u64,
            _ => panic!("unknown option {flag}"),
        }
    }
    a
}

struct Row {
    workload: String,
    array: String,
    upload: Option<f64>,
    seconds: f64,
    iters: usize,
    value: f64,
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t0 = Instant::now();
    let out = f();
    (out, t0.elapsed().as_secs_f64())
}

fn logistic<F: Float, X: DataMatrix<F>>(x: &X, y: &X::Vector) -> (usize, f64) {
    let m = LogisticRegression::new()
        .solver(Lbfgs)
        .tol(1e-5)
        .fit(x, y)
        .expect("logistic fit");
    (m.n_iter(), m.objective())
}

fn lloyd<F: Float, X: DataMatrix<F>>(x: &X, init: &Array2<f64>, iters: usize) -> (usize, f64) {
    let m = KMeans::new(init.nrows())
        .init_centers(init.clone())
        .max_iter(iters)
        .tol(0.0)
        .fit(x)
        .expect("k-means fit");
    (m.n_iter(), m.inertia())
}

fn run<F: CudaFloat>(
    a: &Args,
    xg: &Array2<f64>,
    yg: &Array1<f64>,
    xk: &Array2<f64>,
    init: &Array2<f64>,
    rows: &mut Vec<Row>,
) {
    let xg: Array2<F> = xg.mapv(F::of);
    let yg: Array1<F> = yg.mapv(F::of);
    let xk: Array2<F> = xk.mapv(F::of);
    let glm = format!("logistic L2 {}x{} {}", a.n, a.p_glm, F::NAME);
    let km = format!("k-means {}x{} k={} {}", a.n, a.p_km, a.k, F::NAME);
    let mut push = |workload: &str, array: &str, upload, (it, v): (usize, f64), s| {
        println!("{workload:36} {array:22} {s:9.3} s  {it:4} iterations  {v:.10e}");
        rows.push(Row {
            workload: workload.into(),
            array: array.into(),
            upload,
            seconds: s,
            iters: it,
            value: v,
        });
    };

    let (r, s) = time(|| logistic(&xg, &yg));
    push(&glm, "dense (CPU)", None, r, s);
    let ((x, y), up) = time(|| {
        let x = CudaMatrix::from_host(&xg).expect("GPU");
        let y = x.vector_from_host(yg.view()).expect("y");
        x.row_sq_norms(); // waits for the copies
        (x, y)
    });
    let (r, s) = time(|| logistic(&x, &y));
    push(&glm, "CudaMatrix", Some(up), r, s);
    drop((x, y));
    let ((x, y), up) = time(|| {
        let x = CudaMatrix::chunked_from_host(&xg, a.chunk_rows).expect("GPU");
        let y = x.vector_from_host(yg.view()).expect("y");
        (x, y)
    });
    let (r, s) = time(|| logistic(&x, &y));
    push(&glm, "Chunked<CudaMatrix>", Some(up), r, s);
    drop((x, y));

    let (r, s) = time(|| lloyd(&xk, init, a.iters));
    push(&km, "dense (CPU)", None, r, s);
    let (x, up) = time(|| CudaMatrix::from_host(&xk).expect("GPU"));
    let (r, s) = time(|| lloyd(&x, init, a.iters));
    push(&km, "CudaMatrix", Some(up), r, s);
    drop(x);
    let (x, up) = time(|| CudaMatrix::chunked_from_host(&xk, a.chunk_rows).expect("GPU"));
    let (r, s) = time(|| lloyd(&x, init, a.iters));
    push(&km, "Chunked<CudaMatrix>", Some(up), r, s);
}

fn main() {
    let a = parse_args();
    if let Err(e) = cuda::available() {
        eprintln!("gpu_bench: {e}");
        std::process::exit(1);
    }
    println!(
        "gpu_bench: {} GPU(s), {} CPU threads",
        cuda::device_count(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let glm = make_classification(a.n, a.p_glm, a.seed).expect("data");
    let blobs = make_blobs(a.n, a.p_km, a.k, 10.0, a.seed).expect("data");
    let init = KMeans::new(a.k)
        .init(Init::KMeansPlusPlus)
        .seed(a.seed)
        .initial_centers(&blobs.x)
        .expect("k-means++");
    let mut rows = Vec::new();
    run::<f64>(&a, &glm.x, &glm.y, &blobs.x, &init, &mut rows);
    run::<f32>(&a, &glm.x, &glm.y, &blobs.x, &init, &mut rows);

    println!();
    println!("| workload | array | upload (s) | fit (s) | iterations | s / iteration | speed-up vs dense | objective / inertia |");
    println!("|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let base = rows
            .iter()
            .find(|b| b.workload == r.workload && b.array == "dense (CPU)")
            .expect("dense row");
        let per_it = |r: &Row| r.seconds / r.iters.max(1) as f64;
        println!(
            "| {} | {} | {} | {:.3} | {} | {:.4} | {:.1}x | {:.8e} |",
            r.workload,
            r.array,
            r.upload.map_or("-".into(), |u| format!("{u:.3}")),
            r.seconds,
            r.iters,
            per_it(r),
            per_it(base) / per_it(r),
            r.value
        );
    }
}
