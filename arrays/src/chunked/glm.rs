//! The GLM family of a chunked matrix: every chunk's own (fused) pass in parallel, the
//! parts added in chunk order so that fits repeat bit for bit.

use super::Chunked;
use crate::contract::{ColumnSqSums, DataMatrix, GlmHessian, GlmLossGrad, GlmOps, Linear};
use crate::element::{Float, GlmFamily};
use ndarray::ArrayView1;
use rayon::prelude::*;

/// Adds the chunks' parts of a fused GLM pass in chunk order (they are computed in
/// parallel): the sum then does not depend on how rayon split the work, so a fit on a
/// chunked array repeats bit for bit from run to run.
fn sum_in_chunk_order(parts: Vec<GlmLossGrad>, n_cols: usize) -> GlmLossGrad {
    parts
        .into_iter()
        .fold(GlmLossGrad::zeros(n_cols), GlmLossGrad::merge)
}

impl<F: Float, A: DataMatrix<F> + Send + Sync> GlmOps<F> for Chunked<A>
where
    A::Vector: Send + Sync,
{
    fn glm_loss_grad(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> GlmLossGrad {
        let parts: Vec<GlmLossGrad> = self
            .chunks
            .par_iter()
            .zip(&y.chunks)
            .map(|(c, yc)| c.glm_loss_grad(family, yc, lin))
            .collect();
        sum_in_chunk_order(parts, self.n_cols)
    }

    /// Each chunk answers for itself, in parallel.
    fn glm_loss_grad_checked(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        lin: Linear<'_>,
    ) -> Option<GlmLossGrad> {
        let parts: Option<Vec<GlmLossGrad>> = self
            .chunks
            .par_iter()
            .zip(&y.chunks)
            .map(|(c, yc)| c.glm_loss_grad_checked(family, yc, lin))
            .collect();
        Some(sum_in_chunk_order(parts?, self.n_cols))
    }

    fn glm_loss(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> f64 {
        let parts: Vec<f64> = self
            .chunks
            .par_iter()
            .zip(&y.chunks)
            .map(|(c, yc)| c.glm_loss(family, yc, lin))
            .collect();
        parts.iter().sum()
    }

    fn glm_hessian(&self, family: GlmFamily, lin: Linear<'_>) -> GlmHessian {
        let p = self.n_cols;
        self.chunks
            .par_iter()
            .map(|c| c.glm_hessian(family, lin))
            .reduce(|| GlmHessian::zeros(p), GlmHessian::merge)
    }

    /// Each chunk's own pass, in parallel, added in chunk order.
    fn column_sq_sums(&self, shift: ArrayView1<f64>) -> ColumnSqSums {
        let parts: Vec<ColumnSqSums> = self
            .chunks
            .par_iter()
            .map(|c| c.column_sq_sums(shift))
            .collect();
        parts
            .into_iter()
            .fold(ColumnSqSums::zeros(self.n_cols), ColumnSqSums::merge)
    }
}
