//! Blocks of sample vectors for chunked data: a [`Chunked`] of the chunks' own blocks,
//! split like the rows; every operation runs chunk by chunk in parallel.

use super::{Chunked, ChunkedVector};
use crate::contract::{DataMatrix, MatrixCore, SampleBlock};
use crate::element::{Float, UnaryOp};
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;

impl<F: Float, B: SampleBlock<F>> SampleBlock<F> for Chunked<B>
where
    B::Vector: Send + Sync,
{
    fn from_columns(cols: &[Self::Vector]) -> Self {
        let n_chunks = cols[0].chunks().len();
        let chunks: Vec<B> = (0..n_chunks)
            .into_par_iter()
            .map(|c| {
                let parts: Vec<B::Vector> = cols.iter().map(|v| v.chunks()[c].clone()).collect();
                B::from_columns(&parts)
            })
            .collect();
        Chunked::from_chunks(chunks).expect("non-empty chunks")
    }

    fn column(&self, j: usize) -> Self::Vector {
        ChunkedVector::from_chunks(self.chunks().par_iter().map(|c| c.column(j)).collect())
    }

    fn block_to_host(&self) -> Array2<F> {
        let parts: Vec<Array2<F>> = self.chunks().iter().map(|c| c.block_to_host()).collect();
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        ndarray::concatenate(Axis(0), &views).expect("same columns")
    }

    fn gram(&self, other: &Self) -> Array2<f64> {
        let (m1, m2) = (self.n_cols(), other.n_cols());
        self.chunks()
            .par_iter()
            .zip(other.chunks())
            .map(|(a, b)| a.gram(b))
            .reduce(|| Array2::zeros((m1, m2)), |a, b| a + b)
    }

    fn mul_small(&self, c: ArrayView2<f64>) -> Self {
        self.map_chunks(|b| b.mul_small(c))
    }

    fn axpby(&self, a: f64, other: &Self, b: f64) -> Self {
        let chunks = self
            .chunks()
            .par_iter()
            .zip(other.chunks())
            .map(|(x, y)| x.axpby(a, y, b))
            .collect();
        Chunked::from_chunks(chunks).expect("non-empty chunks")
    }

    fn scale_rows(&self, d: &Self::Vector) -> Self {
        let chunks = self
            .chunks()
            .par_iter()
            .zip(d.chunks())
            .map(|(x, dc)| x.scale_rows(dc))
            .collect();
        Chunked::from_chunks(chunks).expect("non-empty chunks")
    }

    fn axpby_rows(&self, a: &Self::Vector, other: &Self, b: &Self::Vector) -> Self {
        let chunks = self
            .chunks()
            .par_iter()
            .zip(other.chunks())
            .zip(a.chunks().par_iter().zip(b.chunks()))
            .map(|((x, y), (ac, bc))| x.axpby_rows(ac, y, bc))
            .collect();
        Chunked::from_chunks(chunks).expect("non-empty chunks")
    }

    fn add_product(&self, u: &Self, c: ArrayView2<f64>) -> Self {
        let chunks = self
            .chunks()
            .par_iter()
            .zip(u.chunks())
            .map(|(x, y)| x.add_product(y, c))
            .collect();
        Chunked::from_chunks(chunks).expect("non-empty chunks")
    }

    fn hcat(&self, other: &Self) -> Self {
        let chunks = self
            .chunks()
            .par_iter()
            .zip(other.chunks())
            .map(|(x, y)| x.hcat(y))
            .collect();
        Chunked::from_chunks(chunks).expect("non-empty chunks")
    }

    fn vcat(parts: &[&Self]) -> Self {
        let chunks: Vec<B> = parts
            .iter()
            .flat_map(|p| p.chunks().iter().cloned())
            .collect();
        Chunked::from_chunks(chunks).expect("non-empty chunks")
    }

    fn argmax_abs_rows(&self) -> Self::Vector {
        ChunkedVector::from_chunks(
            self.chunks()
                .par_iter()
                .map(|c| c.argmax_abs_rows())
                .collect(),
        )
    }

    fn normalize_rows(&self) -> Self {
        self.map_chunks(|b| b.normalize_rows())
    }

    fn map_block(&self, op: UnaryOp) -> Self {
        self.map_chunks(|b| b.map_block(op))
    }
}

impl<B: Send + Sync> Chunked<B> {
    /// A chunked array of the same row split with `f` applied to every chunk.
    fn map_chunks<F: Float>(&self, f: impl Fn(&B) -> B + Sync + Send) -> Self
    where
        B: DataMatrix<F>,
    {
        Chunked::from_chunks(self.chunks().par_iter().map(f).collect()).expect("non-empty chunks")
    }
}
