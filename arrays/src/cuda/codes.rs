//! The integer codes the kernels switch on, one function per contract enum. They must
//! agree with the `enum`s at the top of `arrays/cuda/duckml_math.cuh`; the host-math
//! tests (`tests/cuda_kernels.rs`) call the header's functions through these codes and
//! compare with the Rust enums' own methods, so a mismatch fails there.

use crate::element::{BinaryOp, ElementCheck, GlmFamily, PairReduction, Reduction, UnaryOp};

/// `FAM_*` in the header.
pub fn family(f: GlmFamily) -> i32 {
    match f {
        GlmFamily::Gaussian => 0,
        GlmFamily::Bernoulli => 1,
        GlmFamily::Poisson => 2,
    }
}

/// A unary op as `(code, family, a, b)` (`UN_*`).
pub fn unary(op: UnaryOp) -> (i32, i32, f64, f64) {
    match op {
        UnaryOp::Mean(f) => (0, family(f), 0.0, 0.0),
        UnaryOp::Threshold(t) => (1, 0, t, 0.0),
        UnaryOp::Affine { scale, shift } => (2, 0, scale, shift),
        UnaryOp::ClampMin(c) => (3, 0, c, 0.0),
        UnaryOp::EqualTo(c) => (4, 0, c, 0.0),
        UnaryOp::Abs => (5, 0, 0.0, 0.0),
        UnaryOp::Exp => (6, 0, 0.0, 0.0),
        UnaryOp::InvSqrtOrOne => (7, 0, 0.0, 0.0),
    }
}

/// A reduction as `(code, family, c)` (`RED_*`).
pub fn reduction(op: Reduction) -> (i32, i32, f64) {
    match op {
        Reduction::Sum => (0, 0, 0.0),
        Reduction::SquaredDeviation(c) => (1, 0, c),
        Reduction::DevianceFromConstant(f, c) => (2, family(f), c),
    }
}

/// A pair reduction as `(code, family)` (`PAIR_*`).
pub fn pair(op: PairReduction) -> (i32, i32) {
    match op {
        PairReduction::SquaredError => (0, 0),
        PairReduction::CountEqual => (1, 0),
        PairReduction::Deviance(f) => (2, family(f)),
    }
}

/// `BIN_*`.
pub fn binary(op: BinaryOp) -> i32 {
    match op {
        BinaryOp::Add => 0,
        BinaryOp::Mul => 1,
        BinaryOp::Min => 2,
        BinaryOp::Less => 3,
    }
}

/// `CHK_*`.
pub fn check(c: ElementCheck) -> i32 {
    match c {
        ElementCheck::Finite => 0,
        ElementCheck::ZeroOrOne => 1,
        ElementCheck::NonNegative => 2,
    }
}
