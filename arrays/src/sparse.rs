//! The contract for sprs's compressed sparse matrices (CSR and CSC, owned or views)
//! with `Array1` as the sample vector. No operation densifies X.
//!
//! CSR takes fused single passes over rows (in parallel over row ranges, thread-local
//! gradient accumulators). CSC is accepted as it is: its primitives work column by
//! column and the composite operations use the contract's defaults.

use crate::contract::{default_glm_loss_grad, finite_from_pass};
use crate::kernels::fold_row_ranges;
use crate::pass::{coef_as, fused_glm_pass, host_vector, to_f64_vec};
use crate::{ArrayError, DataMatrix, Float, GlmFamily, GlmLossGrad, KMeansStep, Linear, Nearest};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;
use sprs::{CsMatBase, SpIndex};
use std::ops::Deref;

/// The non-zeros of one outer slice (a row of CSR, a column of CSC).
#[inline(always)]
pub(crate) fn outer<F, I, Iptr, PS, IS, DS>(
    m: &CsMatBase<F, I, PS, IS, DS, Iptr>,
    i: usize,
) -> (&[I], &[F])
where
    I: SpIndex,
    Iptr: SpIndex,
    PS: Deref<Target = [Iptr]>,
    IS: Deref<Target = [I]>,
    DS: Deref<Target = [F]>,
{
    let r = m.indptr().outer_inds_sz(i);
    (&m.indices()[r.clone()], &m.data()[r])
}

/// `sum_k v_k coef[idx_k]`.
#[inline(always)]
fn sparse_dot<F: Float, I: SpIndex>(idx: &[I], val: &[F], coef: &[F]) -> F {
    idx.iter()
        .zip(val)
        .fold(F::zero(), |a, (&j, &v)| a + v * coef[j.index_unchecked()])
}

/// `acc[idx_k] += alpha v_k`.
#[inline(always)]
fn sparse_axpy<F: Float, I: SpIndex>(alpha: F, idx: &[I], val: &[F], acc: &mut [F]) {
    for (&j, &v) in idx.iter().zip(val) {
        let a = &mut acc[j.index_unchecked()];
        *a = *a + alpha * v;
    }
}

/// Rows per task for CSR passes are sized by the average row's stored bytes.
pub(crate) fn avg_row_len<F, I, Iptr, PS, IS, DS>(m: &CsMatBase<F, I, PS, IS, DS, Iptr>) -> usize
where
    I: SpIndex,
    Iptr: SpIndex,
    PS: Deref<Target = [Iptr]>,
    IS: Deref<Target = [I]>,
    DS: Deref<Target = [F]>,
{
    m.nnz().div_ceil(m.rows().max(1)).max(1)
}

pub(crate) fn entry_bytes<F, I>() -> usize {
    std::mem::size_of::<F>() + std::mem::size_of::<I>()
}

impl<F, I, Iptr, PS, IS, DS> DataMatrix<F> for CsMatBase<F, I, PS, IS, DS, Iptr>
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
                crate::kernels::axpy(F::one(), &b, &mut a);
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
        crate::pass::glm_weights(family, eta)
    }

    fn glm_residuals(&self, family: GlmFamily, y: &Array1<F>, eta: &Array1<F>) -> Array1<F> {
        crate::pass::glm_residuals(family, y, eta)
    }

    fn blocks(&self) -> Vec<&Self> {
        vec![self]
    }

    fn vector_blocks<'v>(&self, v: &'v Array1<F>) -> Vec<&'v Array1<F>> {
        vec![v]
    }

    // Clustering (sparse_cluster.rs): fused passes over CSR rows; CSC takes the
    // contract's defaults except for the row norms and row copies.
    fn row_sq_norms(&self) -> Array1<F> {
        crate::sparse_cluster::row_sq_norms(&self.view())
    }

    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        crate::sparse_cluster::rows_to_host(&self.view(), rows)
    }

    fn sq_distances(&self, points: ArrayView2<f64>, floor: Option<&Array1<F>>) -> Vec<Array1<F>> {
        if !self.is_csr() {
            return crate::cluster::default_sq_distances(self, points, floor);
        }
        crate::sparse_cluster::sq_distances(&self.view(), points, floor)
    }

    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Array1<F>> {
        if !self.is_csr() {
            return crate::cluster::default_nearest_center(self, centers);
        }
        crate::sparse_cluster::nearest_center(&self.view(), centers)
    }

    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Array1<F>) -> KMeansStep {
        if !self.is_csr() {
            return crate::cluster::default_kmeans_step(self, centers, labels);
        }
        crate::sparse_cluster::kmeans_step(&self.view(), centers, labels)
    }

    fn block_product(&self, v: &Array2<F>) -> Array2<F> {
        if !self.is_csr() {
            return crate::graph::default_block_product(self, v);
        }
        crate::sparse_cluster::block_product(&self.view(), v)
    }

    fn laplacian_solver(&self, shift: f64) -> Option<Box<dyn crate::BlockSolve<Array2<F>>>> {
        crate::sparse_cluster::laplacian_solver(&self.view(), shift)
    }

    fn diagonal_from(&self, first_col: usize) -> Array1<F> {
        (0..self.rows())
            .map(|i| self.get(i, first_col + i).copied().unwrap_or(F::zero()))
            .collect()
    }

    fn glm_loss_grad(&self, family: GlmFamily, y: &Array1<F>, lin: Linear<'_>) -> GlmLossGrad {
        if !self.is_csr() {
            return default_glm_loss_grad(self, family, y, lin);
        }
        let p = self.cols();
        let coef = coef_as::<F>(&lin);
        let b0 = F::of(lin.intercept);
        let (row_len, bytes) = (avg_row_len(self), entry_bytes::<F, I>());
        fused_glm_pass(self.rows(), p, row_len, bytes, |rows, acc| {
            for i in rows {
                let (idx, val) = outer(self, i);
                let t = family.terms(y[i], b0 + sparse_dot(idx, val, &coef));
                acc.loss += t.loss.as_f64();
                acc.grad_intercept += t.residual.as_f64();
                sparse_axpy(t.residual, idx, val, &mut acc.grad);
            }
        })
    }

    /// The CSR pass multiplies every stored value into its row's `eta`.
    fn glm_loss_grad_checked(
        &self,
        family: GlmFamily,
        y: &Array1<F>,
        lin: Linear<'_>,
    ) -> Option<GlmLossGrad> {
        if !self.is_csr() {
            return self
                .all_finite()
                .then(|| self.glm_loss_grad(family, y, lin));
        }
        finite_from_pass(self, family, y, lin)
    }

    fn glm_loss(&self, family: GlmFamily, y: &Array1<F>, lin: Linear<'_>) -> f64 {
        if !self.is_csr() {
            return default_glm_loss_grad(self, family, y, lin).loss;
        }
        let coef = coef_as::<F>(&lin);
        let b0 = F::of(lin.intercept);
        fold_row_ranges(
            self.rows(),
            avg_row_len(self),
            entry_bytes::<F, I>(),
            || 0.0,
            |acc, rows| {
                acc + rows
                    .map(|i| {
                        let (idx, val) = outer(self, i);
                        family.loss(y[i], b0 + sparse_dot(idx, val, &coef)).as_f64()
                    })
                    .sum::<f64>()
            },
            |a, b| a + b,
        )
    }
}
