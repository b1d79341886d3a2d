//! Each process reads its own rows of the input: `.npy` by seeking to its row range,
//! svmlight and CSV by their byte ranges aligned to line starts (see
//! `duckml::datasets::distributed`; CSV records must not span lines). y comes from the
//! svmlight labels, a CSV `--target`, or a `.npy` read at the rows X was split into.

use crate::error::CliError;
use crate::input::csv_options;
use crate::input::{Format, InputArgs};
use duckml::arrays::MatrixCore;
use duckml::arrays::{Comm, DistVector, Distributed};
use duckml::datasets::distributed::read_csv_distributed;
use duckml::datasets::distributed::{
    read_npy_distributed, read_npy_x_distributed, read_svmlight_distributed,
};
use duckml::datasets::{npy_shape, read_npy_vector_rows, DatasetError, SvmlightOptions};
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
    let format = args.format.resolve(&args.x)?;
    if args.target.is_some() && !matches!(format, Format::Csv | Format::Tsv) {
        return Err(CliError::Usage("--target is for CSV/TSV x files".into()));
    }
    match format {
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
        Format::Csv | Format::Tsv => {
            let opts = csv_options(format, args.target.as_deref(), args.header_mode());
            let (x, target) = read_csv_distributed(comm, &args.x, &opts)?;
            let y = match (target, y_path) {
                (Some(_), Some(_)) => {
                    return Err(CliError::Usage(
                        "give y by --target or --y, not both".into(),
                    ))
                }
                (Some(y), None) => Some(y),
                (None, Some(path)) => {
                    let n = x.n_rows();
                    let part = comm.agree(npy_shape(path).and_then(|shape| {
                        if shape != [n] {
                            return Err(DatasetError::Npy {
                                path: path.display().to_string(),
                                message: format!(
                                    "shape {shape:?}, expected ({n},): one target per row"
                                ),
                            });
                        }
                        read_npy_vector_rows(path, x.row_range())
                    }))?;
                    Some(x.local_vector(part.view())?)
                }
                (None, None) => None,
            };
            Ok(DistInput::Dense(x, y))
        }
        Format::Auto => unreachable!("resolved above"),
    }
}
