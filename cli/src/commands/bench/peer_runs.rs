//! The peers across sizes: each size's data files and manifest for the peer script,
//! its run right after duckml's fits of that size, and its rows, notices and versions
//! merged into the run's.

use super::peers;
use super::results::fmt_n;
use super::state::State;
use super::timing::nnz_of;
use crate::error::{io_error, CliError};
use crate::input::Design;
use crate::output::atomic::write_text;
use crate::output::{json_text, Layout};
use crate::schema::BenchGrid;
use crate::schema::{PeerCase, PeerManifest};
use crate::synthetic::{generator_name, write_glm_data, DataKind};
use ndarray::Array1;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The peer runs of one benchmark.
pub struct PeerRuns {
    python: String,
    /// `OUT/peers`: the script, its rows and logs, its budget state.
    dir: PathBuf,
    /// `OUT/data`: one size's data files and manifest.
    data_dir: PathBuf,
    keep_data: bool,
    /// False once Python could not be started: no more tries.
    alive: bool,
    /// Notices so far, each once.
    pub notices: Vec<String>,
    /// Python and package versions, each once.
    pub versions: Vec<String>,
    /// Seconds spent in the peer script.
    pub seconds: f64,
}

impl PeerRuns {
    /// Prepares `out/peers` for `python`'s runs (a previous run's budget state goes).
    pub fn start(python: &str, out: &Path, keep_data: bool) -> Result<PeerRuns, CliError> {
        let dir = out.join("peers");
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let _ = std::fs::remove_file(dir.join("budget_state.json"));
        Ok(PeerRuns {
            python: python.to_string(),
            dir,
            data_dir: out.join("data"),
            keep_data,
            alive: true,
            notices: Vec::new(),
            versions: Vec::new(),
            seconds: 0.0,
        })
    }

    /// Whether the peers still run (Python could be started).
    pub fn alive(&self) -> bool {
        self.alive
    }

    /// Writes one data set of size `n` for the peers; returns its manifest entry.
    pub fn write_case(
        &self,
        plan: &BenchGrid,
        kind: DataKind,
        x: &Design,
        y: &Array1<f64>,
    ) -> Result<PeerCase, CliError> {
        let n = x.shape().0;
        let dir = &self.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        let files = write_glm_data(dir, &format!("{}_n{n}", kind.name()), x, y, false)?;
        Ok(PeerCase {
            kind: kind.name(),
            generator: generator_name(kind, plan.model).into(),
            n,
            p: plan.p,
            nnz: nnz_of(x),
            alpha: plan.alpha_for(n),
            chunk_rows: plan.chunk_rows_for(n),
            x: files[0].clone(),
            y: files.get(1).cloned(),
        })
    }

    /// Writes the manifest of size `n`'s `cases` and runs the peer script on them;
    /// its rows join `state.rows`. The script keeps its budget state (each fit's last
    /// time) in `budget_state.json` between sizes. The data files go afterwards unless
    /// `--keep-data`.
    pub fn run_size(
        &mut self,
        plan: &BenchGrid,
        n: usize,
        cases: Vec<PeerCase>,
        state: &mut State,
    ) -> Result<(), CliError> {
        if cases.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let manifest = PeerManifest {
            model: plan.model,
            l1_ratio: plan.l1_ratio,
            tol: plan.tol,
            max_iter: plan.max_iter,
            repeats: plan.repeats,
            budget: plan.budget,
            fit_intercept: true,
            dtype: plan.dtype,
            arrays: plan.arrays.iter().map(|s| s.name().into()).collect(),
            state: self.dir.join("budget_state.json"),
            cases,
        };
        let mpath = self.data_dir.join("manifest.json");
        let text = json_text(&manifest, Layout::Pretty, "the peers' manifest")?;
        write_text(&mpath, &text)?;
        state.progress.log(format!("peers, n = {}", fmt_n(n)));
        let tag = format!("n{n}");
        let run = peers::run(&self.python, &self.dir, &mpath, &tag, state.progress.bar())?;
        self.alive = run.started;
        for notice in run.notices {
            if !self.notices.contains(&notice) {
                state.progress.notice(&notice);
                self.notices.push(notice);
            }
        }
        for v in run.versions {
            if !self.versions.contains(&v) {
                self.versions.push(v);
            }
        }
        state.rows.extend(run.rows);
        self.seconds += started.elapsed().as_secs_f64();
        if !self.keep_data {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
        Ok(())
    }
}
