//! Pieces shared by the CPU backends' passes over rows, whose sample vectors are
//! host `Array1`s.

use super::kernels::axpy;
use crate::contract::{ArrayError, GlmLossGrad, Linear};
use crate::element::{Float, GlmFamily};
use ndarray::{Array1, ArrayView1, Zip};

/// Accumulator of one task's share of a fused GLM pass.
pub(crate) struct GlmAcc<F> {
    pub(crate) loss: f64,
    pub(crate) grad: Vec<F>,
    pub(crate) grad_intercept: f64,
}

impl<F: Float> GlmAcc<F> {
    pub(crate) fn new(p: usize) -> Self {
        GlmAcc {
            loss: 0.0,
            grad: vec![F::zero(); p],
            grad_intercept: 0.0,
        }
    }

    pub(crate) fn merge(mut self, other: Self) -> Self {
        self.loss += other.loss;
        self.grad_intercept += other.grad_intercept;
        axpy(F::one(), &other.grad, &mut self.grad);
        self
    }
}

pub(crate) fn coef_as<F: Float>(lin: &Linear<'_>) -> Vec<F> {
    lin.coef.iter().map(|&c| F::of(c)).collect()
}

pub(crate) fn to_f64_vec<F: Float>(v: impl IntoIterator<Item = F>) -> Array1<f64> {
    v.into_iter().map(F::as_f64).collect()
}

pub(crate) fn elem_bytes<F>() -> usize {
    std::mem::size_of::<F>()
}

/// Copies a host vector that must have `n_rows` elements.
pub(crate) fn host_vector<F: Float>(
    n_rows: usize,
    v: ArrayView1<F>,
) -> Result<Array1<F>, ArrayError> {
    if v.len() != n_rows {
        return Err(ArrayError::LengthMismatch {
            expected: n_rows,
            found: v.len(),
        });
    }
    Ok(v.to_owned())
}

/// IRLS weights at `eta`.
pub(crate) fn glm_weights<F: Float>(family: GlmFamily, eta: &Array1<F>) -> Array1<F> {
    eta.mapv(|e| family.hessian_weight(e))
}

/// Working residuals `mu(eta) - y`.
pub(crate) fn glm_residuals<F: Float>(
    family: GlmFamily,
    y: &Array1<F>,
    eta: &Array1<F>,
) -> Array1<F> {
    Zip::from(y)
        .and(eta)
        .map_collect(|&yi, &ei| family.terms(yi, ei).residual)
}

/// The scaffolding of a fused GLM pass shared by the row-wise CPU backends: per-task
/// accumulators over cache-sized row ranges (`row_len` stored values of
/// `entry_bytes` each per row), merged and returned in `f64`. `rows` adds one row
/// range's loss, gradient and intercept gradient to the accumulator.
pub(crate) fn fused_glm_pass<F, R>(
    n_rows: usize,
    n_cols: usize,
    row_len: usize,
    entry_bytes: usize,
    rows: R,
) -> GlmLossGrad
where
    F: Float,
    R: Fn(std::ops::Range<usize>, &mut GlmAcc<F>) + Sync + Send,
{
    let acc = super::kernels::fold_row_ranges(
        n_rows,
        row_len,
        entry_bytes,
        || GlmAcc::<F>::new(n_cols),
        |mut acc, range| {
            rows(range, &mut acc);
            acc
        },
        GlmAcc::merge,
    );
    GlmLossGrad {
        loss: acc.loss,
        grad: to_f64_vec(acc.grad),
        grad_intercept: acc.grad_intercept,
    }
}

/// Splits a row-major `n x t` buffer into its `t` columns (in parallel).
pub(crate) fn split_columns<F: Float>(out: &[F], t: usize) -> Vec<Array1<F>> {
    use rayon::prelude::*;
    (0..t)
        .into_par_iter()
        .map(|j| out.chunks_exact(t).map(|r| r[j]).collect())
        .collect()
}

/// Runs `f` on the vector's contiguous storage (copying through a buffer when the
/// vector is a strided one).
pub(crate) fn with_slice<F: Float, T>(v: &mut Array1<F>, f: impl FnOnce(&mut [F]) -> T) -> T {
    if let Some(s) = v.as_slice_mut() {
        return f(s);
    }
    let mut tmp = v.to_vec();
    let out = f(&mut tmp);
    v.assign(&Array1::from(tmp));
    out
}
