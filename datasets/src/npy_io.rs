//! Reading and writing NumPy `.npy` files.
//!
//! Readers accept `float64` and `float32` arrays (either byte order, C or Fortran
//! order) and always return `f64` data in standard (row-major) layout. The
//! header is parsed in linear time by the workspace's one `.npy` header reader,
//! `duckml_arrays::npy` (at most [`NPY_MAX_HEADER_LEN`](crate::NPY_MAX_HEADER_LEN)
//! bytes, as numpy allows), which the memory-mapped arrays use too, and checked before any data
//! is allocated: against the file's length for a regular file, against
//! [`NpyOptions::max_stream_bytes`] for a source of unknown length (a pipe),
//! which is then read in chunks into a buffer that grows only with the data
//! that arrived. A corrupt, truncated or lying file is therefore an error, not
//! an exhausted memory (see [`crate::limits`]).

mod rows;

pub use rows::{npy_shape, read_npy_matrix_rows, read_npy_vector_rows};

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::Path;

use duckml_arrays::npy::{self, shape_str, ByteOrder, Descr, HeaderError, Scalar};
use ndarray::{Array1, Array2, ShapeBuilder};
use ndarray_npy::WriteNpyError;

use crate::error::{DatasetError, Result};
use crate::limits::DEFAULT_MAX_STREAM_BYTES;

/// Bytes of data read per chunk.
const CHUNK_BYTES: usize = 1 << 16;

/// Options for the `.npy` readers that take any [`Read`]
/// ([`read_npy_matrix_from`], [`read_npy_vector_from`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpyOptions {
    /// Most bytes of data the header of a source of unknown length may claim
    /// (default [`DEFAULT_MAX_STREAM_BYTES`], 1 GiB). A larger claim is refused
    /// before anything is read, since nothing else bounds what the source may
    /// send; the data that do arrive are never reserved in advance.
    pub max_stream_bytes: u64,
}

