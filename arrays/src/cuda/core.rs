//! The core primitives of `CudaMatrix`: cuBLAS GEMV/GEMM for the products, NVRTC
//! kernels for the elementwise maps; only model-sized results reach the host.

use super::codes;
use super::device::{grid, launch, CudaFloat};
use super::matrix::{host_f64, small_col_major, view_from, CudaMatrix};
use super::vector::{local_to, CudaVector};
use crate::contract::{ArrayError, Linear, MatrixCore};
use crate::element::{ElementCheck, GlmFamily};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

impl<F: CudaFloat> MatrixCore<F> for CudaMatrix<F> {
    type Vector = CudaVector<F>;
    type Block = Self;

    fn n_rows(&self) -> usize {
        self.n_rows
    }

    fn n_cols(&self) -> usize {
        self.n_cols
    }

    fn describe(&self) -> String {
        format!(
            "cuda {} {}x{} (device {})",
            F::NAME,
            self.n_rows,
            self.n_cols,
            self.device()
        )
    }

    fn vector_from_host(&self, v: ArrayView1<F>) -> Result<CudaVector<F>, ArrayError> {
        if v.len() != self.n_rows {
            return Err(ArrayError::LengthMismatch {
                expected: self.n_rows,
                found: v.len(),
            });
        }
        let host: Vec<F> = v.iter().copied().collect();
        Ok(self.vector(self.lane.upload(&host)))
    }

    fn all_finite(&self) -> bool {
        let len = self.n_rows * self.n_cols;
        if len == 0 {
            return true;
        }
        let mut failed = self.lane.zeros::<i32>(1);
        let (len64, code) = (len as i64, codes::check(ElementCheck::Finite));
        launch!(self.lane, F, "dm_check_all", grid(len); &*self.data, &len64, &code, &mut failed);
        self.lane.download(&failed)[0] == 0
    }

    fn linear_predictor(&self, lin: Linear<'_>) -> CudaVector<F> {
        let (n, p) = (self.n_rows, self.n_cols);
        assert_eq!(lin.coef.len(), p, "coefficients");
        let mut eta = self.lane.alloc::<F>(n);
        if n > 0 {
            let (n64, b0) = (n as i64, F::of(lin.intercept));
            launch!(self.lane, F, "dm_fill", grid(n); &mut eta, &n64, &b0);
            let coef: Vec<F> = lin.coef.iter().map(|&c| F::of(c)).collect();
            if p > 0 {
                let coef = self.lane.upload(&coef);
                self.gemv(false, &coef, &mut eta, F::one());
            }
        }
        self.vector(eta)
    }

    fn t_matvec(&self, r: &CudaVector<F>) -> Array1<f64> {
        assert_eq!(r.data.len(), self.n_rows, "t_matvec length");
        let r = local_to(&self.lane, r);
        let mut out = self.lane.zeros::<F>(self.n_cols);
        if self.n_rows > 0 {
            self.gemv(true, &r, &mut out, F::zero());
        }
        self.lane
            .download(&out)
            .into_iter()
            .map(F::as_f64)
            .collect()
    }

    fn weighted_gram(&self, w: &CudaVector<F>) -> Array2<f64> {
        let (n, p) = (self.n_rows, self.n_cols);
        assert_eq!(w.data.len(), n, "weighted_gram length");
        let mut out = self.lane.zeros::<F>(p * p);
        if n > 0 && p > 0 {
            let w = local_to(&self.lane, w);
            let rb = self.rows_per_block(p);
            let mut scratch = self.lane.alloc::<F>(rb * p);
            let (n64, p64) = (n as i64, p as i64);
            for r0 in (0..n).step_by(rb) {
                let rbk = rb.min(n - r0);
                let (r064, rb64) = (r0 as i64, rbk as i64);
                launch!(self.lane, F, "dm_scale_row_block", grid(rbk * p);
                    &*self.data, &n64, &p64, &r064, &rb64, w.as_ref(), &mut scratch);
                // out += X_b^T (diag(w_b) X_b)
                let mut ov = out.as_view_mut();
                self.gemm(
                    (true, false),
                    (p, p, rbk),
                    (view_from(&self.data, r0), n),
                    (scratch.as_view(), rbk),
                    (&mut ov, p),
                    F::one(),
                );
            }
        }
        host_f64(&self.lane.download(&out), p, p)
    }

    fn glm_weights(&self, family: GlmFamily, eta: &CudaVector<F>) -> CudaVector<F> {
        let n = eta.data.len();
        let eta = local_to(&self.lane, eta);
        let mut out = self.lane.alloc::<F>(n);
        if n > 0 {
            let (n64, fam) = (n as i64, codes::family(family));
            launch!(self.lane, F, "dm_glm_weights", grid(n); eta.as_ref(), &mut out, &n64, &fam);
        }
        self.vector(out)
    }

    fn glm_residuals(
        &self,
        family: GlmFamily,
        y: &CudaVector<F>,
        eta: &CudaVector<F>,
    ) -> CudaVector<F> {
        let n = y.data.len();
        assert_eq!(n, eta.data.len(), "glm_residuals lengths");
        let (y, eta) = (local_to(&self.lane, y), local_to(&self.lane, eta));
        let mut out = self.lane.alloc::<F>(n);
        if n > 0 {
            let (n64, fam) = (n as i64, codes::family(family));
            launch!(self.lane, F, "dm_glm_residuals", grid(n);
                y.as_ref(), eta.as_ref(), &mut out, &n64, &fam);
        }
        self.vector(out)
    }

    fn blocks(&self) -> Vec<&Self> {
        vec![self]
    }

    fn vector_blocks<'v>(&self, v: &'v CudaVector<F>) -> Vec<&'v CudaVector<F>> {
        vec![v]
    }

    /// One GEMM: `X (C^T)` with `C^T` uploaded column-major (`p x k`).
    fn mul_small_t(&self, c: ArrayView2<f64>) -> CudaMatrix<F> {
        let (n, p, k) = (self.n_rows, self.n_cols, c.nrows());
        assert_eq!(c.ncols(), p, "C has {} columns, X has {p}", c.ncols());
        let ct = self.lane.upload(&small_col_major::<F>(c.t(), 1.0));
        let mut out = self.lane.zeros::<F>(n * k);
        {
            let mut ov = out.as_view_mut();
            self.gemm(
                (false, false),
                (n, k, p),
                (self.data.as_view(), n),
                (ct.as_view(), p),
                (&mut ov, n),
                F::zero(),
            );
        }
        self.with(out, n, k)
    }
}
