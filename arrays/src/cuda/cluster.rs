//! The clustering family of `CudaMatrix`: GEMM distances on row blocks, one kernel for
//! argmin and the one-hot assignment, GEMM for the per-centre sums.

use super::device::{grid, launch, ok, CudaFloat};
use super::matrix::{host_f64, small_col_major, CudaMatrix};
use super::vector::{local_to, CudaVector};
use crate::contract::{check_rows, sq_norms, ArrayError, ClusterOps, KMeansStep, Nearest};
use cudarc::driver::CudaSlice;
use ndarray::{Array2, ArrayView2};

impl<F: CudaFloat> ClusterOps<F> for CudaMatrix<F> {
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
}
