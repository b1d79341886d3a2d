//! `duckml bench`: every solver on every array type over a range of sizes, each case
//! timed several times after a warm-up; tables (CSV, JSON, Markdown) and two plots
//! (fit time against n, objective gap against time), with the Python peers' rows
//! merged in when `--peers PYTHON` is given.

mod machine;
mod peers;
mod plot;
mod results;

use super::arrays::{default_chunk_rows, with_array, ArraySpec, ArrayTask, CliFloat, Dtype};
use super::datasets::{generator_name, glm_data, write_glm_data, DataKind};
use super::fit::{non_negative, positive, unit_interval};
use super::glm::{fit_glm, parse_solver, solver_key, GlmParams, ModelKind};
use super::input::Design;
use super::{io_error, print_stdout, CliError};
use clap::Args;
use duckml::arrays::{DataMatrix, Float};
use duckml::solvers::SolverChoice;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ndarray::Array1;
use results::{derive_columns, fmt_n, sort_rows, Row};
use serde_json::json;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A small grid that finishes in well under a minute on 2 cores: n = 1e3, 1e4,
    /// 1e5 (p = 100), a budget of 2 s per fit.
    #[arg(long)]
    pub quick: bool,
    /// The GLM.
    #[arg(long, value_enum, default_value_t = ModelKind::Logistic)]
    pub model: ModelKind,
    /// Solvers, comma-separated (default: every solver valid for the penalty).
    #[arg(long, value_delimiter = ',', value_parser = parse_solver)]
    pub solvers: Vec<SolverChoice>,
    /// Array types, comma-separated: dense, sparse (CSR, on sparse data), chunked
    /// (row blocks of the dense data).
    #[arg(long, value_delimiter = ',', default_value = "dense,sparse,chunked")]
    pub arrays: Vec<ArraySpec>,
    /// Sample sizes, comma-separated (default 1000,10000,100000,1000000).
    #[arg(long, value_delimiter = ',')]
    pub n: Vec<usize>,
    /// Leave out sizes above this.
    #[arg(long)]
    pub max_n: Option<usize>,
    /// Features.
    #[arg(long, default_value_t = 100)]
    pub p: usize,
    /// Non-zeros per row of the sparse data (default: 10, or p when p < 10).
    #[arg(long)]
    pub nnz_per_row: Option<usize>,
    /// Penalty strength (default: scikit-learn's; logistic 1/n).
    #[arg(long, value_parser = non_negative)]
    pub alpha: Option<f64>,
    /// L1 share of the penalty; > 0 keeps only the solvers that handle L1.
    #[arg(long, default_value_t = 0.0, value_parser = unit_interval)]
    pub l1_ratio: f64,
    /// Stopping tolerance of every fit (duckml and peers).
    #[arg(long, default_value_t = 1e-6, value_parser = positive)]
    pub tol: f64,
    /// Iteration limit of every fit.
    #[arg(long, default_value_t = 1000)]
    pub max_iter: usize,
    /// Timed fits per case after the warm-up.
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
    /// Seconds one fit may be expected to take (default 60; 2 with --quick). A solver
    /// is not run at a size where its time, extrapolated linearly in n from the
    /// previous size, exceeds this (unless it took under a second there); a fit slower
    /// than a third of it is timed once.
    #[arg(long, value_parser = positive)]
    pub budget: Option<f64>,
    /// Rows per chunk of the chunked arrays (default: ceil(n / (2 * threads)), at
    /// least 1000).
    #[arg(long)]
    pub chunk_rows: Option<usize>,
    /// Element type of the data.
    #[arg(long, value_enum, default_value_t = Dtype::F64)]
    pub dtype: Dtype,
    /// Seed of the synthetic data (the same for every n).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output directory for results.{csv,json,md} and the plots.
    #[arg(long, default_value = "bench-out")]
    pub out: PathBuf,
    /// A Python with scikit-learn / glum / dask-glm: time them on the same files.
    #[arg(long, value_name = "PYTHON")]
    pub peers: Option<String>,
    /// Keep the data files written for the peers (OUT/data).
    #[arg(long)]
    pub keep_data: bool,
}

