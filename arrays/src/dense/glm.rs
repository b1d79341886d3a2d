//! The GLM family for dense matrices: every pass is the fused row-block kernel of
//! `glm_pass.rs` (one read of each row: dot, loss, axpy while in L1).

use super::glm_pass::dense_glm_pass;
use crate::contract::{finite_from_pass, ColumnSqSums, GlmLossGrad, GlmOps, Linear};
use crate::cpu::kernels::fold_row_ranges;
use crate::cpu::pass::elem_bytes;
use crate::element::{Float, GlmFamily};
use ndarray::{s, Array1, ArrayBase, ArrayView1, Data, Ix2};

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

    /// One pass over row ranges, in parallel, each row's deviations from the shift
    /// accumulated in `f64`.
    fn column_sq_sums(&self, shift: ArrayView1<f64>) -> ColumnSqSums {
        let p = self.ncols();
        let x = self.view();
        fold_row_ranges(
            self.nrows(),
            p,
            elem_bytes::<F>(),
            || ColumnSqSums::zeros(p),
            |mut acc, range| {
                let (sums, sq) = (acc.sums.view_mut(), acc.sq_sums.view_mut());
                let (sums, sq) = (sums.into_slice().unwrap(), sq.into_slice().unwrap());
                for row in x.slice(s![range, ..]).rows() {
                    for (j, &v) in row.iter().enumerate() {
                        let d = v.as_f64() - shift[j];
                        sums[j] += d;
                        sq[j] += d * d;
                    }
                }
                acc
            },
            ColumnSqSums::merge,
        )
    }
}
