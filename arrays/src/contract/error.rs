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
    /// The array type does not offer an operation (family).
    Unsupported {
        /// What was asked, in words ("graph operations (SpectralClustering)").
        operation: String,
        /// The array type, as [`MatrixCore::describe`](super::MatrixCore::describe) says.
        array: String,
        /// The array types that offer it, in words.
        accepted: String,
    },
    /// One process of a distributed array failed; every process of the job returns
    /// the same error (the lowest failing rank's), so that all stop together.
    Rank {
        /// The failing process.
        rank: usize,
        /// What went wrong there.
        message: String,
    },
}

impl fmt::Display for ArrayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArrayError::LengthMismatch { expected, found } => write!(
                f,
                "vector has {found} elements but the matrix has {expected} rows"
            ),
            ArrayError::Invalid(m) => f.write_str(m),
            ArrayError::Unsupported {
                operation,
                array,
                accepted,
            } => write!(f, "{operation} not supported on {array}; use {accepted}"),
            ArrayError::Rank { rank, message } => write!(f, "rank {rank}: {message}"),
        }
    }
}

impl std::error::Error for ArrayError {}
