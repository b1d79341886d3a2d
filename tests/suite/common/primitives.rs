//! A matrix that implements only the contract's core primitives (by delegating to a
//! dense array), so every operation family runs its default implementation: the
//! conformance suite's `defaults_only_f64` row, proving that a backend which writes
//! only `MatrixCore` gets every estimator right, and the reference the backends' fused
//! overrides are compared with.

use duckml::arrays::{ArrayError, ClusterOps, GlmFamily, GlmOps, GraphOps, Linear, MatrixCore};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// A matrix that implements only the contract's required operations, so every
/// composite operation runs its default implementation.
pub struct PrimitivesOnly(pub Array2<f64>);

impl MatrixCore<f64> for PrimitivesOnly {
    type Vector = Array1<f64>;
    type Block = Self;
    fn n_rows(&self) -> usize {
        self.0.nrows()
    }
    fn n_cols(&self) -> usize {
        self.0.ncols()
    }
    fn describe(&self) -> String {
        "primitives-only".into()
    }
    fn vector_from_host(&self, v: ArrayView1<f64>) -> Result<Array1<f64>, ArrayError> {
        self.0.vector_from_host(v)
    }
    fn all_finite(&self) -> bool {
        self.0.all_finite()
    }
    fn linear_predictor(&self, lin: Linear<'_>) -> Array1<f64> {
        self.0.linear_predictor(lin)
    }
    fn t_matvec(&self, r: &Array1<f64>) -> Array1<f64> {
        self.0.t_matvec(r)
    }
    fn weighted_gram(&self, w: &Array1<f64>) -> Array2<f64> {
        self.0.weighted_gram(w)
    }
    fn mul_small_t(&self, c: ArrayView2<f64>) -> Array2<f64> {
        self.0.mul_small_t(c)
    }
    fn glm_weights(&self, family: GlmFamily, eta: &Array1<f64>) -> Array1<f64> {
        self.0.glm_weights(family, eta)
    }
    fn glm_residuals(&self, f: GlmFamily, y: &Array1<f64>, eta: &Array1<f64>) -> Array1<f64> {
        self.0.glm_residuals(f, y, eta)
    }
    fn blocks(&self) -> Vec<&Self> {
        vec![self]
    }
    fn vector_blocks<'v>(&self, v: &'v Array1<f64>) -> Vec<&'v Array1<f64>> {
        vec![v]
    }
}

impl GlmOps<f64> for PrimitivesOnly {}
impl ClusterOps<f64> for PrimitivesOnly {}
impl GraphOps<f64> for PrimitivesOnly {}
