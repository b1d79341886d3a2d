//! Times duckml's logistic-regression fits on the `glm_fit` bench's data and writes
//! the arrays so the peer script (`benches/peers/glm_peers.py`) can fit the very same
//! ones. See `BENCHMARKS.md`.
//!
//! ```text
//! cargo run --release --example glm_bench -- --n 1000000 --p 100 --out /tmp/glm6
//! ```
//!
//! Options (all optional):
//!
//! * `--n N` (default 100000), `--p P` (default 100), `--seed S` (default 42): the data,
//!   `make_classification(n, p, seed)`, dense standard-normal `X`, `f64`.
//! * `--alpha A` (default `1/n`): L2 strength; scikit-learn's `C = 1 / (alpha n)`.
//! * `--tol T` (default `1e-7`, the bench's tolerance), or `--tols T1,T2,...` to sweep.
//! * `--runs R` (default 3): timed fits per solver, after one untimed warm-up.
//! * `--solvers lbfgs,newton` (default both; also `gd`, `prox`).
//! * `--out DIR`: write `x.npy`, `y.npy` and, per fit, `duckml_<solver>_<tol>.npy`
//!   (the coefficients followed by the intercept) to `DIR`.
//! * `--history`: also print each fit's objective after every iteration.
//!
//! Besides one row per fit (median and best seconds, iterations, objective) it prints
//! the time of one fused loss-and-gradient pass, one loss-only pass and one Hessian
//! (`X^T W X`), so a fit's time can be read as a number of passes over the data.

use duckml::arrays::Linear;
use duckml::prelude::*;
use ndarray::{Array1, Array2};
use std::path::PathBuf;
use std::time::Instant;

/// Command-line settings.
struct Args {
    n: usize,
    p: usize,
    seed: u64,
    alpha: Option<f64>,
    tols: Vec<f64>,
    runs: usize,
    solvers: Vec<String>,
    out: Option<PathBuf>,
    history: bool,
}

fn usage(msg: &str) -> ! {
    eprintln!("glm_bench: {msg}");
    eprintln!(
        "usage: glm_bench [--n N] [--p P] [--seed S] [--alpha A] [--tol T | --tols T1,T2] \
         [--runs R] [--solvers lbfgs,newton,gd,prox] [--out DIR] [--history]"
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
        n: 100_000,
        p: 100,
        seed: 42,
        alpha: None,
        tols: vec![1e-7],
        runs: 3,
        solvers: vec!["lbfgs".into(), "newton".into()],
        out: None,
        history: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--n" => a.n = parse(&flag, it.next()),
            "--p" => a.p = parse(&flag, it.next()),
            "--seed" => a.seed = parse(&flag, it.next()),
            "--alpha" => a.alpha = Some(parse(&flag, it.next())),
            "--tol" => a.tols = vec![parse(&flag, it.next())],
            "--tols" => {
                let list: String = parse(&flag, it.next());
                a.tols = list
                    .split(',')
                    .map(|t| parse(&flag, Some(t.into())))
                    .collect();
            }
            "--runs" => a.runs = parse::<usize>(&flag, it.next()).max(1),
            "--solvers" => {
                let list: String = parse(&flag, it.next());
                a.solvers = list.split(',').map(str::to_lowercase).collect();
            }
            "--out" => a.out = Some(parse::<String>(&flag, it.next()).into()),
            "--history" => a.history = true,
            "-h" | "--help" => usage("help"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    a
}

fn solver_of(name: &str) -> SolverChoice {
    match name {
        "lbfgs" => Lbfgs.into(),
        "newton" => Newton.into(),
        "gd" => GradientDescent.into(),
        "prox" => ProximalGradient.into(),
        other => usage(&format!("unknown solver {other}")),
    }
}

/// Median and minimum of some timings.
fn median_min(mut t: Vec<f64>) -> (f64, f64) {
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], t[0])
}

/// Median seconds of `reps` calls of `f` (after one untimed call).
fn time_op(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    let t = (0..reps)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64()
        })
        .collect();
    median_min(t).0
}

