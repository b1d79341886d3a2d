//! Reading and writing sparse data in the svmlight / libsvm text format.
//!
//! Each data line is
//!
//! ```text
//! <label> [qid:<n>] <index>:<value> <index>:<value> ... [# comment]
//! ```
//!
//! with fields separated by spaces or tabs. Blank lines and lines that hold
//! only a comment are skipped; `qid:<n>` (a query id, used by ranking data)
//! is accepted right after the label and ignored. Indices within a line must
//! be strictly increasing, as scikit-learn's `load_svmlight_file` requires.
//! Features that do not appear are zero; features that appear with the value
//! 0 are kept as explicit entries.
//!
//! # Numbering
//!
//! Whether indices count from 0 or 1 is not written in the file. The reader
//! takes it as an option ([`ZeroBased`]) and reports the numbering it used in
//! [`SparseTable::numbering`], saying whether it was detected. Detection
//! ([`ZeroBased::Auto`]) can only see whether an index 0 occurs, so two files of
//! one data set can be read differently: a zero-based training file, and a test
//! file whose column 0 happens to be empty. Record the training file's
//! numbering and pass it when reading the files that go with it:
//!
//! ```
//! use duckml_datasets::{read_svmlight_str, SvmlightOptions, ZeroBased};
//!
//! let train = read_svmlight_str("1 0:1 2:5\n0 1:2\n", "train", &SvmlightOptions::default())?;
//! assert!(train.numbering.zero_based && train.numbering.auto_detected);
//!
//! let opts = SvmlightOptions {
//!     n_features: Some(train.n_features()),
//!     zero_based: ZeroBased::from(train.numbering),
//!     ..SvmlightOptions::default()
//! };
//! let test = read_svmlight_str("1 2:7\n", "test", &opts)?;
//! assert_eq!(test.x.indices(), [2]); // column 2, as in training (auto would say 1)
//! assert!(!test.numbering.auto_detected);
//! # Ok::<(), duckml_datasets::DatasetError>(())
//! ```
//!
//! # Limits
//!
//! Lines are read no further than [`SvmlightOptions::max_line_bytes`], and
//! without `n_features` no index may make the matrix wider than
//! [`SvmlightOptions::max_features`]: nothing in the reader is sized by the
//! number of columns, but every caller's per-feature vector would be, so one
//! index `2^61` is an error naming its line, not a width (see [`crate::limits`]).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use duckml_arrays::Chunked;
use ndarray::Array1;
use sprs::CsMat;

use crate::error::{excerpt, open_named, DatasetError, Result};
use crate::limits::{read_line_capped, DEFAULT_MAX_FEATURES, DEFAULT_MAX_LINE_BYTES};

/// Whether the feature indices of an svmlight file count from 0 or from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZeroBased {
    /// One-based unless some index in the file is 0, in which case zero-based
    /// (scikit-learn's `zero_based="auto"` rule). The outcome is reported in
    /// [`SparseTable::numbering`]; see the [module documentation](self) for why
    /// files that belong together should be read with one explicit numbering.
    #[default]
    Auto,
    /// Indices count from 0: index `j` is column `j`.
    Yes,
    /// Indices count from 1: index `j` is column `j - 1`; an index 0 is an error.
    No,
}

/// The numbering an svmlight reader used, as reported in
/// [`SparseTable::numbering`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberingDecision {
    /// Indices were read as zero-based (index `j` is column `j`); otherwise as
    /// one-based (index `j` is column `j - 1`).
    pub zero_based: bool,
    /// The numbering was detected ([`ZeroBased::Auto`]), not given.
    pub auto_detected: bool,
}

/// The explicit option that reads another file the same way.
impl From<NumberingDecision> for ZeroBased {
    fn from(d: NumberingDecision) -> Self {
        if d.zero_based {
            ZeroBased::Yes
        } else {
            ZeroBased::No
        }
    }
}

/// Options for [`read_svmlight`], [`read_svmlight_str`] and [`read_svmlight_from`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SvmlightOptions {
    /// Number of columns of the result. `None` (the default) means one more
    /// than the largest column index in the file; with `Some(p)` every column
    /// index must be below `p`, and the matrix has exactly `p` columns even if
    /// the last ones are empty (useful to give a train and a test file the same
    /// width).
    pub n_features: Option<usize>,
    /// How indices are numbered (default [`ZeroBased::Auto`]).
    pub zero_based: ZeroBased,
    /// Longest line in bytes, not counting its `'\n'` (default
    /// [`DEFAULT_MAX_LINE_BYTES`], 16 MiB). A longer line is a
    /// [`DatasetError::LineTooLong`] error, read no further than this.
    pub max_line_bytes: usize,
    /// Most columns an index may imply when `n_features` is `None` (default
    /// [`DEFAULT_MAX_FEATURES`], 2^26). A given `n_features` is the caller's
    /// own bound and replaces this one.
    pub max_features: usize,
}

impl Default for SvmlightOptions {
    fn default() -> Self {
        Self {
            n_features: None,
            zero_based: ZeroBased::Auto,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_features: DEFAULT_MAX_FEATURES,
        }
    }
}

