//! Blocks of sample vectors: `n x m` matrices whose columns are sample vectors, living
//! beside the data (the subspace of an iterative eigensolver, a spectral embedding, a
//! kernel matrix). A block is itself a [`DataMatrix`], so its rows can be clustered.
//!
//! Only model-sized results (`m x m` Gram matrices) reach the host; the `n`-sized work
//! (products with a small host matrix, elementwise updates, row-wise argmax) stays
//! beside the data. Dense vectors' blocks are `Array2`; chunked vectors' blocks are
//! [`Chunked`](crate::Chunked) blocks split like the rows.

use super::DataMatrix;
use crate::element::{Float, UnaryOp};
use ndarray::{s, Array2, ArrayView2, Axis};

/// An `n x m` block of sample vectors (its columns), beside the data.
///
/// ```
/// use duckml_arrays::SampleBlock;
/// use ndarray::{array, Array2};
///
/// let v: Array2<f64> = array![[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]];
/// assert_eq!(v.gram(&v), array![[2.0, 1.0], [1.0, 5.0]]);
/// let w = v.mul_small(array![[0.0, 1.0], [1.0, 0.0]].view());
/// assert_eq!(w.block_to_host(), array![[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]]);
/// ```
pub trait SampleBlock<F: Float>: DataMatrix<F> + Clone + Send + Sync + Sized {
    /// The block whose columns are `cols` (at least one; equal lengths and splits).
    fn from_columns(cols: &[Self::Vector]) -> Self;

    /// Column `j` as a sample vector.
    fn column(&self, j: usize) -> Self::Vector;

    /// Copies the block to the host (an O(n m) transfer: once, at the end of a fit).
    fn block_to_host(&self) -> Array2<F>;

    /// `self^T other` (`m1 x m2`, host).
    fn gram(&self, other: &Self) -> Array2<f64>;

    /// `self c` for a small host matrix `c` (`m x m2`).
    fn mul_small(&self, c: ArrayView2<f64>) -> Self;

    /// `a self + b other`.
    fn axpby(&self, a: f64, other: &Self, b: f64) -> Self;

    /// `diag(d) self`: row `i` scaled by `d_i`.
    fn scale_rows(&self, d: &Self::Vector) -> Self;

    /// `diag(a) self + diag(b) other` (one pass).
    fn axpby_rows(&self, a: &Self::Vector, other: &Self, b: &Self::Vector) -> Self;

    /// `self + u c` for a block `u` with the same rows and a small host matrix `c`
    /// (one pass).
    fn add_product(&self, u: &Self, c: ArrayView2<f64>) -> Self;

    /// The columns of `self` followed by those of `other`.
    fn hcat(&self, other: &Self) -> Self;

    /// The rows of the parts, one after another, as one block. Graph operations stack
    /// blocks; an array type whose [`GraphOps::supports_graphs`](super::GraphOps::supports_graphs)
    /// fails may not support it (a distributed block panics: its rows would interleave).
    fn vcat(parts: &[&Self]) -> Self;

    /// Per row, the column of the largest absolute value (first on ties), stored as the
    /// element type.
    fn argmax_abs_rows(&self) -> Self::Vector;

    /// Each row divided by its Euclidean norm (zero rows stay zero).
    fn normalize_rows(&self) -> Self;

    /// `op` applied to every element.
    fn map_block(&self, op: UnaryOp) -> Self;

    /// `[p_1^T other; p_2^T other; ...]`: the Gram matrices of several blocks with
    /// `other`, stacked (`sum m_i x m2`, host). The blocks of a growing basis
    /// (Gram-Schmidt against a Krylov basis kept as a list of blocks); a backend
    /// overrides it to read `other` once instead of once per part.
    fn gram_parts(parts: &[&Self], other: &Self) -> Array2<f64> {
        let grams: Vec<Array2<f64>> = parts.iter().map(|p| p.gram(other)).collect();
        let views: Vec<_> = grams.iter().map(|g| g.view()).collect();
        ndarray::concatenate(Axis(0), &views).expect("same columns")
    }

    /// `self + sum_i p_i c_i`, where `c_i` are consecutive row ranges of `c` (one per
    /// part, `m_i` rows each). A backend overrides it to write the result once instead
    /// of once per part.
    fn add_products_parts(&self, parts: &[&Self], c: ArrayView2<f64>) -> Self {
        let mut out = self.clone();
        let mut r0 = 0;
        for p in parts {
            let m = p.n_cols();
            out = out.add_product(p, c.slice(s![r0..r0 + m, ..]));
            r0 += m;
        }
        out
    }
}
