//! `--array mmap`: the x file is mapped read-only, never loaded. A `.npy` maps as a
//! dense matrix, a folder as a CSR matrix (`duckml convert` writes both); the file's
//! own dtype is the element type, so `--dtype` must name it.

use crate::error::CliError;
use crate::flags::Dtype;
use crate::input::{Format, InputArgs};
use duckml::arrays::mmap::{open_csr, open_npy, MmapCsr, MmapError, MmapMatrix};
use duckml::arrays::npy::{read_header, Scalar};
use duckml::arrays::MatrixCore;
use duckml::datasets::read_npy_vector;
use ndarray::Array1;
use std::path::Path;

/// A mapped x, in the element type its file holds.
#[derive(Debug)]
pub enum MappedX {
    /// A float64 `.npy`.
    DenseF64(MmapMatrix<f64>),
    /// A float32 `.npy`.
    DenseF32(MmapMatrix<f32>),
    /// A CSR folder with float64 data.
    CsrF64(MmapCsr<f64>),
    /// A CSR folder with float32 data.
    CsrF32(MmapCsr<f32>),
}

/// A mapped x of element type `F`, as [`crate::dispatch::CliFloat::mapped`] lends it.
pub enum MappedOf<'a, F> {
    /// Dense.
    Dense(&'a MmapMatrix<F>),
    /// CSR.
    Csr(&'a MmapCsr<F>),
}

impl From<MmapError> for CliError {
    fn from(e: MmapError) -> Self {
        match e {
            MmapError::Array(e) => CliError::Usage(e.to_string()),
            other => CliError::Input(other.to_string()),
        }
    }
}

/// The element type of the `.npy` at `path`, from its header alone.
fn file_dtype(path: &Path) -> Result<Scalar, CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Input(format!("cannot read '{}': {e}", path.display())))?;
    let header = read_header(&mut std::io::BufReader::new(file))
        .map_err(|e| CliError::Input(format!("'{}': {e}", path.display())))?;
    match header.scalar() {
        Some((s @ (Scalar::F64 | Scalar::F32), _)) => Ok(s),
        _ => Err(CliError::Input(format!(
            "'{}': dtype {}, expected float64 or float32",
            path.display(),
            header.dtype_name()
        ))),
    }
}

impl MappedX {
    /// Maps `args.x`: a folder as CSR, a `.npy` as dense, in blocks of `rows` rows.
    /// The file is opened, checked and mapped; nothing of its data is read (but a CSR
    /// folder's indices, validated once).
    pub fn open(args: &InputArgs, rows: Option<usize>) -> Result<MappedX, CliError> {
        let path = &args.x;
        if args.target.is_some() {
            return Err(CliError::Usage(
                "--target picks a CSV column; a mapped x holds features only (give --y, or \
                 convert the CSV with duckml convert --target)"
                    .into(),
            ));
        }
        if path.is_dir() {
            return Ok(match file_dtype(&path.join("data.npy"))? {
                Scalar::F32 => MappedX::CsrF32(open_csr(path, rows)?),
                _ => MappedX::CsrF64(open_csr(path, rows)?),
            });
        }
        match args.format.resolve(path) {
            Ok(Format::Npy) => {}
            Ok(_) => {
                return Err(CliError::Usage(format!(
                    "--array mmap maps a .npy file or a CSR folder; convert '{}' first: \
                     duckml convert --x {} --out DEST",
                    path.display(),
                    path.display()
                )))
            }
            // Not a folder and no known extension: if it does not exist, say that.
            Err(e) if path.exists() => return Err(e),
            Err(_) => {
                return Err(CliError::Input(format!(
                    "cannot read '{}': no such file or folder",
                    path.display()
                )))
            }
        }
        Ok(match file_dtype(path)? {
            Scalar::F32 => MappedX::DenseF32(open_npy(path, rows)?),
            _ => MappedX::DenseF64(open_npy(path, rows)?),
        })
    }

    /// `(n_samples, n_features)`.
    pub fn shape(&self) -> (usize, usize) {
        match self {
            MappedX::DenseF64(x) => (x.n_rows(), MatrixCore::<f64>::n_cols(x)),
            MappedX::DenseF32(x) => (x.n_rows(), MatrixCore::<f32>::n_cols(x)),
            MappedX::CsrF64(x) => (x.n_rows(), MatrixCore::<f64>::n_cols(x)),
            MappedX::CsrF32(x) => (x.n_rows(), MatrixCore::<f32>::n_cols(x)),
        }
    }

    /// The file's element type.
    pub fn dtype(&self) -> Dtype {
        match self {
            MappedX::DenseF64(_) | MappedX::CsrF64(_) => Dtype::F64,
            MappedX::DenseF32(_) | MappedX::CsrF32(_) => Dtype::F32,
        }
    }

    /// Stored values (every element of a dense file).
    pub fn stored(&self) -> usize {
        let (n, p) = self.shape();
        match self {
            MappedX::DenseF64(_) | MappedX::DenseF32(_) => n * p,
            MappedX::CsrF64(x) => x.chunks().iter().map(|c| c.nnz()).sum(),
            MappedX::CsrF32(x) => x.chunks().iter().map(|c| c.nnz()).sum(),
        }
    }
}

/// The labels a CSR folder carries (`y.npy` beside its parts), if any.
pub fn labels_beside(args: &InputArgs) -> Result<Option<Array1<f64>>, CliError> {
    let y = args.x.join("y.npy");
    if args.x.is_dir() && y.is_file() {
        Ok(Some(read_npy_vector(&y)?))
    } else {
        Ok(None)
    }
}

/// The error for an element type that is not the file's.
pub fn dtype_mismatch(file: Dtype, asked: Dtype) -> CliError {
    CliError::Usage(format!(
        "the mapped file holds {file} data, read in place as {file}, not {asked}: pass \
         --dtype {file} where the command takes it, or rewrite the file with duckml convert \
         --dtype {asked}"
    ))
}
