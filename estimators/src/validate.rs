//! Input checks shared by every estimator, expressed with the array contract.

use crate::error::{Error, Result};
use duckml_arrays::{DataMatrix, ElementCheck, Float, SampleVector};

/// Checks that `x` is non-empty and finite.
pub(crate) fn check_x<F: Float, X: DataMatrix<F>>(x: &X) -> Result<()> {
    check_not_empty(x)?;
    if !x.all_finite() {
        return Err(Error::NonFinite("x"));
    }
    Ok(())
}

/// Checks `x` and `y` together: non-empty, same length, finite.
pub(crate) fn check_xy<F: Float, X: DataMatrix<F>>(x: &X, y: &X::Vector) -> Result<()> {
    check_xy_except_x_finite(x, y)?;
    if !x.all_finite() {
        return Err(Error::NonFinite("x"));
    }
    Ok(())
}

/// [`check_xy`] without the scan of `x` for NaN and infinity, for callers that learn
/// it from their first pass over `x` (the GLM fit, through
/// `GlmOps::glm_loss_grad_checked`).
pub(crate) fn check_xy_except_x_finite<F: Float, X: DataMatrix<F>>(
    x: &X,
    y: &X::Vector,
) -> Result<()> {
    check_not_empty(x)?;
    if y.len() != x.n_rows() {
        return Err(Error::LengthMismatch {
            x_rows: x.n_rows(),
            y_len: y.len(),
        });
    }
    if !y.all(ElementCheck::Finite) {
        return Err(Error::NonFinite("y"));
    }
    Ok(())
}

/// Checks that `x` has at least one row and one column.
fn check_not_empty<F: Float, X: DataMatrix<F>>(x: &X) -> Result<()> {
    if x.n_rows() == 0 || x.n_cols() == 0 {
        return Err(Error::EmptyData(format!(
            "x has shape {} x {}",
            x.n_rows(),
            x.n_cols()
        )));
    }
    Ok(())
}

/// Checks that a fitted model's feature count matches `x`.
pub(crate) fn check_features<F: Float, X: DataMatrix<F>>(x: &X, expected: usize) -> Result<()> {
    if x.n_cols() != expected {
        return Err(Error::FeatureMismatch {
            expected,
            found: x.n_cols(),
        });
    }
    if x.n_rows() == 0 {
        return Err(Error::EmptyData("x has no rows".into()));
    }
    if !x.all_finite() {
        return Err(Error::NonFinite("x"));
    }
    Ok(())
}

/// Checks a real parameter against `ok`, naming it in the error.
pub(crate) fn check_param(
    name: &'static str,
    value: f64,
    ok: bool,
    reason: &'static str,
) -> Result<()> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value: value.to_string(),
            reason,
        })
    }
}
