//! The clustering family of a distributed matrix: distances and labels stay on each
//! process; a k-means step all-reduces its `k p + k + 2` numbers, and rows picked as
//! centres come from their owner through one all-reduce of `ids x p` numbers.

use super::pack::{sum_mat, sum_step};
use super::Distributed;
use crate::contract::{
    check_rows, ArrayError, ClusterOps, ColumnsOf, DataMatrix, KMeansStep, Nearest,
};
use crate::element::Float;
use ndarray::{Array2, ArrayView2};

impl<F: Float, A: DataMatrix<F>> ClusterOps<F> for Distributed<A>
where
    A::Vector: Send + Sync,
    ColumnsOf<F, A>: Send + Sync,
{
    fn row_sq_norms(&self) -> Self::Vector {
        self.vector(self.local.row_sq_norms())
    }

    /// Global row ids; each row comes from the process that holds it.
    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        check_rows(self.layout.total(), rows)?;
        let range = self.layout.range();
        let (slots, ids): (Vec<usize>, Vec<usize>) = rows
            .iter()
            .enumerate()
            .filter(|(_, i)| range.contains(i))
            .map(|(k, &i)| (k, i - range.start))
            .unzip();
        let mine = self.layout.comm.agree(self.local.rows_to_host(&ids))?;
        let mut out = Array2::zeros((rows.len(), self.n_cols));
        for (&k, row) in slots.iter().zip(mine.rows()) {
            out.row_mut(k).assign(&row);
        }
        Ok(sum_mat(&self.layout.comm, out))
    }

    fn sq_distances(
        &self,
        points: ArrayView2<f64>,
        floor: Option<&Self::Vector>,
    ) -> Vec<Self::Vector> {
        self.local
            .sq_distances(points, floor.map(|f| &f.local))
            .into_iter()
            .map(|d| self.vector(d))
            .collect()
    }

    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Self::Vector> {
        let n = self.local.nearest_center(centers);
        Nearest {
            labels: self.vector(n.labels),
            sq_dist: self.vector(n.sq_dist),
        }
    }

    /// The local fused pass, then one all-reduce of the centre sums, counts, inertia
    /// and changed labels.
    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Self::Vector) -> KMeansStep {
        let part = self.local.kmeans_step(centers, &mut labels.local);
        sum_step(&self.layout.comm, part)
    }
}
