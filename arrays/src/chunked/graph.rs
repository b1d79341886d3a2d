//! The graph family of a chunked matrix: block products chunk by chunk (each chunk
//! needs all of `V`, gathered once) and the diagonal with each chunk's row offset.

use super::{Chunked, ChunkedVector};
use crate::contract::{ColumnsOf, DataMatrix, GraphOps, SampleBlock, SampleVector};
use crate::element::Float;
use rayon::prelude::*;

impl<F: Float, A: DataMatrix<F> + Send + Sync> GraphOps<F> for Chunked<A>
where
    A::Vector: Send + Sync,
{
    fn block_product(&self, v: &ColumnsOf<F, Self>) -> ColumnsOf<F, Self> {
        // Every chunk needs all of V: gather it once (a copy beside the data).
        let parts: Vec<&<A::Vector as SampleVector<F>>::Columns> = v.chunks().iter().collect();
        let full = <A::Vector as SampleVector<F>>::Columns::vcat(&parts);
        Chunked::from_chunks(
            self.chunks
                .par_iter()
                .map(|c| c.block_product(&full))
                .collect(),
        )
        .expect("non-empty chunks")
    }

    fn diagonal_from(&self, first_col: usize) -> Self::Vector {
        ChunkedVector {
            chunks: self
                .chunks
                .par_iter()
                .zip(&self.offsets)
                .map(|(c, &o)| c.diagonal_from(first_col + o))
                .collect(),
        }
    }
}
