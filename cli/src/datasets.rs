//! `duckml datasets`: the benchmark's synthetic data sets, written to files so that
//! anyone (and any other library) can fit the very same data.

use super::glm::ModelKind;
use super::input::Design;
use super::{io_error, print_json, CliError};
use clap::{Args, ValueEnum};
use duckml::datasets::{
    make_blobs, make_classification, make_poisson, make_regression, make_sparse_classification,
    make_sparse_regression, write_csv, write_npy_matrix, write_npy_vector, write_svmlight,
};
use ndarray::Array1;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Which synthetic data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataKind {
    /// Dense standard-normal X, y from the model (`make_classification`,
    /// `make_regression`, `make_poisson`).
    Dense,
    /// CSR X with `nnz-per-row` N(0,1) entries per row (`make_sparse_classification`,
    /// `make_sparse_regression`).
    Sparse,
    /// Isotropic Gaussian clusters for k-means (`make_blobs`).
    Blobs,
}

/// Noise of the linear-regression generators.
pub const LINEAR_NOISE: f64 = 1.0;

/// Generates the GLM data the benchmark uses for `kind` (dense or sparse).
pub fn glm_data(
    kind: DataKind,
    model: ModelKind,
    n: usize,
    p: usize,
    nnz_per_row: usize,
    seed: u64,
) -> Result<(Design, Array1<f64>), CliError> {
    Ok(match (kind, model) {
        (DataKind::Dense, ModelKind::Logistic) => {
            let d = make_classification(n, p, seed)?;
            (Design::Dense(d.x), d.y)
        }
        (DataKind::Dense, ModelKind::Linear) => {
            let d = make_regression(n, p, LINEAR_NOISE, seed)?;
            (Design::Dense(d.x), d.y)
        }
        (DataKind::Dense, ModelKind::Poisson) => {
            let d = make_poisson(n, p, seed)?;
            (Design::Dense(d.x), d.y)
        }
        (DataKind::Sparse, ModelKind::Logistic) => {
            let d = make_sparse_classification(n, p, nnz_per_row, seed)?;
            (Design::Sparse(d.x), d.y)
        }
        (DataKind::Sparse, ModelKind::Linear) => {
            let d = make_sparse_regression(n, p, nnz_per_row, LINEAR_NOISE, seed)?;
            (Design::Sparse(d.x), d.y)
        }
        (DataKind::Sparse, ModelKind::Poisson) => {
            return Err(CliError::Usage(
                "there is no sparse Poisson generator yet (dense only)".into(),
            ))
        }
        (DataKind::Blobs, _) => {
            return Err(CliError::Usage(
                "blobs are clustering data, not GLM data".into(),
            ))
        }
    })
}

/// The generator's name, for manifests.
pub fn generator_name(kind: DataKind, model: ModelKind) -> &'static str {
    match (kind, model) {
        (DataKind::Dense, ModelKind::Logistic) => "make_classification",
        (DataKind::Dense, ModelKind::Linear) => "make_regression",
        (DataKind::Dense, ModelKind::Poisson) => "make_poisson",
        (DataKind::Sparse, ModelKind::Logistic) => "make_sparse_classification",
        (DataKind::Sparse, _) => "make_sparse_regression",
        (DataKind::Blobs, _) => "make_blobs",
    }
}

/// Writes `x` and `y` for a GLM data set: `.npy` for dense, svmlight for sparse.
/// Returns the files written (x, then y when separate).
pub fn write_glm_data(
    dir: &Path,
    stem: &str,
    x: &Design,
    y: &Array1<f64>,
    csv: bool,
) -> Result<Vec<PathBuf>, CliError> {
    Ok(match x {
        Design::Dense(x) => {
            let (xp, yp) = (
                dir.join(format!("{stem}_x.npy")),
                dir.join(format!("{stem}_y.npy")),
            );
            write_npy_matrix(&xp, x)?;
            write_npy_vector(&yp, y)?;
            let mut files = vec![xp, yp];
            if csv {
                let cp = dir.join(format!("{stem}.csv"));
                // Header x0, x1, ..., y.
                write_csv(&cp, x, Some(y), None)?;
                files.push(cp);
            }
            files
        }
        Design::Sparse(x) => {
            let sp = dir.join(format!("{stem}.svm"));
            write_svmlight(&sp, x, y)?;
            vec![sp]
        }
    })
}

