//! Model-space optimisation solvers for duckml.
//!
//! Solvers minimise `f(w) + g(w)` where `f` is a smooth data term given through the
//! [`Objective`] trait (value and gradient, optionally Hessian and row blocks) and `g`
//! is the [`ElasticNet`] regulariser. They see only host `f64` vectors of the model's
//! size and never touch data arrays, so the same solver runs on every array type.
//!
//! One [`Driver`] owns the loop: validation, the stopping test, the history, the
//! [`Observer`] and the [`SolveResult`]. Each [`Solver`] is only its state and its
//! iteration step.
//!
//! ```
//! use duckml_solvers::{ElasticNet, Lbfgs, Objective, SolveOptions, Solver};
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
//! let reg = ElasticNet::new(0.0, 0.0, 2);
//! let opts = SolveOptions { max_iter: 100, tol: 1e-10 };
//! let res = Lbfgs.minimize(&Quadratic, &reg, Array1::zeros(2), &opts).unwrap();
//! assert!(res.converged);
//! assert!((res.w[1] - 2.0).abs() < 1e-9);
//! ```
#![warn(missing_docs)]

mod admm;
mod choice;
mod driver;
mod error;
mod gradient_descent;
mod lbfgs;
mod line_search;
mod newton;
mod observer;
mod options;
mod problem;
mod proximal;
mod result;
mod smooth;

pub use admm::Admm;
pub use choice::SolverChoice;
pub use driver::{Driver, Solver, SolverState, Step};
pub use error::SolverError;
pub use gradient_descent::GradientDescent;
pub use lbfgs::Lbfgs;
pub use newton::Newton;
pub use observer::{IterationState, LogObserver, Observer};
pub use options::SolveOptions;
pub use problem::{soft_threshold, ElasticNet, Objective, Problem};
pub use proximal::ProximalGradient;
pub use result::{SolveResult, StopReason};
