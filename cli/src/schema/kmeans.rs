//! What `duckml kmeans` prints.

use crate::flags::Dtype;
use serde::{Deserialize, Serialize};

/// One k-means fit: centres, inertia and cluster sizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmeansOutput {
    /// Clusters found (rows of `centers`).
    pub k: usize,
    /// The array type of the fit: `dense`, `sparse` or `chunked`.
    pub array: String,
    /// Rows per chunk, for a chunked array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk_rows: Option<usize>,
    /// `--dtype`.
    pub dtype: Dtype,
    /// Rows of x.
    pub n_samples: usize,
    /// Columns of x.
    pub n_features: usize,
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
