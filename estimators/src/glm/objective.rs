//! The GLM data term as a solver [`Objective`]: the bridge from model space to the
//! array contract.

use crate::error::{Error, Result};
use duckml_arrays::{BlockVector, DataMatrix, Float, GlmFamily, GlmLossGrad, GlmOps, Linear};
use duckml_solvers::Objective;
use ndarray::{s, Array1, Array2, ArrayView1};
use std::sync::{Mutex, PoisonError};

/// An objective value and its gradient.
pub(crate) type ValueGrad = (f64, Array1<f64>);

/// `f(w) = (1/n) sum_i h(y_i, x_i b + b0)` with `w = [b, b0]` (b0 only with an intercept).
pub(crate) struct GlmObjective<'a, F: Float, X: DataMatrix<F>> {
    x: &'a X,
    y: &'a X::Vector,
    blocks: Vec<(&'a X::Block, &'a BlockVector<F, X>)>,
    family: GlmFamily,
    fit_intercept: bool,
    inv_n: f64,
    /// The value and gradient at the start, from [`GlmObjective::check_start`], kept
    /// until the solver asks for them.
    start: Mutex<Option<(Array1<f64>, ValueGrad)>>,
}

impl<'a, F: Float, X: DataMatrix<F>> GlmObjective<'a, F, X> {
    pub(crate) fn new(x: &'a X, y: &'a X::Vector, family: GlmFamily, fit_intercept: bool) -> Self {
        let blocks = x.blocks().into_iter().zip(x.vector_blocks(y)).collect();
        GlmObjective {
            x,
            y,
            blocks,
            family,
            fit_intercept,
            inv_n: 1.0 / x.n_rows() as f64,
            start: Mutex::new(None),
        }
    }

    /// Evaluates the objective at the start `w0` and, in the same pass, checks that X
    /// is finite (`GlmOps::glm_loss_grad_checked`): a fit reads X once less than
    /// with a separate scan. Solvers evaluate the start first, so the result is kept
    /// for that call.
    ///
    /// Returns the value and gradient at `w0`.
    pub(crate) fn check_start(&self, w0: ArrayView1<f64>) -> Result<ValueGrad> {
        let part = self
            .x
            .glm_loss_grad_checked(self.family, self.y, self.linear(w0))
            .ok_or(Error::NonFinite("x"))?;
        let value = self.to_model(part);
        *self.start.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((w0.to_owned(), value.clone()));
        Ok(value)
    }

    /// The kept start evaluation, when `w` is the start.
    fn take_start(&self, w: ArrayView1<f64>) -> Option<ValueGrad> {
        let mut start = self.start.lock().unwrap_or_else(PoisonError::into_inner);
        if start.as_ref().is_some_and(|(w0, _)| w0.view() == w) {
            return start.take().map(|(_, value)| value);
        }
        None
    }

    /// Splits `w` into coefficients and intercept.
    fn linear<'w>(&self, w: ArrayView1<'w, f64>) -> Linear<'w> {
        let p = self.x.n_cols();
        Linear {
            coef: w.slice_move(s![..p]),
            intercept: if self.fit_intercept { w[p] } else { 0.0 },
        }
    }

    /// Scales a partial sum to the mean and lays the gradient out like `w`.
    fn to_model(&self, part: GlmLossGrad) -> (f64, Array1<f64>) {
        let mut g = part.grad * self.inv_n;
        if self.fit_intercept {
            g = ndarray::concatenate![ndarray::Axis(0), g, [part.grad_intercept * self.inv_n]];
        }
        (part.loss * self.inv_n, g)
    }
}

impl<F: Float, X: DataMatrix<F>> Objective for GlmObjective<'_, F, X> {
    fn dim(&self) -> usize {
        self.x.n_cols() + usize::from(self.fit_intercept)
    }

    fn value(&self, w: ArrayView1<f64>) -> f64 {
        self.x.glm_loss(self.family, self.y, self.linear(w)) * self.inv_n
    }

    fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        if let Some(start) = self.take_start(w) {
            return start;
        }
        self.to_model(self.x.glm_loss_grad(self.family, self.y, self.linear(w)))
    }

    fn hessian(&self, w: ArrayView1<f64>) -> Option<Array2<f64>> {
        let h = self.x.glm_hessian(self.family, self.linear(w));
        let p = self.x.n_cols();
        let d = self.dim();
        let mut full = Array2::zeros((d, d));
        full.slice_mut(s![..p, ..p]).assign(&h.xtwx);
        if self.fit_intercept {
            full.slice_mut(s![..p, p]).assign(&h.xtw);
            full.slice_mut(s![p, ..p]).assign(&h.xtw);
            full[[p, p]] = h.sum_w;
        }
        Some(full * self.inv_n)
    }

    /// Sums of `n` terms each rounded to the data type's epsilon.
    fn precision(&self) -> f64 {
        (F::epsilon().as_f64() * 100.0).max(1e-12)
    }

    fn n_blocks(&self) -> usize {
        self.blocks.len()
    }

    fn block_value_grad(&self, block: usize, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let (xb, yb) = self.blocks[block];
        self.to_model(xb.glm_loss_grad(self.family, yb, self.linear(w)))
    }
}
