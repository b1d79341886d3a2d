//! What `duckml kmeans` prints.

use super::InputData;
use serde::{Deserialize, Serialize};

/// One k-means fit: centres, inertia and cluster sizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmeansOutput {
    /// Clusters found (rows of `centers`).
    pub k: usize,
    /// The data and how it was held.
    #[serde(flatten)]
    pub data: InputData,
    /// The centres, one row per cluster.
    pub centers: Vec<Vec<f64>>,
    /// Sum of squared distances of the samples to their centres.
    pub inertia: f64,
    /// Samples per cluster.
    pub labels_count: Vec<usize>,
    /// Lloyd iterations of the kept run.
    pub n_iter: usize,
    /// Whether the kept run met the tolerance.
    pub converged: bool,
    /// Wall-clock seconds of the fit alone.
    pub seconds: f64,
}
