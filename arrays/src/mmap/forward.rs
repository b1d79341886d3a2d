//! The array contract for the mapped blocks: every operation borrows the block's
//! view (an ndarray view for [`MmapBlock`], a sprs CSR view for [`MmapCsrBlock`]) and
//! runs the dense or sparse backend's own implementation on it, fused kernels
//! included. Passes over the data first advise the kernel to read the block's pages
//! (`WillNeed`), so a block on disk is read in large requests while the pass starts.
//!
//! Nothing is copied: the view is a pointer, a shape and strides into the map.

use super::csr::CsrView;
use super::{MapElement, MmapBlock, MmapCsrBlock};
use crate::contract::{
    ArrayError, BlockSolve, ClusterOps, GlmHessian, GlmLossGrad, GlmOps, GraphOps, KMeansStep,
    Linear, MatrixCore, Nearest, Neighbors,
};
use crate::element::GlmFamily;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// `$body` with `$v` bound to the dense block's view.
macro_rules! dense_view {
    ($b:expr, |$v:ident| $body:expr) => {{
        let $v = $b.view();
        $body
    }};
}

/// `$body` with `$v` bound to the CSR block's view, whichever its index types.
macro_rules! csr_view {
    ($b:expr, |$v:ident| $body:expr) => {
        match $b.view() {
            CsrView::P32I32($v) => $body,
            CsrView::P32I64($v) => $body,
            CsrView::P64I32($v) => $body,
            CsrView::P64I64($v) => $body,
        }
    };
}

/// The contract for `$block<F>`, each method run on the view `$with!` lends.
/// `pass` methods read the data: they advise the kernel first.
macro_rules! forward_contract {
    ($block:ident, $with:ident) => {
        impl<F: MapElement> MatrixCore<F> for $block<F> {
            type Vector = Array1<F>;
            type Block = Self;

            fn n_rows(&self) -> usize {
                self.rows().len()
            }

            fn n_cols(&self) -> usize {
                $with!(self, |m| MatrixCore::<F>::n_cols(&m))
            }

            fn describe(&self) -> String {
                let view = $with!(self, |m| m.describe());
                format!("mmap {view} ('{}')", self.path().display())
            }

            fn vector_from_host(&self, v: ArrayView1<F>) -> Result<Array1<F>, ArrayError> {
                $with!(self, |m| m.vector_from_host(v))
            }

            fn all_finite(&self) -> bool {
                self.will_need();
                $with!(self, |m| m.all_finite())
            }

            fn linear_predictor(&self, lin: Linear<'_>) -> Array1<F> {
                self.will_need();
                $with!(self, |m| m.linear_predictor(lin))
            }

            fn t_matvec(&self, r: &Array1<F>) -> Array1<f64> {
                self.will_need();
                $with!(self, |m| m.t_matvec(r))
            }

            fn weighted_gram(&self, w: &Array1<F>) -> Array2<f64> {
                self.will_need();
                $with!(self, |m| m.weighted_gram(w))
            }

            fn mul_small_t(&self, c: ArrayView2<f64>) -> Array2<F> {
                self.will_need();
                $with!(self, |m| m.mul_small_t(c))
            }

            fn glm_weights(&self, family: GlmFamily, eta: &Array1<F>) -> Array1<F> {
                $with!(self, |m| m.glm_weights(family, eta))
            }

            fn glm_residuals(
                &self,
                family: GlmFamily,
                y: &Array1<F>,
                eta: &Array1<F>,
            ) -> Array1<F> {
                $with!(self, |m| m.glm_residuals(family, y, eta))
            }

            fn blocks(&self) -> Vec<&Self> {
                vec![self]
            }

            fn vector_blocks<'v>(&self, v: &'v Array1<F>) -> Vec<&'v Array1<F>> {
                vec![v]
            }
        }

        impl<F: MapElement> GlmOps<F> for $block<F> {
            fn glm_loss_grad(
                &self,
                family: GlmFamily,
                y: &Array1<F>,
                lin: Linear<'_>,
            ) -> GlmLossGrad {
                self.will_need();
                $with!(self, |m| m.glm_loss_grad(family, y, lin))
            }

            fn glm_loss_grad_checked(
                &self,
                family: GlmFamily,
                y: &Array1<F>,
                lin: Linear<'_>,
            ) -> Option<GlmLossGrad> {
                self.will_need();
                $with!(self, |m| m.glm_loss_grad_checked(family, y, lin))
            }

            fn glm_loss(&self, family: GlmFamily, y: &Array1<F>, lin: Linear<'_>) -> f64 {
                self.will_need();
                $with!(self, |m| m.glm_loss(family, y, lin))
            }

            fn glm_hessian(&self, family: GlmFamily, lin: Linear<'_>) -> GlmHessian {
                self.will_need();
                $with!(self, |m| m.glm_hessian(family, lin))
            }
        }

        impl<F: MapElement> ClusterOps<F> for $block<F> {
            fn row_sq_norms(&self) -> Array1<F> {
                self.will_need();
                $with!(self, |m| m.row_sq_norms())
            }

            fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
                $with!(self, |m| m.rows_to_host(rows))
            }

            fn sq_distances(
                &self,
                points: ArrayView2<f64>,
                floor: Option<&Array1<F>>,
            ) -> Vec<Array1<F>> {
                self.will_need();
                $with!(self, |m| m.sq_distances(points, floor))
            }

            fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Array1<F>> {
                self.will_need();
                $with!(self, |m| m.nearest_center(centers))
            }

            fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Array1<F>) -> KMeansStep {
                self.will_need();
                $with!(self, |m| m.kmeans_step(centers, labels))
            }
        }

        impl<F: MapElement> GraphOps<F> for $block<F> {
            fn block_product(&self, v: &Array2<F>) -> Array2<F> {
                self.will_need();
                $with!(self, |m| m.block_product(v))
            }

            fn diagonal_from(&self, first_col: usize) -> Array1<F> {
                $with!(self, |m| m.diagonal_from(first_col))
            }

            fn laplacian_solver(&self, shift: f64) -> Option<Box<dyn BlockSolve<Array2<F>>>> {
                $with!(self, |m| m.laplacian_solver(shift))
            }

            fn rbf_kernel(&self, gamma: f64) -> Array2<F> {
                $with!(self, |m| m.rbf_kernel(gamma))
            }

            fn kneighbors(&self, k: usize) -> Result<Neighbors, ArrayError> {
                $with!(self, |m| m.kneighbors(k))
            }
        }
    };
}

forward_contract!(MmapBlock, dense_view);
forward_contract!(MmapCsrBlock, csr_view);
