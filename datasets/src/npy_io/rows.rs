//! Reading a row range of a 2-D `.npy` (or a range of a 1-D one) by seeking to it:
//! what one process of a distributed job reads of a file every process can see. Only
//! the header and the range's bytes are read; the header is checked against the file's
//! length first, as for the whole-file readers.

use super::{
    decode_into, npy_err, read_exact_or, read_header, shape_str, ByteOrder, Float, CHUNK_BYTES,
};
use crate::error::{DatasetError, Result};
use ndarray::{Array1, Array2};
use std::fs::File;
use std::io::{BufReader, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

/// The shape of a `.npy` file (its header only), checked against the file's length.
///
/// ```
/// use duckml_datasets::{npy_shape, write_npy_matrix};
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_shape_{}.npy", std::process::id()));
/// write_npy_matrix(&path, &ndarray::Array2::zeros((3, 2)))?;
/// assert_eq!(npy_shape(&path)?, vec![3, 2]);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn npy_shape(path: impl AsRef<Path>) -> Result<Vec<usize>> {
    Ok(open(path.as_ref())?.shape)
}

/// Rows `rows` of a 2-D C-order `float64`/`float32` `.npy` file, as `f64`.
///
/// # Errors
///
/// As [`read_npy_matrix`](crate::read_npy_matrix) for the header and the file's
/// length; a Fortran-order file (its rows are not contiguous: resave it in C order)
/// or a range past the last row is a [`DatasetError::Npy`]. An empty range is an empty
/// matrix, not an error (a process may hold no rows).
///
/// ```
/// use duckml_datasets::{read_npy_matrix_rows, write_npy_matrix};
/// use ndarray::array;
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_rows_{}.npy", std::process::id()));
/// write_npy_matrix(&path, &array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])?;
/// assert_eq!(read_npy_matrix_rows(&path, 1..3)?, array![[3.0, 4.0], [5.0, 6.0]]);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_npy_matrix_rows(path: impl AsRef<Path>, rows: Range<usize>) -> Result<Array2<f64>> {
    let mut f = open(path.as_ref())?;
    if f.shape.len() != 2 {
        return Err(npy_err(
            &f.name,
            format!(
                "expected a 2-D array (matrix), found shape {}",
                shape_str(&f.shape)
            ),
        ));
    }
    let p = f.shape[1];
    let data = f.read_elements(rows.clone(), p)?;
    let x = Array2::from_shape_vec((rows.len(), p), data)
        .map_err(|e| npy_err(&f.name, format!("internal shape error: {e}")))?;
    if let Some(idx) = x.iter().position(|v| !v.is_finite()) {
        return Err(DatasetError::NonFinite {
            what: format!(
                "'{}' (row {}, column {})",
                f.name,
                rows.start + idx / p,
                idx % p
            ),
            index: rows.start * p + idx,
        });
    }
    Ok(x)
}

/// Elements `rows` of a 1-D `float64`/`float32` `.npy` file, as `f64`.
///
/// # Errors
///
/// As [`read_npy_matrix_rows`], with "1-D" in place of "2-D".
pub fn read_npy_vector_rows(path: impl AsRef<Path>, rows: Range<usize>) -> Result<Array1<f64>> {
    let mut f = open(path.as_ref())?;
    if f.shape.len() != 1 {
        return Err(npy_err(
            &f.name,
            format!(
                "expected a 1-D array (vector), found shape {}",
                shape_str(&f.shape)
            ),
        ));
    }
    let data = f.read_elements(rows.clone(), 1)?;
    if let Some(idx) = data.iter().position(|v| !v.is_finite()) {
        return Err(DatasetError::NonFinite {
            what: format!("'{}'", f.name),
            index: rows.start + idx,
        });
    }
    Ok(Array1::from_vec(data))
}

/// An opened `.npy` whose header has been read and checked against the file length.
struct Opened {
    reader: BufReader<File>,
    name: String,
    shape: Vec<usize>,
    float: Float,
    endian: ByteOrder,
    data_start: u64,
}

fn open(path: &Path) -> Result<Opened> {
    let name = path.display().to_string();
    let io_err = |source| DatasetError::Io {
        path: name.clone(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let file_len = file.metadata().map_err(io_err)?.len();
    let mut reader = BufReader::with_capacity(CHUNK_BYTES, file);
    let (header, header_bytes) = read_header(&mut reader, &name)?;
    let elems = header
        .shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .and_then(|n| n.checked_mul(itemsize(header.float)))
        .ok_or_else(|| {
            npy_err(
                &name,
                format!("shape {} is too large", shape_str(&header.shape)),
            )
        })?;
    let available = file_len.saturating_sub(header_bytes);
    if available != elems as u64 {
        return Err(npy_err(
            &name,
            format!(
                "file length does not match its header: shape {} needs {elems} bytes of data, \
                 {available} follow the header (truncated or wrong file?)",
                shape_str(&header.shape)
            ),
        ));
    }
    if header.fortran_order && header.shape.len() == 2 && header.shape[1] > 1 {
        return Err(npy_err(
            &name,
            "Fortran-order file: its rows are not contiguous, so it cannot be read by row \
             ranges (resave it in C order)",
        ));
    }
    Ok(Opened {
        reader,
        name,
        shape: header.shape,
        float: header.float,
        endian: header.endian,
        data_start: header_bytes,
    })
}

fn itemsize(f: Float) -> usize {
    match f {
        Float::F64 => 8,
        Float::F32 => 4,
    }
}

impl Opened {
    /// The `width` elements of each row in `rows`, decoded.
    fn read_elements(&mut self, rows: Range<usize>, width: usize) -> Result<Vec<f64>> {
        if rows.end > self.shape[0] || rows.start > rows.end {
            return Err(npy_err(
                &self.name,
                format!(
                    "rows {}..{} requested from an array of {} rows",
                    rows.start, rows.end, self.shape[0]
                ),
            ));
        }
        let size = itemsize(self.float);
        let offset = self.data_start + (rows.start * width * size) as u64;
        self.reader
            .seek(SeekFrom::Start(offset))
            .map_err(|source| DatasetError::Io {
                path: self.name.clone(),
                source,
            })?;
        let total = rows.len() * width;
        let mut data = Vec::with_capacity(total);
        let chunk = CHUNK_BYTES / size;
        let mut buf = vec![0u8; total.min(chunk) * size];
        let mut left = total;
        while left > 0 {
            let take = left.min(chunk);
            let bytes = &mut buf[..take * size];
            read_exact_or(&mut self.reader, bytes, &self.name, "data")?;
            decode_into(&mut data, bytes, self.float, self.endian);
            left -= take;
        }
        Ok(data)
    }
}
