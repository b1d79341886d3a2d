//! Row ranges of dense matrices, for [`Chunked::from_array`](crate::Chunked::from_array).

use crate::contract::SplitRows;
use crate::element::Float;
use ndarray::{s, Array2, ArrayBase, Data, Ix2};

impl<F: Float, S: Data<Elem = F>> SplitRows for ArrayBase<S, Ix2>
where
    ArrayBase<S, Ix2>: From<Array2<F>>,
{
    fn row_range(&self, start: usize, end: usize) -> Self {
        self.slice(s![start..end, ..]).to_owned().into()
    }
    fn rows_count(&self) -> usize {
        self.nrows()
    }
}
