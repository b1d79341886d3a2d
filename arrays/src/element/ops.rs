//! Elementwise operations and reductions, chosen from enums so that every backend,
//! a GPU included, can implement them without receiving closures.

use super::{Float, GlmFamily};

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
    /// `scale * v + shift`.
    Affine {
        /// Multiplier.
        scale: f64,
        /// Added after scaling.
        shift: f64,
    },
    /// `max(v, c)`.
    ClampMin(f64),
    /// `1` where the value equals `c`, else `0` (an indicator of one cluster label).
    EqualTo(f64),
    /// `|v|`.
    Abs,
    /// `e^v`.
    Exp,
    /// `1 / sqrt(v)` where `v > 0`, else `1` (degree scaling of a graph Laplacian, with
    /// isolated nodes left unscaled).
    InvSqrtOrOne,
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
            UnaryOp::Affine { scale, shift } => F::of(scale) * v + F::of(shift),
            UnaryOp::ClampMin(c) => {
                let c = F::of(c);
                if v < c {
                    c
                } else {
                    v
                }
            }
            UnaryOp::EqualTo(c) => {
                if v == F::of(c) {
                    F::one()
                } else {
                    F::zero()
                }
            }
            UnaryOp::Abs => v.abs(),
            UnaryOp::Exp => v.exp(),
            UnaryOp::InvSqrtOrOne => {
                if v > F::zero() {
                    F::one() / v.sqrt()
                } else {
                    F::one()
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

/// An elementwise combination of two equally long vectors `(a, b)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `a + b`.
    Add,
    /// `a * b`.
    Mul,
    /// `min(a, b)`.
    Min,
    /// `1` where `a < b`, else `0`.
    Less,
}

impl BinaryOp {
    /// Applies the combination to one pair of values.
    #[inline(always)]
    pub fn apply<F: Float>(self, a: F, b: F) -> F {
        match self {
            BinaryOp::Add => a + b,
            BinaryOp::Mul => a * b,
            BinaryOp::Min => {
                if b < a {
                    b
                } else {
                    a
                }
            }
            BinaryOp::Less => {
                if a < b {
                    F::one()
                } else {
                    F::zero()
                }
            }
        }
    }
}

/// A uniform number in `[0, 1)` that depends only on `(seed, index)`: a counter-based
/// generator (SplitMix64's finaliser), so every backend, a GPU included, draws the same
/// number for sample `index` however the rows are split.
///
/// ```
/// use duckml_arrays::hash_uniform;
/// let u = hash_uniform(7, 123);
/// assert!((0.0..1.0).contains(&u));
/// assert_eq!(u, hash_uniform(7, 123));
/// assert_ne!(u, hash_uniform(8, 123));
/// ```
#[inline(always)]
pub fn hash_uniform(seed: u64, index: u64) -> f64 {
    let mut z = seed
        .wrapping_mul(0xD1B5_4A32_D192_ED03)
        .wrapping_add(index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
