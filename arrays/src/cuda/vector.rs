//! `CudaVector`: a sample vector in device memory, beside its [`CudaMatrix`].

use super::codes;
use super::device::{grid, launch, ok, reduce_grid, CudaFloat, Lane};
use super::CudaMatrix;
use crate::contract::SampleVector;
use crate::element::{BinaryOp, ElementCheck, PairReduction, Reduction, UnaryOp};
use cudarc::driver::CudaSlice;
use ndarray::Array1;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A vector over samples in GPU memory (`y`, `X b`, residuals, labels), on its
/// matrix's device and stream. Cloning copies on the device.
pub struct CudaVector<F: CudaFloat> {
    pub(crate) data: CudaSlice<F>,
    pub(crate) lane: Arc<Lane>,
}

impl<F: CudaFloat> CudaVector<F> {
    pub(crate) fn new(data: CudaSlice<F>, lane: Arc<Lane>) -> Self {
        CudaVector { data, lane }
    }

    /// The device (ordinal) the vector lives on.
    pub fn device(&self) -> usize {
        self.lane.ordinal()
    }

    /// `other`'s buffer, copied to this vector's device when it lives on another one.
    pub(crate) fn local<'a>(&self, other: &'a CudaVector<F>) -> Cow<'a, CudaSlice<F>> {
        local_to(&self.lane, other)
    }
}

/// `v`'s buffer, usable by kernels on `lane` (a peer copy when it is on another device;
/// on the same device, cudarc's events order the two streams).
pub(crate) fn local_to<'a, F: CudaFloat>(
    lane: &Arc<Lane>,
    v: &'a CudaVector<F>,
) -> Cow<'a, CudaSlice<F>> {
    if lane.same_device(&v.lane) || v.data.is_empty() {
        Cow::Borrowed(&v.data)
    } else {
        Cow::Owned(ok(lane.stream.clone_dtod(&v.data), "peer copy"))
    }
}

/// Sum of the per-block partial sums a reduction kernel wrote.
pub(crate) fn sum_partials(lane: &Lane, parts: &CudaSlice<f64>) -> f64 {
    lane.download(parts).iter().sum()
}

impl<F: CudaFloat> Clone for CudaVector<F> {
    fn clone(&self) -> Self {
        let data = if self.data.is_empty() {
            self.lane.alloc(0)
        } else {
            ok(self.lane.stream.clone_dtod(&self.data), "device copy")
        };
        CudaVector::new(data, self.lane.clone())
    }
}

impl<F: CudaFloat> fmt::Debug for CudaVector<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CudaVector<{}>(len {}, device {})",
            F::NAME,
            self.data.len(),
            self.device()
        )
    }
}

impl<F: CudaFloat> SampleVector<F> for CudaVector<F> {
    type Columns = CudaMatrix<F>;

    fn len(&self) -> usize {
        self.data.len()
    }

    fn to_host(&self) -> Array1<F> {
        Array1::from(self.lane.download(&self.data))
    }

    fn all(&self, check: ElementCheck) -> bool {
        let n = self.data.len();
        if n == 0 {
            return true;
        }
        let mut failed = self.lane.zeros::<i32>(1);
        let (n64, code) = (n as i64, codes::check(check));
        launch!(self.lane, F, "dm_check_all", grid(n); &self.data, &n64, &code, &mut failed);
        self.lane.download(&failed)[0] == 0
    }

    fn map(&self, op: UnaryOp) -> Self {
        let n = self.data.len();
        let mut out = self.lane.alloc::<F>(n);
        if n > 0 {
            let (code, fam, a, b) = codes::unary(op);
            let n64 = n as i64;
            launch!(self.lane, F, "dm_map_unary", grid(n);
                &self.data, &mut out, &n64, &code, &fam, &a, &b);
        }
        CudaVector::new(out, self.lane.clone())
    }

    fn reduce(&self, op: Reduction) -> f64 {
        let n = self.data.len();
        if n == 0 {
            return 0.0;
        }
        let cfg = reduce_grid(n);
        let mut parts = self.lane.alloc::<f64>(cfg.grid_dim.0 as usize);
        let (code, fam, c) = codes::reduction(op);
        let n64 = n as i64;
        launch!(self.lane, F, "dm_reduce_unary", cfg;
            &self.data, &n64, &code, &fam, &c, &mut parts);
        sum_partials(&self.lane, &parts)
    }

    fn reduce_pair(&self, other: &Self, op: PairReduction) -> f64 {
        let n = self.data.len();
        assert_eq!(n, other.data.len(), "reduce_pair lengths");
        if n == 0 {
            return 0.0;
        }
        let b = self.local(other);
        let cfg = reduce_grid(n);
        let mut parts = self.lane.alloc::<f64>(cfg.grid_dim.0 as usize);
        let (code, fam) = codes::pair(op);
        let n64 = n as i64;
        launch!(self.lane, F, "dm_reduce_pair", cfg;
            &self.data, b.as_ref(), &n64, &code, &fam, &mut parts);
        sum_partials(&self.lane, &parts)
    }

    fn zip_map(&self, other: &Self, op: BinaryOp) -> Self {
        let n = self.data.len();
        assert_eq!(n, other.data.len(), "zip_map lengths");
        let mut out = self.lane.alloc::<F>(n);
        if n > 0 {
            let b = self.local(other);
            let code = codes::binary(op);
            let n64 = n as i64;
            launch!(self.lane, F, "dm_zip_map", grid(n);
                &self.data, b.as_ref(), &mut out, &n64, &code);
        }
        CudaVector::new(out, self.lane.clone())
    }
}