impl Default for NpyOptions {
    fn default() -> Self {
        Self {
            max_stream_bytes: DEFAULT_MAX_STREAM_BYTES,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Float {
    F64,
    F32,
}

#[derive(Debug)]
struct Header {
    float: Float,
    endian: ByteOrder,
    fortran_order: bool,
    shape: Vec<usize>,
}

fn npy_err(path: &str, message: impl Into<String>) -> DatasetError {
    DatasetError::Npy {
        path: path.to_string(),
        message: message.into(),
    }
}

fn read_exact_or(reader: &mut impl Read, buf: &mut [u8], path: &str, what: &str) -> Result<()> {
    reader.read_exact(buf).map_err(|e| {
        if e.kind() == ErrorKind::UnexpectedEof {
            npy_err(path, format!("file is truncated (ended inside the {what})"))
        } else {
            DatasetError::Io {
                path: path.to_string(),
                source: e,
            }
        }
    })
}

/// Reads and validates the header (the shared reader, `duckml_arrays::npy`); returns
/// it with the number of bytes it occupied. Only float64 and float32 are accepted.
fn read_header(reader: &mut impl Read, path: &str) -> Result<(Header, u64)> {
    let h = npy::read_header(reader).map_err(|e| match e {
        HeaderError::Io(source) => DatasetError::Io {
            path: path.to_string(),
            source,
        },
        other => npy_err(path, other.to_string()),
    })?;
    let (float, endian) = match (&h.descr, h.scalar()) {
        (Descr::Structured, _) => {
            return Err(npy_err(
                path,
                "unsupported structured dtype: expected float64 or float32",
            ))
        }
        (_, Some((Scalar::F64, order))) => (Float::F64, order),
        (_, Some((Scalar::F32, order))) => (Float::F32, order),
        (Descr::Simple(_), _) => {
            return Err(npy_err(
                path,
                format!(
                    "unsupported dtype {}: expected float64 or float32",
                    h.dtype_name()
                ),
            ))
        }
    };
    Ok((
        Header {
            float,
            endian,
            fortran_order: h.fortran_order,
            shape: h.shape,
        },
        h.data_offset,
    ))
}

/// Appends the values encoded in `bytes` to `data` as `f64`.
fn decode_into(data: &mut Vec<f64>, bytes: &[u8], float: Float, endian: ByteOrder) {
    fn words<const N: usize>(bytes: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
        bytes
            .chunks_exact(N)
            .map(|c| c.try_into().unwrap_or([0; N]))
    }
    match (float, endian) {
        (Float::F64, ByteOrder::Little) => data.extend(words(bytes).map(f64::from_le_bytes)),
        (Float::F64, ByteOrder::Big) => data.extend(words(bytes).map(f64::from_be_bytes)),
        (Float::F32, ByteOrder::Little) => {
            data.extend(words(bytes).map(|w| f64::from(f32::from_le_bytes(w))))
        }
        (Float::F32, ByteOrder::Big) => {
            data.extend(words(bytes).map(|w| f64::from(f32::from_be_bytes(w))))
        }
    }
}

/// Reads a float `.npy` of the given dimensionality from `reader`; returns the
/// header and the data in the file's element order.
///
/// `known_len` is the source's total length when it is known (a regular file):
/// the header must then account for it exactly. Otherwise the claimed data size
/// must be within `options.max_stream_bytes`, and the data buffer grows only as
/// data arrive.
fn read_npy_f64(
    mut reader: impl Read,
    name: &str,
    known_len: Option<u64>,
    ndim: usize,
    options: &NpyOptions,
) -> Result<(Header, Vec<f64>)> {
    let (header, header_bytes) = read_header(&mut reader, name)?;

    if header.shape.len() != ndim {
        let want = if ndim == 2 {
            "a 2-D array (matrix)"
        } else {
            "a 1-D array (vector)"
        };
        return Err(npy_err(
            name,
            format!(
                "expected {want}, found a {}-D array of shape {}",
                header.shape.len(),
                shape_str(&header.shape)
            ),
        ));
    }
    let itemsize = match header.float {
        Float::F64 => 8usize,
        Float::F32 => 4,
    };
    let overflow = || {
        npy_err(
            name,
            format!("shape {} is too large", shape_str(&header.shape)),
        )
    };
    let len = header
        .shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(overflow)?;
    let data_bytes = len.checked_mul(itemsize).ok_or_else(overflow)? as u64;

    match known_len {
        Some(file_len) => {
            let available = file_len.saturating_sub(header_bytes);
            if available < data_bytes {
                return Err(npy_err(
                    name,
                    format!(
                        "file is truncated: shape {} needs {data_bytes} bytes of data but only {available} follow the header",
                        shape_str(&header.shape)
                    ),
                ));
            }
            if available > data_bytes {
                return Err(npy_err(
                    name,
                    format!(
                        "file has {} unexpected bytes after the data",
                        available - data_bytes
                    ),
                ));
            }
        }
        None if data_bytes > options.max_stream_bytes => {
            return Err(npy_err(
                name,
                format!(
                    "shape {} claims {data_bytes} bytes of data, over the limit of {} for a \
                     source of unknown length (read it from a regular file, or raise \
                     NpyOptions::max_stream_bytes)",
                    shape_str(&header.shape),
                    options.max_stream_bytes
                ),
            ));
        }
        None => {}
    }
    if len == 0 {
        return Err(DatasetError::Empty {
            path: name.to_string(),
        });
    }

    // A regular file's length vouches for the whole array; otherwise start with
    // one chunk and let the vector grow with what arrives.
    let chunk_elems = CHUNK_BYTES / itemsize;
    let mut data: Vec<f64> = Vec::with_capacity(match known_len {
        Some(_) => len,
        None => len.min(chunk_elems),
    });
    let mut buf = vec![0u8; len.min(chunk_elems) * itemsize];
    let mut remaining = len;
    while remaining > 0 {
        let take = remaining.min(chunk_elems);
        let bytes = &mut buf[..take * itemsize];
        read_exact_or(&mut reader, bytes, name, "data")?;
        decode_into(&mut data, bytes, header.float, header.endian);
        remaining -= take;
    }
    if known_len.is_none() {
        let mut extra = [0u8; 1];
        match reader.read(&mut extra) {
            Ok(0) => {}
            Ok(_) => return Err(npy_err(name, "file has unexpected bytes after the data")),
            Err(source) => {
                return Err(DatasetError::Io {
                    path: name.to_string(),
                    source,
                })
            }
        }
    }
    Ok((header, data))
}

/// Opens `path` and reads it as a float `.npy` of dimensionality `ndim`.
fn read_npy_file(path: &Path, ndim: usize) -> Result<(Header, Vec<f64>, String)> {
    let name = path.display().to_string();
    let io_err = |source| DatasetError::Io {
        path: name.clone(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    let known_len = meta.is_file().then_some(meta.len());
    let reader = BufReader::with_capacity(CHUNK_BYTES, file);
    let (header, data) = read_npy_f64(reader, &name, known_len, ndim, &NpyOptions::default())?;
    Ok((header, data, name))
}

/// Shapes the data of a 2-D `.npy` as a standard-layout matrix and checks it
/// is finite.
fn into_matrix(header: &Header, data: Vec<f64>, name: &str) -> Result<Array2<f64>> {
    let (r, c) = (header.shape[0], header.shape[1]);
    let shape_err = |e: ndarray::ShapeError| npy_err(name, format!("internal shape error: {e}"));
    let x = if header.fortran_order {
        let f = Array2::from_shape_vec((r, c).f(), data).map_err(shape_err)?;
        f.as_standard_layout().into_owned()
    } else {
        Array2::from_shape_vec((r, c), data).map_err(shape_err)?
    };
    if let Some(idx) = x.iter().position(|v| !v.is_finite()) {
        return Err(DatasetError::NonFinite {
            what: format!("'{name}' (row {}, column {})", idx / c, idx % c),
            index: idx,
        });
    }
    Ok(x)
}

/// Checks a 1-D `.npy`'s data is finite.
fn into_vector(data: Vec<f64>, name: &str) -> Result<Array1<f64>> {
    if let Some(idx) = data.iter().position(|v| !v.is_finite()) {
        return Err(DatasetError::NonFinite {
            what: format!("'{name}'"),
            index: idx,
        });
    }
    Ok(Array1::from_vec(data))
}

/// Reads a 2-D `float64` or `float32` `.npy` file as an `f64` matrix.
///
/// The result is always in standard (row-major) layout, whatever the file's order.
/// A regular file's header must match its length exactly; a path that is not a
/// regular file (a named pipe, `/dev/stdin`) is read as by
/// [`read_npy_matrix_from`] with the default [`NpyOptions`].
///
/// # Errors
///
/// * [`DatasetError::Io`] if the file cannot be opened or read;
/// * [`DatasetError::Npy`] if it is not a valid `.npy` file (the message says
///   what is wrong with the header, and at which byte), is truncated or has
///   trailing bytes, has a dtype other than float64/float32, or is not 2-D;
/// * [`DatasetError::Empty`] if the array has no elements;
/// * [`DatasetError::NonFinite`] if it contains NaN or infinity (the index is
///   the row-major element index).
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_npy_matrix, write_npy_matrix};
/// use ndarray::array;
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_npy_{}.npy", std::process::id()));
/// let x = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
/// write_npy_matrix(&path, &x)?;
/// assert_eq!(read_npy_matrix(&path)?, x);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_npy_matrix(path: impl AsRef<Path>) -> Result<Array2<f64>> {
    let (header, data, name) = read_npy_file(path.as_ref(), 2)?;
    into_matrix(&header, data, &name)
}

/// Reads a 2-D `float64` or `float32` `.npy` from any reader (a pipe, a socket,
/// bytes in memory); `name` stands in for a file name in error messages.
///
/// The source's length is not known, so the header's claimed data size must be
/// within [`NpyOptions::max_stream_bytes`], and the data are read in chunks
/// into a buffer that grows only as they arrive.
///
/// # Errors
///
/// As for [`read_npy_matrix`]; a claim over the limit is a [`DatasetError::Npy`].
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_npy_matrix_from, NpyOptions};
///
/// let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }\n";
/// let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
/// bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
/// bytes.extend_from_slice(header.as_bytes());
/// bytes.extend_from_slice(&1.5f64.to_le_bytes());
/// bytes.extend_from_slice(&(-2.0f64).to_le_bytes());
/// let x = read_npy_matrix_from(&bytes[..], "inline.npy", &NpyOptions::default())?;
/// assert_eq!(x, ndarray::array![[1.5, -2.0]]);
///
/// // A header that claims more than the limit is refused before reading on.
/// let small = NpyOptions { max_stream_bytes: 8 };
/// let err = read_npy_matrix_from(&bytes[..], "inline.npy", &small).unwrap_err();
/// assert!(err.to_string().contains("claims 16 bytes"));
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_npy_matrix_from(
    reader: impl Read,
    name: &str,
    options: &NpyOptions,
) -> Result<Array2<f64>> {
    let (header, data) = read_npy_f64(reader, name, None, 2, options)?;
    into_matrix(&header, data, name)
}

/// Reads a 1-D `float64` or `float32` `.npy` file as an `f64` vector.
///
/// # Errors
///
/// As for [`read_npy_matrix`], with "1-D" in place of "2-D".
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_npy_vector, write_npy_vector};
/// use ndarray::array;
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_npy_vec_{}.npy", std::process::id()));
/// let y = array![0.0, 1.0, 1.0];
/// write_npy_vector(&path, &y)?;
/// assert_eq!(read_npy_vector(&path)?, y);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_npy_vector(path: impl AsRef<Path>) -> Result<Array1<f64>> {
    let (_, data, name) = read_npy_file(path.as_ref(), 1)?;
    into_vector(data, &name)
}

