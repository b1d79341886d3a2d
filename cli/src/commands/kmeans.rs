//! `duckml kmeans`: k-means clustering of a data file, on any array type.

use crate::dispatch::{dispatch, ArrayTask};
use crate::error::CliError;
use crate::flags::{non_negative, ArraySpec, Dtype};
use crate::input::{load_x, InputArgs};
use crate::output::print_json;
use crate::schema::{InputData, KmeansOutput};
use clap::{Args, ValueEnum};
use duckml::arrays::{DataMatrix, Float};
use duckml::datasets::write_npy_vector;
use duckml::estimators::{Init, KMeans, KMeansModel};
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

impl InitKind {
    fn init(self) -> Init {
        match self {
            InitKind::Auto => Init::Auto,
            InitKind::KMeansPlusPlus => Init::KMeansPlusPlus,
            InitKind::KMeansParallel => Init::K_MEANS_PARALLEL,
            InitKind::Random => Init::Random,
        }
    }
}

/// Options of `duckml kmeans`.
#[derive(Debug, Args)]
pub struct KmeansArgs {
    /// Number of clusters.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub k: u64,
    /// The data file options.
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
    /// Array type (default: the input's storage).
    #[arg(long, value_name = "ARRAY", value_parser = ArraySpec::parser())]
    pub array: Option<ArraySpec>,
    /// Element type the data is held in.
    #[arg(long, value_enum, default_value_t = Dtype::F64)]
    pub dtype: Dtype,
    /// Write each sample's cluster to this `.npy` file (float64).
    #[arg(long, value_name = "FILE.npy")]
    pub labels_out: Option<PathBuf>,
}

impl KmeansArgs {
    fn estimator(&self) -> KMeans {
        let est = KMeans::new(self.k as usize)
            .init(self.init.init())
            .seed(self.seed)
            .max_iter(self.max_iter as usize)
            .tol(self.tol);
        match self.n_init {
            Some(runs) => est.n_init(runs as usize),
            None => est,
        }
    }
}

/// The fit, on whichever array type was built; returns the model and its seconds.
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

/// Samples per cluster.
fn cluster_sizes(model: &KMeansModel) -> Vec<usize> {
    let k = model.centers().nrows();
    let mut counts = vec![0usize; k];
    for &l in model.labels() {
        if l < k {
            counts[l] += 1;
        }
    }
    counts
}

/// Runs `duckml kmeans`.
pub fn run(args: &KmeansArgs) -> Result<(), CliError> {
    let loaded = load_x(&args.input, None, args.array)?;
    let array = ArraySpec::resolve(args.array, &loaded.x);
    let mut task = KmeansTask {
        est: args.estimator(),
    };
    let (model, seconds) = dispatch(args.dtype, &loaded.x, None, array, &mut task)?;
    let out = KmeansOutput {
        k: model.centers().nrows(),
        data: InputData::new(array, args.dtype, loaded.x.shape()),
        centers: model
            .centers()
            .rows()
            .into_iter()
            .map(|r| r.to_vec())
            .collect(),
        inertia: model.inertia(),
        labels_count: cluster_sizes(&model),
        n_iter: model.n_iter(),
        converged: model.converged(),
        seconds,
    };
    if let Some(path) = &args.labels_out {
        let labels = ndarray::Array1::from_iter(model.labels().iter().map(|&l| l as f64));
        write_npy_vector(path, &labels)?;
    }
    print_json(&out)
}
