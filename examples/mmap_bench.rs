//! The out-of-core benchmark (`benches/mmap/`, `BENCHMARKS.md (Out of core)`): one
//! pass of the logistic loss + gradient and one k-means step over a `.npy` mapped
//! from disk, against the same data loaded in RAM, with the process's anonymous
//! memory (RssAnon, not RSS: mapped file pages are RssFile).
//!
//! ```text
//! cargo run --release --example mmap_bench -- gen  /data/x.npy 10000000 100   # x.npy + x.y.npy, bounded memory
//! cargo run --release --example mmap_bench -- mmap /data/x.npy 5            # 5 timed passes of each kind
//! cargo run --release --example mmap_bench -- ram  /data/x.npy 5
//! ```
//!
//! Each run prints one JSON line: seconds per pass (median of the timed passes, after
//! one untimed warm-up pass that also runs the finite check), GB/s of X read, the
//! full-fit seconds of a logistic L2 fit and a KMeans fit (each limited to `ITERS`
//! iterations, default 10), and peak RssAnon sampled after every pass.

use duckml::arrays::npy::Scalar;
use duckml::arrays::{hash_uniform, open_npy, GlmFamily, Linear};
use duckml::datasets::{read_npy_matrix, read_npy_vector, NpyWriter};
use duckml::prelude::*;
use ndarray::{s, Array1, Array2};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// RssAnon of this process, in bytes (from /proc/self/status).
fn rss_anon() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn y_path(x: &Path) -> PathBuf {
    x.with_extension("y.npy")
}

/// Writes an n x p f64 `.npy` of uniform(-1, 1) values and 0/1 labels from a fixed
/// linear model, 65,536 rows at a time.
fn generate(path: &Path, n: usize, p: usize) {
    let rows = 1 << 16;
    let mut xw = NpyWriter::create(path, Scalar::F64).expect("create x");
    let mut yw = NpyWriter::create(&y_path(path), Scalar::F64).expect("create y");
    let beta: Vec<f64> = (0..p).map(|j| hash_uniform(7, j as u64) * 2.0 - 1.0).collect();
    let mut buf = vec![0.0; rows * p];
    let mut ys = vec![0.0; rows];
    for start in (0..n).step_by(rows) {
        let r = rows.min(n - start);
        for i in 0..r {
            let row = &mut buf[i * p..(i + 1) * p];
            let mut eta = 0.0;
            for (j, v) in row.iter_mut().enumerate() {
                *v = hash_uniform(1, ((start + i) * p + j) as u64) * 2.0 - 1.0;
                eta += *v * beta[j];
            }
            let u = hash_uniform(2, (start + i) as u64);
            ys[i] = f64::from(u < 1.0 / (1.0 + (-eta).exp()));
        }
        xw.write(&buf[..r * p], "x").expect("write x");
        yw.write(&ys[..r], "y").expect("write y");
    }
    xw.finish(&[n, p]).expect("finish x");
    yw.finish(&[n]).expect("finish y");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times the passes and the fits on `x`; prints one JSON line.
fn run<X: DataMatrix<f64>>(mode: &str, x: &X, y: &X::Vector, passes: usize, iters: usize, load_s: f64) {
    let (n, p) = (x.n_rows(), x.n_cols());
    let gb = (n * p * 8) as f64 / 1e9;
    let mut peak = rss_anon();
    let coef = Array1::from_elem(p, 0.01);
    let lin = Linear { coef: coef.view(), intercept: 0.0 };
    let t0 = Instant::now();
    assert!(x.glm_loss_grad_checked(GlmFamily::Bernoulli, y, lin).is_some());
    let first_glm = t0.elapsed().as_secs_f64();
    peak = peak.max(rss_anon());
    let mut glm = Vec::new();
    for _ in 0..passes {
        let t = Instant::now();
        std::hint::black_box(x.glm_loss_grad(GlmFamily::Bernoulli, y, lin));
        glm.push(t.elapsed().as_secs_f64());
        peak = peak.max(rss_anon());
    }
    let centers: Array2<f64> = x.rows_to_host(&(0..8).collect::<Vec<_>>()).unwrap();
    let mut labels = x.vector_from_host(Array1::zeros(n).view()).unwrap();
    let mut km = Vec::new();
    for _ in 0..passes {
        let t = Instant::now();
        std::hint::black_box(x.kmeans_step(centers.slice(s![.., ..]), &mut labels));
        km.push(t.elapsed().as_secs_f64());
        peak = peak.max(rss_anon());
    }
    drop(labels);
    let t = Instant::now();
    let model = LogisticRegression::new()
        .alpha(1e-4)
        .max_iter(iters)
        .fit(x, y)
        .expect("logistic fit");
    let logistic_s = t.elapsed().as_secs_f64();
    peak = peak.max(rss_anon());
    let t = Instant::now();
    let km_model = KMeans::new(8).max_iter(iters).seed(0).fit(x).expect("kmeans fit");
    let kmeans_s = t.elapsed().as_secs_f64();
    peak = peak.max(rss_anon());
    let (g, k) = (median(glm), median(km));
    println!(
        "{{\"mode\":\"{mode}\",\"n\":{n},\"p\":{p},\"gb\":{gb:.3},\"load_s\":{load_s:.3},\
         \"first_glm_pass_s\":{first_glm:.3},\"glm_pass_s\":{g:.4},\"glm_gb_s\":{:.2},\
         \"kmeans_pass_s\":{k:.4},\"kmeans_gb_s\":{:.2},\"logistic_fit_s\":{logistic_s:.2},\
         \"logistic_iters\":{},\"kmeans_fit_s\":{kmeans_s:.2},\"kmeans_iters\":{},\
         \"peak_rss_anon_mb\":{:.1},\"rss_anon_share_of_file\":{:.4}}}",
        gb / g,
        gb / k,
        model.n_iter(),
        km_model.n_iter(),
        peak as f64 / 1e6,
        peak as f64 / (gb * 1e9)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: mmap_bench gen PATH N P | mmap PATH [PASSES [ITERS]] | ram PATH [PASSES [ITERS]]";
    let arg = |i: usize| args.get(i).unwrap_or_else(|| panic!("{usage}"));
    let num = |i: usize, d: usize| args.get(i).map_or(d, |v| v.parse().expect(usage));
    let path = PathBuf::from(arg(1));
    match arg(0).as_str() {
        "gen" => generate(&path, num(2, 0), num(3, 0)),
        "mmap" => {
            let t = Instant::now();
            let x = open_npy::<f64>(&path, None).expect("map x");
            let y = x.vector_from_host(read_npy_vector(y_path(&path)).expect("y").view()).unwrap();
            run("mmap", &x, &y, num(2, 5), num(3, 10), t.elapsed().as_secs_f64());
        }
        "ram" => {
            let t = Instant::now();
            let x = read_npy_matrix(&path).expect("read x");
            let y = read_npy_vector(y_path(&path)).expect("y");
            run("ram", &x, &y, num(2, 5), num(3, 10), t.elapsed().as_secs_f64());
        }
        _ => panic!("{usage}"),
    }
}
