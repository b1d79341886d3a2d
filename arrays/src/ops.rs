//! Elementwise operations and reductions, chosen from enums so that every backend,
//! a GPU included, can implement them without receiving closures.

use crate::{Float, GlmFamily};

/// A predicate every element of a vector is tested against (input validation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementCheck {
    /// Neither NaN nor infinite.
    Finite,
    /// Exactly `0` or `1` (binary labels).
    ZeroOrOne,
    /// `>= 0` and finite (counts).
    NonNegative,
}

impl ElementCheck {
    /// Whether one value passes.
    #[inline(always)]
    pub fn holds<F: Float>(self, v: F) -> bool {
        match self {
            ElementCheck::Finite => v.is_finite(),
            ElementCheck::ZeroOrOne => v == F::zero() || v == F::one(),
            ElementCheck::NonNegative => v.is_finite() && v >= F::zero(),
        }
    }
}

/// An elementwise map of one vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnaryOp {
    /// The family's inverse link: linear predictor to mean.
    Mean(GlmFamily),
    /// `1` where the value is strictly above the threshold, else `0` (class labels,
    /// as scikit-learn: a zero decision value is class 0).
    Threshold(f64),
}

impl UnaryOp {
    /// Applies the map to one value.
    #[inline(always)]
    pub fn apply<F: Float>(self, v: F) -> F {
        match self {
            UnaryOp::Mean(f) => f.mean(v),
            UnaryOp::Threshold(t) => {
                if v > F::of(t) {
                    F::one()
                } else {
                    F::zero()
                }
            }
        }
    }
}

/// A reduction of one vector to a host scalar (accumulated in `f64`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reduction {
    /// `sum_i v_i`.
    Sum,
    /// `sum_i (v_i - c)^2`.
    SquaredDeviation(f64),
    /// `sum_i h(v_i, mu = c)`: half deviance of a constant mean prediction.
    DevianceFromConstant(GlmFamily, f64),
}

impl Reduction {
    /// The term one element contributes.
    #[inline(always)]
    pub fn term<F: Float>(self, v: F) -> f64 {
        match self {
            Reduction::Sum => v.as_f64(),
            Reduction::SquaredDeviation(c) => {
                let d = v.as_f64() - c;
                d * d
            }
            Reduction::DevianceFromConstant(f, c) => f.loss_at_mean(v.as_f64(), c),
        }
    }
}

/// A reduction of two equally long vectors `(a, b)` to a host scalar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PairReduction {
    /// `sum_i (a_i - b_i)^2`.
    SquaredError,
    /// Number of positions where `a_i == b_i`.
    CountEqual,
    /// `sum_i h(a_i, mu = b_i)`: half deviance of the mean prediction `b` for targets `a`.
    Deviance(GlmFamily),
}

impl PairReduction {
    /// The term one pair of elements contributes.
    #[inline(always)]
    pub fn term<F: Float>(self, a: F, b: F) -> f64 {
        match self {
            PairReduction::SquaredError => {
                let d = a.as_f64() - b.as_f64();
                d * d
            }
            PairReduction::CountEqual => f64::from(u8::from(a == b)),
            PairReduction::Deviance(f) => f.loss_at_mean(a.as_f64(), b.as_f64()),
        }
    }
}
