//! The duckml test suite, one binary (linking one test executable instead of eighteen
//! is most of a clean `cargo test` on two cores). Each module is one topic:
//!
//! - `conformance`: every check on every array type (one line per type);
//! - `glm_reference`, `solvers_agree`, `model_api`, `bad_input`: GLMs against the
//!   scikit-learn/glum/statsmodels fixtures, solver agreement, the fitted-model API and
//!   typed errors;
//! - `numerics`: answers independent of units, `converged` that means it, bounded work
//!   per iteration, numerical extremes, property tests and concurrent fits;
//! - `kmeans_*`, `spectral_*`: clustering against scikit-learn, the contract's
//!   clustering operations, and bad input;
//! - `chunked_api`, `genericity_guard`: the chunked array's API, and that estimators
//!   and solvers never name a backend;
//! - `cuda_kernels`, `cuda_ops` (feature `cuda`): the GPU kernels compiled without a
//!   GPU, and the GPU operations (skipping without one).

mod common;

mod bad_input;
mod chunked_api;
mod conformance;
#[cfg(feature = "cuda")]
mod cuda_kernels;
#[cfg(feature = "cuda")]
mod cuda_ops;
mod genericity_guard;
mod glm_path;
mod glm_reference;
mod kmeans_bad_input;
mod kmeans_contract;
mod kmeans_reference;
mod model_api;
mod numerics;
mod solvers_agree;
mod spectral_bad_input;
mod spectral_knn;
mod spectral_reference;
mod umbrella_guard;
