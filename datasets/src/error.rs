//! The error type shared by every loader and generator in this crate.

use thiserror::Error;

/// Everything that can go wrong when generating or loading a data set.
///
/// Every variant renders as one line that names the file (or parameter) at
/// fault. Line and column numbers are 1-based, as in a text editor.
#[derive(Debug, Error)]
pub enum DatasetError {
    /// The operating system refused to open, read or write a file.
    #[error("I/O error on '{path}': {source}")]
    Io {
        /// The file concerned.
        path: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A CSV cell or svmlight field could not be parsed (or the file itself is
    /// malformed).
    #[error("'{path}' line {line}, column {column}: {message}")]
    Parse {
        /// The file (or in-memory source name) concerned.
        path: String,
        /// 1-based line number of the record.
        line: usize,
        /// 1-based column (field) number within the record.
        column: usize,
        /// What is wrong with the cell.
        message: String,
    },

    /// A CSV record has a different number of fields from the first record.
    #[error("'{path}' line {line}: expected {expected} fields, found {found}")]
    Ragged {
        /// The file (or in-memory source name) concerned.
        path: String,
        /// 1-based line number of the offending record.
        line: usize,
        /// Number of fields in the first record.
        expected: usize,
        /// Number of fields in this record.
        found: usize,
    },

    /// A `.npy` file is malformed, truncated, or of an unsupported dtype or shape.
    #[error("'{path}': {message}")]
    Npy {
        /// The file concerned.
        path: String,
        /// What is wrong with it.
        message: String,
    },

    /// A value is NaN or infinite.
    ///
    /// `what` describes where the value was found (file, line and column for a
    /// CSV file, file, line and field for an svmlight file); `index` is the
    /// 0-based sample (data row) index for CSV and svmlight files, the 0-based
    /// row-major element index for `.npy` files and dense in-memory arrays, and
    /// the index into the stored values for sparse in-memory matrices.
    #[error("non-finite value (NaN or infinity) in {what} at index {index}")]
    NonFinite {
        /// Where the value was found.
        what: String,
        /// Index of the value (see the variant's documentation).
        index: usize,
    },

    /// A function argument is out of its valid range.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),

    /// The requested target column does not exist.
    #[error("'{path}': no column {column}")]
    MissingColumn {
        /// The file (or in-memory source name) concerned.
        path: String,
        /// The column that was asked for (a name, or a description of an index).
        column: String,
    },

    /// The file contains no data.
    #[error("'{path}' contains no data")]
    Empty {
        /// The file (or in-memory source name) concerned.
        path: String,
    },

    /// A PNG image could not be decoded or encoded.
    #[error("'{path}': {message}")]
    Image {
        /// The file (or in-memory source name) concerned.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Convenience alias used throughout the crate.
pub type Result<T, E = DatasetError> = std::result::Result<T, E>;
