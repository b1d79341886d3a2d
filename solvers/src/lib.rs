//! Model-space optimisation solvers for duckml.
//!
//! Solvers minimise `f(w) + g(w)` where `f` is a smooth data term given through the
//! [`Objective`] trait (value and gradient, optionally Hessian and row blocks) and `g`
//! is the [`ElasticNet`] regulariser. They see only host `f64` vectors of the model's
//! size and never touch data arrays, so the same solver runs on every array type.
//!
//! ```
//! use duckml_solvers::{ElasticNet, Lbfgs, Objective, SolveOptions};
//! use ndarray::{array, Array1, ArrayView1};
//!
//! /// f(w) = |w - (1, 2)|^2 / 2
//! struct Quadratic;
//! impl Objective for Quadratic {
//!     fn dim(&self) -> usize { 2 }
//!     fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
//!         let d = &w - &array![1.0, 2.0];
//!         (0.5 * d.dot(&d), d)
//!     }
//! }
//! let reg = ElasticNet { l1: 0.0, l2: 0.0, n_penalised: 2 };
//! let opts = SolveOptions { max_iter: 100, tol: 1e-10 };
//! let res = Lbfgs.minimize(&Quadratic, &reg, Array1::zeros(2), &opts).unwrap();
//! assert!(res.converged);
//! assert!((res.w[1] - 2.0).abs() < 1e-9);
//! ```
#![warn(missing_docs)]

mod admm;
mod choice;
mod error;
mod gradient_descent;
mod lbfgs;
mod line_search;
mod newton;
mod problem;
mod proximal;

pub use admm::Admm;
pub use choice::SolverChoice;
pub use error::SolverError;
pub use gradient_descent::GradientDescent;
pub use lbfgs::Lbfgs;
pub use newton::Newton;
pub use problem::{soft_threshold, ElasticNet, Objective, SolveOptions, SolveResult, StopReason};
pub use proximal::ProximalGradient;
