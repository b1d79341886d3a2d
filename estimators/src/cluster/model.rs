//! A fitted k-means model: centres, labels, inertia; predictions and distances.

use crate::error::Result;
use crate::validate::check_features;
use duckml_arrays::{DataMatrix, Float, SampleVector};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// A fitted [`KMeans`](super::KMeans) model, with scikit-learn's attributes
/// (`cluster_centers_`, `labels_`, `inertia_`, `n_iter_`). Serialises with serde.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansModel {
    pub(crate) centers: Array2<f64>,
    pub(crate) labels: Vec<usize>,
    pub(crate) inertia: f64,
    pub(crate) n_iter: usize,
    pub(crate) converged: bool,
}

impl KMeansModel {
    /// The centres, `n_clusters x n_features` (host, `f64`).
    pub fn centers(&self) -> &Array2<f64> {
        &self.centers
    }

    /// The cluster of each training sample (brought to the host once, at the end of
    /// the fit).
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Sum of squared distances of the training samples to their closest centre.
    pub fn inertia(&self) -> f64 {
        self.inertia
    }

    /// Lloyd iterations of the best run.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the best run stopped by the labels no longer changing or the centre
    /// shift falling below the tolerance (rather than by `max_iter`).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Number of clusters.
    pub fn n_clusters(&self) -> usize {
        self.centers.nrows()
    }

    /// Number of clusters that hold at least one training sample. Below
    /// [`KMeansModel::n_clusters`] when X has fewer distinct rows than clusters: the
    /// empty clusters' centres then duplicate others (the fit warns).
    pub fn n_distinct_clusters(&self) -> usize {
        let mut seen = vec![false; self.n_clusters()];
        for &l in &self.labels {
            if let Some(s) = seen.get_mut(l) {
                *s = true;
            }
        }
        seen.into_iter().filter(|&s| s).count()
    }

    /// The nearest centre of each row of `x` (one fused pass; the labels are then
    /// copied to the host).
    ///
    /// ```
    /// use duckml_estimators::KMeans;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]];
    /// let model = KMeans::new(2).seed(1).fit(&x)?;
    /// let p = model.predict(&array![[0.05, 0.0], [4.9, 5.1]])?;
    /// assert_eq!(p[0], model.labels()[0]);
    /// assert_eq!(p[1], model.labels()[2]);
    /// # Ok::<(), duckml_estimators::Error>(())
    /// ```
    pub fn predict<F: Float, X: DataMatrix<F>>(&self, x: &X) -> Result<Vec<usize>> {
        check_features(x, self.centers.ncols())?;
        let near = x.nearest_center(self.centers.view());
        Ok(labels_to_host::<F, X>(&near.labels))
    }

    /// The Euclidean distance of each row of `x` to each centre (`n x k`, host), as
    /// scikit-learn's `transform`. One pass over `x`; the result is O(n k) on the host.
    ///
    /// ```
    /// use duckml_estimators::KMeans;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.0, 2.0], [8.0, 0.0], [8.0, 2.0]];
    /// let init = array![[0.0, 1.0], [8.0, 1.0]];
    /// let model = KMeans::new(2).init_centers(init).fit(&x)?;
    /// let d = model.transform(&array![[0.0, 1.0]])?;
    /// assert!((d[[0, 0]] - 0.0).abs() < 1e-12 && (d[[0, 1]] - 8.0).abs() < 1e-12);
    /// # Ok::<(), duckml_estimators::Error>(())
    /// ```
    pub fn transform<F: Float, X: DataMatrix<F>>(&self, x: &X) -> Result<Array2<f64>> {
        check_features(x, self.centers.ncols())?;
        let cols = x.sq_distances(self.centers.view(), None);
        let mut out = Array2::zeros((x.n_rows(), cols.len()));
        for (j, c) in cols.iter().enumerate() {
            out.column_mut(j)
                .assign(&c.to_host().mapv(|v| v.as_f64().max(0.0).sqrt()));
        }
        Ok(out)
    }

    /// Minus the inertia of `x` under the fitted centres (scikit-learn's `score`).
    pub fn score<F: Float, X: DataMatrix<F>>(&self, x: &X) -> Result<f64> {
        check_features(x, self.centers.ncols())?;
        let near = x.nearest_center(self.centers.view());
        Ok(-near.sq_dist.reduce(duckml_arrays::Reduction::Sum))
    }
}

/// Labels stored as the element type, copied to the host as indices.
pub(crate) fn labels_to_host<F: Float, X: DataMatrix<F>>(v: &X::Vector) -> Vec<usize> {
    let host: Array1<F> = v.to_host();
    host.iter().map(|&l| l.as_f64().max(0.0) as usize).collect()
}
