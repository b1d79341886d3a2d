//! The element type of data arrays: `f32` or `f64`.

use ndarray::{LinalgScalar, ScalarOperand};
use std::fmt::{Debug, Display};
use std::iter::Sum;

/// A floating-point element type that duckml arrays can hold.
///
/// Implemented for `f32` and `f64`. Model-space vectors (coefficients, gradients)
/// are always `f64` on the host; data arrays may be either, and the contract's
/// conversions go through [`Float::of`] and [`Float::as_f64`].
pub trait Float:
    num_traits::Float
    + LinalgScalar
    + ScalarOperand
    + Sum
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + serde::Serialize
    + for<'de> serde::Deserialize<'de>
    + 'static
{
    /// Converts from `f64`, rounding to nearest for `f32`.
    fn of(v: f64) -> Self;
    /// Converts to `f64` exactly.
    fn as_f64(self) -> f64;
    /// The type's name, for messages and benchmark tables.
    const NAME: &'static str;
}

impl Float for f64 {
    fn of(v: f64) -> Self {
        v
    }
    fn as_f64(self) -> f64 {
        self
    }
    const NAME: &'static str = "f64";
}

impl Float for f32 {
    fn of(v: f64) -> Self {
        v as f32
    }
    fn as_f64(self) -> f64 {
        self as f64
    }
    const NAME: &'static str = "f32";
}