impl SvmlightOptions {
    /// Default options with a fixed number of features.
    ///
    /// ```
    /// use duckml_datasets::{SvmlightOptions, ZeroBased};
    ///
    /// let opts = SvmlightOptions::with_n_features(10);
    /// assert_eq!(opts.n_features, Some(10));
    /// assert_eq!(opts.zero_based, ZeroBased::Auto);
    /// ```
    pub fn with_n_features(n_features: usize) -> Self {
        Self {
            n_features: Some(n_features),
            ..Self::default()
        }
    }
}

/// A sparse data set: features in CSR layout and a response.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseTable {
    /// Feature matrix, `n_samples x n_features`, CSR, with sorted distinct
    /// column indices in every row.
    pub x: CsMat<f64>,
    /// Labels (responses), one per row.
    pub y: Array1<f64>,
    /// How the indices were numbered, and whether that was detected.
    pub numbering: NumberingDecision,
}

impl SparseTable {
    /// Number of rows (samples).
    pub fn n_samples(&self) -> usize {
        self.x.rows()
    }

    /// Number of feature columns.
    pub fn n_features(&self) -> usize {
        self.x.cols()
    }
}

/// Reads an svmlight / libsvm file (see the [module documentation](self) for
/// the format).
///
/// The file is read line by line; the result holds the labels as `y` and the
/// features as a CSR matrix whose column `j` is index `j` (zero-based) or
/// `j + 1` (one-based) of the file.
///
/// # Errors
///
/// Every error about the content names the file and the 1-based line number.
///
/// * [`DatasetError::Io`] if the file cannot be read;
/// * [`DatasetError::LineTooLong`] for a line longer than
///   [`max_line_bytes`](SvmlightOptions::max_line_bytes);
/// * [`DatasetError::Empty`] if it holds no data line;
/// * [`DatasetError::Parse`] for a label or value that is not a number, a
///   feature without `:`, an index that is not a non-negative integer, indices
///   that are not strictly increasing within a line, an index 0 with
///   [`ZeroBased::No`], an index at or beyond
///   [`n_features`](SvmlightOptions::n_features) when that is given (or
///   [`max_features`](SvmlightOptions::max_features) when it is not), a
///   misplaced or malformed `qid`, or invalid UTF-8; its `column` is the
///   1-based whitespace-separated field of the line (the label is field 1);
/// * [`DatasetError::NonFinite`] for a NaN or infinite label or value, with
///   the 0-based sample (data line) index.
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_svmlight, write_svmlight, SvmlightOptions};
/// use ndarray::array;
/// use sprs::CsMat;
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_svmlight_{}.txt", std::process::id()));
/// let x = CsMat::new((2, 3), vec![0, 2, 3], vec![0, 2, 1], vec![1.5, -2.0, 0.25]);
/// let y = array![1.0, -1.0];
/// write_svmlight(&path, &x, &y)?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "1 1:1.5 3:-2\n-1 2:0.25\n");
///
/// let table = read_svmlight(&path, &SvmlightOptions::default())?;
/// assert_eq!(table.x, x);
/// assert_eq!(table.y, y);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_svmlight(path: impl AsRef<Path>, options: &SvmlightOptions) -> Result<SparseTable> {
    let (file, name) = open_named(path.as_ref())?;
    parse_svmlight(BufReader::new(file), &name, options)
}

/// Parses svmlight text held in memory; `name` stands in for a file name in
/// error messages. See [`read_svmlight`] for the format and the errors.
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_svmlight_str, SvmlightOptions};
///
/// let text = "# a comment line\n1 qid:3 1:0.5 4:2\n\n0 2:-1 # trailing comment\n";
/// let table = read_svmlight_str(text, "inline", &SvmlightOptions::default())?;
/// assert_eq!(table.x.shape(), (2, 4));
/// assert_eq!(table.x.to_dense(), ndarray::array![[0.5, 0.0, 0.0, 2.0], [0.0, -1.0, 0.0, 0.0]]);
/// assert_eq!(table.y, ndarray::array![1.0, 0.0]);
///
/// let err = read_svmlight_str("1 3:1 2:1\n", "inline", &SvmlightOptions::default()).unwrap_err();
/// assert!(err.to_string().contains("line 1"));
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_svmlight_str(text: &str, name: &str, options: &SvmlightOptions) -> Result<SparseTable> {
    parse_svmlight(text.as_bytes(), name, options)
}

/// Reads svmlight data from any reader (a pipe, bytes in memory); `name` stands
/// in for a file name in error messages. See [`read_svmlight`] for the format
/// and the errors. Memory grows with the entries read; no line is buffered
/// beyond [`SvmlightOptions::max_line_bytes`].
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_svmlight_from, DatasetError, SvmlightOptions};
///
/// let t = read_svmlight_from(&b"1 3:0.5\r\n"[..], "pipe", &SvmlightOptions::default())?;
/// assert_eq!(t.x.shape(), (1, 3));
///
/// // An index that would make the matrix 2^61 columns wide is refused at its line.
/// let err = read_svmlight_from(&b"1 1:1\n0 2305843009213693952:1\n"[..], "big", &SvmlightOptions::default())
///     .unwrap_err();
/// assert!(matches!(err, DatasetError::Parse { line: 2, column: 2, .. }), "{err}");
///
/// // /dev/zero is not svmlight: the first line never ends, and the read stops.
/// let opts = SvmlightOptions { max_line_bytes: 1 << 16, ..SvmlightOptions::default() };
/// let err = read_svmlight_from(std::io::repeat(0), "/dev/zero", &opts).unwrap_err();
/// assert!(matches!(err, DatasetError::LineTooLong { line: 1, .. }));
/// # Ok::<(), DatasetError>(())
/// ```
pub fn read_svmlight_from(
    reader: impl Read,
    name: &str,
    options: &SvmlightOptions,
) -> Result<SparseTable> {
    parse_svmlight(BufReader::new(reader), name, options)
}

