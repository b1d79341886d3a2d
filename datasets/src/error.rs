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

    /// A line of a text file (a CSV record, or an svmlight line) is longer than
    /// the maximum the reader was given (see [`crate::limits`]).
    #[error(
        "'{path}' line {line}: the line is longer than {limit} bytes, the maximum line length \
         (is this a text file? raise max_line_bytes in the reader's options if it is)"
    )]
    LineTooLong {
        /// The file (or in-memory source name) concerned.
        path: String,
        /// 1-based line number where the over-long line (or CSV record) starts.
        line: usize,
        /// The maximum length in bytes.
        limit: usize,
    },

    /// The first row of a CSV file mixes numbers and text, so it is neither
    /// clearly a header nor clearly data: the caller must say which
    /// ([`HeaderMode::Present`](crate::HeaderMode::Present) or
    /// [`HeaderMode::Absent`](crate::HeaderMode::Absent)).
    #[error(
        "'{path}' line {line}: is the first row a header? It mixes numbers and text \
         (column {column} is {cell:?}); say whether the file has a header"
    )]
    AmbiguousHeader {
        /// The file (or in-memory source name) concerned.
        path: String,
        /// 1-based line number of the first row.
        line: usize,
        /// 1-based column of the first non-numeric cell.
        column: usize,
        /// That cell (its first 40 characters).
        cell: String,
    },

    /// A value is finite as `f64` but too large in magnitude for `f32`.
    ///
    /// `row` and `column` are 0-based (sample and feature indices); `column` is
    /// `None` for a vector.
    #[error(
        "'{path}' {}: value {value:e} overflows float32 (its largest finite value is {max:e})",
        location(*.row, *.column),
        max = f32::MAX
    )]
    F32Overflow {
        /// The file (or in-memory source name) the data came from.
        path: String,
        /// 0-based row (sample) index.
        row: usize,
        /// 0-based column (feature) index, `None` for a vector.
        column: Option<usize>,
        /// The value.
        value: f64,
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

/// "row 3, column 4 (0-based)" or "row 3 (0-based)".
fn location(row: usize, column: Option<usize>) -> String {
    match column {
        Some(column) => format!("row {row}, column {column} (0-based)"),
        None => format!("row {row} (0-based)"),
    }
}

/// How many characters of a cell or field an error message quotes: a cell may
/// be as long as a line (megabytes), and its start is enough to find it.
const EXCERPT_CHARS: usize = 40;

/// The first [`EXCERPT_CHARS`] characters of `text`.
pub(crate) fn head(text: &str) -> &str {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text,
        Some((cut, _)) => &text[..cut],
    }
}

/// `text` quoted for an error message, cut to its [`head`].
pub(crate) fn excerpt(text: &str) -> String {
    let start = head(text);
    if start.len() == text.len() {
        format!("{text:?}")
    } else {
        format!("{start:?}... ({} bytes)", text.len())
    }
}

/// Convenience alias used throughout the crate.
pub type Result<T, E = DatasetError> = std::result::Result<T, E>;

/// Opens `path` for reading; returns the file and the path as the errors name it.
pub(crate) fn open_named(path: &std::path::Path) -> Result<(std::fs::File, String)> {
    let name = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(file) => Ok((file, name)),
        Err(source) => Err(DatasetError::Io { path: name, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt("1.5x"), "\"1.5x\"");
        let long = "\u{e9}".repeat(1000);
        assert_eq!(
            excerpt(&long),
            format!("{:?}... (2000 bytes)", "\u{e9}".repeat(40))
        );
    }
}
