//! A CSR matrix stored as a folder of `.npy` files, as scipy names its parts
//! (`indptr.npy`, `indices.npy`, `data.npy`, and `shape.npy` for the shape), mapped
//! read-only and served as row blocks of sprs views.
//!
//! The structure is validated once, at open time, in one sequential pass over
//! `indptr` and one over `indices` (in parallel over row ranges): after that every
//! view is built without sprs's own O(nnz) check, so no index can point outside its
//! row's columns. The cost is reading the indices once (4 or 8 bytes per stored
//! value), about a third of a pass over an `f64` CSR matrix with `int32` indices.

use super::file::MappedNpy;
use super::{block_ranges, MapElement, MmapCsr, MmapError};
use crate::chunked::Chunked;
use crate::npy::Scalar;
use rayon::prelude::*;
use sprs::{CompressedStorage, CsMatViewI, SpIndex};
use std::marker::PhantomData;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The index files' element types: scipy writes `int32`, or `int64` for large
/// matrices; `indptr` and `indices` may differ.
const INDEX_TYPES: [Scalar; 2] = [Scalar::I32, Scalar::I64];

/// The four files of a CSR folder, mapped and validated.
#[derive(Debug)]
pub(super) struct CsrFiles {
    dir: PathBuf,
    indptr: MappedNpy,
    indices: MappedNpy,
    data: MappedNpy,
    n_rows: usize,
    n_cols: usize,
}

/// Rows `start..end` of a mapped CSR folder: an owned handle (the maps are shared
/// through an `Arc`) that implements the array contract by lending each operation a
/// sprs CSR view of its rows, so the sparse backend's kernels run on the mapped
/// pages directly.
#[derive(Debug, Clone)]
pub struct MmapCsrBlock<F> {
    files: Arc<CsrFiles>,
    rows: Range<usize>,
    elem: PhantomData<F>,
}

