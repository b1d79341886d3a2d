//! The benchmark's files: the rows of `results.csv` / `results.json` (one schema shared
//! with `benches/peers/cli_peers.py`), the report `results.json`, and the manifest the
//! peer script reads.

use crate::flags::{ArraySpec, Dtype, ModelKind};
use duckml::solvers::SolverChoice;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One measured (or skipped) fit. `benches/peers/cli_peers.py` writes the same columns,
/// and `results.csv` has them in this order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// `duckml`, `scikit-learn`, `glum`, `dask-glm`.
    pub library: String,
    /// The library's solver name.
    pub solver: String,
    /// `dense`, `sparse`, `chunked` (dask-glm's dask arrays count as chunked).
    pub array: String,
    /// Element type of the data (`f64`, `f32`).
    pub dtype: String,
    /// The GLM (`linear`, `logistic`, `poisson`).
    pub model: String,
    /// Samples.
    pub n: usize,
    /// Features.
    pub p: usize,
    /// Stored entries of x.
    pub nnz: usize,
    /// Penalty strength.
    pub alpha: f64,
    /// L1 share of the penalty.
    pub l1_ratio: f64,
    /// Stopping tolerance.
    pub tol: f64,
    /// Timed fits behind `median_s` (after one untimed warm-up; 1 with `warm-up only`).
    pub runs: usize,
    /// Median seconds of the timed fits.
    pub median_s: Option<f64>,
    /// Fastest timed fit, seconds.
    pub min_s: Option<f64>,
    /// Solver iterations of the last fit.
    pub n_iter: Option<usize>,
    /// Whether the last fit met its tolerance.
    pub converged: Option<bool>,
    /// The GLM objective (DESIGN.md) at the fit's coefficients.
    pub objective: Option<f64>,
    /// `objective - best objective` among all rows of the same array type and n.
    pub gap: Option<f64>,
    /// `median_s / median_s of duckml's fastest converged fit` on the same array type
    /// and n (for peers: peer time / duckml time).
    pub ratio: Option<f64>,
    /// `ok`, `skipped` or `error`.
    pub status: String,
    /// Why a fit was skipped or failed, how an array was chunked, why it stopped.
    pub note: String,
}

impl Row {
    /// Whether the fit ran (not skipped, no error).
    pub fn ok(&self) -> bool {
        self.status == "ok"
    }

    /// `library solver`, the series name in plots and tables.
    pub fn series(&self) -> String {
        format!("{} {}", self.library, self.solver)
    }
}

/// A trace of one duckml fit: its objective after each iteration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The array type.
    pub array: String,
    /// Samples.
    pub n: usize,
    /// The solver's command-line name.
    pub solver: String,
    /// The fit's median time, seconds (iterations are spread evenly over it in plots).
    pub median_s: f64,
    /// The objective after each iteration.
    pub history: Vec<f64>,
}

/// `results.json`: everything about one benchmark run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// The report's heading.
    pub title: String,
    /// The report's notes (data, timing rules, machine, load, versions, notices).
    pub about: Vec<String>,
    /// The grid as run.
    pub settings: BenchSettings,
    /// CPU, memory, OS.
    pub machine: String,
    /// The machine's load around the run.
    pub load_average: LoadAverage,
    /// Every fit, duckml's and the peers'.
    pub rows: Vec<Row>,
    /// The objective per iteration of duckml's fits.
    pub traces: Vec<Trace>,
}

/// The grid a benchmark runs: its options after defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchGrid {
    /// The GLM.
    pub model: ModelKind,
    /// Solvers, in the order given.
    #[serde(with = "crate::flags::solver_keys")]
    pub solvers: Vec<SolverChoice>,
    /// Array types, one of each name.
    #[serde(with = "crate::flags::array_names")]
    pub arrays: Vec<ArraySpec>,
    /// Sample sizes, ascending.
    #[serde(rename = "n")]
    pub ns: Vec<usize>,
    /// Features.
    pub p: usize,
    /// Non-zeros per row of the sparse data.
    pub nnz_per_row: usize,
    /// `--alpha` (`None`: the estimator's default, which depends on n).
    pub alpha: Option<f64>,
    /// L1 share of the penalty.
    pub l1_ratio: f64,
    /// Stopping tolerance.
    pub tol: f64,
    /// Iteration limit.
    pub max_iter: usize,
    /// Timed fits per case.
    pub repeats: usize,
    /// Seconds one fit may be expected to take.
    #[serde(rename = "budget_s")]
    pub budget: f64,
    /// `--chunk-rows` (`None`: the default for each n).
    pub chunk_rows: Option<usize>,
    /// Element type of the data.
    pub dtype: Dtype,
    /// Seed of the data.
    pub seed: u64,
}

/// `results.json`'s `settings`: the grid, and the Python that ran the peers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchSettings {
    /// The grid as run.
    #[serde(flatten)]
    pub grid: BenchGrid,
    /// `--peers`.
    pub peers: Option<String>,
}

/// `/proc/loadavg` around a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadAverage {
    /// 1, 5 and 15-minute loads before the run.
    pub before: String,
    /// The same after it.
    pub after: String,
    /// The 1-minute load sampled during the run.
    pub during_1min: String,
}

/// `OUT/data/manifest.json`: what the peer script fits for one sample size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerManifest {
    /// The GLM.
    pub model: ModelKind,
    /// L1 share of the penalty.
    pub l1_ratio: f64,
    /// Stopping tolerance.
    pub tol: f64,
    /// Iteration limit.
    pub max_iter: usize,
    /// Timed fits per case.
    pub repeats: usize,
    /// Seconds one fit may be expected to take.
    pub budget: f64,
    /// Always true: duckml's fits have an intercept.
    pub fit_intercept: bool,
    /// Element type of the data.
    pub dtype: Dtype,
    /// Array types duckml ran, by name.
    pub arrays: Vec<String>,
    /// Where the script keeps each fit's last time between sizes.
    pub state: PathBuf,
    /// The data files of this size.
    pub cases: Vec<PeerCase>,
}

/// One data set of a [`PeerManifest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerCase {
    /// `dense` or `sparse`.
    pub kind: String,
    /// The `duckml::datasets` function that made it.
    pub generator: String,
    /// Samples.
    pub n: usize,
    /// Features.
    pub p: usize,
    /// Stored entries of x.
    pub nnz: usize,
    /// Penalty strength.
    pub alpha: f64,
    /// Rows per chunk of duckml's chunked arrays (dask-glm chunks alike).
    pub chunk_rows: usize,
    /// The x file (`.npy` or svmlight).
    pub x: PathBuf,
    /// The y file (`null` for svmlight, which holds y).
    pub y: Option<PathBuf>,
}
