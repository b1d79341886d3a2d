//! The error every fallible contract operation returns.

use std::fmt;

/// Errors raised by array constructors and transfers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrayError {
    /// A vector's length does not match the matrix's rows.
    LengthMismatch {
        /// Rows of the matrix.
        expected: usize,
        /// Length given.
        found: usize,
    },
    /// Anything else a backend cannot do with the input, in words.
    Invalid(String),
}

impl fmt::Display for ArrayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArrayError::LengthMismatch { expected, found } => write!(
                f,
                "vector has {found} elements but the matrix has {expected} rows"
            ),
            ArrayError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ArrayError {}
