//! `CudaMatrix`: a dense column-major matrix in GPU memory, implementing the contract
//! (and serving as the block type of its own sample vectors).

use super::codes;
use super::device::{grid, launch, ok, reduce_grid, CudaFloat, Lane, MAX_REDUCE_BLOCKS};
use super::vector::{local_to, sum_partials, CudaVector};
use super::CudaError;
use crate::chunked::Chunked;
use crate::contract::{sq_norms, Linear, MatrixCore};
use crate::element::{Float, GlmFamily};
use cudarc::cublas::sys::cublasOperation_t::{CUBLAS_OP_N, CUBLAS_OP_T};
use cudarc::cublas::{GemmConfig, GemvConfig};
use cudarc::driver::{CudaSlice, CudaView, CudaViewMut};
use ndarray::{s, Array1, Array2, ArrayBase, ArrayView2, Data, Ix2};
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
/// use duckml_arrays::prelude::*;
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
    pub(super) data: Arc<CudaSlice<F>>,
    pub(super) n_rows: usize,
    pub(super) n_cols: usize,
    pub(super) lane: Arc<Lane>,
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
pub(super) fn dim(v: usize) -> i32 {
    i32::try_from(v).unwrap_or_else(|_| panic!("duckml cuda: dimension {v} exceeds cuBLAS's i32"))
}

/// A view of `buf` from element `off` (the whole buffer when `off == 0`).
pub(super) fn view_from<F>(buf: &CudaSlice<F>, off: usize) -> CudaView<'_, F> {
    if off == 0 {
        buf.as_view()
    } else {
        buf.slice(off..)
    }
}

pub(super) fn view_mut_from<F>(buf: &mut CudaSlice<F>, off: usize) -> CudaViewMut<'_, F> {
    if off == 0 {
        buf.as_view_mut()
    } else {
        buf.slice_mut(off..)
    }
}

/// Column-major copy of a host matrix.
pub(super) fn col_major<F: Float, S: Data<Elem = F>>(x: &ArrayBase<S, Ix2>) -> Vec<F> {
    x.t().iter().copied().collect()
}

/// A small host matrix (`f64`, any layout) as a column-major `F` buffer, scaled.
pub(super) fn small_col_major<F: Float>(c: ArrayView2<f64>, scale: f64) -> Vec<F> {
    c.t().iter().map(|&v| F::of(scale * v)).collect()
}

/// A column-major `r x c` device result on the host, as `f64`.
pub(super) fn host_f64<F: Float>(v: &[F], r: usize, c: usize) -> Array2<f64> {
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

    pub(super) fn with(&self, data: CudaSlice<F>, n_rows: usize, n_cols: usize) -> Self {
        CudaMatrix {
            data: Arc::new(data),
            n_rows,
            n_cols,
            lane: self.lane.clone(),
        }
    }

    pub(super) fn vector(&self, data: CudaSlice<F>) -> CudaVector<F> {
        CudaVector::new(data, self.lane.clone())
    }

    /// `other`'s buffer, usable on this matrix's device.
    pub(super) fn local_block<'a>(&self, other: &'a CudaMatrix<F>) -> Cow<'a, CudaSlice<F>> {
        if self.lane.same_device(&other.lane) || other.data.is_empty() {
            Cow::Borrowed(&*other.data)
        } else {
            Cow::Owned(ok(self.lane.stream.clone_dtod(&*other.data), "peer copy"))
        }
    }

    /// `y = X v + beta y` (`trans = N`) or `y = X^T v + beta y` (`trans = T`).
    pub(super) fn gemv(&self, transpose: bool, v: &CudaSlice<F>, y: &mut CudaSlice<F>, beta: F) {
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
    pub(super) fn gemm(
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
    pub(super) fn neg2_cross(
        &self,
        r0: usize,
        rb: usize,
        cm2: &CudaSlice<F>,
        k: usize,
        g: &mut CudaSlice<F>,
    ) {
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
    pub(super) fn rows_per_block(&self, width: usize) -> usize {
        (BLOCK_ELEMS.load(Ordering::Relaxed) / width.max(1)).clamp(1, self.n_rows.max(1))
    }

    /// The k-means assignment pass shared by `nearest_center` and `kmeans_step`:
    /// labels (and distances when `dist` is given), and with `sums` the one-hot GEMM
    /// that adds the rows per centre. Returns (inertia, changed, counts, sums k x p).
    pub(super) fn assign(
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

impl<F: CudaFloat> CudaMatrix<F> {
    /// The fused GLM pass: `(loss sum, residual sum, X^T r if with_grad)`.
    pub(super) fn glm_pass(
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
