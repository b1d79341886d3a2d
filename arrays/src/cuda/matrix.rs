//! `CudaMatrix`: a dense column-major matrix in GPU memory, implementing the contract
//! (and serving as the block type of its own sample vectors).

use super::codes;
use super::device::{grid, launch, ok, reduce_grid, CudaFloat, Lane, MAX_REDUCE_BLOCKS};
use super::vector::{local_to, sum_partials, CudaVector};
use super::CudaError;
use crate::cluster::{check_rows, sq_norms};
use crate::{
    ArrayError, Chunked, DataMatrix, ElementCheck, Float, GlmFamily, GlmLossGrad, KMeansStep,
    Linear, Nearest, SampleBlock, SplitRows, UnaryOp,
};
use cudarc::cublas::sys::cublasOperation_t::{CUBLAS_OP_N, CUBLAS_OP_T};
use cudarc::cublas::{GemmConfig, GemvConfig};
use cudarc::driver::{CudaSlice, CudaView, CudaViewMut};
use ndarray::{s, Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};
use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Elements of a row block's scratch matrix (`X^T diag(w) X`, k-means distances): the
/// passes over X work on row blocks of about this many elements (128 MiB of `f64` by
/// default; tests lower it to cross block boundaries on small data).
static BLOCK_ELEMS: AtomicUsize = AtomicUsize::new(1 << 24);

/// Sets the scratch size of the row-block passes (elements; at least 1). For tests
/// that exercise several row blocks on small matrices.
#[doc(hidden)]
pub fn set_row_block_elems(elems: usize) {
    BLOCK_ELEMS.store(elems.max(1), Ordering::Relaxed);
}

/// A dense `n x p` matrix in GPU memory, column-major (element `(i, j)` at `i + j n`).
///
/// ```no_run
/// use duckml_arrays::cuda::CudaMatrix;
/// use duckml_arrays::{DataMatrix, GlmFamily, Linear};
/// use ndarray::{array, Array1};
///
/// let x = CudaMatrix::from_host(&array![[1.0, 2.0], [3.0, 4.0]])?;
/// let y = x.vector_from_host(array![0.5, 1.5].view())?;
/// let coef = array![0.1, -0.2];
/// let part = x.glm_loss_grad(GlmFamily::Gaussian, &y, Linear { coef: coef.view(), intercept: 0.3 });
/// assert!((part.grad_intercept + 2.2).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CudaMatrix<F: CudaFloat> {
    data: Arc<CudaSlice<F>>,
    n_rows: usize,
    n_cols: usize,
    lane: Arc<Lane>,
}

impl<F: CudaFloat> Clone for CudaMatrix<F> {
    fn clone(&self) -> Self {
        // Matrices are never written after construction: clones share the buffer.
        CudaMatrix {
            data: self.data.clone(),
            n_rows: self.n_rows,
            n_cols: self.n_cols,
            lane: self.lane.clone(),
        }
    }
}

impl<F: CudaFloat> fmt::Debug for CudaMatrix<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// `v` as a cuBLAS dimension.
fn dim(v: usize) -> i32 {
    i32::try_from(v).unwrap_or_else(|_| panic!("duckml cuda: dimension {v} exceeds cuBLAS's i32"))
}

/// A view of `buf` from element `off` (the whole buffer when `off == 0`).
fn view_from<F>(buf: &CudaSlice<F>, off: usize) -> CudaView<'_, F> {
    if off == 0 {
        buf.as_view()
    } else {
        buf.slice(off..)
    }
}

fn view_mut_from<F>(buf: &mut CudaSlice<F>, off: usize) -> CudaViewMut<'_, F> {
    if off == 0 {
        buf.as_view_mut()
    } else {
        buf.slice_mut(off..)
    }
}

/// Column-major copy of a host matrix.
fn col_major<F: Float, S: Data<Elem = F>>(x: &ArrayBase<S, Ix2>) -> Vec<F> {
    x.t().iter().copied().collect()
}