/// The bound on raw indices: `n_features` when given, else `max_features`.
struct IndexLimit {
    limit: usize,
    given: bool,
}

impl IndexLimit {
    fn new(options: &SvmlightOptions) -> Self {
        match options.n_features {
            Some(limit) => Self { limit, given: true },
            None => Self {
                limit: options.max_features,
                given: false,
            },
        }
    }

    /// Why `index` is out of range, given the numbering when it matters.
    fn message(&self, index: usize, numbering: &str) -> String {
        let p = self.limit;
        if self.given {
            format!("{numbering}feature index {index} is out of range for n_features = {p}")
        } else {
            format!(
                "{numbering}feature index {index} is beyond the limit of {p} features \
                 (SvmlightOptions::max_features)"
            )
        }
    }
}

fn parse_error(path: &str, line: usize, column: usize, message: String) -> DatasetError {
    DatasetError::Parse {
        path: path.to_string(),
        line,
        column,
        message,
    }
}

fn parse_number(
    token: &str,
    what: &str,
    path: &str,
    line: usize,
    column: usize,
    row: usize,
) -> Result<f64> {
    let value: f64 = token.parse().map_err(|_| {
        parse_error(
            path,
            line,
            column,
            format!("cannot parse {what} {} as a number", excerpt(token)),
        )
    })?;
    if !value.is_finite() {
        return Err(DatasetError::NonFinite {
            what: format!(
                "'{path}' line {line}, field {column} ({what} {})",
                excerpt(token)
            ),
            index: row,
        });
    }
    Ok(value)
}

/// What a streamed svmlight file held, once its last line was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SvmlightSummary {
    /// Data lines (rows).
    pub n_rows: usize,
    /// Columns: `n_features` when given, else one more than the largest column index.
    pub n_features: usize,
    /// Stored entries.
    pub nnz: usize,
    /// The numbering the indices were read with. The streamed rows carried the raw
    /// indices as written: column `j` is index `j` when zero-based, `j + 1` otherwise.
    pub numbering: NumberingDecision,
}

/// Reads an svmlight file line by line, handing each data row to `on_row` as
/// `(label, raw indices, values)` (indices as written in the file, strictly
/// increasing), and returns what the file held, the numbering decided at the end.
/// Memory is one line's entries, whatever the file's length: this is the reader
/// behind [`read_svmlight`], [`read_svmlight_chunked`] and `duckml convert`.
///
/// # Errors
///
/// Those of [`read_svmlight`], and any error `on_row` returns (which ends the read).
///
/// ```
/// use duckml_datasets::{stream_svmlight, SvmlightOptions};
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_stream_svm_{}.svm", std::process::id()));
/// std::fs::write(&path, "1 1:0.5 3:2\n0 2:-1\n").unwrap();
/// let mut raw = Vec::new();
/// let summary = stream_svmlight(&path, &SvmlightOptions::default(), |_, idx, _| {
///     raw.extend_from_slice(idx);
///     Ok(())
/// })?;
/// assert_eq!(raw, [1, 3, 2]); // as written; one-based, so columns 0, 2, 1
/// assert!(!summary.numbering.zero_based);
/// assert_eq!((summary.n_rows, summary.n_features, summary.nnz), (2, 3, 3));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn stream_svmlight(
    path: impl AsRef<Path>,
    options: &SvmlightOptions,
    on_row: impl FnMut(f64, &[usize], &[f64]) -> Result<()>,
) -> Result<SvmlightSummary> {
    let (file, name) = open_named(path.as_ref())?;
    stream_rows(BufReader::new(file), &name, options, on_row)
}

