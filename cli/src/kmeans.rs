//! `duckml kmeans`: k-means clustering of a data file, on any array type.

use super::arrays::{default_chunk_rows, with_array, ArraySpec, ArrayTask, CliFloat, Dtype};
use super::fit::non_negative;
use super::glm::num;
use super::input::{load_x, Design, InputArgs};
use super::{print_json, CliError};
use clap::{Args, ValueEnum};
use duckml::arrays::{DataMatrix, Float};
use duckml::datasets::write_npy_vector;
use duckml::estimators::{Init, KMeans, KMeansModel};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

/// How the initial centres are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitKind {
    /// k-means++ up to 100000 rows on one block, k-means|| otherwise.
    Auto,
    /// Greedy k-means++ (scikit-learn's).
    #[value(name = "k-means++")]
    KMeansPlusPlus,
    /// k-means|| (5 rounds, oversampling 2k).
    #[value(name = "k-means||")]
    KMeansParallel,
    /// k distinct random rows (10 runs unless --n-init).
    Random,
}

#[derive(Debug, Args)]
pub struct KmeansArgs {
    /// Number of clusters.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub k: u64,
    #[command(flatten)]
    pub input: InputArgs,
    /// Initialisation.
    #[arg(long, value_enum, default_value_t = InitKind::Auto)]
    pub init: InitKind,
    /// Runs from different initial centres; the lowest inertia is kept (default: 10
    /// for random, else 1).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub n_init: Option<u64>,
    /// Seed of the initialisation.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Lloyd iterations per run.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_iter: u64,
    /// Tolerance on the centre shift, relative to the mean feature variance.
    #[arg(long, default_value_t = 1e-4, value_parser = non_negative)]
    pub tol: f64,
    /// Array type: dense, sparse, chunked or chunked:ROWS (default: the input's).
    #[arg(long, value_name = "ARRAY")]
    pub array: Option<ArraySpec>,
    /// Element type the data is held in.
    #[arg(long, value_enum, default_value_t = Dtype::F64)]
    pub dtype: Dtype,
    /// Write each sample's cluster to this `.npy` file (float64).
    #[arg(long, value_name = "FILE.npy")]
    pub labels_out: Option<PathBuf>,
}

struct KmeansTask {
    est: KMeans,
}

impl<F: Float> ArrayTask<F> for KmeansTask {
    type Output = (KMeansModel, f64);
    fn run<X: DataMatrix<F>>(
        &mut self,
        x: &X,
        _y: Option<&X::Vector>,
    ) -> Result<(KMeansModel, f64), CliError> {
        let start = Instant::now();
        let model = self.est.fit(x)?;
        Ok((model, start.elapsed().as_secs_f64()))
    }
}

fn fit_as<F: CliFloat>(
    est: KMeans,
    x: &Design,
    spec: ArraySpec,
) -> Result<(KMeansModel, f64), CliError> {
    with_array::<F, _>(x, None, spec, &mut KmeansTask { est })
}

pub fn run(args: &KmeansArgs) -> Result<(), CliError> {
    let loaded = load_x(&args.input, None)?;
    let (n, p) = loaded.x.shape();
    let spec = match args.array {
        Some(ArraySpec::Chunked(None)) => ArraySpec::Chunked(Some(default_chunk_rows(n))),
        Some(spec) => spec,
        None if loaded.x.storage() == "sparse" => ArraySpec::Sparse,
        None => ArraySpec::Dense,
    };
    let init = match args.init {
        InitKind::Auto => Init::Auto,
        InitKind::KMeansPlusPlus => Init::KMeansPlusPlus,
        InitKind::KMeansParallel => Init::K_MEANS_PARALLEL,
        InitKind::Random => Init::Random,
    };
    let mut est = KMeans::new(args.k as usize)
        .init(init)
        .seed(args.seed)
        .max_iter(args.max_iter as usize)
        .tol(args.tol);
    if let Some(runs) = args.n_init {
        est = est.n_init(runs as usize);
    }
    let (model, seconds) = match args.dtype {
        Dtype::F64 => fit_as::<f64>(est, &loaded.x, spec)?,
        Dtype::F32 => fit_as::<f32>(est, &loaded.x, spec)?,
    };
    let k = model.centers().nrows();
    let mut counts = vec![0usize; k];
    for &l in model.labels() {
        if l < k {
            counts[l] += 1;
        }
    }
    let centers: Vec<Value> = model
        .centers()
        .rows()
        .into_iter()
        .map(|r| Value::Array(r.iter().map(|&v| num(v)).collect()))
        .collect();
    let mut out = json!({
        "k": k,
        "array": spec.name(),
        "dtype": args.dtype.name(),
        "n_samples": n,
        "n_features": p,
        "centers": centers,
        "inertia": num(model.inertia()),
        "labels_count": counts,
        "n_iter": model.n_iter(),
        "converged": model.converged(),
        "seconds": seconds,
    });
    if let ArraySpec::Chunked(Some(rows)) = spec {
        out["chunk_rows"] = json!(rows);
    }
    if let Some(path) = &args.labels_out {
        let labels = ndarray::Array1::from_iter(model.labels().iter().map(|&l| l as f64));
        write_npy_vector(path, &labels)?;
    }
    print_json(&out)
}