/// A small host matrix (`f64`, any layout) as a column-major `F` buffer, scaled.
fn small_col_major<F: Float>(c: ArrayView2<f64>, scale: f64) -> Vec<F> {
    c.t().iter().map(|&v| F::of(scale * v)).collect()
}

/// A column-major `r x c` device result on the host, as `f64`.
fn host_f64<F: Float>(v: &[F], r: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_fn((r, c), |(i, j)| v[i + j * r].as_f64())
}

impl<F: CudaFloat> CudaMatrix<F> {
    /// Copies a host matrix (any layout) to the first GPU, on a stream of its own.
    /// Errors with [`CudaError::NoGpu`] when no GPU (or CUDA library) is available.
    pub fn from_host<S: Data<Elem = F>>(x: &ArrayBase<S, Ix2>) -> Result<Self, CudaError> {
        Self::from_host_on(x, 0)
    }

    /// Copies a host matrix to GPU `device` (taken modulo the number of GPUs).
    pub fn from_host_on<S: Data<Elem = F>>(
        x: &ArrayBase<S, Ix2>,
        device: usize,
    ) -> Result<Self, CudaError> {
        let (n, p) = x.dim();
        if n > i32::MAX as usize || p > i32::MAX as usize {
            return Err(CudaError::Invalid(format!(
                "a {n} x {p} matrix exceeds cuBLAS's 32-bit dimensions: chunk its rows"
            )));
        }
        let lane = Lane::new::<F>(device)?;
        let host = col_major(x);
        let data = if host.is_empty() {
            lane.alloc(0)
        } else {
            lane.stream
                .clone_htod(&host)
                .map_err(|e| CudaError::Device(format!("host-to-device copy: {e:?}")))?
        };
        Ok(CudaMatrix {
            data: Arc::new(data),
            n_rows: n,
            n_cols: p,
            lane,
        })
    }

    /// Splits a host matrix into chunks of `rows_per_chunk` rows, each copied to a GPU
    /// with its own stream and cuBLAS handle (round-robin over the GPUs): Dask-of-CuPy.
    pub fn chunked_from_host<S: Data<Elem = F>>(
        x: &ArrayBase<S, Ix2>,
        rows_per_chunk: usize,
    ) -> Result<Chunked<CudaMatrix<F>>, CudaError> {
        if rows_per_chunk == 0 {
            return Err(CudaError::Invalid(
                "rows_per_chunk must be at least 1".into(),
            ));
        }
        super::available()?;
        let n = x.nrows();
        if n == 0 {
            return Err(CudaError::Invalid(
                "cannot chunk an array with no rows".into(),
            ));
        }
        let chunks = (0..n)
            .step_by(rows_per_chunk)
            .enumerate()
            .map(|(c, r0)| {
                let r1 = (r0 + rows_per_chunk).min(n);
                Self::from_host_on(&x.slice(s![r0..r1, ..]), c)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Chunked::from_chunks(chunks).map_err(|e| CudaError::Invalid(e.to_string()))
    }

    /// Copies the matrix back to the host (standard layout).
    pub fn to_host(&self) -> Array2<F> {
        let v = self.lane.download(&self.data);
        let (n, p) = (self.n_rows, self.n_cols);
        Array2::from_shape_fn((n, p), |(i, j)| v[i + j * n])
    }

    /// The device (ordinal) the matrix lives on.
    pub fn device(&self) -> usize {
        self.lane.ordinal()
    }

    fn with(&self, data: CudaSlice<F>, n_rows: usize, n_cols: usize) -> Self {
        CudaMatrix {
            data: Arc::new(data),
            n_rows,
            n_cols,
            lane: self.lane.clone(),
        }
    }

    fn vector(&self, data: CudaSlice<F>) -> CudaVector<F> {
        CudaVector::new(data, self.lane.clone())
    }

    /// `other`'s buffer, usable on this matrix's device.
    fn local_block<'a>(&self, other: &'a CudaMatrix<F>) -> Cow<'a, CudaSlice<F>> {
        if self.lane.same_device(&other.lane) || other.data.is_empty() {
            Cow::Borrowed(&*other.data)
        } else {
            Cow::Owned(ok(self.lane.stream.clone_dtod(&*other.data), "peer copy"))
        }
    }

