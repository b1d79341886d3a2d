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

/// Everything a user needs in one import.
pub mod prelude {
    pub use duckml_arrays::prelude::*;
    pub use duckml_arrays::SampleVector;
    pub use duckml_datasets::*;
    pub use duckml_estimators::glm::GlmKind;
    pub use duckml_estimators::{
        FittedGlm, Init, KMeans, KMeansModel, LinearRegression, LinearRegressionModel,
        LogisticRegression, LogisticRegressionModel, PoissonRegression, PoissonRegressionModel,
    };
    pub use duckml_solvers::{
        Admm, GradientDescent, Lbfgs, Newton, ProximalGradient, SolverChoice, StopReason,
    };
}
