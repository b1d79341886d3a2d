//! `Chunked<A>`: a matrix split into row chunks of any array type `A`, like a Dask
//! array with `chunks=(rows, p)`. Operations run over the chunks in parallel (rayon)
//! and reduce the chunks' host-side partial results; each chunk runs its own
//! (possibly fused, possibly overridden) implementation. This backend composes the
//! others only through the contract: it never names a dense, sparse or GPU type.
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | the types and their constructors |
//! | `vector.rs` | `SampleVector` for `ChunkedVector` |
//! | `matrix.rs` | `MatrixCore`: chunk results reduced |
//! | `glm.rs` | `GlmOps`: each chunk's fused pass, summed in chunk order |
//! | `cluster.rs` | `ClusterOps` |
//! | `graph.rs` | `GraphOps` |
//! | `block.rs` | `SampleBlock` for `Chunked` blocks |

mod block;
mod cluster;
mod glm;
mod graph;
mod matrix;
mod vector;

use crate::contract::{ArrayError, DataMatrix, SplitRows};
use crate::element::Float;

/// A row-chunked matrix whose chunks are any array type implementing the contract.
///
/// ```
/// use duckml_arrays::prelude::*;
/// use duckml_arrays::Chunked;
/// use ndarray::Array2;
///
/// let x = Array2::<f64>::ones((10, 3));
/// let chunked = Chunked::from_array(&x, 4).unwrap();
/// assert_eq!(chunked.chunks().len(), 3); // 4 + 4 + 2 rows
/// assert_eq!(chunked.n_rows(), 10);
/// ```
#[derive(Debug, Clone)]
pub struct Chunked<A> {
    chunks: Vec<A>,
    offsets: Vec<usize>,
    n_cols: usize,
}

/// A sample vector split like a [`Chunked`] matrix's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkedVector<V> {
    chunks: Vec<V>,
}

impl<V> ChunkedVector<V> {
    /// The chunks, in row order.
    pub fn chunks(&self) -> &[V] {
        &self.chunks
    }

    /// A vector made of these chunks, in row order.
    pub fn from_chunks(chunks: Vec<V>) -> Self {
        ChunkedVector { chunks }
    }
}

impl<A> Chunked<A> {
    /// Builds from a list of row chunks (lengths may differ). Errors on an empty list,
    /// an empty chunk or chunks with different column counts.
    pub fn from_chunks<F: Float>(chunks: Vec<A>) -> Result<Self, ArrayError>
    where
        A: DataMatrix<F>,
    {
        let Some(first) = chunks.first() else {
            return Err(ArrayError::Invalid(
                "a chunked array needs at least one chunk".into(),
            ));
        };
        let n_cols = first.n_cols();
        let mut offsets = vec![0];
        for (i, c) in chunks.iter().enumerate() {
            if c.n_cols() != n_cols {
                return Err(ArrayError::Invalid(format!(
                    "chunk {i} has {} columns, chunk 0 has {n_cols}",
                    c.n_cols()
                )));
            }
            if c.n_rows() == 0 {
                return Err(ArrayError::Invalid(format!("chunk {i} has no rows")));
            }
            offsets.push(offsets[i] + c.n_rows());
        }
        Ok(Chunked {
            chunks,
            offsets,
            n_cols,
        })
    }

    /// Splits a whole array into chunks of `rows_per_chunk` rows (the last may be
    /// shorter). The chunks are copies.
    pub fn from_array<F: Float>(x: &A, rows_per_chunk: usize) -> Result<Self, ArrayError>
    where
        A: DataMatrix<F> + SplitRows,
    {
        if rows_per_chunk == 0 {
            return Err(ArrayError::Invalid(
                "rows_per_chunk must be at least 1".into(),
            ));
        }
        let n = x.rows_count();
        if n == 0 {
            return Err(ArrayError::Invalid(
                "cannot chunk an array with no rows".into(),
            ));
        }
        let chunks = (0..n)
            .step_by(rows_per_chunk)
            .map(|start| x.row_range(start, (start + rows_per_chunk).min(n)))
            .collect();
        Self::from_chunks(chunks)
    }

    /// The chunks, in row order.
    pub fn chunks(&self) -> &[A] {
        &self.chunks
    }

    /// The first row of each chunk, plus the total row count at the end.
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }
}
