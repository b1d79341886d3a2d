//! `duckml bench`: every solver on every array type over a range of sizes, each case
//! timed several times after a warm-up; tables (CSV, JSON, Markdown) and two plots
//! (fit time against n, objective gap against time), with the Python peers' rows
//! merged in when `--peers PYTHON` is given.
//!
//! [`run`] walks the grid; [`plan`] resolves it from the options, [`timing`] times the
//! solvers on one array within the [`budget`], [`peer_runs`] runs the peers on the same
//! files, and [`report`] writes the results.

mod args;
mod budget;
mod machine;
mod peer_runs;
mod peers;
mod plan;
mod plot;
mod progress;
mod report;
mod results;
mod state;
mod timing;

pub use args::BenchArgs;

use crate::error::{io_error, CliError};
use crate::output::Printed;
use crate::schema::{BenchGrid, LoadAverage};
use crate::synthetic::glm_data;
use budget::Budget;
use peer_runs::PeerRuns;
use progress::Progress;
use results::fmt_n;
use state::State;
use std::time::{Duration, Instant};

/// Runs `duckml bench`.
pub fn run(args: &BenchArgs) -> Result<Printed, CliError> {
    let (plan, mut notices) = BenchGrid::from_args(args)?;
    for n in &notices {
        eprintln!("notice: {n}");
    }
    let out = &args.out;
    std::fs::create_dir_all(out).map_err(|e| io_error(out, e))?;
    let started = Instant::now();
    let load_before = machine::load_average();
    let sampler = machine::LoadSampler::start(Duration::from_secs(10));
    let total = plan.ns.len() * plan.arrays.len() * plan.solvers.len();
    let mut state = State {
        rows: Vec::new(),
        traces: Vec::new(),
        budget: Budget::new(plan.budget),
        progress: Progress::new(total as u64),
    };
    let mut peers = match &args.peers {
        Some(python) => Some(PeerRuns::start(python, out, args.keep_data)?),
        None => None,
    };
    for &n in &plan.ns {
        let mut peer_cases = Vec::new();
        for kind in plan.data_kinds() {
            let what = format!("generating {} data, n = {}", kind.name(), fmt_n(n));
            state.progress.log(what);
            let (x, y) = glm_data(kind, plan.model, n, plan.p, plan.nnz_per_row, plan.seed)?;
            if let Some(p) = peers.as_ref().filter(|p| p.alive()) {
                peer_cases.push(p.write_case(&plan, kind, &x, &y)?);
            }
            for spec in plan.arrays_on(kind) {
                timing::time_array(&plan, &mut state, spec, &x, &y)?;
            }
        }
        // The peers on this size's files right away, so that both sides of a
        // comparison run under the same conditions.
        if let Some(p) = peers.as_mut().filter(|p| p.alive()) {
            p.run_size(&plan, n, peer_cases, &mut state)?;
        }
    }
    state.progress.finish();
    let peer_seconds = peers.as_ref().map_or(0.0, |p| p.seconds);
    let duckml_seconds = started.elapsed().as_secs_f64() - peer_seconds;
    let mut peer_versions = Vec::new();
    if let Some(p) = peers {
        for n in &p.notices {
            eprintln!("notice: {n}");
        }
        notices.extend(p.notices);
        peer_versions = p.versions;
    }
    let load = LoadAverage {
        before: load_before,
        after: machine::load_average(),
        during_1min: sampler.finish(),
    };
    let circumstances = report::Circumstances {
        load,
        duckml_seconds,
        peer_seconds,
        peers: args.peers.clone(),
        peer_versions,
        notices,
    };
    report::write(out, &plan, state.rows, state.traces, circumstances)
}
