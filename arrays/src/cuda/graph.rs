//! The graph family of `CudaMatrix`: block products by GEMM, the diagonal by a kernel.

use super::device::{grid, launch, CudaFloat};
use super::matrix::{view_from, CudaMatrix};
use super::vector::CudaVector;
use crate::contract::GraphOps;

impl<F: CudaFloat> GraphOps<F> for CudaMatrix<F> {
    fn block_product(&self, v: &CudaMatrix<F>) -> CudaMatrix<F> {
        let (n, p, m) = (self.n_rows, self.n_cols, v.n_cols);
        assert_eq!(
            v.n_rows, p,
            "block_product: V has {} rows, X has {p} columns",
            v.n_rows
        );
        let vb = self.local_block(v);
        let mut out = self.lane.zeros::<F>(n * m);
        {
            let mut ov = out.as_view_mut();
            self.gemm(
                (false, false),
                (n, m, p),
                (self.data.as_view(), n),
                (view_from(&vb, 0), p),
                (&mut ov, n),
                F::zero(),
            );
        }
        self.with(out, n, m)
    }

    fn diagonal_from(&self, first_col: usize) -> CudaVector<F> {
        let (n, p) = (self.n_rows, self.n_cols);
        let mut out = self.lane.zeros::<F>(n);
        if n > 0 {
            let (n64, p64, f64_) = (n as i64, p as i64, first_col as i64);
            launch!(self.lane, F, "dm_diagonal_from", grid(n); &*self.data, &n64, &p64, &f64_, &mut out);
        }
        self.vector(out)
    }
}
