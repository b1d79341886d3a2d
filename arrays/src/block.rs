//! Blocks of sample vectors: `n x m` matrices whose columns are sample vectors, living
//! beside the data (the subspace of an iterative eigensolver, a spectral embedding, a
//! kernel matrix). A block is itself a [`DataMatrix`], so its rows can be clustered.
//!
//! Only model-sized results (`m x m` Gram matrices) reach the host; the `n`-sized work
//! (products with a small host matrix, elementwise updates, row-wise argmax) stays
//! beside the data. Dense vectors' blocks are `Array2`; chunked vectors' blocks are
//! [`Chunked`] blocks split like the rows.

use crate::kernels::{fold_row_ranges, rows_per_chunk};
use crate::pass::elem_bytes;
use crate::{Chunked, DataMatrix, Float, UnaryOp};
use ndarray::{s, Array1, Array2, ArrayView2, Axis, Zip};
use rayon::prelude::*;

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

    /// The rows of the parts, one after another, as one block.
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

/// Rows per parallel task for an `m`-column block.
fn task_rows<F>(m: usize) -> usize {
    rows_per_chunk(m, elem_bytes::<F>())
}

impl<F: Float> SampleBlock<F> for Array2<F> {
    fn from_columns(cols: &[Array1<F>]) -> Self {
        let views: Vec<_> = cols.iter().map(|c| c.view()).collect();
        ndarray::stack(Axis(1), &views).expect("columns of equal length")
    }

    fn column(&self, j: usize) -> Array1<F> {
        self.column(j).to_owned()
    }

    fn block_to_host(&self) -> Array2<F> {
        self.clone()
    }

    fn gram(&self, other: &Self) -> Array2<f64> {
        let (m1, m2) = (self.ncols(), other.ncols());
        let acc = fold_row_ranges(
            self.nrows(),
            m1 + m2,
            elem_bytes::<F>(),
            || Array2::<F>::zeros((m1, m2)),
            |mut acc, r| {
                ndarray::linalg::general_mat_mul(
                    F::one(),
                    &self.slice(s![r.clone(), ..]).t(),
                    &other.slice(s![r, ..]),
                    F::one(),
                    &mut acc,
                );
                acc
            },
            |a, b| a + b,
        );
        acc.mapv(F::as_f64)
    }

    fn mul_small(&self, c: ArrayView2<f64>) -> Self {
        let cf = c.mapv(F::of);
        let (n, m2) = (self.nrows(), cf.ncols());
        let mut out = Array2::<F>::zeros((n, m2));
        let rows = task_rows::<F>(self.ncols().max(m2));
        out.axis_chunks_iter_mut(Axis(0), rows)
            .into_par_iter()
            .enumerate()
            .for_each(|(t, mut o)| {
                let r0 = t * rows;
                let part = self.slice(s![r0..r0 + o.nrows(), ..]);
                ndarray::linalg::general_mat_mul(F::one(), &part, &cf, F::zero(), &mut o);
            });
        out
    }

    fn axpby(&self, a: f64, other: &Self, b: f64) -> Self {
        let (a, b) = (F::of(a), F::of(b));
        Zip::from(self)
            .and(other)
            .par_map_collect(|&x, &y| a * x + b * y)
    }

    fn scale_rows(&self, d: &Array1<F>) -> Self {
        let mut out = self.clone();
        out.axis_iter_mut(Axis(0))
            .into_par_iter()
            .zip(d.as_slice().expect("contiguous").par_iter())
            .for_each(|(mut row, &di)| row.mapv_inplace(|v| v * di));
        out
    }

    fn axpby_rows(&self, a: &Array1<F>, other: &Self, b: &Array1<F>) -> Self {
        let mut out = self.clone();
        let rows = task_rows::<F>(self.ncols());
        out.axis_chunks_iter_mut(Axis(0), rows)
            .into_par_iter()
            .enumerate()
            .for_each(|(t, mut o)| {
                let r0 = t * rows;
                for (k, mut row) in o.rows_mut().into_iter().enumerate() {
                    let (ai, bi) = (a[r0 + k], b[r0 + k]);
                    row.zip_mut_with(&other.row(r0 + k), |x, &y| *x = ai * *x + bi * y);
                }
            });
        out
    }

