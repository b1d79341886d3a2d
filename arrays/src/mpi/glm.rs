//! The GLM family of a distributed matrix: each process's own fused pass on its rows,
//! the `p + 2` numbers all-reduced (one all-reduce per evaluation).

use super::pack::{sum_hessian, sum_loss_grad};
use super::Distributed;
use crate::contract::{ColumnsOf, DataMatrix, GlmHessian, GlmLossGrad, GlmOps, Linear};
use crate::element::{Float, GlmFamily};

impl<F: Float, A: DataMatrix<F>> GlmOps<F> for Distributed<A>
where
    A::Vector: Send + Sync,
    ColumnsOf<F, A>: Send + Sync,
{
    fn glm_loss_grad(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> GlmLossGrad {
        let part = self.local.glm_loss_grad(family, &y.local, lin);
        sum_loss_grad(&self.layout.comm, Some(part), self.n_cols).expect("every part present")
    }

    /// `None` on every process when X is not finite on any.
    fn glm_loss_grad_checked(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        lin: Linear<'_>,
    ) -> Option<GlmLossGrad> {
        let part = self.local.glm_loss_grad_checked(family, &y.local, lin);
        sum_loss_grad(&self.layout.comm, part, self.n_cols)
    }

    fn glm_loss(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> f64 {
        self.layout
            .comm
            .sum_one(self.local.glm_loss(family, &y.local, lin))
    }

    fn glm_hessian(&self, family: GlmFamily, lin: Linear<'_>) -> GlmHessian {
        sum_hessian(&self.layout.comm, self.local.glm_hessian(family, lin))
    }
}
