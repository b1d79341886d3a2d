//! Times duckml's KMeans (Lloyd, k-means++ init, one run) on `make_blobs` data and
//! writes the data and initial centres so that `benches/peers/kmeans_peers.py` times
//! scikit-learn on the very same arrays. See `BENCHMARKS.md (Clustering)`.
//!
//! ```text
//! cargo run --release --example kmeans_bench -- --n 1000000 --p 50 --k 100 --iters 20 --out /tmp/km
//! ```
//!
//! Options: `--n` (default 1 000 000), `--p` (50), `--k` (100), `--iters` (20: Lloyd
//! iterations, `tol = 0`), `--seed` (42), `--std` (10: blob spread, wide enough that
//! Lloyd runs all its iterations), `--runs` (3 timed Lloyd fits), `--chunks R`
//! (also time a `Chunked` copy with R rows per chunk), `--out DIR` (write `x.npy`,
//! `init.npy` and duckml's final inertia to `DIR`).
//!
//! Prints the k-means++ initialisation time, then per Lloyd fit the seconds per
//! iteration and GFLOP/s counted as the distance GEMM's `2 n p k` per iteration.

use duckml::arrays::{Chunked, DataMatrix};
use duckml::prelude::*;
use ndarray::Array1;
use std::path::PathBuf;
use std::time::Instant;

struct Args {
    n: usize,
    p: usize,
    k: usize,
    iters: usize,
    seed: u64,
    std: f64,
    runs: usize,
    chunks: Option<usize>,
    out: Option<PathBuf>,
}

fn usage(msg: &str) -> ! {
    eprintln!("kmeans_bench: {msg}");
    eprintln!(
        "usage: kmeans_bench [--n N] [--p P] [--k K] [--iters I] [--seed S] [--std SD] [--runs R] \
         [--chunks ROWS] [--out DIR]"
    );
    std::process::exit(2)
}

fn parse<T: std::str::FromStr>(flag: &str, v: Option<String>) -> T {
    let v = v.unwrap_or_else(|| usage(&format!("{flag} needs a value")));
    v.parse()
        .unwrap_or_else(|_| usage(&format!("bad value for {flag}: {v}")))
}

fn parse_args() -> Args {
    let mut a = Args {
        n: 1_000_000,
        p: 50,
        k: 100,
        iters: 20,
        seed: 42,
        std: 10.0,
        runs: 3,
        chunks: None,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--n" => a.n = parse(&flag, it.next()),
            "--p" => a.p = parse(&flag, it.next()),
            "--k" => a.k = parse(&flag, it.next()),
            "--iters" => a.iters = parse(&flag, it.next()),
            "--seed" => a.seed = parse(&flag, it.next()),
            "--std" => a.std = parse(&flag, it.next()),
            "--runs" => a.runs = parse::<usize>(&flag, it.next()).max(1),
            "--chunks" => a.chunks = Some(parse(&flag, it.next())),
            "--out" => a.out = Some(parse::<String>(&flag, it.next()).into()),
            "-h" | "--help" => usage("help"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    a
}

/// Times `runs` Lloyd fits from `init`; prints and returns the best seconds per iteration.
fn time_lloyd<X: DataMatrix<f64>>(
    name: &str,
    x: &X,
    init: &ndarray::Array2<f64>,
    a: &Args,
) -> (f64, KMeansModel) {
    let km = KMeans::new(a.k)
        .init_centers(init.clone())
        .max_iter(a.iters)
        .tol(0.0);
    let mut best = f64::INFINITY;
    let mut model = None;
    for _ in 0..a.runs {
        let t0 = Instant::now();
        let m = km.fit(x).expect("fit");
        let per_iter = t0.elapsed().as_secs_f64() / m.n_iter() as f64;
        best = best.min(per_iter);
        model = Some(m);
    }
    let m = model.expect("one run");
    let flops = 2.0 * (a.n * a.p * a.k) as f64;
    println!(
        "{name:<28} {:>3} iterations  {best:.4} s/iteration  {:.1} GFLOP/s  inertia {:.10e}",
        m.n_iter(),
        flops / best / 1e9,
        m.inertia()
    );
    (best, m)
}

fn main() {
    let a = parse_args();
    println!(
        "KMeans bench: n = {}, p = {}, k = {}, {} Lloyd iterations (tol = 0), {} threads",
        a.n,
        a.p,
        a.k,
        a.iters,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let blobs = make_blobs(a.n, a.p, a.k, a.std, a.seed).expect("data");
    let x = blobs.x;

    let t0 = Instant::now();
    let init = KMeans::new(a.k)
        .init(Init::KMeansPlusPlus)
        .seed(a.seed)
        .initial_centers(&x)
        .expect("k-means++");
    println!(
        "k-means++ init              {:.3} s",
        t0.elapsed().as_secs_f64()
    );
    let t0 = Instant::now();
    let _ = KMeans::new(a.k)
        .init(Init::K_MEANS_PARALLEL)
        .seed(a.seed)
        .initial_centers(&x)
        .expect("k-means||");
    println!(
        "k-means|| init              {:.3} s",
        t0.elapsed().as_secs_f64()
    );

    // One fused pass alone (what an iteration costs beyond the host update).
    let mut labels = Array1::from_elem(a.n, -1.0);
    let t0 = Instant::now();
    let step = x.kmeans_step(init.view(), &mut labels);
    let pass = t0.elapsed().as_secs_f64();
    println!(
        "one kmeans_step pass        {pass:.4} s  ({:.1} GFLOP/s, inertia {:.6e})",
        2.0 * (a.n * a.p * a.k) as f64 / pass / 1e9,
        step.inertia
    );

    let (_, m) = time_lloyd("dense f64 Lloyd", &x, &init, &a);
    if let Some(rows) = a.chunks {
        let c = Chunked::from_array(&x, rows).expect("chunks");
        time_lloyd(&format!("chunked ({rows} rows) Lloyd"), &c, &init, &a);
    }
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir).expect("out dir");
        write_npy_matrix(dir.join("x.npy"), &x).expect("x.npy");
        write_npy_matrix(dir.join("init.npy"), &init).expect("init.npy");
        std::fs::write(
            dir.join("duckml.txt"),
            format!("inertia {:.17e}\nn_iter {}\n", m.inertia(), m.n_iter()),
        )
        .expect("duckml.txt");
        println!("wrote {}", dir.display());
    }
}