/// Times one pass of each bulk operation a fit is made of, at a non-trivial point.
fn time_passes(x: &Array2<f64>, y: &Array1<f64>, coef: &Array1<f64>) {
    let lin = || Linear {
        coef: coef.view(),
        intercept: 0.25,
    };
    let fam = GlmFamily::Bernoulli;
    let lg = time_op(5, || {
        std::hint::black_box(x.glm_loss_grad(fam, y, lin()));
    });
    let l = time_op(5, || {
        std::hint::black_box(x.glm_loss(fam, y, lin()));
    });
    let eta = x.linear_predictor(lin());
    let w = x.glm_weights(fam, &eta);
    let h = time_op(3, || {
        std::hint::black_box(x.weighted_gram(&w));
    });
    let finite = time_op(3, || {
        std::hint::black_box(x.all_finite());
    });
    // A whole fit stopped after one iteration: input checks, start, 2 evaluations.
    let est = LogisticRegression::new()
        .solver(Lbfgs)
        .alpha(1.0 / x.nrows() as f64)
        .max_iter(1);
    let one_iter = time_op(3, || {
        std::hint::black_box(est.fit(x, y).expect("fit"));
    });
    let bytes = (x.len() * 8) as f64;
    println!(
        "one pass: loss+gradient {:.4} s ({:.1} GB/s of X), loss only {:.4} s, \
         Hessian X^T W X {:.4} s, all_finite(X) scan {:.4} s (not part of a fit), \
         Lbfgs fit with max_iter(1) {:.4} s",
        lg,
        bytes / lg / 1e9,
        l,
        h,
        finite,
        one_iter
    );
}

fn main() {
    let args = parse_args();
    let (n, p) = (args.n, args.p);
    let alpha = args.alpha.unwrap_or(1.0 / n as f64);
    let t0 = Instant::now();
    let data = make_classification(n, p, args.seed).unwrap_or_else(|e| usage(&e.to_string()));
    println!(
        "data: make_classification(n = {n}, p = {p}, seed = {}) in {:.2} s; alpha = {alpha:e} \
         (C = {}); rayon threads: {}",
        args.seed,
        t0.elapsed().as_secs_f64(),
        1.0 / (alpha * n as f64),
        rayon_threads(),
    );
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| usage(&format!("--out: {e}")));
        write_npy_matrix(dir.join("x.npy"), &data.x).expect("write x.npy");
        write_npy_vector(dir.join("y.npy"), &data.y).expect("write y.npy");
        println!("wrote {}/x.npy and y.npy", dir.display());
    }
    time_passes(&data.x, &data.y, &data.coef);

    println!(
        "{:<8} {:>7} {:>9} {:>9} {:>6} {:>5} {:>22} {:>6}",
        "solver", "tol", "median_s", "best_s", "iters", "conv", "objective", "passes"
    );
    let one_pass = time_op(3, || {
        std::hint::black_box(data.x.glm_loss_grad(
            GlmFamily::Bernoulli,
            &data.y,
            Linear {
                coef: data.coef.view(),
                intercept: 0.25,
            },
        ));
    });
    for name in &args.solvers {
        for &tol in &args.tols {
            let est = LogisticRegression::new()
                .solver(solver_of(name))
                .alpha(alpha)
                .tol(tol)
                .max_iter(1000);
            let fit = || est.fit(&data.x, &data.y).expect("fit");
            let model = fit(); // warm-up
            let times = (0..args.runs)
                .map(|_| {
                    let t0 = Instant::now();
                    std::hint::black_box(fit());
                    t0.elapsed().as_secs_f64()
                })
                .collect();
            let (med, best) = median_min(times);
            println!(
                "{:<8} {:>7.0e} {:>9.4} {:>9.4} {:>6} {:>5} {:>22.16e} {:>6.1}",
                name,
                tol,
                med,
                best,
                model.n_iter(),
                model.converged(),
                model.objective(),
                med / one_pass,
            );
            if args.history {
                let h: Vec<String> = model
                    .history()
                    .iter()
                    .map(|f| format!("{f:.16e}"))
                    .collect();
                println!("  history: {}", h.join(" "));
            }
            if let Some(dir) = &args.out {
                let mut w = model.coef().to_vec();
                w.push(model.intercept());
                let path = dir.join(format!("duckml_{name}_{tol:.0e}.npy"));
                write_npy_vector(&path, &Array1::from(w)).expect("write coefficients");
            }
        }
    }
    println!(
        "passes: median fit time / one loss+gradient pass; Lbfgs evaluates iterations + 1 \
         times (more if a step backtracks), the first of which also checks that X is finite"
    );
}

/// The size of rayon's global pool (what the fused passes run on).
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
