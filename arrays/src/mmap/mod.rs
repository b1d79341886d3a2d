//! The out-of-core backend: arrays read where they lie on disk, through read-only
//! memory maps (`memmap2`), served as row blocks of the dense and sparse backends'
//! own views, so every fused kernel is reused and each pass streams the file once at
//! page-cache or disk speed. The process's anonymous memory stays O(p + block): the
//! mapped pages belong to the page cache, which the kernel fills ahead of the
//! reader (sequential advice on the whole map, `WillNeed` on each block and the one
//! after it as a pass reaches it) and may drop again behind it.
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | the types, [`MmapError`], [`MapElement`] |
//! | `file.rs` | one `.npy` file: header checked against the file's length, then mapped |
//! | `dense.rs` | [`MmapBlock`]: a row block of a mapped C- or Fortran-order `.npy`; [`open_npy`] |
//! | `csr.rs` | [`MmapCsrBlock`]: a row block of a mapped CSR folder; [`open_csr`], its one-pass validation |
//! | `forward.rs` | the contract (`MatrixCore`, `GlmOps`, `ClusterOps`, `GraphOps`) for both block types, each call forwarded to the block's dense or CSR view |
//!
//! There is no vector or block file: the sample vectors are the dense backend's
//! `Array1` (they are O(n) numbers the fit writes, so they live in memory), and
//! [`open_npy`] / [`open_csr`] build the [`Chunked`] directly, with no `SplitRows`.
//!
//! The blocks own a shared handle on the map (`Arc`), so a [`MmapMatrix`] is an
//! ordinary owned value (it can be moved, stored, sent to threads) and each
//! operation borrows a view of its rows for the duration of one call.
//!
//! Files are opened read-only and never written. As with any memory map (and
//! `numpy.memmap`), another process must not truncate or rewrite a file while it is
//! mapped: that is outside what Rust can check (memmap2's `Mmap::map` is `unsafe`
//! for this reason), and the CSR folder's indices are validated once, at open time.

mod csr;
mod dense;
mod file;
mod forward;
#[cfg(test)]
mod tests;

pub use csr::{open_csr, MmapCsrBlock};
pub use dense::{open_npy, MmapBlock};

use crate::chunked::Chunked;
use crate::contract::ArrayError;
use crate::element::Float;
use crate::npy::Scalar;
use std::ops::Range;
use std::path::PathBuf;

/// A dense `.npy` file mapped read-only, as row blocks: see [`open_npy`].
pub type MmapMatrix<F> = Chunked<MmapBlock<F>>;

/// A CSR folder (`indptr.npy`, `indices.npy`, `data.npy`, `shape.npy`) mapped
/// read-only, as row blocks: see [`open_csr`].
pub type MmapCsr<F> = Chunked<MmapCsrBlock<F>>;

/// Element types a mapped file can hold: `f64` and `f32`, read in place (so the
/// file's dtype must be this type, little-endian on this machine).
pub trait MapElement: Float + bytemuck::Pod {
    /// The `.npy` element type that maps to this one.
    const SCALAR: Scalar;
}

impl MapElement for f64 {
    const SCALAR: Scalar = Scalar::F64;
}

impl MapElement for f32 {
    const SCALAR: Scalar = Scalar::F32;
}

/// Bytes of data per row block that [`open_npy`] and [`open_csr`] aim for when no
/// row count is given: large enough that a block's per-call overhead (a view, an
/// `madvise`, a partial result) is negligible, small enough that there are many
/// blocks to spread over the cores and to read ahead of.
pub const DEFAULT_BLOCK_BYTES: usize = 32 << 20;

/// Rows per block for rows of `row_bytes` bytes: [`DEFAULT_BLOCK_BYTES`] worth, at
/// least 1, at most `n`.
pub fn default_block_rows(n: usize, row_bytes: usize) -> usize {
    (DEFAULT_BLOCK_BYTES / row_bytes.max(1)).clamp(1, n.max(1))
}

/// The blocks' row ranges over `n` rows: `rows_per_block` each (default: about
/// [`DEFAULT_BLOCK_BYTES`] of rows of `row_bytes`), the last one shorter.
fn block_ranges(
    n: usize,
    rows_per_block: Option<usize>,
    row_bytes: usize,
) -> Result<impl Iterator<Item = Range<usize>>, MmapError> {
    let rows = match rows_per_block {
        Some(0) => {
            return Err(ArrayError::Invalid("rows per block must be at least 1".into()).into())
        }
        Some(r) => r.min(n),
        None => default_block_rows(n, row_bytes),
    };
    Ok((0..n).step_by(rows).map(move |a| a..(a + rows).min(n)))
}

/// Why a file could not be mapped as an array.
#[derive(Debug, thiserror::Error)]
pub enum MmapError {
    /// The file or folder cannot be opened, read or mapped (missing, no permission).
    #[error("cannot read '{path}': {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Not a `.npy` file, or its header is malformed or ends early.
    #[error("'{path}': {message}")]
    Header {
        /// The file.
        path: PathBuf,
        /// What is wrong, from the shared header reader (`crate::npy`).
        message: String,
    },
    /// The file's dtype is not the one asked for.
    #[error("'{path}': dtype {found}, expected {expected}")]
    Dtype {
        /// The file.
        path: PathBuf,
        /// The header's dtype, as numpy names it.
        found: String,
        /// What this file may hold.
        expected: String,
    },
    /// The header claims more data than the file holds (a truncated file, or a
    /// header that lies): refused before anything is mapped.
    #[error(
        "'{path}': file is truncated: shape {shape} needs {needed} bytes of data but only {available} follow the header"
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The claimed shape.
        shape: String,
        /// Bytes of data the shape needs.
        needed: u64,
        /// Bytes after the header.
        available: u64,
    },
    /// Anything else about one file's shape or layout: wrong number of dimensions,
    /// no elements, bytes after the data, big-endian data, a misaligned data start.
    #[error("'{path}': {message}")]
    Layout {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The CSR folder's files disagree or its structure is invalid: `indptr` not
    /// starting at 0 or not monotone, lengths that do not match, a column index out
    /// of range or not increasing within its row.
    #[error("CSR folder '{path}': {message}")]
    Csr {
        /// The folder.
        path: PathBuf,
        /// What is wrong, naming the row and entry.
        message: String,
    },
    /// The blocks could not be formed (a row count of 0).
    #[error(transparent)]
    Array(#[from] ArrayError),
}
