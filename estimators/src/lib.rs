//! duckml's estimators, written once over the array contract: they run unchanged on
//! every array type that implements [`duckml_arrays::DataMatrix`].
#![warn(missing_docs)]

pub mod cluster;
mod error;
pub mod glm;
mod validate;

pub use cluster::{
    Affinity, AssignLabels, EigenSolver, Init, KMeans, KMeansModel, SpectralClustering,
    SpectralModel,
};
pub use error::{Error, Result};
pub use glm::{
    FittedGlm, Glm, GlmPath, LinearRegression, LinearRegressionModel, LogisticRegression,
    LogisticRegressionModel, PoissonRegression, PoissonRegressionModel,
};
