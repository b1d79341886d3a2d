//! Every JSON document the command line writes, as serde types: what `fit`, `kmeans`
//! and `datasets` print, the saved model `predict` reads, and the benchmark's report
//! and peer manifest.
//!
//! These types are the format. Field names are what users' scripts read, so a rename is
//! a breaking change; the saved model carries a version ([`MODEL_VERSION`]) that must
//! change with its meaning, and `tests/fixtures/` holds version-1 files that must keep
//! loading. Documents are written with their keys in alphabetical order whatever the
//! field order here (`src/output/` writes them through `serde_json::Value`, whose map is
//! sorted, as the command line's output always was), and never hold NaN or infinity:
//! the writer refuses them by name, since JSON has no such numbers.

mod bench;
mod datasets;
mod fit;
mod input;
mod kmeans;
mod model;

pub use crate::flags::{ArraySpec, Dtype, ModelKind};
pub use crate::synthetic::DataKind;
pub use bench::{
    BenchGrid, BenchReport, BenchSettings, LoadAverage, PeerCase, PeerManifest, Row, Trace,
};
pub use datasets::{DatasetEntry, DatasetsManifest};
pub use fit::FitOutput;
pub use input::InputData;
pub use kmeans::KmeansOutput;
pub use model::{
    FittedModel, ModelError, SavedModel, SvmlightNumbering, MODEL_DTYPE, MODEL_FORMAT,
    MODEL_VERSION,
};
