//! The core primitives for ndarray's dense matrices (owned arrays and views, any
//! layout), with `Array1` as the sample vector.
//!
//! Row-major (standard layout) matrices take fused single passes over contiguous
//! rows, in parallel over cache-sized row ranges; other layouts fall back to ndarray's
//! own products on row ranges.

use crate::contract::{ArrayError, Linear, MatrixCore};
use crate::cpu::kernels::{axpy, dot, fold_row_ranges, rows_per_chunk, PARALLEL_MIN_ELEMENTS};
use crate::cpu::pass::{self, coef_as, elem_bytes, host_vector, to_f64_vec};
use crate::element::{Float, GlmFamily};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Axis, Data, Ix2};
use rayon::prelude::*;

impl<F, S> MatrixCore<F> for ArrayBase<S, Ix2>
where
    F: Float,
    S: Data<Elem = F> + Sync,
{
    type Vector = Array1<F>;
    type Block = Self;

    fn n_rows(&self) -> usize {
        self.nrows()
    }

    fn n_cols(&self) -> usize {
        self.ncols()
    }

    fn describe(&self) -> String {
        format!("dense {} {}x{}", F::NAME, self.nrows(), self.ncols())
    }

    fn vector_from_host(&self, v: ArrayView1<F>) -> Result<Array1<F>, ArrayError> {
        host_vector(self.nrows(), v)
    }

    fn all_finite(&self) -> bool {
        // This check reads all of X once per fit, so it should cost no more than a GLM
        // pass: branch-free per block, blocks in parallel.
        let finite = |c: &[F]| c.iter().fold(true, |ok, v| ok & v.is_finite());
        match self.as_slice_memory_order() {
            Some(all) => all.par_chunks(1 << 16).all(finite),
            None => self.iter().all(|v| v.is_finite()),
        }
    }

    fn linear_predictor(&self, lin: Linear<'_>) -> Array1<F> {
        let coef: Array1<F> = coef_as::<F>(&lin).into();
        let b0 = F::of(lin.intercept);
        let mut eta = Array1::from_elem(self.nrows(), b0);
        let x = self.view();
        let work = |out: &mut [F], first_row: usize| {
            let rows = x.slice(s![first_row..first_row + out.len(), ..]);
            for (e, row) in out.iter_mut().zip(rows.rows()) {
                *e = *e + row_dot(row, coef.view());
            }
        };
        let out = eta.as_slice_mut().expect("fresh array is contiguous");
        if self.len() < PARALLEL_MIN_ELEMENTS {
            work(out, 0);
        } else {
            let chunk = rows_per_chunk(self.ncols(), elem_bytes::<F>());
            out.par_chunks_mut(chunk)
                .enumerate()
                .for_each(|(c, part)| work(part, c * chunk));
        }
        eta
    }

    fn t_matvec(&self, r: &Array1<F>) -> Array1<f64> {
        let p = self.ncols();
        let x = self.view();
        let acc = fold_row_ranges(
            self.nrows(),
            p,
            elem_bytes::<F>(),
            || vec![F::zero(); p],
            |mut acc, range| {
                let rows = x.slice(s![range.clone(), ..]);
                for (row, &ri) in rows.rows().into_iter().zip(r.slice(s![range]).iter()) {
                    row_axpy(ri, row, &mut acc);
                }
                acc
            },
            |mut a, b| {
                axpy(F::one(), &b, &mut a);
                a
            },
        );
        to_f64_vec(acc)
    }

    fn weighted_gram(&self, w: &Array1<F>) -> Array2<f64> {
        let p = self.ncols();
        let x = self.view();
        let acc = fold_row_ranges(
            self.nrows(),
            p,
            elem_bytes::<F>(),
            || Array2::<F>::zeros((p, p)),
            |mut acc, range| {
                let rows = x.slice(s![range.clone(), ..]);
                let wr = w.slice(s![range]);
                // One GEMM per row range: X_r^T (diag(w_r) X_r).
                let scaled = &rows * &wr.insert_axis(Axis(1));
                acc = acc + rows.t().dot(&scaled);
                acc
            },
            |a, b| a + b,
        );
        acc.mapv(F::as_f64)
    }

    fn glm_weights(&self, family: GlmFamily, eta: &Array1<F>) -> Array1<F> {
        pass::glm_weights(family, eta)
    }

    fn glm_residuals(&self, family: GlmFamily, y: &Array1<F>, eta: &Array1<F>) -> Array1<F> {
        pass::glm_residuals(family, y, eta)
    }

    fn blocks(&self) -> Vec<&Self> {
        vec![self]
    }

    fn vector_blocks<'v>(&self, v: &'v Array1<F>) -> Vec<&'v Array1<F>> {
        vec![v]
    }

    fn mul_small_t(&self, c: ArrayView2<f64>) -> Array2<F> {
        gemm_rows(self, &c.t().mapv(F::of))
    }
}

/// `row . coef` for a row that may or may not be contiguous.
#[inline(always)]
fn row_dot<F: Float>(row: ArrayView1<F>, coef: ArrayView1<F>) -> F {
    match (row.as_slice(), coef.as_slice()) {
        (Some(r), Some(c)) => dot(r, c),
        _ => row.dot(&coef),
    }
}

/// `acc += alpha * row` for a row that may or may not be contiguous.
#[inline(always)]
fn row_axpy<F: Float>(alpha: F, row: ArrayView1<F>, acc: &mut [F]) {
    match row.as_slice() {
        Some(r) => axpy(alpha, r, acc),
        None => {
            for (a, &x) in acc.iter_mut().zip(row.iter()) {
                *a = *a + alpha * x;
            }
        }
    }
}

/// `X V` for a host block `V` (`p x m`) by GEMM on row blocks, in parallel.
pub(crate) fn gemm_rows<F: Float, S: Data<Elem = F> + Sync>(
    x: &ArrayBase<S, Ix2>,
    v: &Array2<F>,
) -> Array2<F> {
    let (n, m) = (x.nrows(), v.ncols());
    let mut out = Array2::<F>::zeros((n, m));
    let rows = rows_per_chunk(x.ncols(), elem_bytes::<F>()).max(16);
    out.axis_chunks_iter_mut(ndarray::Axis(0), rows)
        .into_par_iter()
        .enumerate()
        .for_each(|(t, mut o)| {
            let r0 = t * rows;
            let part = x.slice(s![r0..r0 + o.nrows(), ..]);
            general_mat_mul(F::one(), &part, v, F::zero(), &mut o);
        });
    out
}
