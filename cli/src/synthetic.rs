//! The synthetic GLM data sets of the benchmark and of `duckml datasets`: generated
//! the same way for both, so anyone (and any other library) can fit the very same data.

use crate::error::CliError;
use crate::flags::ModelKind;
use crate::input::Design;
use crate::memory;
use crate::output::atomic::write_via_path;
use clap::ValueEnum;
use duckml::datasets::{
    make_classification, make_poisson, make_regression, make_sparse_classification,
    make_sparse_regression, write_csv, write_npy_matrix, write_npy_vector, write_svmlight,
};
use ndarray::Array1;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Which synthetic data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

impl DataKind {
    /// The data set's name: `dense`, `sparse`, `blobs`.
    pub fn name(self) -> String {
        crate::flags::flag_name(&self)
    }
}

/// Bytes of the data set `kind` of `n` samples and `p` features: x (dense values, or
/// CSR values, indices and row pointers), y or the labels, and the blobs' centres.
pub fn data_bytes(kind: DataKind, n: u64, p: u64, nnz_per_row: u64, centers: u64) -> Option<u128> {
    let (n, p, nnz, c) = (
        u128::from(n),
        u128::from(p),
        u128::from(nnz_per_row),
        u128::from(centers),
    );
    match kind {
        DataKind::Dense => memory::total(&[memory::bytes(&[n, p, 8]), memory::bytes(&[n, 8])]),
        DataKind::Sparse => memory::total(&[
            memory::bytes(&[n, nnz, 16]),
            memory::bytes(&[n + 1, 8]),
            memory::bytes(&[n, 8]),
        ]),
        DataKind::Blobs => memory::total(&[
            memory::bytes(&[n, p, 8]),
            memory::bytes(&[c, p, 8]),
            memory::bytes(&[n, 16]),
        ]),
    }
}

/// Refuses a data set that would not fit in memory, before generating it.
pub fn check_data_memory(
    kind: DataKind,
    n: u64,
    p: u64,
    nnz_per_row: u64,
    centers: u64,
) -> Result<(), CliError> {
    let what = match kind {
        DataKind::Sparse => format!("the sparse data set of {n} samples x {nnz_per_row} non-zeros"),
        _ => format!("the {} data set of {n} samples x {p} features", kind.name()),
    };
    memory::require(
        what,
        data_bytes(kind, n, p, nnz_per_row, centers),
        "lower --n, --p, --nnz-per-row or --centers",
    )
}

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

/// Writes `x` and `y` for a GLM data set: `.npy` for dense, svmlight for sparse; each
/// file atomically.
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
            write_via_path(&xp, |tmp| Ok(write_npy_matrix(tmp, x)?))?;
            write_via_path(&yp, |tmp| Ok(write_npy_vector(tmp, y)?))?;
            let mut files = vec![xp, yp];
            if csv {
                let cp = dir.join(format!("{stem}.csv"));
                // Header x0, x1, ..., y.
                write_via_path(&cp, |tmp| Ok(write_csv(tmp, x, Some(y), None)?))?;
                files.push(cp);
            }
            files
        }
        Design::Sparse(x) => {
            let sp = dir.join(format!("{stem}.svm"));
            write_via_path(&sp, |tmp| Ok(write_svmlight(tmp, x, y)?))?;
            vec![sp]
        }
        Design::Mapped(_) => {
            return Err(CliError::Usage(
                "generated data sets are held in memory, never mapped".into(),
            ))
        }
    })
}
