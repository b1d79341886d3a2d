//! The GLM family for sparse matrices: CSR in one fused pass over rows (dot, loss,
//! sparse axpy into a per-task gradient); CSC through the contract's defaults.

use super::storage::{avg_row_len, entry_bytes, outer, sparse_axpy, sparse_dot};
use crate::contract::{
    default_glm_loss_grad, finite_from_pass, GlmLossGrad, GlmOps, Linear, MatrixCore,
};
use crate::cpu::kernels::fold_row_ranges;
use crate::cpu::pass::{coef_as, fused_glm_pass};
use crate::element::{Float, GlmFamily};
use ndarray::Array1;
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
}
