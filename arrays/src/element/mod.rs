//! The element level: the float types data arrays hold, the GLM families' per-element
//! math, and the operation enums backends switch on (never closures, so a GPU kernel
//! can implement them). It imports nothing else of the crate.

mod family;
mod float;
mod ops;

pub use family::{ElementTerms, GlmFamily};
pub use float::Float;
pub use ops::{hash_uniform, BinaryOp, ElementCheck, PairReduction, Reduction, UnaryOp};
