//! The duckml array contract and its CPU backends.
//!
//! Estimators and solvers are written once against [`DataMatrix`] and
//! [`SampleVector`]; each array type (ndarray's dense arrays here; sparse, chunked and
//! GPU arrays as they arrive) implements them. See `arrays/README.md` for the
//! principles and how to add a backend.
//!
//! ```
//! use duckml_arrays::{DataMatrix, GlmFamily, Linear};
//! use ndarray::array;
//!
//! let x = array![[1.0, 2.0], [3.0, 4.0]];
//! let y = array![0.5, 1.5];
//! let coef = array![0.1, -0.2];
//! let lin = Linear { coef: coef.view(), intercept: 0.3 };
//! let part = x.glm_loss_grad(GlmFamily::Gaussian, &y, lin);
//! // eta = [0.0, -0.2]; residuals = eta - y = [-0.5, -1.7]
//! assert!((part.grad_intercept - (-2.2)).abs() < 1e-12);
//! assert!((part.grad[0] - (-0.5 - 5.1)).abs() < 1e-12);
//! ```
#![warn(missing_docs)]

mod chunked;
mod contract;
mod dense;
mod family;
mod float;
pub mod kernels;
mod ops;
mod pass;
mod sparse;

pub use chunked::{Chunked, ChunkedVector, SplitRows};
pub use contract::{
    ArrayError, BlockVector, DataMatrix, GlmHessian, GlmLossGrad, Linear, SampleVector,
};
pub use family::{ElementTerms, GlmFamily};
pub use float::Float;
pub use ops::{ElementCheck, PairReduction, Reduction, UnaryOp};
