//! The GLM family for sparse matrices: CSR in one fused pass over rows (dot, loss,
//! sparse axpy into a per-task gradient); CSC through the contract's defaults.

use super::storage::{avg_row_len, entry_bytes, outer, sparse_axpy, sparse_dot};
use crate::contract::{
    default_glm_loss_grad, finite_from_pass, ColumnSqSums, GlmLossGrad, GlmOps, Linear, MatrixCore,
};
use crate::cpu::kernels::fold_row_ranges;
use crate::cpu::pass::{coef_as, fused_glm_pass};
use crate::element::{Float, GlmFamily};
use ndarray::{Array1, ArrayView1};
use sprs::{CsMatBase, SpIndex};
use std::ops::Deref;

impl<F, I, Iptr, PS, IS, DS> GlmOps<F> for CsMatBase<F, I, PS, IS, DS, Iptr>
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
    PS: Deref<Target = [Iptr]> + Sync,
    IS: Deref<Target = [I]> + Sync,
    DS: Deref<Target = [F]> + Sync,
{
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

    /// One pass over the stored entries (rows in parallel for CSR, columns for CSC),
    /// counting them per column; the implicit zeros add `(n - count_j)` times
    /// `-c_j` and `c_j^2`. X is never densified.
    fn column_sq_sums(&self, shift: ArrayView1<f64>) -> ColumnSqSums {
        let (n, p) = (self.rows(), self.cols());
        // Per column: sum of deviations, sum of squares, number of stored entries.
        let add = |acc: &mut [f64], j: usize, v: F| {
            let d = v.as_f64() - shift[j];
            acc[3 * j] += d;
            acc[3 * j + 1] += d * d;
            acc[3 * j + 2] += 1.0;
        };
        let acc = if self.is_csr() {
            fold_row_ranges(
                n,
                avg_row_len(self),
                entry_bytes::<F, I>(),
                || vec![0.0; 3 * p],
                |mut acc, rows| {
                    for i in rows {
                        let (idx, val) = outer(self, i);
                        for (&j, &v) in idx.iter().zip(val) {
                            add(&mut acc, j.index_unchecked(), v);
                        }
                    }
                    acc
                },
                |mut a, b| {
                    a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                    a
                },
            )
        } else {
            let mut acc = vec![0.0; 3 * p];
            for j in 0..p {
                for &v in outer(self, j).1 {
                    add(&mut acc, j, v);
                }
            }
            acc
        };
        let mut out = ColumnSqSums::zeros(p);
        for j in 0..p {
            let zeros = n as f64 - acc[3 * j + 2];
            out.sums[j] = acc[3 * j] - zeros * shift[j];
            out.sq_sums[j] = acc[3 * j + 1] + zeros * shift[j] * shift[j];
        }
        out
    }
}