/// The resolved grid.
#[derive(Debug, Clone)]
struct Plan {
    model: ModelKind,
    solvers: Vec<SolverChoice>,
    arrays: Vec<ArraySpec>,
    ns: Vec<usize>,
    p: usize,
    nnz_per_row: usize,
    alpha: Option<f64>,
    l1_ratio: f64,
    tol: f64,
    max_iter: usize,
    repeats: usize,
    budget: f64,
    chunk_rows: Option<usize>,
    dtype: Dtype,
    seed: u64,
}

impl Plan {
    fn from_args(a: &BenchArgs) -> Result<(Plan, Vec<String>), CliError> {
        let mut notices = Vec::new();
        let has_l1 = a.l1_ratio > 0.0 && a.alpha.is_none_or(|x| x > 0.0);
        let mut solvers = if a.solvers.is_empty() {
            SolverChoice::ALL.to_vec()
        } else {
            a.solvers.clone()
        };
        solvers.dedup();
        if has_l1 {
            let before = solvers.len();
            solvers.retain(|s| s.handles_l1());
            if solvers.len() < before {
                notices.push("an L1 term: only proximal and admm are run".to_string());
            }
            if solvers.is_empty() {
                return Err(CliError::Usage(
                    "no chosen solver handles an L1 penalty (use proximal or admm)".into(),
                ));
            }
        }
        let mut ns = if !a.n.is_empty() {
            a.n.clone()
        } else if a.quick {
            vec![1_000, 10_000, 100_000]
        } else {
            vec![1_000, 10_000, 100_000, 1_000_000]
        };
        if let Some(max) = a.max_n {
            ns.retain(|&n| n <= max);
        }
        ns.sort_unstable();
        ns.dedup();
        if ns.is_empty() || ns[0] == 0 {
            return Err(CliError::Usage(
                "no sample sizes left to run (check --n and --max-n)".into(),
            ));
        }
        let mut arrays: Vec<ArraySpec> = Vec::new();
        for s in &a.arrays {
            if !arrays.iter().any(|x| x.name() == s.name()) {
                arrays.push(*s);
            }
        }
        if a.model == ModelKind::Poisson && arrays.contains(&ArraySpec::Sparse) {
            arrays.retain(|s| *s != ArraySpec::Sparse);
            notices.push("no sparse Poisson data generator: sparse arrays left out".into());
        }
        if arrays.is_empty() {
            return Err(CliError::Usage("no array types left to run".into()));
        }
        let p = a.p;
        let nnz_per_row = a.nnz_per_row.unwrap_or(p.min(10));
        if p == 0 || nnz_per_row == 0 || nnz_per_row > p {
            return Err(CliError::Usage(format!(
                "need p >= 1 and 1 <= --nnz-per-row <= p (got p = {p}, nnz-per-row = {nnz_per_row})"
            )));
        }
        let chunk_rows = a.chunk_rows.or(arrays.iter().find_map(|s| match s {
            ArraySpec::Chunked(r) => *r,
            _ => None,
        }));
        Ok((
            Plan {
                model: a.model,
                solvers,
                arrays,
                ns,
                p,
                nnz_per_row,
                alpha: a.alpha,
                l1_ratio: a.l1_ratio,
                tol: a.tol,
                max_iter: a.max_iter.max(1),
                repeats: a.repeats.max(1),
                budget: a.budget.unwrap_or(if a.quick { 2.0 } else { 60.0 }),
                chunk_rows,
                dtype: a.dtype,
                seed: a.seed,
            },
            notices,
        ))
    }

    fn chunk_rows_for(&self, n: usize) -> usize {
        self.chunk_rows
            .unwrap_or_else(|| default_chunk_rows(n))
            .min(n)
    }

    fn penalty_text(&self) -> String {
        let alpha = match self.alpha {
            Some(a) => format!("alpha = {a:e}"),
            None => match self.model {
                ModelKind::Logistic => "alpha = 1/n (scikit-learn's C = 1)".into(),
                ModelKind::Poisson => "alpha = 1".into(),
                ModelKind::Linear => "alpha = 0".into(),
            },
        };
        let kind = if self.l1_ratio == 0.0 {
            "L2".to_string()
        } else if self.l1_ratio == 1.0 {
            "L1".to_string()
        } else {
            format!("elastic net (l1_ratio = {})", self.l1_ratio)
        };
        format!("{kind}, {alpha}")
    }
}