/// Reads an svmlight file into row chunks of at most `rows_per_chunk` rows, a
/// [`Chunked`] CSR matrix built as the file is read (no whole-file copy is made
/// and split), with its labels.
///
/// # Errors
///
/// Those of [`read_svmlight`]; [`DatasetError::InvalidParameter`] for
/// `rows_per_chunk == 0`.
///
/// ```
/// use duckml_arrays::prelude::*;
/// use duckml_datasets::{read_svmlight_chunked, SvmlightOptions};
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_chunked_svm_{}.svm", std::process::id()));
/// std::fs::write(&path, "1 1:0.5\n0 2:-1\n1 1:2 2:1\n").unwrap();
/// let (x, y, _) = read_svmlight_chunked(&path, &SvmlightOptions::default(), 2)?;
/// assert_eq!((x.n_rows(), x.n_cols(), x.chunks().len()), (3, 2, 2));
/// assert_eq!(y, ndarray::array![1.0, 0.0, 1.0]);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_svmlight_chunked(
    path: impl AsRef<Path>,
    options: &SvmlightOptions,
    rows_per_chunk: usize,
) -> Result<(Chunked<CsMat<f64>>, Array1<f64>, NumberingDecision)> {
    if rows_per_chunk == 0 {
        return Err(DatasetError::InvalidParameter(
            "rows_per_chunk must be at least 1".into(),
        ));
    }
    let path = path.as_ref();
    let name = path.display().to_string();
    let mut chunks: Vec<RawCsr> = Vec::new();
    let mut labels = Vec::new();
    let summary = stream_svmlight(path, options, |label, idx, val| {
        if chunks.last().is_none_or(|c| c.rows() == rows_per_chunk) {
            chunks.push(RawCsr::default());
        }
        chunks.last_mut().expect("pushed above").push(idx, val);
        labels.push(label);
        Ok(())
    })?;
    let x = chunks
        .into_iter()
        .map(|c| c.finish(&summary, &name))
        .collect::<Result<Vec<_>>>()?;
    let x = Chunked::from_chunks(x).map_err(|e| parse_error(&name, 0, 0, e.to_string()))?;
    Ok((x, Array1::from_vec(labels), summary.numbering))
}

/// Rows gathered with raw indices, made a CSR matrix once the numbering is known.
#[derive(Default)]
struct RawCsr {
    indptr: Vec<usize>,
    indices: Vec<usize>,
    data: Vec<f64>,
}

impl RawCsr {
    fn rows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    fn push(&mut self, idx: &[usize], val: &[f64]) {
        if self.indptr.is_empty() {
            self.indptr.push(0);
        }
        self.indices.extend_from_slice(idx);
        self.data.extend_from_slice(val);
        self.indptr.push(self.indices.len());
    }

    fn finish(mut self, summary: &SvmlightSummary, path: &str) -> Result<CsMat<f64>> {
        if !summary.numbering.zero_based {
            // Every index is at least 1 here: index 0 either is an error (No) or
            // makes the file zero-based (Auto).
            for j in self.indices.iter_mut() {
                *j -= 1;
            }
        }
        if self.indptr.is_empty() {
            self.indptr.push(0);
        }
        self.indptr.shrink_to_fit();
        self.indices.shrink_to_fit();
        self.data.shrink_to_fit();
        let shape = (self.rows(), summary.n_features);
        CsMat::try_new(shape, self.indptr, self.indices, self.data).map_err(|(_, _, _, e)| {
            parse_error(
                path,
                0,
                0,
                format!("internal error: invalid CSR structure: {e}"),
            )
        })
    }
}

fn parse_svmlight<R: BufRead>(
    reader: R,
    path: &str,
    options: &SvmlightOptions,
) -> Result<SparseTable> {
    let mut all = RawCsr::default();
    let mut labels: Vec<f64> = Vec::new();
    let summary = stream_rows(reader, path, options, |label, idx, val| {
        all.push(idx, val);
        labels.push(label);
        Ok(())
    })?;
    let x = all.finish(&summary, path)?;
    Ok(SparseTable {
        x,
        y: Array1::from_vec(labels),
        numbering: summary.numbering,
    })
}

