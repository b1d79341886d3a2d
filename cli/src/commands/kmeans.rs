//! `duckml kmeans`: k-means clustering of a data file, on any array type.

use crate::dispatch::{dispatch, ArrayTask, Data};
use crate::error::CliError;
use crate::flags::{count, max_iter, n_init, non_negative, seed, ArraySpec, Dtype};
use crate::input::{load_features, InputArgs};
use crate::memory;
use crate::output::{atomic, Printed};
use crate::same_file::refuse_overwriting_inputs;
use crate::schema::{InputData, KmeansOutput};
use clap::{Args, ValueEnum};
use duckml::arrays::{DataMatrix, Float};
use duckml::datasets::{write_npy_vector, ZeroBased};
use duckml::estimators::{Error, Init, KMeans, KMeansModel};
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
    /// Number of clusters (at most the number of samples).
    #[arg(long, value_parser = count, allow_hyphen_values = true)]
    pub k: u64,
    /// The data file options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Initialisation.
    #[arg(long, value_enum, default_value_t = InitKind::Auto)]
    pub init: InitKind,
    /// Runs from different initial centres; the lowest inertia is kept (default: 10
    /// for random, else 1; at most 1000).
    #[arg(long, value_parser = n_init, allow_hyphen_values = true)]
    pub n_init: Option<u64>,
    /// Seed of the initialisation.
    #[arg(long, default_value_t = 0, value_parser = seed, allow_hyphen_values = true)]
    pub seed: u64,
    /// Lloyd iterations per run, at most 1000000.
    #[arg(long, default_value_t = 300, value_parser = max_iter, allow_hyphen_values = true)]
    pub max_iter: u64,
    /// Tolerance on the centre shift, relative to the mean feature variance.
    #[arg(long, default_value_t = 1e-4, value_parser = non_negative, allow_hyphen_values = true)]
    pub tol: f64,
    /// Array type (default: the input's storage).
    #[arg(long, value_name = "ARRAY", value_parser = ArraySpec::parser())]
    pub array: Option<ArraySpec>,
    /// Element type the data is held in.
    #[arg(long, value_enum, default_value_t = Dtype::F64)]
    pub dtype: Dtype,
    /// Write each sample's cluster to this `.npy` file (float64); never the input file.
    #[arg(long, value_name = "FILE.npy")]
    pub labels_out: Option<PathBuf>,
}

impl KmeansArgs {
    pub(crate) fn estimator(&self) -> KMeans {
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
pub(crate) struct KmeansTask {
    pub(crate) est: KMeans,
    /// The x file, named when k-means overflows.
    pub(crate) x_name: String,
}

impl<F: Float> ArrayTask<F> for KmeansTask {
    type Output = (KMeansModel, f64);
    fn run<X: DataMatrix<F>>(
        &mut self,
        x: &X,
        _y: Option<&X::Vector>,
    ) -> Result<(KMeansModel, f64), CliError> {
        let start = Instant::now();
        let model = self.est.fit(x).map_err(|e| match e {
            // The library says what overflowed; the user also needs the file.
            Error::OutOfRange { detail, .. } => CliError::Input(format!(
                "k-means on '{}' overflowed float64: {detail}",
                self.x_name
            )),
            e => e.into(),
        })?;
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

/// Per-thread centre sums, the centres of the runs, the candidates of k-means||
/// (oversampling 2k over 5 rounds): k x p blocks the fit holds at once, beyond x.
fn centre_blocks() -> u128 {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()) as u128;
    threads + 16
}

/// Refuses a model whose numbers are not finite before anything is written: the
/// squared distances overflow when x's values are beyond about 1e154.
pub(crate) fn check_finite(model: &KMeansModel, x_name: &str) -> Result<(), CliError> {
    let bad = if !model.inertia().is_finite() {
        Some(format!("its inertia is {}", model.inertia()))
    } else {
        model
            .centers()
            .indexed_iter()
            .find(|(_, v)| !v.is_finite())
            .map(|((i, j), v)| format!("centre {i}, feature {j} is {v}"))
    };
    match bad {
        None => Ok(()),
        Some(what) => Err(CliError::Input(format!(
            "k-means on '{x_name}' overflowed float64 ({what}): squared distances between \
             its rows exceed about 1.8e308; rescale x"
        ))),
    }
}

/// Refuses a `k` above the number of samples, or whose centre blocks would not fit in
/// memory.
pub(crate) fn check_k(k: u64, n: usize, p: usize, x_name: &str) -> Result<(), CliError> {
    if k > n as u64 {
        return Err(CliError::Usage(format!(
            "--k {k} is larger than the number of samples in '{x_name}' ({n})"
        )));
    }
    memory::require(
        format!("k-means with --k {k} on {p} features ('{x_name}')"),
        memory::bytes(&[centre_blocks(), k.into(), p as u128, 8]),
        "lower --k",
    )
}

/// The printed result of a fit on `data`.
pub(crate) fn output(model: &KMeansModel, data: InputData, seconds: f64) -> KmeansOutput {
    KmeansOutput {
        k: model.centers().nrows(),
        data,
        centers: model
            .centers()
            .rows()
            .into_iter()
            .map(|r| r.to_vec())
            .collect(),
        inertia: model.inertia(),
        labels_count: cluster_sizes(model),
        n_iter: model.n_iter(),
        converged: model.converged(),
        seconds,
    }
}

/// The labels as an `f64` vector, for `--labels-out`.
pub(crate) fn labels_f64(model: &KMeansModel) -> ndarray::Array1<f64> {
    ndarray::Array1::from_iter(model.labels().iter().map(|&l| l as f64))
}

/// Runs `duckml kmeans`.
pub fn run(args: &KmeansArgs) -> Result<Printed, CliError> {
    #[cfg(feature = "mpi")]
    if args.array == Some(ArraySpec::Mpi) {
        return crate::mpi::kmeans(args);
    }
    refuse_overwriting_inputs(
        &[("--labels-out", args.labels_out.as_deref())],
        &[("--x", Some(&args.input.x))],
    )?;
    let loaded = load_features(&args.input, None, ZeroBased::Auto, args.array)?;
    let x_name = args.input.x_name();
    let (n, p) = loaded.x.shape();
    check_k(args.k, n, p, &x_name)?;
    let array = ArraySpec::resolve(args.array, &loaded.x);
    let mut task = KmeansTask {
        est: args.estimator(),
        x_name: x_name.clone(),
    };
    let data = Data {
        x: &loaded.x,
        x_name: &x_name,
        y: None,
    };
    let (model, seconds) = dispatch(args.dtype, data, array, &mut task)?;
    check_finite(&model, &x_name)?;
    let out = output(
        &model,
        InputData::new(array, args.dtype, loaded.x.shape()),
        seconds,
    );
    let printed = Printed::json(&out, "the k-means fit")?;
    if let Some(path) = &args.labels_out {
        let labels = labels_f64(&model);
        atomic::write_via_path(path, |tmp| Ok(write_npy_vector(tmp, &labels)?))?;
    }
    Ok(printed)
}