/// A CSR view of a block, whatever the index files' integer types.
pub(super) enum CsrView<'a, F> {
    /// `int32` indptr, `int32` indices.
    P32I32(CsMatViewI<'a, F, i32, i32>),
    /// `int32` indptr, `int64` indices.
    P32I64(CsMatViewI<'a, F, i64, i32>),
    /// `int64` indptr, `int32` indices.
    P64I32(CsMatViewI<'a, F, i32, i64>),
    /// `int64` indptr, `int64` indices.
    P64I64(CsMatViewI<'a, F, i64, i64>),
}

/// Rows `rows` of a validated CSR as a sprs view.
fn view_of<'a, F, I, Iptr>(files: &'a CsrFiles, rows: &Range<usize>) -> CsMatViewI<'a, F, I, Iptr>
where
    F: MapElement,
    I: SpIndex + bytemuck::Pod,
    Iptr: SpIndex + bytemuck::Pod,
{
    let indptr: &[Iptr] = &files.indptr.elements()[rows.start..=rows.end];
    let first = indptr[0].index_unchecked();
    let last = indptr[indptr.len() - 1].index_unchecked();
    let indices: &[I] = &files.indices.elements()[first..last];
    let data: &[F] = &files.data.elements()[first..last];
    // SAFETY: `open_csr` checked, for the whole file, what sprs's checked
    // constructor checks: indptr non-negative and non-decreasing, its last value
    // the length of indices and data, and every row's indices non-negative,
    // strictly increasing and below `n_cols`. A row range of a valid CSR is valid
    // (sprs's own `slice_outer` makes views of this form: indptr not rebased,
    // indices and data sliced from indptr's first to last value).
    unsafe {
        CsMatViewI::new_unchecked(
            CompressedStorage::CSR,
            (rows.len(), files.n_cols),
            indptr,
            indices,
            data,
        )
    }
}

impl<F: MapElement> MmapCsrBlock<F> {
    /// The block's rows as a sprs view into the maps.
    pub(super) fn view(&self) -> CsrView<'_, F> {
        let (f, r) = (&*self.files, &self.rows);
        match (f.indptr.scalar, f.indices.scalar) {
            (Scalar::I32, Scalar::I32) => CsrView::P32I32(view_of(f, r)),
            (Scalar::I32, _) => CsrView::P32I64(view_of(f, r)),
            (_, Scalar::I32) => CsrView::P64I32(view_of(f, r)),
            _ => CsrView::P64I64(view_of(f, r)),
        }
    }

    /// The rows of the matrix this block holds.
    pub fn rows(&self) -> Range<usize> {
        self.rows.clone()
    }

    /// Stored values in this block's rows.
    pub fn nnz(&self) -> usize {
        let f = &*self.files;
        let (first, last) = match f.indptr.scalar {
            Scalar::I32 => entry_range::<i32>(&f.indptr, self.rows.start, self.rows.end),
            _ => entry_range::<i64>(&f.indptr, self.rows.start, self.rows.end),
        };
        last - first
    }

    /// Asks the kernel to read this block's indices and values now, and the next
    /// block's (see [`MmapBlock`](super::MmapBlock)'s).
    pub(super) fn will_need(&self) {
        let f = &*self.files;
        let (a, b) = (self.rows.start, self.rows.end);
        let b = (b + (b - a)).min(f.n_rows);
        let (first, last) = match f.indptr.scalar {
            Scalar::I32 => entry_range::<i32>(&f.indptr, a, b),
            _ => entry_range::<i64>(&f.indptr, a, b),
        };
        f.indices.will_need(first..last, f.indices.scalar.size());
        f.data.will_need(first..last, std::mem::size_of::<F>());
    }

    /// The folder, for descriptions.
    pub(super) fn path(&self) -> &Path {
        &self.files.dir
    }
}

/// The stored entries of rows `a..b` (indptr validated at open).
fn entry_range<Iptr: SpIndex + bytemuck::Pod>(
    indptr: &MappedNpy,
    a: usize,
    b: usize,
) -> (usize, usize) {
    let p: &[Iptr] = indptr.elements();
    (p[a].index_unchecked(), p[b].index_unchecked())
}

/// Maps a CSR matrix stored as a folder of `.npy` files and serves it as row blocks
/// of `rows_per_block` rows (default: about
/// [`DEFAULT_BLOCK_BYTES`](super::DEFAULT_BLOCK_BYTES) of indices and values each).
///
/// The folder holds what scipy's `csr_matrix` is made of, one 1-D array per file:
/// `indptr.npy` (`n + 1` values), `indices.npy` and `data.npy` (one per stored
/// value), and `shape.npy` (`[n, p]`); indptr, indices and shape may be `int32` or
/// `int64`, data must be `F`. Column indices must be sorted within each row (scipy:
/// `m.sort_indices()`, `m.sum_duplicates()`). From Python:
///
/// ```python
/// for part in ("indptr", "indices", "data"):
///     np.save(f"{folder}/{part}.npy", getattr(m, part))
/// np.save(f"{folder}/shape.npy", np.array(m.shape))
/// ```
///
/// `duckml convert` writes such a folder from an svmlight file, in bounded memory.
///
/// # Errors
///
/// Those of [`open_npy`](super::open_npy) for each file (a missing file is
/// [`MmapError::Io`] naming it), and [`MmapError::Csr`] when the parts disagree
/// or the structure is invalid: a shape that is not two positive numbers, `indptr`
/// of the wrong length, not starting at 0, decreasing, or not ending at the number
/// of stored values; `indices` and `data` of different lengths; a column index
/// negative, at or beyond `p`, or not increasing within its row (the message names
/// the row and entry). Checking the indices reads them once.
pub fn open_csr<F: MapElement>(
    dir: impl AsRef<Path>,
    rows_per_block: Option<usize>,
) -> Result<MmapCsr<F>, MmapError> {
    let dir = dir.as_ref();
    let csr_err = |message: String| MmapError::Csr {
        path: dir.to_path_buf(),
        message,
    };
    let shape = MappedNpy::open(&dir.join("shape.npy"), &INDEX_TYPES, 1)?;
    let dims: Vec<i64> = match shape.scalar {
        Scalar::I32 => shape
            .elements::<i32>()
            .iter()
            .map(|&v| i64::from(v))
            .collect(),
        _ => shape.elements::<i64>().to_vec(),
    };
    let (n_rows, n_cols) = match dims[..] {
        [n, p] if n > 0 && p > 0 => (n as usize, p as usize),
        _ => {
            return Err(csr_err(format!(
                "shape.npy holds {dims:?}; expected two positive numbers [n_rows, n_cols]"
            )))
        }
    };
    let indptr = MappedNpy::open(&dir.join("indptr.npy"), &INDEX_TYPES, 1)?;
    let indices = MappedNpy::open(&dir.join("indices.npy"), &INDEX_TYPES, 1)?;
    let data = MappedNpy::open(&dir.join("data.npy"), &[F::SCALAR], 1)?;
    let files = CsrFiles {
        dir: dir.to_path_buf(),
        indptr,
        indices,
        data,
        n_rows,
        n_cols,
    };
    match (files.indptr.scalar, files.indices.scalar) {
        (Scalar::I32, Scalar::I32) => validate::<i32, i32>(&files),
        (Scalar::I32, _) => validate::<i64, i32>(&files),
        (_, Scalar::I32) => validate::<i32, i64>(&files),
        _ => validate::<i64, i64>(&files),
    }
    .map_err(csr_err)?;
    let nnz = files.indices.header.shape[0];
    let entry = files.indices.scalar.size() + std::mem::size_of::<F>();
    let ranges = block_ranges(n_rows, rows_per_block, (nnz / n_rows).max(1) * entry)?;
    let files = Arc::new(files);
    let blocks = ranges
        .map(|rows| MmapCsrBlock {
            files: Arc::clone(&files),
            rows,
            elem: PhantomData,
        })
        .collect();
    Ok(Chunked::from_chunks(blocks)?)
}

/// Rows per task of the index check.
const CHECK_ROWS: usize = 1 << 14;

/// The structure check: what sprs's checked constructor verifies, with messages
/// that name the row and entry. One pass over indptr, one over indices (rows in
/// parallel).
fn validate<I, Iptr>(f: &CsrFiles) -> Result<(), String>
where
    I: bytemuck::Pod + Into<i64> + Sync,
    Iptr: bytemuck::Pod + Into<i64> + Sync,
{
    let indptr: &[Iptr] = f.indptr.elements();
    let indices: &[I] = f.indices.elements();
    let nnz = indices.len();
    if f.data.header.shape[0] != nnz {
        return Err(format!(
            "indices.npy has {nnz} values but data.npy has {}",
            f.data.header.shape[0]
        ));
    }
    if indptr.len() != f.n_rows + 1 {
        return Err(format!(
            "indptr.npy has {} values; a matrix of {} rows needs {}",
            indptr.len(),
            f.n_rows,
            f.n_rows + 1
        ));
    }
    let first: i64 = indptr[0].into();
    if first != 0 {
        return Err(format!("indptr.npy starts at {first}, not 0"));
    }
    for (i, w) in indptr.windows(2).enumerate() {
        let (a, b): (i64, i64) = (w[0].into(), w[1].into());
        if b < a {
            return Err(format!(
                "indptr.npy decreases at row {i} ({a} then {b}): not a CSR index pointer"
            ));
        }
    }
    let last: i64 = indptr[f.n_rows].into();
    if last != nnz as i64 {
        return Err(format!(
            "indptr.npy ends at {last} but indices.npy and data.npy hold {nnz} values"
        ));
    }
    let p = f.n_cols as i64;
    let check_rows = |rows: Range<usize>| -> Result<(), String> {
        for i in rows {
            let (a, b) = (indptr[i].into() as usize, indptr[i + 1].into() as usize);
            let mut prev = -1i64;
            for (k, &j) in indices[a..b].iter().enumerate() {
                let j: i64 = j.into();
                if j < 0 || j >= p {
                    return Err(format!(
                        "row {i}, entry {}: column index {j} is out of range for {p} columns",
                        a + k
                    ));
                }
                if j <= prev {
                    return Err(format!(
                        "row {i}, entry {}: column index {j} after {prev}: indices must be \
                         strictly increasing within a row (scipy: sort_indices(), sum_duplicates())",
                        a + k
                    ));
                }
                prev = j;
            }
        }
        Ok(())
    };
    let n = f.n_rows;
    // The first error in row order, so the message does not depend on scheduling.
    (0..n.div_ceil(CHECK_ROWS))
        .into_par_iter()
        .find_map_first(|t| check_rows(t * CHECK_ROWS..((t + 1) * CHECK_ROWS).min(n)).err())
        .map_or(Ok(()), Err)
}