/// The line-by-line svmlight reader: every check, one line's entries in memory.
fn stream_rows<R: BufRead>(
    mut reader: R,
    path: &str,
    options: &SvmlightOptions,
    mut on_row: impl FnMut(f64, &[usize], &[f64]) -> Result<()>,
) -> Result<SvmlightSummary> {
    // One row's raw indices (as written in the file) and values.
    let mut indices: Vec<usize> = Vec::new();
    let mut data: Vec<f64> = Vec::new();
    let mut n_rows = 0usize;
    let mut nnz = 0usize;
    let mut max_index: Option<usize> = None;
    let mut saw_zero_index = false;
    let bound = IndexLimit::new(options);
    // (line, field) of the first raw index equal to the limit: out of range
    // only if the file turns out zero-based.
    let mut first_at_limit: Option<(usize, usize)> = None;
    let mut buf: Vec<u8> = Vec::new();
    let mut line_no = 0usize;

    while read_line_capped(
        &mut reader,
        &mut buf,
        options.max_line_bytes,
        path,
        line_no + 1,
    )? {
        line_no += 1;
        let text = std::str::from_utf8(&buf)
            .map_err(|_| parse_error(path, line_no, 0, "invalid UTF-8".into()))?;
        let text = if line_no == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        let content = match text.find('#') {
            Some(pos) => &text[..pos],
            None => text,
        };
        let mut fields = content.split_ascii_whitespace().enumerate();
        let Some((_, label)) = fields.next() else {
            continue; // blank or comment-only line
        };
        let row = n_rows;
        let label = parse_number(label, "label", path, line_no, 1, row)?;
        indices.clear();
        data.clear();
        for (k, field) in fields {
            let column = k + 1;
            let Some((idx_text, val_text)) = field.split_once(':') else {
                return Err(parse_error(
                    path,
                    line_no,
                    column,
                    format!(
                        "expected index:value, found {} (missing ':')",
                        excerpt(field)
                    ),
                ));
            };
            if idx_text == "qid" {
                if column != 2 {
                    return Err(parse_error(
                        path,
                        line_no,
                        column,
                        "qid must come right after the label".into(),
                    ));
                }
                if val_text.parse::<i64>().is_err() {
                    return Err(parse_error(
                        path,
                        line_no,
                        column,
                        format!("qid {} is not an integer", excerpt(val_text)),
                    ));
                }
                continue;
            }
            // `usize::from_str` accepts a leading '+'; an index must be plain digits.
            let index = if idx_text.bytes().all(|b| b.is_ascii_digit()) {
                idx_text.parse::<usize>().ok()
            } else {
                None
            };
            let Some(index) = index else {
                return Err(parse_error(
                    path,
                    line_no,
                    column,
                    format!(
                        "feature index {} is not a non-negative integer (or is too large)",
                        excerpt(idx_text)
                    ),
                ));
            };
            if let Some(&prev) = indices.last() {
                if index <= prev {
                    return Err(parse_error(
                        path,
                        line_no,
                        column,
                        format!(
                            "feature indices must be strictly increasing within a line, \
                             found {index} after {prev}"
                        ),
                    ));
                }
            }
            if index == 0 {
                if options.zero_based == ZeroBased::No {
                    return Err(parse_error(
                        path,
                        line_no,
                        column,
                        "feature index 0 in a file read as one-based".into(),
                    ));
                }
                saw_zero_index = true;
            }
            // Above the limit is out of range whatever the numbering: stop now.
            if index > bound.limit {
                return Err(parse_error(path, line_no, column, bound.message(index, "")));
            }
            if index == bound.limit && first_at_limit.is_none() {
                first_at_limit = Some((line_no, column));
            }
            let value = parse_number(val_text, "value", path, line_no, column, row)?;
            indices.push(index);
            data.push(value);
        }
        if let Some(&last) = indices.last() {
            max_index = max_index.max(Some(last));
        }
        nnz += indices.len();
        n_rows += 1;
        on_row(label, &indices, &data)?;
    }

    if n_rows == 0 {
        return Err(DatasetError::Empty {
            path: path.to_string(),
        });
    }

    let zero_based = match options.zero_based {
        ZeroBased::Yes => true,
        ZeroBased::No => false,
        ZeroBased::Auto => saw_zero_index,
    };
    if let (true, Some((line, column))) = (zero_based, first_at_limit) {
        return Err(parse_error(
            path,
            line,
            column,
            bound.message(bound.limit, "zero-based "),
        ));
    }
    let n_features = match options.n_features {
        Some(p) => p,
        // Indices are at most max_features here, so this cannot overflow; a
        // one-based index j is column j - 1.
        None => max_index.map_or(0, |m| if zero_based { m + 1 } else { m }),
    };
    Ok(SvmlightSummary {
        n_rows,
        n_features,
        nnz,
        numbering: NumberingDecision {
            zero_based,
            auto_detected: options.zero_based == ZeroBased::Auto,
        },
    })
}

/// Writes a sparse matrix and its labels in svmlight format, with one-based
/// indices.
///
/// Each row becomes one line `label index:value ...`, listing the stored
/// entries of the row (explicit zeros included) in increasing column order.
/// Numbers are written with Rust's shortest round-trip formatting (`{}`, or
/// `{:e}` for magnitudes below 1e-5 or from 1e16 up, to keep them short), so
/// [`read_svmlight`] gives back exactly the same `f64` values. `x` may be CSR
/// or CSC (a CSC matrix is converted to CSR first).
///
/// # Errors
///
/// * [`DatasetError::InvalidParameter`] if `y` does not have one entry per row
///   of `x`;
/// * [`DatasetError::NonFinite`] if a value of `x` (index into its stored
///   values) or of `y` is NaN or infinite (it could not be read back);
/// * [`DatasetError::Io`] if the file cannot be written.
///
/// See [`read_svmlight`] for an example.
pub fn write_svmlight(path: impl AsRef<Path>, x: &CsMat<f64>, y: &Array1<f64>) -> Result<()> {
    let path = path.as_ref();
    let pname = path.display().to_string();
    if y.len() != x.rows() {
        return Err(DatasetError::InvalidParameter(format!(
            "y has length {} but x has {} rows",
            y.len(),
            x.rows()
        )));
    }
    if let Some(idx) = x.data().iter().position(|v| !v.is_finite()) {
        return Err(DatasetError::NonFinite {
            what: "x (stored values)".into(),
            index: idx,
        });
    }
    if let Some(idx) = y.iter().position(|v| !v.is_finite()) {
        return Err(DatasetError::NonFinite {
            what: "y".into(),
            index: idx,
        });
    }
    let converted;
    let csr = if x.is_csr() {
        x
    } else {
        converted = x.to_csr();
        &converted
    };

    let io_err = |source: std::io::Error| DatasetError::Io {
        path: pname.clone(),
        source,
    };
    let file = File::create(path).map_err(io_err)?;
    let mut out = BufWriter::new(file);
    for (row, &label) in csr.outer_iterator().zip(y.iter()) {
        write_number(&mut out, label).map_err(io_err)?;
        for (j, &v) in row.iter() {
            write!(out, " {}:", j + 1).map_err(io_err)?;
            write_number(&mut out, v).map_err(io_err)?;
        }
        out.write_all(b"\n").map_err(io_err)?;
    }
    out.flush().map_err(io_err)?;
    Ok(())
}

