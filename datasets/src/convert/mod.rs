//! Converting text and `.npy` data to the files the memory-mapped arrays read
//! (`duckml_arrays::mmap`), in bounded memory: CSV becomes a `.npy` (C order),
//! svmlight a CSR folder (`indptr.npy`, `indices.npy`, `data.npy`, `shape.npy`, and
//! `y.npy` for the labels), a `.npy` of another order, byte order or dtype a C-order
//! `.npy` of the asked dtype.
//!
//! Memory is one chunk of `chunk_rows` rows (plus one text line), whatever the
//! input's length: rows are parsed by the streaming readers ([`stream_csv`],
//! [`stream_svmlight`]) and written as each chunk fills. Every output is written as
//! a temporary file (or folder) beside its destination and renamed into place when
//! complete; an existing destination is never replaced, so an input cannot be
//! overwritten.

mod writer;

pub use writer::NpyWriter;

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use duckml_arrays::npy::{self, shape_str, ByteOrder, Scalar};

use crate::csv_io::{stream_csv, CsvOptions};
use crate::error::{DatasetError, Result};
use crate::svmlight::{stream_svmlight, SvmlightOptions};
use writer::{io_err, temp_beside};

/// How a conversion writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvertOptions {
    /// Rows buffered before a write (default 65,536): the memory bound.
    pub chunk_rows: usize,
    /// The data's element type in the output: `F64` (default) or `F32`.
    pub dtype: Scalar,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            chunk_rows: 1 << 16,
            dtype: Scalar::F64,
        }
    }
}

/// What a conversion wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// Rows.
    pub n_rows: usize,
    /// Columns.
    pub n_features: usize,
    /// Stored values (every element, for dense output).
    pub nnz: usize,
    /// The files written (a CSR folder's parts by name).
    pub files: Vec<PathBuf>,
}

