//! The graph family for dense matrices: block products by GEMM on row ranges and the
//! diagonal read in place; the RBF kernel, k-NN and Laplacian solver take the
//! contract's defaults (which run on the dense clustering passes).

use crate::contract::GraphOps;
use crate::element::Float;
use ndarray::{Array1, Array2, ArrayBase, Data, Ix2};

impl<F, S> GraphOps<F> for ArrayBase<S, Ix2>
where
    F: Float,
    S: Data<Elem = F> + Sync,
{
    fn block_product(&self, v: &Array2<F>) -> Array2<F> {
        super::matrix::gemm_rows(self, v)
    }

    fn diagonal_from(&self, first_col: usize) -> Array1<F> {
        (0..self.nrows())
            .map(|i| {
                if first_col + i < self.ncols() {
                    self[[i, first_col + i]]
                } else {
                    F::zero()
                }
            })
            .collect()
    }
}
