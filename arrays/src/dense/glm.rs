//! The GLM family for dense matrices: every pass is the fused row-block kernel of
//! `glm_pass.rs` (one read of each row: dot, loss, axpy while in L1).

use super::glm_pass::dense_glm_pass;
use crate::contract::{finite_from_pass, GlmLossGrad, GlmOps, Linear};
use crate::element::{Float, GlmFamily};
use ndarray::{Array1, ArrayBase, Data, Ix2};

impl<F, S> GlmOps<F> for ArrayBase<S, Ix2>
where
    F: Float,
    S: Data<Elem = F> + Sync,
{
    fn glm_loss_grad(&self, family: GlmFamily, y: &Array1<F>, lin: Linear<'_>) -> GlmLossGrad {
        dense_glm_pass::<F, true>(self.view(), family, y, lin)
    }

    /// The fused pass multiplies every element into its row's `eta`.
    fn glm_loss_grad_checked(
        &self,
        family: GlmFamily,
        y: &Array1<F>,
        lin: Linear<'_>,
    ) -> Option<GlmLossGrad> {
        finite_from_pass(self, family, y, lin)
    }

    fn glm_loss(&self, family: GlmFamily, y: &Array1<F>, lin: Linear<'_>) -> f64 {
        dense_glm_pass::<F, false>(self.view(), family, y, lin).loss
    }
}