fn check(options: &ConvertOptions, outputs: &[&Path]) -> Result<()> {
    if options.chunk_rows == 0 {
        return Err(DatasetError::InvalidParameter(
            "chunk_rows must be at least 1".into(),
        ));
    }
    if !matches!(options.dtype, Scalar::F64 | Scalar::F32) {
        return Err(DatasetError::InvalidParameter(format!(
            "data are written as float64 or float32, not {}",
            options.dtype.name()
        )));
    }
    for out in outputs {
        if out.exists() {
            return Err(DatasetError::InvalidParameter(format!(
                "'{}' exists: conversions never replace a file (remove it first)",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Converts a CSV file to a C-order `.npy` at `out` (and its target column, when
/// `csv.target` names one, to a 1-D `.npy` at `out_y`).
///
/// # Errors
///
/// Those of [`crate::read_csv`]; [`DatasetError::InvalidParameter`] when an output
/// exists, `out_y` is missing for a target (or given without one), or a value
/// overflows `float32`; [`DatasetError::Io`] when writing fails (nothing is left
/// behind).
pub fn csv_to_npy(
    input: &Path,
    csv: &CsvOptions,
    out: &Path,
    out_y: Option<&Path>,
    options: &ConvertOptions,
) -> Result<Converted> {
    let outputs: Vec<&Path> = std::iter::once(out).chain(out_y).collect();
    check(options, &outputs)?;
    if csv.target.is_some() != out_y.is_some() {
        return Err(DatasetError::InvalidParameter(
            "a target column needs an output for y, and only a target column has one".into(),
        ));
    }
    let mut xw = NpyWriter::create(out, options.dtype)?;
    let mut yw = out_y
        .map(|p| NpyWriter::create(p, options.dtype))
        .transpose()?;
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    let mut rows = 0usize;
    let summary = stream_csv(input, csv, |x, y| {
        xs.extend_from_slice(x);
        ys.extend(y);
        rows += 1;
        if rows == options.chunk_rows {
            flush_dense(&mut xw, yw.as_mut(), &mut xs, &mut ys)?;
            rows = 0;
        }
        Ok(())
    })?;
    flush_dense(&mut xw, yw.as_mut(), &mut xs, &mut ys)?;
    let (n, p) = (summary.n_rows, summary.n_features);
    xw.finish(&[n, p])?;
    if let Some(yw) = yw {
        yw.finish(&[n])?;
    }
    Ok(Converted {
        n_rows: n,
        n_features: p,
        nnz: n * p,
        files: outputs.iter().map(|p| p.to_path_buf()).collect(),
    })
}

fn flush_dense(
    xw: &mut NpyWriter,
    yw: Option<&mut NpyWriter>,
    xs: &mut Vec<f64>,
    ys: &mut Vec<f64>,
) -> Result<()> {
    xw.write(xs, "x")?;
    if let Some(yw) = yw {
        yw.write(ys, "y")?;
    }
    xs.clear();
    ys.clear();
    Ok(())
}

/// Converts an svmlight file to a CSR folder at `out` (created; it must not exist):
/// `indptr.npy` (int64), `indices.npy` (int32, or int64 when the column bound does
/// not fit), `data.npy`, `shape.npy` (int64 `[n, p]`) and `y.npy` (the labels).
/// Indices are written as read; a file found one-based at its end (the numbering
/// is known only then) has its indices shifted in place, one buffer at a time.
///
/// # Errors
///
/// Those of [`crate::read_svmlight`]; [`DatasetError::InvalidParameter`] when `out`
/// exists or a value overflows `float32`; [`DatasetError::Io`] when writing fails
/// (nothing is left behind).
pub fn svmlight_to_csr(
    input: &Path,
    svm: &SvmlightOptions,
    out: &Path,
    options: &ConvertOptions,
) -> Result<Converted> {
    check(options, &[out])?;
    let tmp = TempDir::create(out)?;
    let bound = svm.n_features.unwrap_or(svm.max_features);
    let index_type = if bound < i32::MAX as usize {
        Scalar::I32
    } else {
        Scalar::I64
    };
    let mut indptr = NpyWriter::create(&tmp.0.join("indptr.npy"), Scalar::I64)?;
    let mut indices = NpyWriter::create(&tmp.0.join("indices.npy"), index_type)?;
    let mut data = NpyWriter::create(&tmp.0.join("data.npy"), options.dtype)?;
    let mut labels = NpyWriter::create(&tmp.0.join("y.npy"), options.dtype)?;
    indptr.write_ints(&[0])?;
    let mut chunk = SparseChunk::default();
    let mut nnz = 0usize;
    let summary = stream_svmlight(input, svm, |label, idx, val| {
        chunk.indices.extend_from_slice(idx);
        chunk.data.extend_from_slice(val);
        nnz += idx.len();
        chunk.indptr.push(nnz);
        chunk.labels.push(label);
        if chunk.labels.len() == options.chunk_rows {
            chunk.flush(&mut indptr, &mut indices, &mut data, &mut labels)?;
        }
        Ok(())
    })?;
    chunk.flush(&mut indptr, &mut indices, &mut data, &mut labels)?;
    if !summary.numbering.zero_based {
        indices.shift_ints(-1)?;
    }
    let (n, p) = (summary.n_rows, summary.n_features);
    indptr.finish(&[n + 1])?;
    indices.finish(&[nnz])?;
    data.finish(&[nnz])?;
    labels.finish(&[n])?;
    let mut shape = NpyWriter::create(&tmp.0.join("shape.npy"), Scalar::I64)?;
    shape.write_ints(&[n, p])?;
    shape.finish(&[2])?;
    tmp.rename_to(out)?;
    let files = ["indptr", "indices", "data", "shape", "y"]
        .iter()
        .map(|k| out.join(format!("{k}.npy")))
        .collect();
    Ok(Converted {
        n_rows: n,
        n_features: p,
        nnz,
        files,
    })
}

/// One chunk of CSR rows waiting to be written.
#[derive(Default)]
struct SparseChunk {
    indptr: Vec<usize>,
    indices: Vec<usize>,
    data: Vec<f64>,
    labels: Vec<f64>,
}

impl SparseChunk {
    fn flush(
        &mut self,
        indptr: &mut NpyWriter,
        indices: &mut NpyWriter,
        data: &mut NpyWriter,
        labels: &mut NpyWriter,
    ) -> Result<()> {
        indptr.write_ints(&self.indptr)?;
        indices.write_ints(&self.indices)?;
        data.write(&self.data, "x (stored values)")?;
        labels.write(&self.labels, "y")?;
        self.indptr.clear();
        self.indices.clear();
        self.data.clear();
        self.labels.clear();
        Ok(())
    }
}

/// A folder being written, renamed into place when complete, removed otherwise.
struct TempDir(PathBuf, bool);

impl TempDir {
    fn create(dest: &Path) -> Result<TempDir> {
        let tmp = temp_beside(dest);
        std::fs::create_dir(&tmp).map_err(io_err(&tmp))?;
        Ok(TempDir(tmp, false))
    }

    fn rename_to(mut self, dest: &Path) -> Result<()> {
        std::fs::rename(&self.0, dest).map_err(io_err(dest))?;
        self.1 = true;
        Ok(())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.1 {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Rewrites a 2-D float `.npy` (either order, either byte order, float64 or float32)
/// as a C-order little-endian `.npy` of `options.dtype` at `out`, `chunk_rows` rows
/// at a time. A Fortran-order input is read a row block at a time (one read per
/// column per block).
///
/// # Errors
///
/// [`DatasetError::Npy`] for a file that is not a 2-D float `.npy` or whose header
/// does not match its length; [`DatasetError::NonFinite`] for NaN or infinite data
/// (or a value that overflows `float32`); [`DatasetError::InvalidParameter`] when
/// `out` exists; [`DatasetError::Io`] when reading or writing fails.
pub fn npy_to_npy(input: &Path, out: &Path, options: &ConvertOptions) -> Result<Converted> {
    check(options, &[out])?;
    let name = input.display().to_string();
    let npy_err = |message: String| DatasetError::Npy {
        path: name.clone(),
        message,
    };
    let mut file = BufReader::new(File::open(input).map_err(io_err(input))?);
    let file_len = file.get_ref().metadata().map_err(io_err(input))?.len();
    let header = npy::read_header(&mut file).map_err(|e| npy_err(e.to_string()))?;
    let (scalar, order) = match header.scalar() {
        Some((s @ (Scalar::F64 | Scalar::F32), o)) => (s, o),
        _ => {
            return Err(npy_err(format!(
                "unsupported dtype {}: expected float64 or float32",
                header.dtype_name()
            )))
        }
    };
    let [n, p] = header.shape[..] else {
        return Err(npy_err(format!(
            "expected a 2-D array (matrix), found shape {}",
            shape_str(&header.shape)
        )));
    };
    let size = scalar.size();
    let needed = header
        .data_bytes(size)
        .ok_or_else(|| npy_err(format!("shape {} is too large", shape_str(&header.shape))))?;
    if file_len.saturating_sub(header.data_offset) != needed {
        return Err(npy_err(format!(
            "shape {} needs {needed} bytes of data but {} follow the header",
            shape_str(&header.shape),
            file_len.saturating_sub(header.data_offset)
        )));
    }
    if n == 0 || p == 0 {
        return Err(DatasetError::Empty { path: name });
    }
    let decode = |b: &[u8]| -> f64 {
        match (scalar, order) {
            (Scalar::F64, ByteOrder::Little) => f64::from_le_bytes(b.try_into().expect("8")),
            (Scalar::F64, ByteOrder::Big) => f64::from_be_bytes(b.try_into().expect("8")),
            (_, ByteOrder::Little) => f64::from(f32::from_le_bytes(b.try_into().expect("4"))),
            (_, ByteOrder::Big) => f64::from(f32::from_be_bytes(b.try_into().expect("4"))),
        }
    };
    let mut w = NpyWriter::create(out, options.dtype)?;
    let rows = options.chunk_rows.min(n);
    let mut bytes = vec![0u8; rows * p * size];
    let mut values = vec![0.0f64; rows * p];
    let data_start = header.data_offset;
    for start in (0..n).step_by(rows) {
        let r = rows.min(n - start);
        if header.fortran_order {
            // Column j of the block is r contiguous values at (j n + start).
            for j in 0..p {
                let at = data_start + ((j * n + start) * size) as u64;
                file.seek(SeekFrom::Start(at)).map_err(io_err(input))?;
                let col = &mut bytes[..r * size];
                file.read_exact(col).map_err(io_err(input))?;
                for (i, b) in col.chunks_exact(size).enumerate() {
                    values[i * p + j] = decode(b);
                }
            }
        } else {
            let buf = &mut bytes[..r * p * size];
            file.read_exact(buf).map_err(io_err(input))?;
            for (v, b) in values.iter_mut().zip(buf.chunks_exact(size)) {
                *v = decode(b);
            }
        }
        w.write(
            &values[..r * p],
            &format!("'{name}' (row-major element index, from row {start})"),
        )?;
    }
    w.finish(&[n, p])?;
    Ok(Converted {
        n_rows: n,
        n_features: p,
        nnz: n * p,
        files: vec![out.to_path_buf()],
    })
}
