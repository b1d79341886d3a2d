//! The clustering family of a chunked matrix: each chunk's fused pass in parallel,
//! the `O(k p)` partial results merged; labels and distances stay in their chunks.

use super::{Chunked, ChunkedVector};
use crate::contract::{
    check_rows, ArrayError, ClusterOps, DataMatrix, KMeansStep, MatrixCore, Nearest,
};
use crate::element::Float;
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

impl<F: Float, A: DataMatrix<F> + Send + Sync> ClusterOps<F> for Chunked<A>
where
    A::Vector: Send + Sync,
{
    fn row_sq_norms(&self) -> Self::Vector {
        ChunkedVector {
            chunks: self.chunks.par_iter().map(|c| c.row_sq_norms()).collect(),
        }
    }

    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        check_rows(self.n_rows(), rows)?;
        let mut out = Array2::zeros((rows.len(), self.n_cols));
        for (k, &i) in rows.iter().enumerate() {
            // The chunk holding global row i: the last offset <= i.
            let c = self.offsets.partition_point(|&o| o <= i) - 1;
            let row = self.chunks[c].rows_to_host(&[i - self.offsets[c]])?;
            out.row_mut(k).assign(&row.row(0));
        }
        Ok(out)
    }

    fn sq_distances(
        &self,
        points: ArrayView2<f64>,
        floor: Option<&Self::Vector>,
    ) -> Vec<Self::Vector> {
        let per_chunk: Vec<Vec<A::Vector>> = match floor {
            Some(f) => self
                .chunks
                .par_iter()
                .zip(&f.chunks)
                .map(|(c, fc)| c.sq_distances(points, Some(fc)))
                .collect(),
            None => self
                .chunks
                .par_iter()
                .map(|c| c.sq_distances(points, None))
                .collect(),
        };
        // Transpose chunks x points into points x chunks.
        let mut out: Vec<Vec<A::Vector>> = (0..points.nrows()).map(|_| Vec::new()).collect();
        for chunk in per_chunk {
            for (o, v) in out.iter_mut().zip(chunk) {
                o.push(v);
            }
        }
        out.into_iter()
            .map(|chunks| ChunkedVector { chunks })
            .collect()
    }

    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Self::Vector> {
        let (labels, sq_dist) = self
            .chunks
            .par_iter()
            .map(|c| {
                let n = c.nearest_center(centers);
                (n.labels, n.sq_dist)
            })
            .unzip();
        Nearest {
            labels: ChunkedVector { chunks: labels },
            sq_dist: ChunkedVector { chunks: sq_dist },
        }
    }

    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Self::Vector) -> KMeansStep {
        let (k, p) = (centers.nrows(), self.n_cols);
        self.chunks
            .par_iter()
            .zip(labels.chunks.par_iter_mut())
            .map(|(c, lc)| c.kmeans_step(centers, lc))
            .reduce(|| KMeansStep::zeros(k, p), KMeansStep::merge)
    }
}