/// State that lives across cases: measured rows, traces, and each solver's last
/// time (for the budget's extrapolation).
struct State {
    rows: Vec<Row>,
    traces: Vec<plot::Trace>,
    last_time: HashMap<(String, SolverChoice), (usize, f64)>,
    bar: ProgressBar,
}

impl State {
    fn log(&self, line: String) {
        if self.bar.is_hidden() {
            eprintln!("bench: {line}");
        } else {
            self.bar.set_message(line);
        }
    }
}

/// Times every solver on one array (built by [`with_array`]): the code is the same
/// for every array type.
struct BenchTask<'a> {
    plan: &'a Plan,
    state: &'a mut State,
    array: &'static str,
    n: usize,
    nnz: usize,
    note: String,
}

impl BenchTask<'_> {
    fn row(&self, solver: SolverChoice, alpha: f64) -> Row {
        Row {
            library: "duckml".into(),
            solver: solver_key(solver).into(),
            array: self.array.into(),
            dtype: self.plan.dtype.name().into(),
            model: self.plan.model.name().into(),
            n: self.n,
            p: self.plan.p,
            nnz: self.nnz,
            alpha,
            l1_ratio: self.plan.l1_ratio,
            tol: self.plan.tol,
            runs: 0,
            median_s: None,
            min_s: None,
            n_iter: None,
            converged: None,
            objective: None,
            gap: None,
            ratio: None,
            status: "ok".into(),
            note: self.note.clone(),
        }
    }
}

/// Whether a fit that took `t0` seconds at the previous size, so about `expected`
/// at this one (linear in n), should be left out. Fits under a second (or half the
/// budget) are never left out: their time is mostly fixed overhead, which a linear
/// extrapolation from a small n would overstate.
pub fn too_slow(t0: f64, expected: f64, budget: f64) -> bool {
    t0 >= (budget / 2.0).min(1.0) && expected > budget
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

impl<F: Float> ArrayTask<F> for BenchTask<'_> {
    type Output = ();
    fn run<X: DataMatrix<F>>(&mut self, x: &X, y: Option<&X::Vector>) -> Result<(), CliError> {
        let y = y.ok_or_else(|| CliError::Usage("bench needs targets".into()))?;
        let plan = self.plan;
        let alpha = plan
            .alpha
            .unwrap_or_else(|| plan.model.default_alpha(self.n));
        for &solver in &plan.solvers {
            let key = (self.array.to_string(), solver);
            let mut row = self.row(solver, alpha);
            let label = format!("{} n={} {}", self.array, fmt_n(self.n), solver_key(solver));
            if let Some(&(n0, t0)) = self.state.last_time.get(&key) {
                let expected = t0 * self.n as f64 / n0 as f64;
                if too_slow(t0, expected, plan.budget) {
                    row.status = "skipped".into();
                    row.note = format!(
                        "skipped: ~{expected:.0} s expected (n = {} took {t0:.2} s) > budget {} s",
                        fmt_n(n0),
                        plan.budget
                    );
                    self.state.log(format!("{label}: {}", row.note));
                    self.state.rows.push(row);
                    self.state.bar.inc(1);
                    continue;
                }
            }
            self.state.log(format!("{label} ..."));
            let params = GlmParams {
                model: plan.model,
                solver,
                alpha: Some(alpha),
                l1_ratio: plan.l1_ratio,
                fit_intercept: true,
                max_iter: plan.max_iter,
                tol: plan.tol,
            };
            let warm = match fit_glm(&params, x, y, false) {
                Ok(f) => f,
                Err(e) => {
                    row.status = "error".into();
                    row.note = e.to_string();
                    self.state.log(format!("{label}: error: {e}"));
                    self.state.rows.push(row);
                    self.state.bar.inc(1);
                    continue;
                }
            };
            self.state.last_time.insert(key, (self.n, warm.seconds));
            let runs = if warm.seconds > plan.budget / 3.0 {
                1
            } else {
                plan.repeats
            };
            let mut times = Vec::with_capacity(runs);
            let mut last = warm;
            for _ in 0..runs {
                last = fit_glm(&params, x, y, false)?;
                times.push(last.seconds);
            }
            row.runs = times.len();
            row.min_s = times.iter().copied().reduce(f64::min);
            let med = median(&mut times);
            row.median_s = Some(med);
            row.n_iter = Some(last.n_iter);
            row.converged = Some(last.converged);
            row.objective = Some(last.objective);
            if !last.converged {
                let sep = if row.note.is_empty() { "" } else { "; " };
                row.note = format!("{}{sep}{}", row.note, last.stop_reason);
            }
            self.state.log(format!(
                "{label}: {med:.4} s, {} iterations, objective {:.10}",
                last.n_iter, last.objective
            ));
            self.state.traces.push(plot::Trace {
                array: self.array.into(),
                n: self.n,
                solver: solver_key(solver).into(),
                median_s: med,
                history: last.history,
            });
            self.state.rows.push(row);
            self.state.bar.inc(1);
        }
        Ok(())
    }
}