    /// `y = X v + beta y` (`trans = N`) or `y = X^T v + beta y` (`trans = T`).
    fn gemv(&self, transpose: bool, v: &CudaSlice<F>, y: &mut CudaSlice<F>, beta: F) {
        let (n, p) = (self.n_rows, self.n_cols);
        let (out_len, in_len) = if transpose { (p, n) } else { (n, p) };
        debug_assert!(v.len() >= in_len && y.len() >= out_len);
        if out_len == 0 {
            return;
        }
        let cfg = GemvConfig {
            trans: if transpose { CUBLAS_OP_T } else { CUBLAS_OP_N },
            m: dim(n),
            n: dim(p),
            alpha: F::one(),
            lda: dim(n.max(1)),
            incx: 1,
            beta,
            incy: 1,
        };
        let (a, x) = (self.data.as_view(), view_from(v, 0));
        let mut yv = view_mut_from(y, 0);
        ok(
            self.lane.blas(|b| F::gemv(b, cfg, &a, &x, &mut yv)),
            "cuBLAS gemv",
        );
    }

    /// `C = op(A) op(B) + beta C` on this matrix's lane, all column-major.
    #[allow(clippy::too_many_arguments)]
    fn gemm(
        &self,
        (ta, tb): (bool, bool),
        (m, n, k): (usize, usize, usize),
        (a, lda): (CudaView<'_, F>, usize),
        (b, ldb): (CudaView<'_, F>, usize),
        (c, ldc): (&mut CudaViewMut<'_, F>, usize),
        beta: F,
    ) {
        if m == 0 || n == 0 {
            return;
        }
        let op = |t: bool| if t { CUBLAS_OP_T } else { CUBLAS_OP_N };
        let cfg = GemmConfig {
            transa: op(ta),
            transb: op(tb),
            m: dim(m),
            n: dim(n),
            k: dim(k),
            alpha: F::one(),
            lda: dim(lda.max(1)),
            ldb: dim(ldb.max(1)),
            beta,
            ldc: dim(ldc.max(1)),
        };
        ok(
            self.lane.blas(|h| F::gemm(h, cfg, &a, &b, c)),
            "cuBLAS gemm",
        );
    }

    /// `G = -2 X[r0..r0+rb] C^T` (rb x k, column-major) for `cm2 = -2 C^T` (p x k).
    fn neg2_cross(&self, r0: usize, rb: usize, cm2: &CudaSlice<F>, k: usize, g: &mut CudaSlice<F>) {
        let (n, p) = (self.n_rows, self.n_cols);
        let mut gv = view_mut_from(g, 0);
        self.gemm(
            (false, false),
            (rb, k, p),
            (view_from(&self.data, r0), n),
            (view_from(cm2, 0), p),
            (&mut gv, rb),
            F::zero(),
        );
    }

    /// Rows per block of a pass whose scratch has `width` columns.
    fn rows_per_block(&self, width: usize) -> usize {
        (BLOCK_ELEMS.load(Ordering::Relaxed) / width.max(1)).clamp(1, self.n_rows.max(1))
    }

    /// The k-means assignment pass shared by `nearest_center` and `kmeans_step`:
    /// labels (and distances when `dist` is given), and with `sums` the one-hot GEMM
    /// that adds the rows per centre. Returns (inertia, changed, counts, sums k x p).
    fn assign(
        &self,
        centers: ArrayView2<f64>,
        labels: &mut CudaSlice<F>,
        mut dist: Option<&mut CudaSlice<F>>,
        with_sums: bool,
    ) -> (f64, u64, Vec<u64>, Array2<f64>) {
        let (n, p, k) = (self.n_rows, self.n_cols, centers.nrows());
        assert!(k > 0, "k-means needs a centre");
        assert_eq!(
            centers.ncols(),
            p,
            "centres have {} columns, X has {p}",
            centers.ncols()
        );
        let lane = &self.lane;
        if n == 0 {
            return (0.0, 0, vec![0; k], Array2::zeros((k, p)));
        }
        let cm2 = lane.upload(&small_col_major::<F>(centers.t(), -2.0));
        let csq = lane.upload(&sq_norms(centers).into_iter().map(F::of).collect::<Vec<F>>());
        let c64 = lane.upload(&centers.iter().copied().collect::<Vec<f64>>());
        let rb = self.rows_per_block(k.max(p));
        let n_blocks = n.div_ceil(rb);
        let mut g = lane.zeros::<F>(rb * k);
        let mut onehot = lane.zeros::<F>(if with_sums { rb * k } else { 1 });
        let mut sums_blk = lane.zeros::<F>(if with_sums { p * k } else { 1 });
        let mut acc = lane.zeros::<f64>(if with_sums { p * k } else { 1 });
        let mut counts = lane.zeros::<u64>(k);
        let mut dummy = lane.zeros::<F>(1);
        let mut parts_i = lane.zeros::<f64>(n_blocks * MAX_REDUCE_BLOCKS);
        let mut parts_c = lane.zeros::<f64>(n_blocks * MAX_REDUCE_BLOCKS);
        let (n64, p64, k64) = (n as i64, p as i64, k as i64);
        let write_dist = i32::from(dist.is_some());
        let write_onehot = i32::from(with_sums);
        for b in 0..n_blocks {
            let r0 = b * rb;
            let rbk = rb.min(n - r0);
            self.neg2_cross(r0, rbk, &cm2, k, &mut g);
            let (r064, rb64) = (r0 as i64, rbk as i64);
            let mut pi = parts_i.slice_mut(b * MAX_REDUCE_BLOCKS..(b + 1) * MAX_REDUCE_BLOCKS);
            let mut pc = parts_c.slice_mut(b * MAX_REDUCE_BLOCKS..(b + 1) * MAX_REDUCE_BLOCKS);
            let dist_buf: &mut CudaSlice<F> = match dist.as_deref_mut() {
                Some(d) => d,
                None => &mut dummy,
            };
            launch!(lane, F, "dm_kmeans_assign", reduce_grid(rbk);
                &*self.data, &n64, &p64, &r064, &rb64, &g, &csq, &k64, &c64,
                &mut *labels, &mut *dist_buf, &write_dist, &mut onehot, &write_onehot,
                &mut counts, &mut pi, &mut pc);
            if with_sums {
                let mut sv = sums_blk.as_view_mut();
                self.gemm(
                    (true, false),
                    (p, k, rbk),
                    (view_from(&self.data, r0), n),
                    (onehot.as_view(), rbk),
                    (&mut sv, p),
                    F::zero(),
                );
                let len = (p * k) as i64;
                launch!(lane, F, "dm_add_to_f64", grid(p * k); &mut acc, &sums_blk, &len);
            }
        }
        let inertia = sum_partials(lane, &parts_i);
        let changed = sum_partials(lane, &parts_c).round() as u64;
        let counts = lane.download(&counts);
        let sums = if with_sums {
            let acc = lane.download(&acc);
            Array2::from_shape_fn((k, p), |(j, a)| acc[a + j * p])
        } else {
            Array2::zeros((k, p))
        };
        (inertia, changed, counts, sums)
    }
}

impl<F: CudaFloat> SplitRows for CudaMatrix<F> {
    /// Copies rows `start..end` to a new matrix on the same device with its own stream
    /// (so `Chunked::from_array` gives independent streams too).
    fn row_range(&self, start: usize, end: usize) -> Self {
        let (n, p) = (self.n_rows, self.n_cols);
        assert!(
            start <= end && end <= n,
            "row range {start}..{end} of {n} rows"
        );
        let rb = end - start;
        let lane = ok(Lane::new::<F>(self.lane.ordinal()), "creating a stream");
        let mut out = lane.alloc::<F>(rb * p);
        if rb > 0 {
            for j in 0..p {
                let src = self.data.slice(start + j * n..end + j * n);
                let mut dst = out.slice_mut(j * rb..(j + 1) * rb);
                ok(lane.stream.memcpy_dtod(&src, &mut dst), "device copy");
            }
        }
        CudaMatrix {
            data: Arc::new(out),
            n_rows: rb,
            n_cols: p,
            lane,
        }
    }

    fn rows_count(&self) -> usize {
        self.n_rows
    }
}

impl<F: CudaFloat> DataMatrix<F> for CudaMatrix<F> {
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

    fn row_sq_norms(&self) -> CudaVector<F> {
        let (n, p) = (self.n_rows, self.n_cols);
        let mut out = self.lane.zeros::<F>(n);
        if n > 0 {
            let (n64, p64) = (n as i64, p as i64);
            launch!(self.lane, F, "dm_row_sq_norms", grid(n); &*self.data, &n64, &p64, &mut out);
        }
        self.vector(out)
    }

    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        let (n, p, m) = (self.n_rows, self.n_cols, rows.len());
        check_rows(n, rows)?;
        if m == 0 || p == 0 {
            return Ok(Array2::zeros((m, p)));
        }
        let idx: Vec<i64> = rows.iter().map(|&r| r as i64).collect();
        let idx = self.lane.upload(&idx);
        let mut out = self.lane.alloc::<F>(m * p);
        let (n64, p64, m64) = (n as i64, p as i64, m as i64);
        launch!(self.lane, F, "dm_gather_rows", grid(m * p);
            &*self.data, &n64, &p64, &idx, &m64, &mut out);
        Ok(host_f64(&self.lane.download(&out), m, p))
    }

    fn sq_distances(
        &self,
        points: ArrayView2<f64>,
        floor: Option<&CudaVector<F>>,
    ) -> Vec<CudaVector<F>> {
        let (n, p, t) = (self.n_rows, self.n_cols, points.nrows());
        assert_eq!(
            points.ncols(),
            p,
            "points have {} columns, X has {p}",
            points.ncols()
        );
        if t == 0 {
            return Vec::new();
        }
        if n == 0 {
            return (0..t).map(|_| self.vector(self.lane.alloc(0))).collect();
        }
        let lane = &self.lane;
        let xx = self.row_sq_norms();
        let pm2 = lane.upload(&small_col_major::<F>(points.t(), -2.0));
        let psq = lane.upload(&sq_norms(points).into_iter().map(F::of).collect::<Vec<F>>());
        let mut g = lane.zeros::<F>(n * t);
        {
            let mut gv = g.as_view_mut();
            self.gemm(
                (false, false),
                (n, t, p),
                (self.data.as_view(), n),
                (pm2.as_view(), p),
                (&mut gv, n),
                F::zero(),
            );
        }
        let floor_buf = floor.map(|f| {
            assert_eq!(f.data.len(), n, "floor length");
            local_to(lane, f)
        });
        let has_floor = i32::from(floor_buf.is_some());
        let fb: &CudaSlice<F> = floor_buf.as_deref().unwrap_or(&xx.data);
        let (n64, t64) = (n as i64, t as i64);
        launch!(lane, F, "dm_sq_dist_finish", grid(n * t);
            &mut g, &n64, &t64, &xx.data, &psq, fb, &has_floor);
        if t == 1 {
            return vec![self.vector(g)];
        }
        (0..t)
            .map(|j| {
                let col = ok(
                    lane.stream.clone_dtod(&g.slice(j * n..(j + 1) * n)),
                    "device copy",
                );
                self.vector(col)
            })
            .collect()
    }

    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<CudaVector<F>> {
        let n = self.n_rows;
        let mut labels = self.lane.zeros::<F>(n);
        let mut dist = self.lane.zeros::<F>(n);
        self.assign(centers, &mut labels, Some(&mut dist), false);
        Nearest {
            labels: self.vector(labels),
            sq_dist: self.vector(dist),
        }
    }

    /// Per row block: GEMM for `-2 X_b C^T`, one kernel for argmin, exact distance,
    /// label change and the one-hot assignment, GEMM `X_b^T onehot` for the per-centre
    /// sums (accumulated in `f64`). Only `k x p` sums, `k` counts and the partial sums
    /// reach the host.
    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut CudaVector<F>) -> KMeansStep {
        assert_eq!(labels.data.len(), self.n_rows, "labels length");
        if !self.lane.same_device(&labels.lane) {
            *labels = CudaVector::new(
                ok(self.lane.stream.clone_dtod(&labels.data), "peer copy"),
                self.lane.clone(),
            );
        }
        let (inertia, n_changed, counts, sums) = self.assign(centers, &mut labels.data, None, true);
        KMeansStep {
            sums,
            counts,
            inertia,
            n_changed,
        }
    }

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

impl<F: CudaFloat> CudaMatrix<F> {
    /// The fused GLM pass: `(loss sum, residual sum, X^T r if with_grad)`.
    fn glm_pass(
        &self,
        family: GlmFamily,
        y: &CudaVector<F>,
        lin: Linear<'_>,
        with_grad: bool,
    ) -> (f64, f64, Option<Array1<f64>>) {
        let (n, p) = (self.n_rows, self.n_cols);
        assert_eq!(y.data.len(), n, "y length");
        assert_eq!(lin.coef.len(), p, "coefficients");
        if n == 0 {
            return (0.0, 0.0, with_grad.then(|| Array1::zeros(p)));
        }
        let lane = &self.lane;
        let y = local_to(lane, y);
        let mut eta = lane.zeros::<F>(n);
        if p > 0 {
            let coef: Vec<F> = lin.coef.iter().map(|&c| F::of(c)).collect();
            let coef = lane.upload(&coef);
            self.gemv(false, &coef, &mut eta, F::zero());
        }
        let cfg = reduce_grid(n);
        let mut pl = lane.alloc::<f64>(cfg.grid_dim.0 as usize);
        let mut pr = lane.alloc::<f64>(cfg.grid_dim.0 as usize);
        let (n64, fam, b0, write) = (
            n as i64,
            codes::family(family),
            F::of(lin.intercept),
            i32::from(with_grad),
        );
        launch!(lane, F, "dm_glm_pass", cfg;
            y.as_ref(), &mut eta, &n64, &fam, &b0, &write, &mut pl, &mut pr);
        let grad = with_grad.then(|| {
            let mut g = lane.zeros::<F>(p);
            if p > 0 {
                self.gemv(true, &eta, &mut g, F::zero());
            }
            lane.download(&g).into_iter().map(F::as_f64).collect()
        });
        (sum_partials(lane, &pl), sum_partials(lane, &pr), grad)
    }
}

impl<F: CudaFloat> SampleBlock<F> for CudaMatrix<F> {
    fn from_columns(cols: &[CudaVector<F>]) -> Self {
        let first = cols.first().expect("at least one column");
        let (n, m) = (first.data.len(), cols.len());
        let lane = first.lane.clone();
        let mut out = lane.alloc::<F>(n * m);
        if n > 0 {
            for (j, c) in cols.iter().enumerate() {
                assert_eq!(c.data.len(), n, "columns of equal length");
                let mut dst = out.slice_mut(j * n..(j + 1) * n);
                ok(lane.stream.memcpy_dtod(&c.data, &mut dst), "device copy");
            }
        }
        CudaMatrix {
            data: Arc::new(out),
            n_rows: n,
            n_cols: m,
            lane,
        }
    }

    fn column(&self, j: usize) -> CudaVector<F> {
        let n = self.n_rows;
        assert!(j < self.n_cols, "column {j} of {}", self.n_cols);
        if n == 0 {
            return self.vector(self.lane.alloc(0));
        }
        let col = ok(
            self.lane
                .stream
                .clone_dtod(&self.data.slice(j * n..(j + 1) * n)),
            "device copy",
        );
        self.vector(col)
    }

    fn block_to_host(&self) -> Array2<F> {
        self.to_host()
    }

    fn gram(&self, other: &Self) -> Array2<f64> {
        let (n, m1, m2) = (self.n_rows, self.n_cols, other.n_cols);
        assert_eq!(other.n_rows, n, "gram: row counts differ");
        let ob = self.local_block(other);
        let mut out = self.lane.zeros::<F>(m1 * m2);
        if n > 0 {
            let mut ov = out.as_view_mut();
            self.gemm(
                (true, false),
                (m1, m2, n),
                (self.data.as_view(), n),
                (view_from(&ob, 0), n),
                (&mut ov, m1),
                F::zero(),
            );
        }
        host_f64(&self.lane.download(&out), m1, m2)
    }

    fn mul_small(&self, c: ArrayView2<f64>) -> Self {
        let (n, m, m2) = (self.n_rows, self.n_cols, c.ncols());
        assert_eq!(
            c.nrows(),
            m,
            "mul_small: c has {} rows, the block {m} columns",
            c.nrows()
        );
        let cdev = self.lane.upload(&small_col_major::<F>(c, 1.0));
        let mut out = self.lane.zeros::<F>(n * m2);
        {
            let mut ov = out.as_view_mut();
            self.gemm(
                (false, false),
                (n, m2, m),
                (self.data.as_view(), n),
                (cdev.as_view(), m),
                (&mut ov, n),
                F::zero(),
            );
        }
        self.with(out, n, m2)
    }

    fn axpby(&self, a: f64, other: &Self, b: f64) -> Self {
        let len = self.n_rows * self.n_cols;
        assert_eq!(
            (other.n_rows, other.n_cols),
            (self.n_rows, self.n_cols),
            "axpby shapes"
        );
        let ob = self.local_block(other);
        let mut out = self.lane.alloc::<F>(len);
        if len > 0 {
            let (len64, a, b) = (len as i64, F::of(a), F::of(b));
            launch!(self.lane, F, "dm_axpby", grid(len);
                &*self.data, ob.as_ref(), &mut out, &len64, &a, &b);
        }
        self.with(out, self.n_rows, self.n_cols)
    }

    fn scale_rows(&self, d: &CudaVector<F>) -> Self {
        let (n, m) = (self.n_rows, self.n_cols);
        assert_eq!(d.data.len(), n, "scale_rows length");
        let d = local_to(&self.lane, d);
        let mut out = self.lane.alloc::<F>(n * m);
        if n * m > 0 {
            let (n64, m64) = (n as i64, m as i64);
            launch!(self.lane, F, "dm_scale_rows", grid(n * m);
                &*self.data, d.as_ref(), &mut out, &n64, &m64);
        }
        self.with(out, n, m)
    }

    fn axpby_rows(&self, a: &CudaVector<F>, other: &Self, b: &CudaVector<F>) -> Self {
        let (n, m) = (self.n_rows, self.n_cols);
        assert_eq!((other.n_rows, other.n_cols), (n, m), "axpby_rows shapes");
        assert!(a.data.len() == n && b.data.len() == n, "axpby_rows lengths");
        let ob = self.local_block(other);
        let (a, b) = (local_to(&self.lane, a), local_to(&self.lane, b));
        let mut out = self.lane.alloc::<F>(n * m);
        if n * m > 0 {
            let (n64, m64) = (n as i64, m as i64);
            launch!(self.lane, F, "dm_axpby_rows", grid(n * m);
                &*self.data, a.as_ref(), ob.as_ref(), b.as_ref(), &mut out, &n64, &m64);
        }
        self.with(out, n, m)
    }

    fn add_product(&self, u: &Self, c: ArrayView2<f64>) -> Self {
        let (n, m, mu) = (self.n_rows, self.n_cols, u.n_cols);
        assert_eq!(u.n_rows, n, "add_product: row counts differ");
        assert_eq!(
            c.dim(),
            (mu, m),
            "add_product: c is {:?}, want ({mu}, {m})",
            c.dim()
        );
        let ub = self.local_block(u);
        let mut out = if n * m > 0 {
            ok(self.lane.stream.clone_dtod(&*self.data), "device copy")
        } else {
            self.lane.alloc::<F>(0)
        };
        if n * m > 0 && mu > 0 {
            let cdev = self.lane.upload(&small_col_major::<F>(c, 1.0));
            let mut ov = out.as_view_mut();
            self.gemm(
                (false, false),
                (n, m, mu),
                (view_from(&ub, 0), n),
                (cdev.as_view(), mu),
                (&mut ov, n),
                F::one(),
            );
        }
        self.with(out, n, m)
    }

    fn hcat(&self, other: &Self) -> Self {
        let (n, m1, m2) = (self.n_rows, self.n_cols, other.n_cols);
        assert_eq!(other.n_rows, n, "hcat: row counts differ");
        let ob = self.local_block(other);
        let mut out = self.lane.alloc::<F>(n * (m1 + m2));
        if n * m1 > 0 {
            let mut dst = out.slice_mut(..n * m1);
            ok(
                self.lane.stream.memcpy_dtod(&*self.data, &mut dst),
                "device copy",
            );
        }
        if n * m2 > 0 {
            let mut dst = out.slice_mut(n * m1..);
            ok(
                self.lane.stream.memcpy_dtod(ob.as_ref(), &mut dst),
                "device copy",
            );
        }
        self.with(out, n, m1 + m2)
    }

    fn vcat(parts: &[&Self]) -> Self {
        let first = parts.first().expect("at least one block");
        let m = first.n_cols;
        let total: usize = parts.iter().map(|b| b.n_rows).sum();
        let lane = first.lane.clone();
        let mut out = lane.alloc::<F>(total * m);
        let mut off = 0;
        for part in parts {
            assert_eq!(part.n_cols, m, "vcat: column counts differ");
            let ni = part.n_rows;
            if ni > 0 {
                for j in 0..m {
                    let src = part.data.slice(j * ni..(j + 1) * ni);
                    let mut dst = out.slice_mut(off + j * total..off + j * total + ni);
                    // Peer copies when the part lives on another device.
                    ok(lane.stream.memcpy_dtod(&src, &mut dst), "device copy");
                }
            }
            off += ni;
        }
        CudaMatrix {
            data: Arc::new(out),
            n_rows: total,
            n_cols: m,
            lane,
        }
    }

    fn argmax_abs_rows(&self) -> CudaVector<F> {
        let (n, m) = (self.n_rows, self.n_cols);
        let mut out = self.lane.zeros::<F>(n);
        if n > 0 && m > 0 {
            let (n64, m64) = (n as i64, m as i64);
            launch!(self.lane, F, "dm_argmax_abs_rows", grid(n); &*self.data, &n64, &m64, &mut out);
        }
        self.vector(out)
    }

    fn normalize_rows(&self) -> Self {
        let (n, m) = (self.n_rows, self.n_cols);
        let mut out = self.lane.alloc::<F>(n * m);
        if n * m > 0 {
            let (n64, m64) = (n as i64, m as i64);
            launch!(self.lane, F, "dm_normalize_rows", grid(n); &*self.data, &mut out, &n64, &m64);
        }
        self.with(out, n, m)
    }

    fn map_block(&self, op: UnaryOp) -> Self {
        let len = self.n_rows * self.n_cols;
        let mut out = self.lane.alloc::<F>(len);
        if len > 0 {
            let (code, fam, a, b) = codes::unary(op);
            let len64 = len as i64;
            launch!(self.lane, F, "dm_map_unary", grid(len);
                &*self.data, &mut out, &len64, &code, &fam, &a, &b);
        }
        self.with(out, self.n_rows, self.n_cols)
    }
}