/// Reads a 1-D `float64` or `float32` `.npy` from any reader; see
/// [`read_npy_matrix_from`] for how the unknown length is handled.
///
/// # Errors
///
/// As for [`read_npy_vector`]; a claim over the limit is a [`DatasetError::Npy`].
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_npy_vector_from, NpyOptions};
///
/// let header = "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n";
/// let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
/// bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
/// bytes.extend_from_slice(header.as_bytes());
/// bytes.extend_from_slice(&0.5f32.to_be_bytes());
/// bytes.extend_from_slice(&4.0f32.to_be_bytes());
/// let y = read_npy_vector_from(&bytes[..], "inline.npy", &NpyOptions::default())?;
/// assert_eq!(y, ndarray::array![0.5, 4.0]);
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_npy_vector_from(
    reader: impl Read,
    name: &str,
    options: &NpyOptions,
) -> Result<Array1<f64>> {
    let (_, data) = read_npy_f64(reader, name, None, 1, options)?;
    into_vector(data, name)
}

fn map_write_err(e: WriteNpyError, path: &str) -> DatasetError {
    match e {
        WriteNpyError::Io(source) => DatasetError::Io {
            path: path.to_string(),
            source,
        },
        other => npy_err(path, format!("cannot write .npy file: {other}")),
    }
}

