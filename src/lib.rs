//! duckml: generalised linear models and solvers written once over a thin array
//! contract, running unchanged on every array type that implements it.
//!
//! `use duckml::prelude::*;` brings in the estimators, the solvers, the contract and
//! the data-set helpers.
//!
//! ```
//! use duckml::prelude::*;
//!
//! let data = make_classification(500, 5, 7).unwrap();
//! let model = LogisticRegression::new().solver(Lbfgs).fit(&data.x, &data.y)?;
//! assert!(model.converged());
//! assert!(model.score(&data.x, &data.y)? > 0.6);
//! # Ok::<(), duckml::estimators::Error>(())
//! ```
#![warn(missing_docs)]

pub use duckml_arrays as arrays;
pub use duckml_datasets as datasets;
pub use duckml_estimators as estimators;
pub use duckml_solvers as solvers;

/// Everything a user needs in one import: the contract's traits (to call operations on
/// any array type), the estimators and their parameter types, the solvers, the data
/// generators and the file readers.
pub mod prelude {
    pub use duckml_arrays::prelude::*;
    pub use duckml_arrays::{Chunked, SampleVector};
    pub use duckml_datasets::{
        breast_cancer, diabetes, make_blobs, make_classification, make_poisson, make_regression,
        make_sparse_classification, make_sparse_regression, randhie, read_csv, read_npy_matrix,
        read_npy_vector, read_svmlight, write_csv, write_npy_matrix, write_npy_vector,
        write_svmlight, Blobs, DatasetError, Regression, SparseRegression,
    };
    pub use duckml_estimators::glm::GlmKind;
    pub use duckml_estimators::{
        Affinity, AssignLabels, EigenSolver, FittedGlm, GlmPath, Init, KMeans, KMeansModel,
        LinearRegression, LinearRegressionModel, LogisticRegression, LogisticRegressionModel,
        PoissonRegression, PoissonRegressionModel, SpectralClustering, SpectralModel,
    };
    pub use duckml_solvers::{
        Admm, GradientDescent, IterationState, Lbfgs, Newton, Observer, ProximalGradient,
        SolverChoice, StopReason,
    };
}