#[derive(Debug, Args)]
pub struct DatasetsArgs {
    /// Directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Data sets to write.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "dense,sparse,blobs"
    )]
    pub kinds: Vec<DataKind>,
    /// The GLM whose targets the dense and sparse sets carry.
    #[arg(long, value_enum, default_value_t = ModelKind::Logistic)]
    pub model: ModelKind,
    /// Samples.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub n: u64,
    /// Features.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub p: u64,
    /// Non-zeros per row of the sparse set (default: 10, or p when p < 10).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub nnz_per_row: Option<u64>,
    /// Clusters of the blobs set.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..))]
    pub centers: u64,
    /// Seed (the benchmark uses 42 for every size).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also write the dense set as one CSV file (columns x0.., y).
    #[arg(long)]
    pub csv: bool,
}

pub fn run(args: &DatasetsArgs) -> Result<(), CliError> {
    let (n, p) = (args.n as usize, args.p as usize);
    let nnz = args.nnz_per_row.map_or(p.min(10), |k| k as usize);
    if nnz > p {
        return Err(CliError::Usage(format!(
            "--nnz-per-row {nnz} exceeds the number of features (--p {p})"
        )));
    }
    std::fs::create_dir_all(&args.out).map_err(|e| io_error(&args.out, e))?;
    let mut sets = Vec::new();
    let mut kinds = args.kinds.clone();
    kinds.dedup();
    for kind in kinds {
        let (files, extra) = match kind {
            DataKind::Blobs => {
                let b = make_blobs(n, p, args.centers as usize, 1.0, args.seed)?;
                let (xp, lp, cp) = (
                    args.out.join("blobs_x.npy"),
                    args.out.join("blobs_labels.npy"),
                    args.out.join("blobs_centers.npy"),
                );
                write_npy_matrix(&xp, &b.x)?;
                write_npy_vector(&lp, &b.labels.mapv(|l| l as f64))?;
                write_npy_matrix(&cp, &b.centers)?;
                (
                    vec![xp, lp, cp],
                    json!({"centers": args.centers, "cluster_std": 1.0}),
                )
            }
            _ => {
                let (x, y) = glm_data(kind, args.model, n, p, nnz, args.seed)?;
                let stem = if kind == DataKind::Dense {
                    "dense"
                } else {
                    "sparse"
                };
                let files = write_glm_data(&args.out, stem, &x, &y, args.csv)?;
                let extra = if kind == DataKind::Sparse {
                    json!({"model": args.model.name(), "nnz_per_row": nnz})
                } else {
                    json!({"model": args.model.name()})
                };
                (files, extra)
            }
        };
        let model = if kind == DataKind::Blobs {
            ModelKind::Logistic
        } else {
            args.model
        };
        let mut entry = json!({
            "kind": kind.to_possible_value().map(|v| v.get_name().to_string()),
            "generator": generator_name(kind, model),
            "n": n,
            "p": p,
            "seed": args.seed,
            "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        });
        if let (Some(e), Some(extra)) = (entry.as_object_mut(), extra.as_object()) {
            e.extend(extra.clone());
        }
        sets.push(entry);
    }
    let manifest = json!({ "datasets": sets });
    let mpath = args.out.join("datasets.json");
    let text = serde_json::to_string_pretty(&manifest).expect("JSON of plain values");
    std::fs::write(&mpath, text + "\n").map_err(|e| io_error(&mpath, e))?;
    print_json(&manifest)
}