fn nnz_of(x: &Design) -> usize {
    match x {
        Design::Dense(x) => x.len(),
        Design::Sparse(x) => x.nnz(),
    }
}

fn bench_array<F: CliFloat>(
    plan: &Plan,
    state: &mut State,
    spec: ArraySpec,
    x: &Design,
    y: &Array1<f64>,
) -> Result<(), CliError> {
    let n = x.shape().0;
    let (spec, note) = match spec {
        ArraySpec::Chunked(_) => {
            let rows = plan.chunk_rows_for(n);
            (
                ArraySpec::Chunked(Some(rows)),
                format!("{} chunks of {rows} rows", n.div_ceil(rows)),
            )
        }
        s => (s, String::new()),
    };
    let mut task = BenchTask {
        plan,
        state,
        array: spec.name(),
        n,
        nnz: nnz_of(x),
        note,
    };
    with_array::<F, _>(x, Some(y), spec, &mut task)
}

fn progress_bar(len: u64) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

/// The peer runs across sizes.
struct PeerState {
    python: String,
    dir: PathBuf,
    /// False once Python could not be started: no more tries.
    alive: bool,
    notices: Vec<String>,
    versions: Vec<String>,
    seconds: f64,
}

/// Writes the manifest for size `n` and runs the peer script on it; its rows join
/// `state.rows`. The script keeps its budget state (each fit's last time) in
/// `budget_state.json` between sizes.
fn run_peers(
    plan: &Plan,
    ps: &mut PeerState,
    data_dir: &std::path::Path,
    n: usize,
    cases: Vec<serde_json::Value>,
    state: &mut State,
) -> Result<(), CliError> {
    if cases.is_empty() {
        return Ok(());
    }
    let manifest = json!({
        "model": plan.model.name(),
        "l1_ratio": plan.l1_ratio,
        "tol": plan.tol,
        "max_iter": plan.max_iter,
        "repeats": plan.repeats,
        "budget": plan.budget,
        "fit_intercept": true,
        "dtype": plan.dtype.name(),
        "arrays": plan.arrays.iter().map(|s| s.name()).collect::<Vec<_>>(),
        "state": ps.dir.join("budget_state.json"),
        "cases": cases,
    });
    let mpath = data_dir.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).expect("JSON of plain values");
    std::fs::write(&mpath, text).map_err(|e| io_error(&mpath, e))?;
    state.log(format!("peers, n = {}", fmt_n(n)));
    let run = peers::run(&ps.python, &ps.dir, &mpath, &format!("n{n}"), &state.bar)?;
    ps.alive = run.started;
    for notice in run.notices {
        if !ps.notices.contains(&notice) {
            if !state.bar.is_hidden() {
                state.bar.println(format!("notice: {notice}"));
            }
            ps.notices.push(notice);
        }
    }
    for v in run.versions {
        if !ps.versions.contains(&v) {
            ps.versions.push(v);
        }
    }
    state.rows.extend(run.rows);
    Ok(())
}

