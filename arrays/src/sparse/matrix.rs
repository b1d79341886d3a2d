//! The core primitives for sprs's compressed sparse matrices (CSR and CSC, owned or
//! views) with `Array1` as the sample vector. No operation densifies X.
//!
//! CSR takes fused single passes over rows (in parallel over row ranges, thread-local
//! gradient accumulators). CSC is accepted as it is: its primitives work column by
//! column and the operation families mostly use the contract's defaults.

use super::storage::{avg_row_len, entry_bytes, outer, sparse_axpy, sparse_dot};
use crate::contract::{ArrayError, Linear, MatrixCore};
use crate::cpu::kernels::{axpy, fold_row_ranges};
use crate::cpu::pass::{self, coef_as, host_vector, to_f64_vec};
use crate::element::{Float, GlmFamily};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;
use sprs::{CsMatBase, SpIndex};
use std::ops::Deref;

impl<F, I, Iptr, PS, IS, DS> MatrixCore<F> for CsMatBase<F, I, PS, IS, DS, Iptr>
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
    PS: Deref<Target = [Iptr]> + Sync,
    IS: Deref<Target = [I]> + Sync,
    DS: Deref<Target = [F]> + Sync,
{
    type Vector = Array1<F>;
    type Block = Self;

    fn n_rows(&self) -> usize {
        self.rows()
    }

    fn n_cols(&self) -> usize {
        self.cols()
    }

    fn describe(&self) -> String {
        let kind = if self.is_csr() { "CSR" } else { "CSC" };
        format!(
            "sparse {kind} {} {}x{} ({} non-zeros)",
            F::NAME,
            self.rows(),
            self.cols(),
            self.nnz()
        )
    }

    fn vector_from_host(&self, v: ArrayView1<F>) -> Result<Array1<F>, ArrayError> {
        host_vector(self.rows(), v)
    }

    fn all_finite(&self) -> bool {
        self.data().par_iter().all(|v| v.is_finite())
    }

    fn linear_predictor(&self, lin: Linear<'_>) -> Array1<F> {
        let coef = coef_as::<F>(&lin);
        let b0 = F::of(lin.intercept);
        let mut eta = Array1::from_elem(self.rows(), b0);
        let out = eta.as_slice_mut().expect("fresh array is contiguous");
        if self.is_csr() {
            out.par_iter_mut().enumerate().for_each(|(i, e)| {
                let (idx, val) = outer(self, i);
                *e = *e + sparse_dot(idx, val, &coef);
            });
        } else {
            for (j, &c) in coef.iter().enumerate() {
                let (idx, val) = outer(self, j);
                sparse_axpy(c, idx, val, out);
            }
        }
        eta
    }

    fn t_matvec(&self, r: &Array1<F>) -> Array1<f64> {
        let p = self.cols();
        if !self.is_csr() {
            return (0..p)
                .into_par_iter()
                .map(|j| {
                    let (idx, val) = outer(self, j);
                    idx.iter()
                        .zip(val)
                        .map(|(&i, &v)| (v * r[i.index_unchecked()]).as_f64())
                        .sum()
                })
                .collect::<Vec<f64>>()
                .into();
        }
        let acc = fold_row_ranges(
            self.rows(),
            avg_row_len(self),
            entry_bytes::<F, I>(),
            || vec![F::zero(); p],
            |mut acc, rows| {
                for i in rows {
                    let (idx, val) = outer(self, i);
                    sparse_axpy(r[i], idx, val, &mut acc);
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
        let p = self.cols();
        let mut g = Array2::<f64>::zeros((p, p));
        if self.is_csr() {
            for i in 0..self.rows() {
                let (idx, val) = outer(self, i);
                let wi = w[i].as_f64();
                for (&a, &va) in idx.iter().zip(val) {
                    let s = wi * va.as_f64();
                    for (&b, &vb) in idx.iter().zip(val) {
                        g[[a.index_unchecked(), b.index_unchecked()]] += s * vb.as_f64();
                    }
                }
            }
        } else {
            // Scatter w * x_j into an n-vector once per column j, then one sparse dot
            // per column k: O(p * nnz) work and one n-sized buffer, X never densified.
            let mut scatter = vec![0.0f64; self.rows()];
            for j in 0..p {
                let (idx_j, val_j) = outer(self, j);
                for (&i, &v) in idx_j.iter().zip(val_j) {
                    scatter[i.index_unchecked()] = w[i.index_unchecked()].as_f64() * v.as_f64();
                }
                for k in 0..p {
                    let (idx_k, val_k) = outer(self, k);
                    g[[j, k]] = idx_k
                        .iter()
                        .zip(val_k)
                        .map(|(&i, &v)| scatter[i.index_unchecked()] * v.as_f64())
                        .sum();
                }
                for &i in idx_j {
                    scatter[i.index_unchecked()] = 0.0;
                }
            }
        }
        g
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
        let ct: Array2<F> = c.t().mapv(F::of);
        if self.is_csr() {
            return super::graph::csr_times_dense(&self.view(), &ct);
        }
        // CSC: scatter each column's entries into the rows they touch.
        let (n, k) = (self.rows(), c.nrows());
        let mut out = Array2::<F>::zeros((n, k));
        for j in 0..self.cols() {
            let (idx, val) = outer(self, j);
            for (&i, &v) in idx.iter().zip(val) {
                let mut row = out.row_mut(i.index_unchecked());
                row.scaled_add(v, &ct.row(j));
            }
        }
        out
    }
}
