//! The iteration limit and tolerance every solver is run with.

use crate::error::SolverError;
use serde::{Deserialize, Serialize};

/// Iteration limit and tolerance, shared by every solver.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SolveOptions {
    /// Maximum number of (outer) iterations.
    pub max_iter: usize,
    /// Stop when [`ElasticNet::optimality`](crate::ElasticNet::optimality) falls below
    /// this, for every solver (ADMM: at its consensus point). Absolute, in the
    /// coordinates the solver sees; the GLM estimators derive it from their unit-free
    /// `tol`.
    pub tol: f64,
}

impl SolveOptions {
    /// Checks that the options are usable.
    pub fn validate(&self) -> Result<(), SolverError> {
        if self.max_iter == 0 {
            return Err(SolverError::InvalidOption {
                name: "max_iter",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(SolverError::InvalidOption {
                name: "tol",
                value: self.tol.to_string(),
                reason: "must be finite and > 0",
            });
        }
        Ok(())
    }
}
