//! A dense `.npy` file mapped read-only, as row blocks of ndarray views.

use super::file::MappedNpy;
use super::{block_ranges, MapElement, MmapError, MmapMatrix};
use crate::chunked::Chunked;
use ndarray::{ArrayView2, ShapeBuilder};
use std::marker::PhantomData;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Rows `start..end` of a mapped 2-D `.npy`: an owned handle (the map is shared
/// through an `Arc`) that implements the array contract by lending each operation
/// an [`ArrayView2`] of its rows, so the dense backend's kernels run on the mapped
/// pages directly. A C-order file gives contiguous views; a Fortran-order one gives
/// strided views (each block reads `p` column segments), which the dense backend
/// accepts in any layout but runs more slowly: `duckml convert` rewrites such a
/// file in C order.
#[derive(Debug, Clone)]
pub struct MmapBlock<F> {
    file: Arc<MappedNpy>,
    rows: Range<usize>,
    n_rows: usize,
    n_cols: usize,
    fortran: bool,
    elem: PhantomData<F>,
}

impl<F: MapElement> MmapBlock<F> {
    /// The block's rows as a view into the map.
    pub fn view(&self) -> ArrayView2<'_, F> {
        let all: &[F] = self.file.elements();
        let (start, rows, p) = (self.rows.start, self.rows.len(), self.n_cols);
        // The shapes were checked against the file's length when it was opened.
        if self.fortran {
            let end = start + (p - 1) * self.n_rows + rows;
            ArrayView2::from_shape((rows, p).strides((1, self.n_rows)), &all[start..end])
        } else {
            ArrayView2::from_shape((rows, p), &all[start * p..(start + rows) * p])
        }
        .expect("block shape checked at open")
    }

    /// The rows of the file this block holds.
    pub fn rows(&self) -> Range<usize> {
        self.rows.clone()
    }

    /// Asks the kernel to read this block's pages now (a pass is about to) and the
    /// next block's, so the disk reads ahead while this one is computed on: rayon
    /// hands each thread a run of consecutive blocks.
    pub(super) fn will_need(&self) {
        let size = std::mem::size_of::<F>();
        let (a, b) = (self.rows.start, self.rows.end);
        let b = (b + (b - a)).min(self.n_rows);
        if self.fortran {
            for j in 0..self.n_cols {
                let col = j * self.n_rows;
                self.file.will_need(col + a..col + b, size);
            }
        } else {
            self.file.will_need(a * self.n_cols..b * self.n_cols, size);
        }
    }

    /// The file's path, for descriptions.
    pub(super) fn path(&self) -> &Path {
        self.file.path()
    }
}

/// Maps a 2-D `float64` or `float32` `.npy` file (C or Fortran order) read-only and
/// serves it as row blocks of `rows_per_block` rows (default: about
/// [`DEFAULT_BLOCK_BYTES`](super::DEFAULT_BLOCK_BYTES) each). Nothing is read but
/// the header: the data are paged in by the passes that use them.
///
/// The file's dtype must be `F` (`f64` reads `<f8`, `f32` reads `<f4`), in this
/// machine's byte order; `duckml convert` rewrites any other.
///
/// # Errors
///
/// [`MmapError::Io`] for a missing or unreadable file; [`MmapError::Header`] for a
/// file that is not `.npy` or whose header is malformed or cut short;
/// [`MmapError::Dtype`] for another dtype; [`MmapError::Truncated`] when the header
/// claims more data than the file holds; [`MmapError::Layout`] for an array that
/// is not 2-D, has no elements, has bytes after its data or is in the other byte
/// order; [`MmapError::Array`] for `rows_per_block == Some(0)`.
///
/// ```
/// use duckml_arrays::mmap::open_npy;
/// use duckml_arrays::npy::encode_header;
/// use duckml_arrays::prelude::*;
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_mmap_{}.npy", std::process::id()));
/// let mut bytes = encode_header("<f8", false, &[3, 2], 0);
/// for v in [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0] {
///     bytes.extend_from_slice(&v.to_le_bytes());
/// }
/// std::fs::write(&path, &bytes).unwrap();
///
/// let x = open_npy::<f64>(&path, Some(2))?; // blocks of rows 0..2 and 2..3
/// assert_eq!((x.n_rows(), x.n_cols(), x.chunks().len()), (3, 2, 2));
/// let coef = ndarray::array![1.0, -1.0];
/// let eta = x.linear_predictor(Linear { coef: coef.view(), intercept: 0.5 });
/// assert_eq!(eta.to_host(), ndarray::array![-0.5, -0.5, -0.5]);
///
/// std::fs::write(&path, &bytes[..bytes.len() - 8]).unwrap(); // cut the last value
/// assert!(open_npy::<f64>(&path, None).unwrap_err().to_string().contains("truncated"));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_arrays::mmap::MmapError>(())
/// ```
pub fn open_npy<F: MapElement>(
    path: impl AsRef<Path>,
    rows_per_block: Option<usize>,
) -> Result<MmapMatrix<F>, MmapError> {
    let path = path.as_ref();
    let file = MappedNpy::open(path, &[F::SCALAR], 2)?;
    let (n, p) = (file.header.shape[0], file.header.shape[1]);
    if n == 0 || p == 0 {
        return Err(MmapError::Layout {
            path: path.to_path_buf(),
            message: format!("the array has no elements (shape ({n}, {p}))"),
        });
    }
    let ranges = block_ranges(n, rows_per_block, p * std::mem::size_of::<F>())?;
    let fortran = file.header.fortran_order;
    let file = Arc::new(file);
    let blocks = ranges
        .map(|rows| MmapBlock {
            file: Arc::clone(&file),
            rows,
            n_rows: n,
            n_cols: p,
            fortran,
            elem: PhantomData,
        })
        .collect();
    Ok(Chunked::from_chunks(blocks)?)
}
