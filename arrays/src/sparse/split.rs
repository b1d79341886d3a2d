//! Row ranges of sparse matrices, for [`Chunked::from_array`](crate::Chunked::from_array).

use crate::contract::SplitRows;
use crate::element::Float;
use sprs::{CsMatI, SpIndex};

impl<F: Float, I: SpIndex, Iptr: SpIndex> SplitRows for CsMatI<F, I, Iptr> {
    /// CSR rows are sliced directly; CSC is converted per chunk (a sparse copy).
    fn row_range(&self, start: usize, end: usize) -> Self {
        if self.is_csr() {
            self.slice_outer(start..end).to_owned()
        } else {
            self.to_csr().slice_outer(start..end).to_owned()
        }
    }
    fn rows_count(&self) -> usize {
        self.rows()
    }
}