pub fn run(args: &BenchArgs) -> Result<(), CliError> {
    let (plan, mut notices) = Plan::from_args(args)?;
    for n in &notices {
        eprintln!("notice: {n}");
    }
    let out = &args.out;
    std::fs::create_dir_all(out).map_err(|e| io_error(out, e))?;
    let data_dir = out.join("data");
    let started = Instant::now();
    let load_before = machine::load_average();
    let sampler = machine::LoadSampler::start(std::time::Duration::from_secs(10));
    let total = plan.ns.len() * plan.arrays.len() * plan.solvers.len();
    let mut state = State {
        rows: Vec::new(),
        traces: Vec::new(),
        last_time: HashMap::new(),
        bar: progress_bar(total as u64),
    };
    let mut peer_state = args.peers.as_ref().map(|python| PeerState {
        python: python.clone(),
        dir: out.join("peers"),
        alive: true,
        notices: Vec::new(),
        versions: Vec::new(),
        seconds: 0.0,
    });
    if let Some(ps) = &peer_state {
        std::fs::create_dir_all(&ps.dir).map_err(|e| io_error(&ps.dir, e))?;
        let _ = std::fs::remove_file(ps.dir.join("budget_state.json"));
    }
    for &n in &plan.ns {
        let mut kinds = Vec::new();
        if plan.arrays.iter().any(|s| s.name() != "sparse") {
            kinds.push(DataKind::Dense);
        }
        if plan.arrays.contains(&ArraySpec::Sparse) {
            kinds.push(DataKind::Sparse);
        }
        let mut peer_cases = Vec::new();
        for kind in kinds {
            let kind_name = if kind == DataKind::Dense {
                "dense"
            } else {
                "sparse"
            };
            state.log(format!("generating {kind_name} data, n = {}", fmt_n(n)));
            let (x, y) = glm_data(kind, plan.model, n, plan.p, plan.nnz_per_row, plan.seed)?;
            if peer_state.as_ref().is_some_and(|p| p.alive) {
                std::fs::create_dir_all(&data_dir).map_err(|e| io_error(&data_dir, e))?;
                let files = write_glm_data(&data_dir, &format!("{kind_name}_n{n}"), &x, &y, false)?;
                peer_cases.push(json!({
                    "kind": kind_name,
                    "generator": generator_name(kind, plan.model),
                    "n": n,
                    "p": plan.p,
                    "nnz": nnz_of(&x),
                    "alpha": plan.alpha.unwrap_or_else(|| plan.model.default_alpha(n)),
                    "chunk_rows": plan.chunk_rows_for(n),
                    "x": files[0],
                    "y": files.get(1),
                }));
            }
            let specs: Vec<ArraySpec> = plan
                .arrays
                .iter()
                .copied()
                .filter(|s| (s.name() == "sparse") == (kind == DataKind::Sparse))
                .collect();
            for spec in specs {
                match plan.dtype {
                    Dtype::F64 => bench_array::<f64>(&plan, &mut state, spec, &x, &y)?,
                    Dtype::F32 => bench_array::<f32>(&plan, &mut state, spec, &x, &y)?,
                }
            }
        }
        // The peers on this size's files right away, so that both sides of a
        // comparison run under the same conditions.
        if let Some(ps) = peer_state.as_mut().filter(|p| p.alive) {
            let t = Instant::now();
            run_peers(&plan, ps, &data_dir, n, peer_cases, &mut state)?;
            ps.seconds += t.elapsed().as_secs_f64();
            if !args.keep_data {
                let _ = std::fs::remove_dir_all(&data_dir);
            }
        }
    }
    state.bar.finish_and_clear();
    let peer_seconds = peer_state.as_ref().map_or(0.0, |p| p.seconds);
    let duckml_seconds = started.elapsed().as_secs_f64() - peer_seconds;
    let mut rows = std::mem::take(&mut state.rows);
    let mut peer_versions = Vec::new();
    if let Some(ps) = peer_state {
        for n in &ps.notices {
            eprintln!("notice: {n}");
        }
        notices.extend(ps.notices);
        peer_versions = ps.versions;
    }
    let load_after = machine::load_average();
    let load_during = sampler.finish();

    derive_columns(&mut rows);
    sort_rows(&mut rows);
    let title = format!(
        "duckml bench: {} regression, {}, tol {:e}, p = {}",
        plan.model.name(),
        plan.penalty_text(),
        plan.tol,
        plan.p
    );
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let peer_time = if args.peers.is_some() {
        format!(", the peers {peer_seconds:.0} s (each size's peers run right after duckml's fits of that size)")
    } else {
        String::new()
    };
    let mut about = vec![
        format!(
            "Data: seed {}, dense `{}` (standard-normal X), sparse `{}` ({} non-zeros per row); chunked = row blocks of the dense data.",
            plan.seed,
            generator_name(DataKind::Dense, plan.model),
            generator_name(DataKind::Sparse, plan.model),
            plan.nnz_per_row
        ),
        format!(
            "Each case: one untimed warm-up fit, then {} timed fit(s) (1 when the warm-up took over {:.1} s); median reported. A solver is skipped at a size where its time extrapolated linearly from the previous size exceeds {} s (never when it took under {:.1} s there).",
            plan.repeats,
            plan.budget / 3.0,
            plan.budget,
            (plan.budget / 2.0).min(1.0)
        ),
        "gap: objective minus the best objective of any fit (any library) on the same array type and n; ratio: time / duckml's fastest converged fit on the same array type and n.".into(),
        format!("Machine: {}", machine::describe()),
        format!("Load average (1, 5, 15 min): {load_before} before, {load_after} after; 1-min load during the run (every 10 s): {load_during}. The {threads} threads of this run alone make about {threads}. duckml fits took {duckml_seconds:.0} s{peer_time}."),
        format!("duckml {} ({}), data {}", env!("CARGO_PKG_VERSION"), machine::build_profile(), plan.dtype.name()),
    ];
    about.extend(peer_versions.iter().map(|v| format!("Peers: {v}")));
    about.extend(notices.iter().map(|n| format!("Notice: {n}")));
    let md = results::markdown(&rows, &title, &about);
    let write = |name: &str, text: &str| -> Result<PathBuf, CliError> {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| io_error(&path, e))?;
        Ok(path)
    };
    results::write_csv(&out.join("results.csv"), &rows)?;
    write("results.md", &md)?;
    let traces: Vec<_> = state
        .traces
        .iter()
        .map(|t| json!({"array": t.array, "n": t.n, "solver": t.solver, "median_s": t.median_s, "history": t.history}))
        .collect();
    let report = json!({
        "title": title,
        "about": about,
        "settings": {
            "model": plan.model.name(),
            "solvers": plan.solvers.iter().map(|&s| solver_key(s)).collect::<Vec<_>>(),
            "arrays": plan.arrays.iter().map(|s| s.name()).collect::<Vec<_>>(),
            "n": plan.ns, "p": plan.p, "nnz_per_row": plan.nnz_per_row,
            "alpha": plan.alpha, "l1_ratio": plan.l1_ratio, "tol": plan.tol,
            "max_iter": plan.max_iter, "repeats": plan.repeats, "budget_s": plan.budget,
            "chunk_rows": plan.chunk_rows, "dtype": plan.dtype.name(), "seed": plan.seed,
            "peers": args.peers,
        },
        "machine": machine::describe(),
        "load_average": {"before": load_before, "after": load_after, "during_1min": load_during},
        "rows": rows,
        "traces": traces,
    });
    write(
        "results.json",
        &serde_json::to_string_pretty(&report).expect("JSON of plain values"),
    )?;
    let plots = [
        ("time_vs_n", "Fit time vs n", plot::time_vs_n(&rows)),
        (
            "gap_vs_time",
            "Objective gap vs time",
            plot::gap_vs_time(&rows, &state.traces),
        ),
    ];
    let colors = plot::color_map(&rows);
    for (stem, what, panels) in plots {
        let fig_title = format!(
            "{what}: {} regression, {}",
            plan.model.name(),
            plan.penalty_text()
        );
        if let Err(e) = plot::save_figure(&out.join(stem), &fig_title, &panels, &colors) {
            return Err(CliError::Input(format!("cannot draw {stem}: {e}")));
        }
    }
    let summary = md.split("### All rows").next().unwrap_or(&md).trim_end();
    print_stdout(summary)?;
    print_stdout(&format!(
        "\nwrote {0}/results.csv, results.json, results.md, time_vs_n.{{svg,png}}, gap_vs_time.{{svg,png}}",
        out.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_skips_only_slow_extrapolations() {
        // 5 s at 1e5 -> ~50 s at 1e6: over a 20 s budget.
        assert!(too_slow(5.0, 50.0, 20.0));
        assert!(!too_slow(5.0, 50.0, 60.0));
        // Overhead-dominated small fits always run.
        assert!(!too_slow(0.4, 4.0, 2.0));
        assert!(too_slow(1.5, 15.0, 2.0));
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0]), 2.5);
    }
}