fn check_finite<'a>(values: impl Iterator<Item = &'a f64>, what: &str) -> Result<()> {
    let mut values = values;
    match values.position(|v| !v.is_finite()) {
        Some(index) => Err(DatasetError::NonFinite {
            what: what.to_string(),
            index,
        }),
        None => Ok(()),
    }
}

/// Writes an `f64` matrix as a little-endian `float64` `.npy` file.
///
/// # Errors
///
/// [`DatasetError::NonFinite`] if `x` contains NaN or infinity (the readers
/// would reject the file); [`DatasetError::Io`] if the file cannot be written.
///
/// See [`read_npy_matrix`] for an example.
pub fn write_npy_matrix(path: impl AsRef<Path>, x: &Array2<f64>) -> Result<()> {
    let path = path.as_ref();
    check_finite(x.iter(), "x")?;
    ndarray_npy::write_npy(path, x).map_err(|e| map_write_err(e, &path.display().to_string()))
}

/// Writes an `f64` vector as a little-endian `float64` `.npy` file.
///
/// # Errors
///
/// As for [`write_npy_matrix`].
///
/// See [`read_npy_vector`] for an example.
pub fn write_npy_vector(path: impl AsRef<Path>, y: &Array1<f64>) -> Result<()> {
    let path = path.as_ref();
    check_finite(y.iter(), "y")?;
    ndarray_npy::write_npy(path, y).map_err(|e| map_write_err(e, &path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempFile;
    use ndarray::{array, Array3};

    fn npy_message(e: &DatasetError) -> &str {
        match e {
            DatasetError::Npy { message, .. } => message,
            other => panic!("expected an Npy error, got {other}"),
        }
    }

    /// A version-1 `.npy` with the given header text followed by `data`.
    fn npy_bytes(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(dict.len() as u16).to_le_bytes());
        bytes.extend_from_slice(dict.as_bytes());
        bytes.extend_from_slice(data);
        bytes
    }

    #[test]
    fn nested_extra_key_is_refused_in_linear_time() {
        // The campaign's 160-byte file that hung py_literal, and a much deeper one.
        for depth in [70, 4000] {
            let dict = format!(
                "{{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': {}{}}}\n",
                "(".repeat(depth),
                ")".repeat(depth)
            );
            let f = TempFile::new("nested", "npy");
            std::fs::write(&f.0, npy_bytes(&dict, &[0u8; 8])).unwrap();
            let t0 = std::time::Instant::now();
            let e = read_npy_vector(&f.0).unwrap_err();
            assert!(t0.elapsed().as_secs() < 1);
            let msg = npy_message(&e);
            assert!(msg.contains("unexpected key \"x\""), "{msg}");
            assert!(msg.contains("at byte 56"), "{msg}");
        }
    }

    #[test]
    fn huge_dtype_size_is_named_not_multiplied() {
        // Found by the npy fuzz target: the size in bits overflowed usize.
        let f = TempFile::new("dtype_size", "npy");
        let dict = "{'descr': '<f0000000000016415282065675765533', 'fortran_order': False, 'shape': (2,), }\n";
        std::fs::write(&f.0, npy_bytes(dict, &[0u8; 16])).unwrap();
        let e = read_npy_vector(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("unsupported dtype"), "{e}");
        assert!(npy_message(&e).contains("(unknown)"), "{e}");
    }

    #[test]
    fn header_length_is_capped() {
        let f = TempFile::new("longhdr", "npy");
        let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
        bytes.extend_from_slice(&(u32::MAX).to_le_bytes());
        std::fs::write(&f.0, &bytes).unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("over the limit of 10000"), "{e}");
    }

    #[test]
    fn stream_claims_are_bounded() {
        let opts = NpyOptions::default();
        // A huge claimed shape on a source of unknown length: refused up front.
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 1000), }\n";
        let bytes = npy_bytes(dict, &[0u8; 64]);
        let e = read_npy_matrix_from(&bytes[..], "pipe", &opts).unwrap_err();
        assert!(
            npy_message(&e).contains("over the limit of 1073741824"),
            "{e}"
        );
        // Even followed by endless data, the read ends at once.
        let endless = std::io::Read::chain(&bytes[..], std::io::repeat(0));
        assert!(read_npy_matrix_from(endless, "pipe", &opts).is_err());
        // A claim within the limit but short data: truncated, and only what
        // arrived was buffered.
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 1000), }\n";
        let bytes = npy_bytes(dict, &[0u8; 800]);
        let e = read_npy_matrix_from(&bytes[..], "pipe", &opts).unwrap_err();
        assert!(npy_message(&e).contains("truncated"), "{e}");
        // Endless data after a modest claim: the claim is read, then the
        // surplus is an error.
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n";
        let head = npy_bytes(dict, &[]);
        let endless = std::io::Read::chain(&head[..], std::io::repeat(0));
        let e = read_npy_vector_from(endless, "pipe", &opts).unwrap_err();
        assert!(npy_message(&e).contains("unexpected bytes"), "{e}");
        // The limit is an option.
        let dict = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }\n";
        let data: Vec<u8> = [1.0f64, 3.0, 2.0, 4.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let bytes = npy_bytes(dict, &data);
        let x = read_npy_matrix_from(&bytes[..], "pipe", &opts).unwrap();
        assert_eq!(x, array![[1.0, 2.0], [3.0, 4.0]]);
        let tight = NpyOptions {
            max_stream_bytes: 31,
        };
        assert!(read_npy_matrix_from(&bytes[..], "pipe", &tight).is_err());
    }

    #[test]
    fn structured_and_odd_dtypes_are_named() {
        let f = TempFile::new("structured", "npy");
        let dict =
            "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }\n";
        std::fs::write(&f.0, npy_bytes(dict, &[0u8; 12])).unwrap();
        let e = read_npy_vector(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("structured dtype"), "{e}");
        let dict = "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }\n";
        std::fs::write(&f.0, npy_bytes(dict, &[0u8; 16])).unwrap();
        let e = read_npy_vector(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("complex128"), "{e}");
    }

    #[test]
    fn round_trip_f64() {
        let f = TempFile::new("rt_mat", "npy");
        let x = array![[1.0, -2.5, 1e-300], [4.0, 5.0, 1.0 / 3.0]];
        write_npy_matrix(&f.0, &x).unwrap();
        let back = read_npy_matrix(&f.0).unwrap();
        assert_eq!(back, x);
        assert!(back.is_standard_layout());

        let g = TempFile::new("rt_vec", "npy");
        let y = array![0.0, 1.0, -7.25];
        write_npy_vector(&g.0, &y).unwrap();
        assert_eq!(read_npy_vector(&g.0).unwrap(), y);
    }

    #[test]
    fn fortran_order_read_as_standard_layout() {
        let f = TempFile::new("fortran", "npy");
        let x = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let xf = Array2::from_shape_vec((2, 3).f(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]).unwrap();
        assert_eq!(xf, x);
        assert!(!xf.is_standard_layout());
        ndarray_npy::write_npy(&f.0, &xf).unwrap();
        let head = std::fs::read(&f.0).unwrap();
        assert!(String::from_utf8_lossy(&head[..128]).contains("'fortran_order': True"));
        let back = read_npy_matrix(&f.0).unwrap();
        assert_eq!(back, x);
        assert!(back.is_standard_layout());
    }

    #[test]
    fn f32_file_converted() {
        let f = TempFile::new("f32", "npy");
        let x32 = array![[1.5f32, 2.25], [-3.0, 0.1]];
        ndarray_npy::write_npy(&f.0, &x32).unwrap();
        let x = read_npy_matrix(&f.0).unwrap();
        assert_eq!(x, x32.mapv(f64::from));
        assert_eq!(x[[1, 1]], f64::from(0.1f32));

        let g = TempFile::new("f32v", "npy");
        ndarray_npy::write_npy(&g.0, &array![1.0f32, 2.0]).unwrap();
        assert_eq!(read_npy_vector(&g.0).unwrap(), array![1.0, 2.0]);
    }

    #[test]
    fn big_endian_header_accepted() {
        // Hand-built big-endian float64 vector [1.0, 2.0].
        let f = TempFile::new("be", "npy");
        let dict = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }";
        let mut header = dict.to_string();
        let pad = (64 - (10 + header.len() + 1) % 64) % 64;
        header.push_str(&" ".repeat(pad));
        header.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&1.0f64.to_be_bytes());
        bytes.extend_from_slice(&2.0f64.to_be_bytes());
        std::fs::write(&f.0, bytes).unwrap();
        assert_eq!(read_npy_vector(&f.0).unwrap(), array![1.0, 2.0]);
    }

    #[test]
    fn truncated_file() {
        let f = TempFile::new("trunc", "npy");
        let x = Array2::from_shape_fn((10, 4), |(i, j)| (i * 4 + j) as f64);
        write_npy_matrix(&f.0, &x).unwrap();
        let bytes = std::fs::read(&f.0).unwrap();

        // Cut inside the data.
        std::fs::write(&f.0, &bytes[..bytes.len() - 12]).unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("truncated"), "{e}");

        // Cut inside the header.
        std::fs::write(&f.0, &bytes[..30]).unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("truncated"), "{e}");

        // Cut inside the magic string.
        std::fs::write(&f.0, &bytes[..3]).unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("truncated"), "{e}");

        // Extra bytes after the data.
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0u8; 5]);
        std::fs::write(&f.0, &longer).unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("5 unexpected bytes"), "{e}");
    }

    #[test]
    fn huge_shape_in_corrupt_header_does_not_allocate() {
        let f = TempFile::new("huge", "npy");
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 1000), }\n";
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(dict.len() as u16).to_le_bytes());
        bytes.extend_from_slice(dict.as_bytes());
        bytes.extend_from_slice(&[0u8; 64]);
        std::fs::write(&f.0, bytes).unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        let msg = npy_message(&e);
        assert!(
            msg.contains("truncated") || msg.contains("too large"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_dtype() {
        let f = TempFile::new("i64", "npy");
        ndarray_npy::write_npy(&f.0, &array![[1i64, 2], [3, 4]]).unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        let msg = npy_message(&e);
        assert!(msg.contains("int64") && msg.contains("float64"), "{msg}");
        assert!(e.to_string().contains(&f.0.display().to_string()));

        let g = TempFile::new("u8", "npy");
        ndarray_npy::write_npy(&g.0, &array![1u8, 2]).unwrap();
        let e = read_npy_vector(&g.0).unwrap_err();
        assert!(npy_message(&e).contains("uint8"), "{e}");
    }

    #[test]
    fn wrong_ndim() {
        let f = TempFile::new("ndim3", "npy");
        ndarray_npy::write_npy(&f.0, &Array3::<f64>::zeros((2, 3, 4))).unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        let msg = npy_message(&e);
        assert!(msg.contains("2-D") && msg.contains("(2, 3, 4)"), "{msg}");

        let g = TempFile::new("vec_as_mat", "npy");
        write_npy_vector(&g.0, &array![1.0, 2.0]).unwrap();
        let e = read_npy_matrix(&g.0).unwrap_err();
        assert!(npy_message(&e).contains("found a 1-D array"), "{e}");

        let h = TempFile::new("mat_as_vec", "npy");
        write_npy_matrix(&h.0, &array![[1.0, 2.0]]).unwrap();
        let e = read_npy_vector(&h.0).unwrap_err();
        assert!(npy_message(&e).contains("1-D array (vector)"), "{e}");
    }

    #[test]
    fn non_finite_rejected() {
        let f = TempFile::new("nan", "npy");
        ndarray_npy::write_npy(&f.0, &array![[1.0, 2.0], [f64::NAN, 4.0]]).unwrap();
        match read_npy_matrix(&f.0).unwrap_err() {
            DatasetError::NonFinite { what, index } => {
                assert_eq!(index, 2);
                assert!(what.contains("row 1, column 0"), "{what}");
            }
            other => panic!("unexpected {other}"),
        }
        let g = TempFile::new("inf32", "npy");
        ndarray_npy::write_npy(&g.0, &array![1.0f32, f32::INFINITY]).unwrap();
        assert!(matches!(
            read_npy_vector(&g.0),
            Err(DatasetError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            write_npy_vector(&g.0, &array![f64::NAN]),
            Err(DatasetError::NonFinite { index: 0, .. })
        ));
    }

    #[test]
    fn not_npy_and_missing_and_empty() {
        let f = TempFile::new("garbage", "npy");
        std::fs::write(&f.0, b"hello, this is not an npy file at all").unwrap();
        let e = read_npy_matrix(&f.0).unwrap_err();
        assert!(npy_message(&e).contains("not a .npy file"), "{e}");

        let missing = crate::test_util::temp_path("missing", "npy");
        assert!(matches!(
            read_npy_vector(&missing),
            Err(DatasetError::Io { .. })
        ));

        let g = TempFile::new("empty", "npy");
        write_npy_matrix(&g.0, &Array2::zeros((0, 3))).unwrap();
        assert!(matches!(
            read_npy_matrix(&g.0),
            Err(DatasetError::Empty { .. })
        ));
    }
}
