//! What a command ran on, as `fit` and `kmeans` print it.

use crate::flags::{ArraySpec, Dtype};
use serde::{Deserialize, Serialize};

/// The data's shape and the array type and element type it was held in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputData {
    /// The array type: `dense`, `sparse` or `chunked`.
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
}

impl InputData {
    /// x of shape `(n_samples, n_features)` held as `array` in `dtype`.
    pub fn new(array: ArraySpec, dtype: Dtype, (n_samples, n_features): (usize, usize)) -> Self {
        InputData {
            array: array.name().into(),
            chunk_rows: array.chunk_rows(),
            dtype,
            n_samples,
            n_features,
        }
    }
}
