//! The out-of-core benchmark (`benches/mmap/`, `BENCHMARKS.md (Out of core)`): one
//! pass of the logistic loss + gradient and one k-means step over a `.npy` mapped
//! from disk, against the same data loaded in RAM, with the process's anonymous
//! memory (RssAnon, not RSS: mapped file pages are RssFile).
//!
//! ```text
//! cargo run --release --example mmap_bench -- gen  /data/x.npy 10000000 100   # x.npy + x.y.npy, bounded memory
//! cargo run --release --example mmap_bench -- mmap /data/x.npy logistic 5 10  # 5 timed passes, a 10-iteration fit
//! cargo run --release --example mmap_bench -- ram  /data/x.npy kmeans 5 10
//! ```
//!
//! Each run prints one JSON line: seconds per pass (the median of the timed passes,
//! after a first pass that also runs the finite check for `logistic`), GB/s of X
//! read, the seconds of an L2 logistic fit (alpha 1e-4) or a KMeans fit (k = 8), at
//! most `ITERS` iterations, and the peak RssAnon over the whole run, sampled every
//! 2 ms on a thread.

use duckml::arrays::npy::Scalar;
use duckml::arrays::{hash_uniform, open_npy, GlmFamily, Linear};
use duckml::datasets::{read_npy_matrix, read_npy_vector, NpyWriter};
use duckml::prelude::*;
use ndarray::{s, Array1, Array2};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
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
    let beta: Vec<f64> = (0..p)
        .map(|j| hash_uniform(7, j as u64) * 2.0 - 1.0)
        .collect();
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

/// Samples RssAnon every 2 ms on its own thread until dropped; keeps the peak.
struct AnonPeak {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl AnonPeak {
    fn start() -> AnonPeak {
        let peak = Arc::new(AtomicU64::new(rss_anon()));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (Arc::clone(&peak), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(rss_anon(), Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        });
        AnonPeak {
            peak,
            stop,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak.load(Ordering::Relaxed).max(rss_anon())
    }
}

/// What one run does: which storage and kernel, how many passes and fit iterations.
struct Plan<'a> {
    mode: &'a str,
    task: &'a str,
    passes: usize,
    iters: usize,
}

/// Times `plan.passes` passes of the task's kernel, then one fit of at most
/// `plan.iters` iterations; prints one JSON line.
fn run<X: DataMatrix<f64>>(
    plan: &Plan,
    x: &X,
    y: Option<&X::Vector>,
    load_s: f64,
    sampler: AnonPeak,
) {
    let Plan {
        mode,
        task,
        passes,
        iters,
    } = *plan;
    let (n, p) = (x.n_rows(), x.n_cols());
    let gb = (n * p * 8) as f64 / 1e9;
    let mut times = Vec::new();
    let t = Instant::now();
    let (first, fit_s, fit_iters) = match task {
        "logistic" => {
            let y = y.expect("logistic needs y");
            let coef = Array1::from_elem(p, 0.01);
            let lin = Linear {
                coef: coef.view(),
                intercept: 0.0,
            };
            assert!(x
                .glm_loss_grad_checked(GlmFamily::Bernoulli, y, lin)
                .is_some());
            let first = t.elapsed().as_secs_f64();
            for _ in 0..passes {
                let t = Instant::now();
                std::hint::black_box(x.glm_loss_grad(GlmFamily::Bernoulli, y, lin));
                times.push(t.elapsed().as_secs_f64());
            }
            let t = Instant::now();
            let model = LogisticRegression::new()
                .alpha(1e-4)
                .max_iter(iters)
                .fit(x, y)
                .expect("logistic fit");
            (first, t.elapsed().as_secs_f64(), model.n_iter())
        }
        "kmeans" => {
            let centers: Array2<f64> = x.rows_to_host(&(0..8).collect::<Vec<_>>()).unwrap();
            let mut labels = x.vector_from_host(Array1::zeros(n).view()).unwrap();
            let first = t.elapsed().as_secs_f64();
            for _ in 0..passes {
                let t = Instant::now();
                std::hint::black_box(x.kmeans_step(centers.slice(s![.., ..]), &mut labels));
                times.push(t.elapsed().as_secs_f64());
            }
            drop(labels);
            let t = Instant::now();
            let model = KMeans::new(8)
                .max_iter(iters)
                .seed(0)
                .fit(x)
                .expect("kmeans fit");
            (first, t.elapsed().as_secs_f64(), model.n_iter())
        }
        other => panic!("unknown task {other}: logistic or kmeans"),
    };
    let peak = sampler.finish();
    let pass = median(times);
    println!(
        "{{\"mode\":\"{mode}\",\"task\":\"{task}\",\"n\":{n},\"p\":{p},\"gb\":{gb:.3},\
         \"load_s\":{load_s:.3},\"first_pass_s\":{first:.3},\"pass_s\":{pass:.4},\
         \"gb_per_s\":{:.2},\"fit_s\":{fit_s:.2},\"fit_iters\":{fit_iters},\
         \"peak_rss_anon_mb\":{:.1},\"rss_anon_share_of_file\":{:.4}}}",
        gb / pass,
        peak as f64 / 1e6,
        peak as f64 / (gb * 1e9)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: mmap_bench gen PATH N P | (mmap|ram) PATH (logistic|kmeans) [PASSES [ITERS]]";
    let arg = |i: usize| args.get(i).unwrap_or_else(|| panic!("{usage}"));
    let num = |i: usize, d: usize| args.get(i).map_or(d, |v| v.parse().expect(usage));
    let path = PathBuf::from(arg(1));
    let mode = arg(0).as_str();
    if mode == "gen" {
        return generate(&path, num(2, 0), num(3, 0));
    }
    let task = arg(2).as_str();
    let plan = Plan {
        mode,
        task,
        passes: num(3, 5),
        iters: num(4, 10),
    };
    let sampler = AnonPeak::start();
    let t = Instant::now();
    let y = (task == "logistic").then(|| read_npy_vector(y_path(&path)).expect("y"));
    match mode {
        "mmap" => {
            let x = open_npy::<f64>(&path, None).expect("map x");
            let y = y.map(|y| x.vector_from_host(y.view()).unwrap());
            let load = t.elapsed().as_secs_f64();
            run(&plan, &x, y.as_ref(), load, sampler);
        }
        "ram" => {
            let x = read_npy_matrix(&path).expect("read x");
            let load = t.elapsed().as_secs_f64();
            run(&plan, &x, y.as_ref(), load, sampler);
        }
        _ => panic!("{usage}"),
    }
}
