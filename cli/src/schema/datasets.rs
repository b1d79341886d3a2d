//! `datasets.json`, the manifest `duckml datasets` writes beside the files (and prints).

use crate::flags::ModelKind;
use crate::synthetic::DataKind;
use serde::{Deserialize, Serialize};

/// The data sets written by one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetsManifest {
    /// One entry per `--kinds` value.
    pub datasets: Vec<DatasetEntry>,
}

/// One data set: how it was generated and where its files are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetEntry {
    /// `dense`, `sparse` or `blobs`.
    pub kind: DataKind,
    /// The `duckml::datasets` function that made it.
    pub generator: String,
    /// Samples.
    pub n: usize,
    /// Features.
    pub p: usize,
    /// The generator's seed.
    pub seed: u64,
    /// The files written, x first.
    pub files: Vec<String>,
    /// The GLM whose targets the set carries (dense and sparse sets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelKind>,
    /// Non-zeros per row (sparse set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nnz_per_row: Option<usize>,
    /// Clusters (blobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centers: Option<u64>,
    /// Standard deviation of each cluster (blobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_std: Option<f64>,
}