    fn add_product(&self, u: &Self, c: ArrayView2<f64>) -> Self {
        let cf = c.mapv(F::of);
        let mut out = self.clone();
        let rows = task_rows::<F>(self.ncols().max(u.ncols()));
        out.axis_chunks_iter_mut(Axis(0), rows)
            .into_par_iter()
            .enumerate()
            .for_each(|(t, mut o)| {
                let r0 = t * rows;
                let part = u.slice(s![r0..r0 + o.nrows(), ..]);
                ndarray::linalg::general_mat_mul(F::one(), &part, &cf, F::one(), &mut o);
            });
        out
    }

    fn hcat(&self, other: &Self) -> Self {
        ndarray::concatenate(Axis(1), &[self.view(), other.view()]).expect("same rows")
    }

    fn gram_parts(parts: &[&Self], other: &Self) -> Array2<f64> {
        // Per row range, every part's product with the same rows of `other` while
        // they are in cache.
        let total: usize = parts.iter().map(|p| p.ncols()).sum();
        let m2 = other.ncols();
        let acc = fold_row_ranges(
            other.nrows(),
            total + m2,
            elem_bytes::<F>(),
            || Array2::<F>::zeros((total, m2)),
            |mut acc, r| {
                let o = other.slice(s![r.clone(), ..]);
                let mut r0 = 0;
                for p in parts {
                    let m = p.ncols();
                    ndarray::linalg::general_mat_mul(
                        F::one(),
                        &p.slice(s![r.clone(), ..]).t(),
                        &o,
                        F::one(),
                        &mut acc.slice_mut(s![r0..r0 + m, ..]),
                    );
                    r0 += m;
                }
                acc
            },
            |a, b| a + b,
        );
        acc.mapv(F::as_f64)
    }

    fn add_products_parts(&self, parts: &[&Self], c: ArrayView2<f64>) -> Self {
        let cf = c.mapv(F::of);
        let mut out = self.clone();
        let total: usize = parts.iter().map(|p| p.ncols()).sum();
        let rows = task_rows::<F>(total.max(self.ncols()));
        out.axis_chunks_iter_mut(Axis(0), rows)
            .into_par_iter()
            .enumerate()
            .for_each(|(t, mut o)| {
                let rr = t * rows..t * rows + o.nrows();
                let mut r0 = 0;
                for p in parts {
                    let m = p.ncols();
                    ndarray::linalg::general_mat_mul(
                        F::one(),
                        &p.slice(s![rr.clone(), ..]),
                        &cf.slice(s![r0..r0 + m, ..]),
                        F::one(),
                        &mut o,
                    );
                    r0 += m;
                }
            });
        out
    }

    fn vcat(parts: &[&Self]) -> Self {
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        ndarray::concatenate(Axis(0), &views).expect("same columns")
    }

    fn argmax_abs_rows(&self) -> Array1<F> {
        self.axis_iter(Axis(0))
            .into_par_iter()
            .map(|row| {
                let mut best = 0;
                for (j, &v) in row.iter().enumerate() {
                    if v.abs() > row[best].abs() {
                        best = j;
                    }
                }
                F::of(best as f64)
            })
            .collect::<Vec<F>>()
            .into()
    }

    fn normalize_rows(&self) -> Self {
        let mut out = self.clone();
        out.axis_iter_mut(Axis(0))
            .into_par_iter()
            .for_each(|mut row| {
                let norm = row
                    .iter()
                    .map(|&v| v * v)
                    .fold(F::zero(), |a, b| a + b)
                    .sqrt();
                if norm > F::zero() {
                    row.mapv_inplace(|v| v / norm);
                }
            });
        out
    }

    fn map_block(&self, op: UnaryOp) -> Self {
        self.mapv(|v| op.apply(v))
    }
}

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
        crate::ChunkedVector::from_chunks(self.chunks().par_iter().map(|c| c.column(j)).collect())
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
        crate::ChunkedVector::from_chunks(
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
