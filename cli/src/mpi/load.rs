//! Each process reads its own rows of the input: `.npy` by seeking to its row range,
//! svmlight by its byte range aligned to line starts (see
//! `duckml::datasets::distributed`). CSV input is refused with `--array mpi` (convert
//! it to `.npy` first): its header detection and quoted line breaks do not split.

use crate::error::CliError;
use crate::input::{Format, InputArgs};
use duckml::arrays::{Comm, DistVector, Distributed};
use duckml::datasets::distributed::{
    read_npy_distributed, read_npy_x_distributed, read_svmlight_distributed,
};
use duckml::datasets::SvmlightOptions;
use ndarray::{Array1, Array2};
use sprs::CsMat;
use std::path::Path;

/// This process's rows, dense or sparse, and its part of y.
pub(crate) enum DistInput {
    /// From `.npy` files.
    Dense(Distributed<Array2<f64>>, Option<DistVector<Array1<f64>>>),
    /// From an svmlight file (its labels are y).
    Sparse(Distributed<CsMat<f64>>, DistVector<Array1<f64>>),
}

impl DistInput {
    /// The global shape.
    pub(crate) fn shape(&self) -> (usize, usize) {
        use duckml::arrays::MatrixCore;
        match self {
            DistInput::Dense(x, _) => (x.n_rows(), x.n_cols()),
            DistInput::Sparse(x, _) => (x.n_rows(), x.n_cols()),
        }
    }
}

/// Reads x (and y: `y_path` for `.npy`, the labels of an svmlight file); `n_features`
/// fixes an svmlight file's width (for predicting).
pub(crate) fn load(
    comm: &Comm,
    args: &InputArgs,
    y_path: Option<&Path>,
    n_features: Option<usize>,
) -> Result<DistInput, CliError> {
    if args.target.is_some() {
        return Err(CliError::Usage(
            "--target (CSV) is not read with --array mpi".into(),
        ));
    }
    match args.format.resolve(&args.x)? {
        Format::Npy => match y_path {
            Some(y) => {
                let (x, y) = read_npy_distributed(comm, &args.x, y)?;
                Ok(DistInput::Dense(x, Some(y)))
            }
            None => Ok(DistInput::Dense(
                read_npy_x_distributed(comm, &args.x)?,
                None,
            )),
        },
        Format::Svmlight => {
            if y_path.is_some() {
                return Err(CliError::Usage(
                    "an svmlight file holds its own labels: drop --y".into(),
                ));
            }
            let opts = SvmlightOptions {
                n_features,
                ..SvmlightOptions::default()
            };
            let (x, y) = read_svmlight_distributed(comm, &args.x, &opts)?;
            Ok(DistInput::Sparse(x, y))
        }
        Format::Csv | Format::Tsv | Format::Auto => Err(CliError::Usage(
            "--array mpi reads .npy (X and y) or svmlight files; convert CSV to .npy first".into(),
        )),
    }
}
