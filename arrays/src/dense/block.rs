//! Blocks of sample vectors for dense data: `Array2` whose columns are `Array1`
//! sample vectors; row-parallel updates over cache-sized row ranges.

use crate::contract::SampleBlock;
use crate::cpu::kernels::{fold_row_ranges, rows_per_chunk};
use crate::cpu::pass::elem_bytes;
use crate::element::{Float, UnaryOp};
use ndarray::{s, Array1, Array2, ArrayView2, Axis, Zip};
use rayon::prelude::*;

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
