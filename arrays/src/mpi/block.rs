//! Blocks of sample vectors of a distributed matrix: each process holds its rows of
//! the block; elementwise work and products with small host matrices stay local, Gram
//! matrices are all-reduced (`m1 x m2` numbers).

use super::pack::sum_mat;
use super::{DistVector, Distributed};
use crate::contract::{ColumnsOf, DataMatrix, SampleBlock};
use crate::element::{Float, UnaryOp};
use ndarray::{Array2, ArrayView2};

impl<F: Float, B: SampleBlock<F>> SampleBlock<F> for Distributed<B>
where
    B::Vector: Send + Sync,
    ColumnsOf<F, B>: Send + Sync,
    Distributed<B>: DataMatrix<F, Vector = DistVector<B::Vector>>,
{
    fn from_columns(cols: &[Self::Vector]) -> Self {
        let parts: Vec<B::Vector> = cols.iter().map(|c| c.local.clone()).collect();
        Distributed {
            local: B::from_columns(&parts),
            layout: cols[0].layout.clone(),
            n_cols: cols.len(),
        }
    }

    fn column(&self, j: usize) -> Self::Vector {
        self.vector(self.local.column(j))
    }

    /// The whole block, gathered to every process (O(n m) traffic).
    fn block_to_host(&self) -> Array2<F> {
        let local: Vec<f64> = self
            .local
            .block_to_host()
            .iter()
            .map(|v| v.as_f64())
            .collect();
        let all = self.layout.comm.gather(&local);
        let n = all.len() / self.n_cols.max(1);
        Array2::from_shape_vec((n, self.n_cols), all.into_iter().map(F::of).collect())
            .expect("rows of n_cols values")
    }

    fn gram(&self, other: &Self) -> Array2<f64> {
        sum_mat(&self.layout.comm, self.local.gram(&other.local))
    }

    fn mul_small(&self, c: ArrayView2<f64>) -> Self {
        self.like(self.local.mul_small(c), c.ncols())
    }

    fn axpby(&self, a: f64, other: &Self, b: f64) -> Self {
        self.like(self.local.axpby(a, &other.local, b), self.n_cols)
    }

    fn scale_rows(&self, d: &Self::Vector) -> Self {
        self.like(self.local.scale_rows(&d.local), self.n_cols)
    }

    fn axpby_rows(&self, a: &Self::Vector, other: &Self, b: &Self::Vector) -> Self {
        let local = self.local.axpby_rows(&a.local, &other.local, &b.local);
        self.like(local, self.n_cols)
    }

    fn add_product(&self, u: &Self, c: ArrayView2<f64>) -> Self {
        self.like(self.local.add_product(&u.local, c), self.n_cols)
    }

    fn hcat(&self, other: &Self) -> Self {
        self.like(self.local.hcat(&other.local), self.n_cols + other.n_cols)
    }

    /// # Panics
    /// Always: stacking distributed blocks would interleave the processes' rows (each
    /// process holds one contiguous range), and no estimator stacks blocks of a
    /// distributed matrix (graph operations, which would, are unsupported).
    fn vcat(_parts: &[&Self]) -> Self {
        panic!("vcat is not supported on distributed blocks (rows would interleave)")
    }

    fn argmax_abs_rows(&self) -> Self::Vector {
        self.vector(self.local.argmax_abs_rows())
    }

    fn normalize_rows(&self) -> Self {
        self.like(self.local.normalize_rows(), self.n_cols)
    }

    fn map_block(&self, op: UnaryOp) -> Self {
        self.like(self.local.map_block(op), self.n_cols)
    }

    /// One all-reduce for all the parts' Gram matrices.
    fn gram_parts(parts: &[&Self], other: &Self) -> Array2<f64> {
        let locals: Vec<&B> = parts.iter().map(|p| &p.local).collect();
        sum_mat(&other.layout.comm, B::gram_parts(&locals, &other.local))
    }

    fn add_products_parts(&self, parts: &[&Self], c: ArrayView2<f64>) -> Self {
        let locals: Vec<&B> = parts.iter().map(|p| &p.local).collect();
        self.like(self.local.add_products_parts(&locals, c), self.n_cols)
    }
}