/// Writes a finite `f64` so that parsing the text gives back the same bits.
///
/// Both `Display` and `LowerExp` print the shortest digits that round-trip;
/// `LowerExp` avoids hundreds of zeros for very small or very large values.
fn write_number<W: Write>(out: &mut W, v: f64) -> std::io::Result<()> {
    let a = v.abs();
    if a != 0.0 && !(1e-5..1e16).contains(&a) {
        write!(out, "{v:e}")
    } else {
        write!(out, "{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempFile;
    use ndarray::array;

    fn read(text: &str) -> Result<SparseTable> {
        read_svmlight_str(text, "t.svm", &SvmlightOptions::default())
    }

    fn read_with(
        text: &str,
        n_features: Option<usize>,
        zero_based: ZeroBased,
    ) -> Result<SparseTable> {
        read_svmlight_str(
            text,
            "t.svm",
            &SvmlightOptions {
                n_features,
                zero_based,
                ..SvmlightOptions::default()
            },
        )
    }

    /// The error message, which must name the source and the given line.
    fn err_at(r: Result<SparseTable>, line: usize) -> String {
        let msg = r.expect_err("expected an error").to_string();
        assert!(msg.contains("'t.svm'"), "{msg}");
        assert!(msg.contains(&format!("line {line},")), "{msg}");
        msg
    }

    #[test]
    fn parses_small_text_exactly() {
        let text = "1 1:0.5 3:-2.25 5:1e3\n\
                    -1 2:7\n\
                    +1.5\t4:0.125  5:-0\r\n\
                    0 1:0\n";
        let t = read(text).unwrap();
        assert_eq!(t.n_samples(), 4);
        assert_eq!(t.n_features(), 5);
        assert!(t.x.is_csr());
        assert_eq!(
            t.x.to_dense(),
            array![
                [0.5, 0.0, -2.25, 0.0, 1000.0],
                [0.0, 7.0, 0.0, 0.0, 0.0],
                [0.0, 0.0, 0.0, 0.125, -0.0],
                [0.0, 0.0, 0.0, 0.0, 0.0],
            ]
        );
        assert_eq!(t.y, array![1.0, -1.0, 1.5, 0.0]);
        // Explicit zeros are kept as stored entries.
        assert_eq!(t.x.nnz(), 7);
        assert_eq!(t.x.indptr().raw_storage(), &[0, 3, 4, 6, 7]);
        assert_eq!(t.x.indices(), &[0, 2, 4, 1, 3, 4, 0]);
    }

    #[test]
    fn zero_based_detection() {
        // No index 0: one-based.
        let t = read("1 1:1 3:3\n0 2:2\n").unwrap();
        assert_eq!(t.x.shape(), (2, 3));
        assert_eq!(t.x.to_dense(), array![[1.0, 0.0, 3.0], [0.0, 2.0, 0.0]]);
        // An index 0 anywhere (here on the last line): zero-based.
        let t = read("1 1:1 3:3\n0 0:2\n").unwrap();
        assert_eq!(t.x.shape(), (2, 4));
        assert_eq!(
            t.x.to_dense(),
            array![[0.0, 1.0, 0.0, 3.0], [2.0, 0.0, 0.0, 0.0]]
        );
        // Forced numbering.
        let t = read_with("1 1:1 3:3\n", None, ZeroBased::Yes).unwrap();
        assert_eq!(t.x.to_dense(), array![[0.0, 1.0, 0.0, 3.0]]);
        let msg = err_at(read_with("1 1:1\n2 0:1\n", None, ZeroBased::No), 2);
        assert!(msg.contains("index 0"), "{msg}");
    }

    #[test]
    fn numbering_is_reported_and_reusable() {
        // The campaign's pair: a zero-based training file, and a test file
        // whose column 0 happens to be empty.
        let train = read("1 0:1 2:5\n0 1:2\n").unwrap();
        let detected = |zero_based| NumberingDecision {
            zero_based,
            auto_detected: true,
        };
        assert_eq!(train.numbering, detected(true));
        let test_text = "1 2:7\n";
        // Auto alone reads the test file one-based: index 2 becomes column 1.
        let auto = read_with(test_text, Some(3), ZeroBased::Auto).unwrap();
        assert_eq!(auto.numbering, detected(false));
        assert_eq!(auto.x.indices(), &[1]);
        // With the training file's numbering, column 2 as in training.
        let test = read_with(test_text, Some(3), ZeroBased::from(train.numbering)).unwrap();
        assert_eq!(test.x.indices(), &[2]);
        assert_eq!(
            test.numbering,
            NumberingDecision {
                zero_based: true,
                auto_detected: false
            }
        );
        assert_eq!(
            ZeroBased::from(NumberingDecision {
                zero_based: false,
                auto_detected: true
            }),
            ZeroBased::No
        );
    }

    #[test]
    fn huge_indices_are_errors_at_their_line() {
        for index in [1u64 << 30, 1 << 61, u64::MAX] {
            let text = format!("1 1:1\n0 3:1 {index}:2\n");
            let msg = err_at(read(&text), 2);
            assert!(msg.contains("column 3"), "{msg}");
            assert!(msg.contains("max_features"), "{msg}");
        }
        let msg = err_at(read("1 99999999999999999999999999:1\n"), 1);
        assert!(msg.contains("too large"), "{msg}");
        // The limit is an option, exact at its edge for either numbering.
        let opts = |zero_based| SvmlightOptions {
            max_features: 4,
            zero_based,
            ..SvmlightOptions::default()
        };
        let t = read_svmlight_str("1 4:1\n", "t.svm", &opts(ZeroBased::Auto)).unwrap();
        assert_eq!(t.x.shape(), (1, 4));
        let msg = err_at(
            read_svmlight_str("1 4:1\n", "t.svm", &opts(ZeroBased::Yes)),
            1,
        );
        assert!(
            msg.contains("zero-based") && msg.contains("limit of 4"),
            "{msg}"
        );
        let msg = err_at(
            read_svmlight_str("1 3:1\n0 5:1\n", "t.svm", &opts(ZeroBased::No)),
            2,
        );
        assert!(msg.contains("limit of 4"), "{msg}");
        // A given n_features replaces max_features.
        let t = read_with("1 9:1\n", Some(10), ZeroBased::Auto).unwrap();
        assert_eq!(t.x.shape(), (1, 10));
    }

    #[test]
    fn long_lines_are_capped() {
        let small = SvmlightOptions {
            max_line_bytes: 100,
            ..SvmlightOptions::default()
        };
        let e = read_svmlight_from(std::io::repeat(0), "/dev/zero", &small).unwrap_err();
        assert!(
            matches!(
                e,
                DatasetError::LineTooLong {
                    line: 1,
                    limit: 100,
                    ..
                }
            ),
            "{e}"
        );
        let long = format!("1 1:1\n# c\n1 1:{}\n", "0".repeat(200));
        let e = read_svmlight_str(&long, "t.svm", &small).unwrap_err();
        assert!(
            matches!(e, DatasetError::LineTooLong { line: 3, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("'t.svm' line 3"), "{e}");
        let exact = format!("1 1:{}\n", "0".repeat(96));
        assert!(read_svmlight_str(&exact, "t.svm", &small).is_ok());
    }

    #[test]
    fn comments_blank_lines_and_qid() {
        let text = "\u{feff}# header comment\n\
                    \n\
                    3 qid:1 1:1.5 2:2.5 # trailing\n   \n\
                    \t# indented comment\n\
                    2 qid:-2 3:1\n\
                    7#label only, comment glued on\n\
                    4\n";
        let t = read(text).unwrap();
        assert_eq!(t.y, array![3.0, 2.0, 7.0, 4.0]);
        assert_eq!(
            t.x.to_dense(),
            array![
                [1.5, 2.5, 0.0],
                [0.0, 0.0, 1.0],
                [0.0, 0.0, 0.0],
                [0.0, 0.0, 0.0]
            ]
        );
        let msg = err_at(read("# c\n1 1:1 qid:2\n"), 2);
        assert!(msg.contains("qid"), "{msg}");
        let msg = err_at(read("1 qid:x 1:1\n"), 1);
        assert!(msg.contains("qid"), "{msg}");
    }

    #[test]
    fn n_features_widens_and_checks() {
        let t = read_with("1 2:1\n", Some(6), ZeroBased::Auto).unwrap();
        assert_eq!(t.x.shape(), (1, 6));
        // One-based index 6 is column 5: in range for 6 features.
        let t = read_with("1 6:1\n", Some(6), ZeroBased::Auto).unwrap();
        assert_eq!(t.x.indices(), &[5]);
        // Out of range, one-based: reported at its own line.
        let msg = err_at(
            read_with("1 2:1\n\n0 3:1 7:2\n", Some(6), ZeroBased::Auto),
            3,
        );
        assert!(msg.contains("out of range") && msg.contains('7'), "{msg}");
        assert!(msg.contains("column 3"), "{msg}");
        // Auto turns zero-based because of a later index 0: then 6 is out of range.
        let msg = err_at(read_with("1 6:1\n0 0:1\n", Some(6), ZeroBased::Auto), 1);
        assert!(msg.contains("zero-based"), "{msg}");
        let msg = err_at(read_with("1 1:1\n0 6:1\n", Some(6), ZeroBased::Yes), 2);
        assert!(msg.contains("out of range"), "{msg}");
        // No features at all: zero columns unless told otherwise.
        assert_eq!(read("1\n0\n").unwrap().x.shape(), (2, 0));
        assert_eq!(
            read_with("1\n", Some(3), ZeroBased::Auto)
                .unwrap()
                .x
                .shape(),
            (1, 3)
        );
    }

    #[test]
    fn errors_name_the_line() {
        let msg = err_at(read("1 1:1\nabc 1:1\n"), 2);
        assert!(msg.contains("label") && msg.contains("abc"), "{msg}");
        let msg = err_at(read("1 1:1\n\n1 2:x\n"), 3);
        assert!(msg.contains("value") && msg.contains("column 2"), "{msg}");
        let msg = err_at(read("# c\n1 3:1 2:1\n"), 2);
        assert!(msg.contains("strictly increasing"), "{msg}");
        let msg = err_at(read("1 2:1 2:1\n"), 1);
        assert!(msg.contains("strictly increasing"), "{msg}");
        let msg = err_at(read("1 1:1\n0 1:1 2\n"), 2);
        assert!(msg.contains("missing ':'"), "{msg}");
        for bad in ["-1", "x", "1.5", "", "+2", "99999999999999999999999"] {
            let msg = err_at(read(&format!("1 1:1\n1 {bad}:1\n")), 2);
            assert!(msg.contains("index"), "{bad}: {msg}");
        }
    }

    #[test]
    fn non_finite_rejected_with_line() {
        for (text, line, row) in [
            ("1 1:1\n0 2:nan\n", 2, 1),
            ("1 1:inf\n", 1, 0),
            ("# c\n1 1:1\nNaN 1:1\n", 3, 1),
            ("-inf\n", 1, 0),
        ] {
            match read(text) {
                Err(DatasetError::NonFinite { what, index }) => {
                    assert!(what.contains(&format!("line {line},")), "{what}");
                    assert!(what.contains("'t.svm'"), "{what}");
                    assert_eq!(index, row, "{text:?}");
                }
                other => panic!("{text:?}: expected NonFinite, got {other:?}"),
            }
        }
    }

    #[test]
    fn empty_inputs() {
        for text in ["", "\n\n", "# only a comment\n   \n"] {
            assert!(
                matches!(read(text), Err(DatasetError::Empty { .. })),
                "{text:?}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_parse_error() {
        let bytes: &[u8] = b"1 1:1\n1 1:\xff\n";
        match parse_svmlight(bytes, "t.svm", &SvmlightOptions::default()) {
            Err(DatasetError::Parse { line, .. }) => assert_eq!(line, 2),
            other => panic!("expected Parse, got {other:?}"),
        }
    }

    #[test]
    fn round_trip_write_read_exact() {
        let d = crate::make_sparse_regression(200, 50, 4, 0.3, 9).unwrap();
        // Awkward values: tiny, huge, negative zero, explicit zero, third-ish.
        let mut x = d.x.clone();
        {
            let data = x.data_mut();
            data[0] = 1.0 / 3.0;
            data[1] = -0.0;
            data[2] = 0.0;
            data[3] = 5e-324;
            data[4] = 1.7976931348623157e308;
            data[5] = -1.2345678901234567e-200;
        }
        let mut y = d.y.clone();
        y[0] = 0.1 + 0.2;
        let f = TempFile::new("roundtrip", "svm");
        write_svmlight(&f.0, &x, &y).unwrap();
        let text = std::fs::read_to_string(&f.0).unwrap();
        assert!(text.contains(":5e-324\n"), "{}", &text[..200]);
        assert!(
            text.contains(":1.7976931348623157e308 "),
            "{}",
            &text[..200]
        );
        assert_eq!(text.lines().count(), 200);
        let t = read_svmlight(&f.0, &SvmlightOptions::with_n_features(50)).unwrap();
        assert_eq!(t.x.shape(), x.shape());
        assert_eq!(t.x.indptr().raw_storage(), x.indptr().raw_storage());
        assert_eq!(t.x.indices(), x.indices());
        let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(t.x.data()), bits(x.data()));
        assert_eq!(bits(t.y.as_slice().unwrap()), bits(y.as_slice().unwrap()));

        // A CSC input is written as the same rows.
        let csc = x.to_csc();
        let g = TempFile::new("roundtrip_csc", "svm");
        write_svmlight(&g.0, &csc, &y).unwrap();
        assert_eq!(
            std::fs::read_to_string(&g.0).unwrap(),
            std::fs::read_to_string(&f.0).unwrap()
        );
    }

    #[test]
    fn write_rejects_bad_input() {
        let x = CsMat::new((2, 2), vec![0, 1, 2], vec![0, 1], vec![1.0, 2.0]);
        let f = TempFile::new("bad_write", "svm");
        assert!(matches!(
            write_svmlight(&f.0, &x, &array![1.0]),
            Err(DatasetError::InvalidParameter(_))
        ));
        assert!(matches!(
            write_svmlight(&f.0, &x, &array![1.0, f64::NAN]),
            Err(DatasetError::NonFinite { index: 1, .. })
        ));
        let xn = CsMat::new((2, 2), vec![0, 1, 2], vec![0, 1], vec![1.0, f64::INFINITY]);
        assert!(matches!(
            write_svmlight(&f.0, &xn, &array![1.0, 0.0]),
            Err(DatasetError::NonFinite { index: 1, .. })
        ));
        let dir = std::env::temp_dir()
            .join("duckml_no_such_dir_svm")
            .join("x.svm");
        assert!(matches!(
            write_svmlight(&dir, &x, &array![1.0, 0.0]),
            Err(DatasetError::Io { .. })
        ));
    }

    #[test]
    fn missing_file_is_io_error() {
        let e = read_svmlight("/nonexistent/duckml.svm", &SvmlightOptions::default()).unwrap_err();
        assert!(matches!(e, DatasetError::Io { .. }));
        assert!(e.to_string().contains("/nonexistent/duckml.svm"));
    }
}
