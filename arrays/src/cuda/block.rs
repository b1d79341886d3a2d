//! `CudaMatrix` as the block type of its own sample vectors (column-major: each
//! column a contiguous vector).

use super::codes;
use super::device::{grid, launch, ok, CudaFloat};
use super::matrix::{host_f64, small_col_major, view_from, CudaMatrix};
use super::vector::{local_to, CudaVector};
use crate::contract::SampleBlock;
use crate::element::UnaryOp;
use ndarray::{Array2, ArrayView2};
use std::sync::Arc;

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
