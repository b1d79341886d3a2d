//! The GLM family of `CudaMatrix`: GEMV, one fused element kernel, GEMV.

use super::device::CudaFloat;
use super::matrix::CudaMatrix;
use super::vector::CudaVector;
use crate::contract::{GlmLossGrad, GlmOps, Linear};
use crate::element::GlmFamily;

impl<F: CudaFloat> GlmOps<F> for CudaMatrix<F> {
    /// GEMV for `X b`, one kernel for loss, residual and their sums (the residual
    /// overwrites `X b`), GEMV for `X^T r`; only the `p` gradient entries and the
    /// block partial sums reach the host.
    fn glm_loss_grad(&self, family: GlmFamily, y: &CudaVector<F>, lin: Linear<'_>) -> GlmLossGrad {
        let (loss, grad_intercept, grad) = self.glm_pass(family, y, lin, true);
        GlmLossGrad {
            loss,
            grad: grad.expect("gradient requested"),
            grad_intercept,
        }
    }

    fn glm_loss(&self, family: GlmFamily, y: &CudaVector<F>, lin: Linear<'_>) -> f64 {
        self.glm_pass(family, y, lin, false).0
    }
}
