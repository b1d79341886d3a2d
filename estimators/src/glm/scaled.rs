//! The GLM objective seen in standardised coordinates: what every solver minimises.

use super::scaling::ColumnScaling;
use duckml_solvers::Objective;
use ndarray::{Array1, Array2, ArrayView1};

/// `w~ -> f(to_original(w~))` for a data term `f` on the original coefficients: values
/// are the same numbers, gradients and Hessians are mapped by the chain rule, so a
/// solver's steps and stopping test see unit-variance predictors whatever X's units.
pub(crate) struct ScaledObjective<'a, O> {
    pub(crate) inner: &'a O,
    pub(crate) scaling: &'a ColumnScaling,
}

impl<O: Objective> Objective for ScaledObjective<'_, O> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn value(&self, w: ArrayView1<f64>) -> f64 {
        self.inner.value(self.scaling.to_original(w).view())
    }

    fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let (f, g) = self.inner.value_grad(self.scaling.to_original(w).view());
        (f, self.scaling.grad_to_scaled(g))
    }

    fn hessian(&self, w: ArrayView1<f64>) -> Option<Array2<f64>> {
        let h = self.inner.hessian(self.scaling.to_original(w).view())?;
        Some(self.scaling.hessian_to_scaled(h))
    }

    fn precision(&self) -> f64 {
        self.inner.precision()
    }

    fn n_blocks(&self) -> usize {
        self.inner.n_blocks()
    }

    fn block_value_grad(&self, block: usize, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let (f, g) = self
            .inner
            .block_value_grad(block, self.scaling.to_original(w).view());
        (f, self.scaling.grad_to_scaled(g))
    }
}
