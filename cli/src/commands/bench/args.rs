//! `duckml bench`'s options.

use crate::flags::{
    max_iter, non_negative, positive, repeats, seed, size, solver_parser, unit_interval,
};
use crate::flags::{ArraySpec, Dtype, ModelKind};
use clap::Args;
use duckml::solvers::SolverChoice;
use std::path::PathBuf;

/// Options of `duckml bench`.
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
    #[arg(long, value_delimiter = ',', value_parser = solver_parser())]
    pub solvers: Vec<SolverChoice>,
    /// Array types, comma-separated (sparse runs on sparse data; dense and chunked on
    /// dense data).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "dense,sparse,chunked",
        value_parser = ArraySpec::parser()
    )]
    pub arrays: Vec<ArraySpec>,
    /// Sample sizes, comma-separated (default 1000,10000,100000,1000000). The largest
    /// size's data must fit in memory (see DUCKML_MAX_MEMORY in the README).
    #[arg(long, value_delimiter = ',', value_parser = size, allow_hyphen_values = true)]
    pub n: Vec<usize>,
    /// Leave out sizes above this.
    #[arg(long, value_parser = size, allow_hyphen_values = true)]
    pub max_n: Option<usize>,
    /// Features.
    #[arg(long, default_value_t = 100, value_parser = size, allow_hyphen_values = true)]
    pub p: usize,
    /// Non-zeros per row of the sparse data (default: 10, or p when p < 10).
    #[arg(long, value_parser = size, allow_hyphen_values = true)]
    pub nnz_per_row: Option<usize>,
    /// Penalty strength (default: scikit-learn's; logistic 1/n).
    #[arg(long, value_parser = non_negative, allow_hyphen_values = true)]
    pub alpha: Option<f64>,
    /// L1 share of the penalty; > 0 keeps only the solvers that handle L1.
    #[arg(long, default_value_t = 0.0, value_parser = unit_interval, allow_hyphen_values = true)]
    pub l1_ratio: f64,
    /// Stopping tolerance of every fit (duckml and peers).
    #[arg(long, default_value_t = 1e-6, value_parser = positive, allow_hyphen_values = true)]
    pub tol: f64,
    /// Iteration limit of every fit, at most 1000000.
    #[arg(long, default_value_t = 1000, value_parser = max_iter, allow_hyphen_values = true)]
    pub max_iter: u64,
    /// Timed fits per case after the warm-up, at most 1000.
    #[arg(long, default_value_t = 3, value_parser = repeats, allow_hyphen_values = true)]
    pub repeats: u64,
    /// Seconds one fit may be expected to take (default 60; 2 with --quick). A solver
    /// is not run at a size where its time, extrapolated linearly in n from the
    /// previous size, exceeds this (unless it took under a second there); a fit slower
    /// than a third of it is timed once.
    #[arg(long, value_parser = positive, allow_hyphen_values = true)]
    pub budget: Option<f64>,
    /// Rows per chunk of the chunked arrays (default: ceil(n / (2 * threads)), at
    /// least 1000).
    #[arg(long, value_parser = size, allow_hyphen_values = true)]
    pub chunk_rows: Option<usize>,
    /// Element type of the data.
    #[arg(long, value_enum, default_value_t = Dtype::F64)]
    pub dtype: Dtype,
    /// Seed of the synthetic data (the same for every n).
    #[arg(long, default_value_t = 42, value_parser = seed, allow_hyphen_values = true)]
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
