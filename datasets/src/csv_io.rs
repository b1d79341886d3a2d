//! Reading and writing numeric CSV files.
//!
//! # The header decision
//!
//! Whether the first row names the columns is a decision the reader makes
//! explicitly and reports in [`Table::header`]. With [`HeaderMode::Auto`] it
//! decides only when the first row is unambiguous: all text (a header) or all
//! numbers (data). A first row that mixes the two, such as a data row with a
//! typo (`1,2x,3`), is an [`DatasetError::AmbiguousHeader`] error asking the
//! caller to say which, instead of silently losing a row of data to a header.
//! A caller that must not guess at all (a command line that wants `--header`)
//! can pass [`HeaderMode::Present`] or [`HeaderMode::Absent`], or check
//! [`HeaderDecision::auto_detected`] and report what was detected.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use duckml_arrays::Chunked;
use ndarray::{Array1, Array2};

use crate::error::{excerpt, head, open_named, DatasetError, Result};
use crate::limits::{is_record_too_long, RecordCap, DEFAULT_MAX_LINE_BYTES};

/// The csv reader's buffer: what it may read beyond the record it is parsing,
/// which [`RecordCap`] must allow on top of the longest record.
const CSV_BUFFER: usize = 1 << 16;

/// Whether the first row of a CSV file holds column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderMode {
    /// Decide from the first row: a header if every non-empty cell is text
    /// (does not parse as a number), data if every non-empty cell is a number,
    /// and an [`DatasetError::AmbiguousHeader`] error if it mixes both. The
    /// decision is reported in [`Table::header`].
    #[default]
    Auto,
    /// The first row is always a header.
    Present,
    /// There is no header: the first row is data.
    Absent,
}

/// What a CSV reader decided about the first row (see the
/// [module documentation](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderDecision {
    /// The first row was read as a header.
    pub present: bool,
    /// The decision was made by [`HeaderMode::Auto`], not given by the caller.
    pub auto_detected: bool,
}

/// Which column of a CSV file holds the response `y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetColumn {
    /// The column with this header name (requires a header).
    Name(String),
    /// The column at this 0-based position.
    Index(usize),
    /// The last column.
    Last,
}

/// Options for [`read_csv`] and [`read_csv_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// Header detection (default [`HeaderMode::Auto`]).
    pub header: HeaderMode,
    /// The response column, if any (default `None`: every column is a feature).
    pub target: Option<TargetColumn>,
    /// Field delimiter (default `b','`).
    pub delimiter: u8,
    /// Longest record in bytes, not counting its line ending (default
    /// [`DEFAULT_MAX_LINE_BYTES`], 16 MiB): a record is a line, or several when
    /// a quoted cell spans lines. A longer
    /// one is a [`DatasetError::LineTooLong`] error, read no further than this.
    pub max_line_bytes: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            header: HeaderMode::Auto,
            target: None,
            delimiter: b',',
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        }
    }
}

impl CsvOptions {
    /// Default options with the given target column.
    ///
    /// ```
    /// use duckml_datasets::{CsvOptions, TargetColumn};
    ///
    /// let opts = CsvOptions::with_target(TargetColumn::Last);
    /// assert_eq!(opts.delimiter, b',');
    /// ```
    pub fn with_target(target: TargetColumn) -> Self {
        Self {
            target: Some(target),
            ..Self::default()
        }
    }
}

/// A numeric table: features, an optional response, and feature names.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Feature matrix, `n_samples x n_features`, standard (row-major) layout.
    pub x: Array2<f64>,
    /// Response column, if a target was requested.
    pub y: Option<Array1<f64>>,
    /// One name per feature column: from the header, or `x0`, `x1`, ... without one.
    pub feature_names: Vec<String>,
    /// Whether the first row was a header, and whether that was auto-detected.
    pub header: HeaderDecision,
}

impl Table {
    /// Number of rows (samples).
    pub fn n_samples(&self) -> usize {
        self.x.nrows()
    }

    /// Number of feature columns.
    pub fn n_features(&self) -> usize {
        self.x.ncols()
    }
}

/// Reads a numeric CSV file.
///
/// Cells are trimmed of surrounding whitespace; quoted cells are allowed. Every
/// cell outside the header must be a finite number.
///
/// # Errors
///
/// * [`DatasetError::Io`] if the file cannot be read;
/// * [`DatasetError::LineTooLong`] if a record is longer than
///   [`CsvOptions::max_line_bytes`] (with the line where it starts);
/// * [`DatasetError::AmbiguousHeader`] if, with [`HeaderMode::Auto`], the first
///   row mixes numbers and text;
/// * [`DatasetError::Empty`] if it has no data rows;
/// * [`DatasetError::Ragged`] if a row has a different number of fields from the first;
/// * [`DatasetError::Parse`] for an empty or non-numeric cell (with line and column);
/// * [`DatasetError::NonFinite`] for `NaN` or `inf` cells;
/// * [`DatasetError::MissingColumn`] if the target column does not exist;
/// * [`DatasetError::InvalidParameter`] if no feature column would remain.
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_csv, write_csv, CsvOptions, TargetColumn};
/// use ndarray::array;
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_read_csv_{}.csv", std::process::id()));
/// let x = array![[1.0, 2.0], [3.0, 4.0]];
/// let y = array![0.5, 1.5];
/// write_csv(&path, &x, Some(&y), Some(&["a".to_string(), "b".to_string()]))?;
///
/// let table = read_csv(&path, &CsvOptions::with_target(TargetColumn::Last))?;
/// assert_eq!(table.x, x);
/// assert_eq!(table.y, Some(y));
/// assert_eq!(table.feature_names, ["a", "b"]);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_csv(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Table> {
    let (file, name) = open_named(path.as_ref())?;
    parse_csv(file, &name, options)
}

/// Reads numeric CSV from any reader (a pipe, bytes in memory); `name` stands in
/// for a file name in error messages. Memory grows with the rows read, and no
/// record is buffered beyond [`CsvOptions::max_line_bytes`].
///
/// # Errors
///
/// As for [`read_csv`]; invalid UTF-8 is a [`DatasetError::Parse`] error.
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_csv_from, CsvOptions, DatasetError, HeaderMode};
///
/// let bytes: &[u8] = b"\xef\xbb\xbfa,b\r\n1,2\r\n";
/// let table = read_csv_from(bytes, "pipe", &CsvOptions::default())?;
/// assert_eq!(table.feature_names, ["a", "b"]);
/// assert!(table.header.present && table.header.auto_detected);
///
/// // /dev/zero is not CSV: the first line never ends, and the read stops.
/// let zeros = std::io::Read::take(std::io::repeat(0), 1 << 30);
/// let opts = CsvOptions { max_line_bytes: 1 << 16, ..CsvOptions::default() };
/// let err = read_csv_from(zeros, "/dev/zero", &opts).unwrap_err();
/// assert!(matches!(err, DatasetError::LineTooLong { line: 1, .. }));
///
/// // A typo in the first data row is not taken for a header.
/// let err = read_csv_from(&b"1,2x\n3,4\n"[..], "typo.csv", &CsvOptions::default()).unwrap_err();
/// assert!(matches!(err, DatasetError::AmbiguousHeader { column: 2, .. }));
/// let opts = CsvOptions { header: HeaderMode::Absent, ..CsvOptions::default() };
/// let err = read_csv_from(&b"1,2x\n3,4\n"[..], "typo.csv", &opts).unwrap_err();
/// assert_eq!(err.to_string(), "'typo.csv' line 1, column 2: cannot parse \"2x\" as a number");
/// # Ok::<(), DatasetError>(())
/// ```
pub fn read_csv_from(reader: impl Read, name: &str, options: &CsvOptions) -> Result<Table> {
    parse_csv(reader, name, options)
}

/// Parses numeric CSV text held in memory; `name` stands in for a file name in
/// error messages.
///
/// # Errors
///
/// As for [`read_csv`], except that there is no I/O.
///
/// # Example
///
/// ```
/// use duckml_datasets::{read_csv_str, CsvOptions, TargetColumn};
///
/// let text = "age,dose,response\n30,1.5,0\n41,2.0,1\n";
/// let opts = CsvOptions::with_target(TargetColumn::Name("response".into()));
/// let table = read_csv_str(text, "trial.csv", &opts)?;
/// assert_eq!(table.x.dim(), (2, 2));
/// assert_eq!(table.feature_names, ["age", "dose"]);
/// assert_eq!(table.y.unwrap().to_vec(), [0.0, 1.0]);
///
/// let err = read_csv_str("1,2\n3,oops\n", "bad.csv", &CsvOptions::default()).unwrap_err();
/// assert_eq!(err.to_string(), "'bad.csv' line 2, column 2: cannot parse \"oops\" as a number");
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_csv_str(text: &str, name: &str, options: &CsvOptions) -> Result<Table> {
    parse_csv(text.as_bytes(), name, options)
}

/// Maps a csv error; `line` is where the record being read starts.
fn csv_error(err: csv::Error, path: &str, line: usize, max_line_bytes: usize) -> DatasetError {
    let line = err.position().map_or(line, |p| p.line() as usize);
    match err.into_kind() {
        csv::ErrorKind::Io(source) if is_record_too_long(&source) => DatasetError::LineTooLong {
            path: path.to_string(),
            line,
            limit: max_line_bytes,
        },
        csv::ErrorKind::Io(source) => DatasetError::Io {
            path: path.to_string(),
            source,
        },
        csv::ErrorKind::Utf8 { pos, err } => DatasetError::Parse {
            path: path.to_string(),
            line: pos.map_or(line, |p| p.line() as usize),
            column: err.field() + 1,
            message: "invalid UTF-8".into(),
        },
        other => DatasetError::Parse {
            path: path.to_string(),
            line,
            column: 0,
            message: format!("malformed CSV: {other:?}"),
        },
    }
}

/// Reads the next record into `record`; returns `Ok(false)` at the end.
/// Moves the [`RecordCap`] on to the record after it.
fn next_record<R: Read>(
    rdr: &mut csv::Reader<RecordCap<R>>,
    record: &mut csv::StringRecord,
    path: &str,
    max_line_bytes: usize,
) -> Result<bool> {
    match rdr.read_record(record) {
        Ok(more) => {
            let next = rdr.position().clone();
            let start = rdr.get_mut().mark(next.byte(), next.line());
            // The cap lets a record run up to a buffer's length over the limit;
            // the complete record is measured here (its line ending, at most
            // two bytes, not counted).
            if next.byte() - start > max_line_bytes as u64 + 2 {
                return Err(DatasetError::LineTooLong {
                    path: path.to_string(),
                    line: record.position().map_or(0, |p| p.line() as usize),
                    limit: max_line_bytes,
                });
            }
            Ok(more)
        }
        Err(e) => {
            let line = rdr.get_ref().record_line() as usize;
            Err(csv_error(e, path, line, max_line_bytes))
        }
    }
}

/// The header decision for the first row `first` (see [`HeaderMode::Auto`]).
fn decide_header(
    first: &[String],
    mode: HeaderMode,
    path: &str,
    line: usize,
) -> Result<HeaderDecision> {
    let given = |present| HeaderDecision {
        present,
        auto_detected: false,
    };
    match mode {
        HeaderMode::Present => return Ok(given(true)),
        HeaderMode::Absent => return Ok(given(false)),
        HeaderMode::Auto => {}
    }
    let is_number = |c: &str| c.parse::<f64>().is_ok();
    let text = first
        .iter()
        .enumerate()
        .find(|(_, c)| !c.is_empty() && !is_number(c));
    let any_number = first.iter().any(|c| is_number(c));
    match (text, any_number) {
        (Some((j, cell)), true) => Err(DatasetError::AmbiguousHeader {
            path: path.to_string(),
            line,
            column: j + 1,
            cell: head(cell).to_string(),
        }),
        (text, _) => Ok(HeaderDecision {
            present: text.is_some(),
            auto_detected: true,
        }),
    }
}

fn parse_cell(cell: &str, path: &str, line: usize, column: usize, row: usize) -> Result<f64> {
    if cell.is_empty() {
        return Err(DatasetError::Parse {
            path: path.to_string(),
            line,
            column,
            message: "empty cell".into(),
        });
    }
    let value: f64 = cell.parse().map_err(|_| DatasetError::Parse {
        path: path.to_string(),
        line,
        column,
        message: format!("cannot parse {} as a number", excerpt(cell)),
    })?;
    if !value.is_finite() {
        return Err(DatasetError::NonFinite {
            what: format!("'{path}' line {line}, column {column} ({})", excerpt(cell)),
            index: row,
        });
    }
    Ok(value)
}

fn parse_csv<R: Read>(reader: R, path: &str, options: &CsvOptions) -> Result<Table> {
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    let summary = stream_csv_rows(reader, path, options, |x, y| {
        xs.extend_from_slice(x);
        ys.extend(y);
        Ok(())
    })?;
    let shape = (summary.n_rows, summary.n_features);
    let x = Array2::from_shape_vec(shape, xs).map_err(|e| DatasetError::Parse {
        path: path.to_string(),
        line: 0,
        column: 0,
        message: format!("internal shape error: {e}"),
    })?;
    let y = options.target.as_ref().map(|_| Array1::from_vec(ys));
    Ok(Table {
        x,
        y,
        feature_names: summary.feature_names,
        header: summary.header,
    })
}

/// The line-by-line CSV reader behind every CSV function: every check, one record
/// in memory; each data row goes to `on_row` as its features and target.
fn stream_csv_rows<R: Read>(
    reader: R,
    path: &str,
    options: &CsvOptions,
    mut on_row: impl FnMut(&[f64], Option<f64>) -> Result<()>,
) -> Result<CsvSummary> {
    let max = options.max_line_bytes;
    let budget = (max as u64).saturating_add(CSV_BUFFER as u64);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(options.delimiter)
        .trim(csv::Trim::All)
        .buffer_capacity(CSV_BUFFER)
        .from_reader(RecordCap::new(reader, budget));
    let mut record = csv::StringRecord::new();

    // Lines holding only whitespace (a single empty field once trimmed) are skipped.
    let is_blank =
        |r: &csv::StringRecord| r.len() == 1 && r[0].trim_start_matches('\u{feff}').is_empty();
    loop {
        if !next_record(&mut rdr, &mut record, path, max)? {
            return Err(DatasetError::Empty {
                path: path.to_string(),
            });
        }
        if !is_blank(&record) {
            break;
        }
    }
    let first: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(j, c)| {
            if j == 0 {
                c.trim_start_matches('\u{feff}').trim().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let first_line = record.position().map_or(1, |p| p.line() as usize);
    let ncols = first.len();

    let header = decide_header(&first, options.header, path, first_line)?;
    let has_header = header.present;

    let target = match &options.target {
        None => None,
        Some(TargetColumn::Last) => Some(ncols - 1),
        Some(TargetColumn::Index(i)) => {
            if *i < ncols {
                Some(*i)
            } else {
                return Err(DatasetError::MissingColumn {
                    path: path.to_string(),
                    column: format!("at index {i} (the file has {ncols} columns)"),
                });
            }
        }
        Some(TargetColumn::Name(name)) => {
            if !has_header {
                return Err(DatasetError::MissingColumn {
                    path: path.to_string(),
                    column: format!("{name:?} (the file has no header row)"),
                });
            }
            match first.iter().position(|c| c == name.trim()) {
                Some(j) => Some(j),
                None => {
                    return Err(DatasetError::MissingColumn {
                        path: path.to_string(),
                        column: format!("{name:?}"),
                    })
                }
            }
        }
    };
    let n_features = ncols - usize::from(target.is_some());
    if n_features == 0 {
        return Err(DatasetError::InvalidParameter(format!(
            "'{path}' has no feature columns besides the target"
        )));
    }

    let feature_names: Vec<String> = if has_header {
        first
            .iter()
            .enumerate()
            .filter(|(j, _)| Some(*j) != target)
            .map(|(_, c)| c.clone())
            .collect()
    } else {
        (0..n_features).map(|k| format!("x{k}")).collect()
    };

    let mut n_rows = 0usize;
    let mut features: Vec<f64> = Vec::with_capacity(n_features);
    let mut push_row =
        |cells: &mut dyn Iterator<Item = &str>, line: usize, row: usize| -> Result<()> {
            features.clear();
            let mut y = None;
            for (j, cell) in cells.enumerate() {
                let v = parse_cell(cell, path, line, j + 1, row)?;
                if Some(j) == target {
                    y = Some(v);
                } else {
                    features.push(v);
                }
            }
            on_row(&features, y)
        };

    if !has_header {
        push_row(&mut first.iter().map(String::as_str), first_line, 0)?;
        n_rows += 1;
    }
    loop {
        if !next_record(&mut rdr, &mut record, path, max)? {
            break;
        }
        if is_blank(&record) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() != ncols {
            return Err(DatasetError::Ragged {
                path: path.to_string(),
                line,
                expected: ncols,
                found: record.len(),
            });
        }
        push_row(&mut record.iter(), line, n_rows)?;
        n_rows += 1;
    }

    if n_rows == 0 {
        return Err(DatasetError::Empty {
            path: path.to_string(),
        });
    }
    Ok(CsvSummary {
        n_rows,
        n_features,
        feature_names,
        header,
    })
}

/// What a streamed CSV file held, once its last record was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvSummary {
    /// Data rows.
    pub n_rows: usize,
    /// Feature columns (the target column not counted).
    pub n_features: usize,
    /// One name per feature column: from the header, or `x0`, `x1`, ... without one.
    pub feature_names: Vec<String>,
    /// Whether the first row was a header, and whether that was auto-detected.
    pub header: HeaderDecision,
}

/// Reads a numeric CSV file record by record, handing each data row to `on_row` as
/// its feature values and its target (when [`CsvOptions::target`] names one).
/// Memory is one record, whatever the file's length: this is the reader behind
/// [`read_csv`], [`read_csv_chunked`] and `duckml convert`.
///
/// # Errors
///
/// Those of [`read_csv`], and any error `on_row` returns (which ends the read).
///
/// ```
/// use duckml_datasets::{stream_csv, CsvOptions, TargetColumn};
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_stream_csv_{}.csv", std::process::id()));
/// std::fs::write(&path, "a,b,y\n1,2,0\n3,4,1\n").unwrap();
/// let mut sums = Vec::new();
/// let summary = stream_csv(&path, &CsvOptions::with_target(TargetColumn::Last), |x, y| {
///     sums.push(x.iter().sum::<f64>() + y.unwrap());
///     Ok(())
/// })?;
/// assert_eq!(sums, [3.0, 8.0]);
/// assert_eq!((summary.n_rows, summary.n_features), (2, 2));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn stream_csv(
    path: impl AsRef<Path>,
    options: &CsvOptions,
    on_row: impl FnMut(&[f64], Option<f64>) -> Result<()>,
) -> Result<CsvSummary> {
    let (file, name) = open_named(path.as_ref())?;
    stream_csv_rows(file, &name, options, on_row)
}

/// A [`Chunked`] dense matrix and the target column, when one was asked for.
pub type ChunkedColumns = (Chunked<Array2<f64>>, Option<Array1<f64>>);

/// Reads a numeric CSV file into row chunks of at most `rows_per_chunk` rows, a
/// [`Chunked`] dense matrix built as the file is read (no whole-file copy is made and
/// split), with the target column when [`CsvOptions::target`] names one.
///
/// # Errors
///
/// Those of [`read_csv`]; [`DatasetError::InvalidParameter`] for
/// `rows_per_chunk == 0`.
///
/// ```
/// use duckml_arrays::prelude::*;
/// use duckml_datasets::{read_csv_chunked, CsvOptions};
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_chunked_csv_{}.csv", std::process::id()));
/// std::fs::write(&path, "1,2\n3,4\n5,6\n").unwrap();
/// let (x, y) = read_csv_chunked(&path, &CsvOptions::default(), 2)?;
/// assert_eq!((x.n_rows(), x.n_cols(), x.chunks().len()), (3, 2, 2));
/// assert_eq!(x.chunks()[1], ndarray::array![[5.0, 6.0]]);
/// assert!(y.is_none());
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn read_csv_chunked(
    path: impl AsRef<Path>,
    options: &CsvOptions,
    rows_per_chunk: usize,
) -> Result<ChunkedColumns> {
    if rows_per_chunk == 0 {
        return Err(DatasetError::InvalidParameter(
            "rows_per_chunk must be at least 1".into(),
        ));
    }
    let path = path.as_ref();
    let mut chunks: Vec<Array2<f64>> = Vec::new();
    let mut pending: Vec<f64> = Vec::new();
    let mut pending_rows = 0usize;
    let mut ys: Vec<f64> = Vec::new();
    let mut flush = |pending: &mut Vec<f64>, rows: usize| {
        if let Some(p) = pending.len().checked_div(rows) {
            let block = Array2::from_shape_vec((rows, p), std::mem::take(pending))
                .expect("rows of equal length");
            chunks.push(block);
        }
    };
    stream_csv(path, options, |x, y| {
        pending.extend_from_slice(x);
        ys.extend(y);
        pending_rows += 1;
        if pending_rows == rows_per_chunk {
            flush(&mut pending, pending_rows);
            pending_rows = 0;
        }
        Ok(())
    })?;
    flush(&mut pending, pending_rows);
    let x =
        Chunked::from_chunks(chunks).map_err(|e| DatasetError::InvalidParameter(e.to_string()))?;
    let y = options.target.as_ref().map(|_| Array1::from_vec(ys));
    Ok((x, y))
}

/// Writes a numeric CSV file with a header row.
///
/// The header holds `names` (or `x0`, `x1`, ... when `None`), followed by `y`
/// when a response is given; the response is written as the last column.
/// Numbers are written in Rust's shortest round-trip form, so reading the file
/// back with [`read_csv`] reproduces the values exactly.
///
/// # Errors
///
/// * [`DatasetError::InvalidParameter`] if `y` or `names` has the wrong length;
/// * [`DatasetError::NonFinite`] if any value is NaN or infinite (it could not be read back);
/// * [`DatasetError::Io`] if the file cannot be written.
///
/// See [`read_csv`] for an example.
pub fn write_csv(
    path: impl AsRef<Path>,
    x: &Array2<f64>,
    y: Option<&Array1<f64>>,
    names: Option<&[String]>,
) -> Result<()> {
    let path = path.as_ref();
    let pname = path.display().to_string();
    let (n, p) = x.dim();
    if let Some(y) = y {
        if y.len() != n {
            return Err(DatasetError::InvalidParameter(format!(
                "y has length {} but x has {n} rows",
                y.len()
            )));
        }
    }
    if let Some(names) = names {
        if names.len() != p {
            return Err(DatasetError::InvalidParameter(format!(
                "{} names given for {p} feature columns",
                names.len()
            )));
        }
    }
    if let Some((idx, _)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(DatasetError::NonFinite {
            what: "x".into(),
            index: idx,
        });
    }
    if let Some(y) = y {
        if let Some(idx) = y.iter().position(|v| !v.is_finite()) {
            return Err(DatasetError::NonFinite {
                what: "y".into(),
                index: idx,
            });
        }
    }

    let io_err = |source: std::io::Error| DatasetError::Io {
        path: pname.clone(),
        source,
    };
    let file = File::create(path).map_err(io_err)?;
    let mut wtr = csv::WriterBuilder::new().from_writer(BufWriter::new(file));
    let map_csv = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(source) => DatasetError::Io {
            path: pname.clone(),
            source,
        },
        other => DatasetError::Io {
            path: pname.clone(),
            source: std::io::Error::other(format!("{other:?}")),
        },
    };

    let mut header: Vec<String> = match names {
        Some(names) => names.to_vec(),
        None => (0..p).map(|k| format!("x{k}")).collect(),
    };
    if y.is_some() {
        header.push("y".into());
    }
    wtr.write_record(&header).map_err(map_csv)?;

    let mut buf: Vec<String> = Vec::with_capacity(p + 1);
    for (i, row) in x.rows().into_iter().enumerate() {
        buf.clear();
        buf.extend(row.iter().map(|v| v.to_string()));
        if let Some(y) = y {
            buf.push(y[i].to_string());
        }
        wtr.write_record(&buf).map_err(map_csv)?;
    }
    let mut inner = wtr.into_inner().map_err(|e| io_err(e.into_error()))?;
    inner.flush().map_err(io_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempFile;
    use ndarray::array;

    fn opts(header: HeaderMode, target: Option<TargetColumn>) -> CsvOptions {
        CsvOptions {
            header,
            target,
            ..CsvOptions::default()
        }
    }

    #[test]
    fn auto_header_detected() {
        let t = read_csv_str("a, b ,c\n1,2,3\n4,5,6\n", "t", &CsvOptions::default()).unwrap();
        assert_eq!(t.feature_names, ["a", "b", "c"]);
        assert_eq!(t.x, array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        assert!(t.y.is_none());
        assert_eq!((t.n_samples(), t.n_features()), (2, 3));
    }

    #[test]
    fn auto_no_header() {
        let t = read_csv_str("1,2.5,-3e2\n4,5,6\n", "t", &CsvOptions::default()).unwrap();
        assert_eq!(t.feature_names, ["x0", "x1", "x2"]);
        assert_eq!(t.x, array![[1.0, 2.5, -300.0], [4.0, 5.0, 6.0]]);
    }

    #[test]
    fn explicit_header_modes() {
        // A numeric first row forced to be a header.
        let t = read_csv_str("1,2\n3,4\n", "t", &opts(HeaderMode::Present, None)).unwrap();
        assert_eq!(t.feature_names, ["1", "2"]);
        assert_eq!(t.x, array![[3.0, 4.0]]);
        // A textual first row forced to be data: parse error on line 1.
        let e = read_csv_str("a,b\n3,4\n", "t", &opts(HeaderMode::Absent, None)).unwrap_err();
        assert!(
            matches!(
                e,
                DatasetError::Parse {
                    line: 1,
                    column: 1,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn header_decision_is_reported() {
        let t = read_csv_str("a,b\n1,2\n", "t", &CsvOptions::default()).unwrap();
        let detected = |present| HeaderDecision {
            present,
            auto_detected: true,
        };
        assert_eq!(t.header, detected(true));
        let t = read_csv_str("1,2\n3,4\n", "t", &CsvOptions::default()).unwrap();
        assert_eq!(t.header, detected(false));
        // An empty name (a pandas index column) is still a header.
        let t = read_csv_str(",b\n1,2\n", "t", &CsvOptions::default()).unwrap();
        assert_eq!(t.header, detected(true));
        assert_eq!(t.feature_names, ["", "b"]);
        let t = read_csv_str("1,2\n3,4\n", "t", &opts(HeaderMode::Present, None)).unwrap();
        assert_eq!(
            t.header,
            HeaderDecision {
                present: true,
                auto_detected: false
            }
        );
    }

    #[test]
    fn typo_in_first_row_is_not_a_header() {
        // Before: "2x" made the whole first row a header and the row was lost.
        let e = read_csv_str("1,2x,3\n4,5,6\n", "typo.csv", &CsvOptions::default()).unwrap_err();
        match &e {
            DatasetError::AmbiguousHeader {
                path,
                line,
                column,
                cell,
            } => assert_eq!(
                (path.as_str(), *line, *column, cell.as_str()),
                ("typo.csv", 1, 2, "2x")
            ),
            other => panic!("unexpected {other}"),
        }
        assert!(e.to_string().contains("header"), "{e}");
        // Said explicitly, the typo is a parse error where it is.
        let e = read_csv_str(
            "1,2x,3\n4,5,6\n",
            "typo.csv",
            &opts(HeaderMode::Absent, None),
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                DatasetError::Parse {
                    line: 1,
                    column: 2,
                    ..
                }
            ),
            "{e}"
        );
        // And a header with a numeric-looking name is a header when said so.
        let t = read_csv_str("id,2020\n1,2\n", "t", &opts(HeaderMode::Present, None)).unwrap();
        assert_eq!(t.feature_names, ["id", "2020"]);
    }

    #[test]
    fn long_records_are_capped() {
        let small = CsvOptions {
            max_line_bytes: 1000,
            ..CsvOptions::default()
        };
        // /dev/zero: one line that never ends.
        let e = read_csv_from(std::io::repeat(0), "/dev/zero", &small).unwrap_err();
        assert!(
            matches!(
                e,
                DatasetError::LineTooLong {
                    line: 1,
                    limit: 1000,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("'/dev/zero' line 1"), "{e}");
        // A long line after good ones is reported at its own line.
        let text = format!("a,b\n1,2\n3,{}\n", "4".repeat(5000));
        let e = read_csv_str(&text, "t", &small).unwrap_err();
        assert!(
            matches!(e, DatasetError::LineTooLong { line: 3, .. }),
            "{e}"
        );
        // A quoted cell that never closes spans lines without end: capped too.
        let endless = std::io::Read::chain(&b"a,b\n1,\""[..], std::io::repeat(b'\n'));
        let e = read_csv_from(endless, "t", &small).unwrap_err();
        assert!(
            matches!(e, DatasetError::LineTooLong { line: 2, .. }),
            "{e}"
        );
        // Lines up to the limit are fine, however many.
        let row = format!("{}1\n", "0".repeat(998));
        let t = read_csv_str(&row.repeat(300), "t", &small).unwrap();
        assert_eq!(t.x.dim(), (300, 1));
    }

    #[test]
    fn target_by_name_index_last() {
        let text = "f1,target,f2\n1,10,2\n3,30,4\n";
        let t = read_csv_str(
            text,
            "t",
            &CsvOptions::with_target(TargetColumn::Name("target".into())),
        )
        .unwrap();
        assert_eq!(t.feature_names, ["f1", "f2"]);
        assert_eq!(t.x, array![[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(t.y, Some(array![10.0, 30.0]));

        let t = read_csv_str(text, "t", &CsvOptions::with_target(TargetColumn::Index(1))).unwrap();
        assert_eq!(t.y, Some(array![10.0, 30.0]));
        assert_eq!(t.feature_names, ["f1", "f2"]);

        let t = read_csv_str(text, "t", &CsvOptions::with_target(TargetColumn::Last)).unwrap();
        assert_eq!(t.y, Some(array![2.0, 4.0]));
        assert_eq!(t.x, array![[1.0, 10.0], [3.0, 30.0]]);
        assert_eq!(t.feature_names, ["f1", "target"]);

        // Without a header, names are x0.. over the remaining features.
        let t = read_csv_str(
            "1,2,3\n4,5,6\n",
            "t",
            &CsvOptions::with_target(TargetColumn::Index(0)),
        )
        .unwrap();
        assert_eq!(t.feature_names, ["x0", "x1"]);
        assert_eq!(t.y, Some(array![1.0, 4.0]));
    }

    #[test]
    fn missing_target_column() {
        let text = "a,b\n1,2\n";
        let e = read_csv_str(
            text,
            "m.csv",
            &CsvOptions::with_target(TargetColumn::Name("y".into())),
        )
        .unwrap_err();
        assert!(matches!(e, DatasetError::MissingColumn { .. }), "{e}");
        assert_eq!(e.to_string(), "'m.csv': no column \"y\"");
        let e = read_csv_str(
            text,
            "m.csv",
            &CsvOptions::with_target(TargetColumn::Index(2)),
        )
        .unwrap_err();
        assert!(matches!(e, DatasetError::MissingColumn { .. }), "{e}");
        let e = read_csv_str(
            "1,2\n",
            "m.csv",
            &CsvOptions::with_target(TargetColumn::Name("y".into())),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no header"), "{e}");
        let e = read_csv_str(
            "y\n1\n",
            "m.csv",
            &CsvOptions::with_target(TargetColumn::Last),
        )
        .unwrap_err();
        assert!(matches!(e, DatasetError::InvalidParameter(_)), "{e}");
    }

    #[test]
    fn ragged_rows() {
        let e = read_csv_str("a,b,c\n1,2,3\n4,5\n", "r.csv", &CsvOptions::default()).unwrap_err();
        match &e {
            DatasetError::Ragged {
                line,
                expected,
                found,
                ..
            } => assert_eq!((*line, *expected, *found), (3, 3, 2)),
            other => panic!("unexpected {other}"),
        }
        assert_eq!(e.to_string(), "'r.csv' line 3: expected 3 fields, found 2");
    }

    #[test]
    fn non_numeric_cell_reports_line_and_column() {
        let e =
            read_csv_str("a,b,c\n1,2,3\n4,five,6\n", "n.csv", &CsvOptions::default()).unwrap_err();
        match &e {
            DatasetError::Parse { line, column, .. } => assert_eq!((*line, *column), (3, 2)),
            other => panic!("unexpected {other}"),
        }
        let msg = e.to_string();
        assert!(
            msg.contains("line 3, column 2") && msg.contains("five"),
            "{msg}"
        );
        let e = read_csv_str("1,2\n3,\n", "n.csv", &CsvOptions::default()).unwrap_err();
        assert!(e.to_string().contains("empty cell"), "{e}");
    }

    #[test]
    fn nan_and_inf_rejected() {
        for bad in ["nan", "NaN", "inf", "-Infinity"] {
            let text = format!("a,b\n1,2\n3,{bad}\n");
            let e = read_csv_str(&text, "f.csv", &CsvOptions::default()).unwrap_err();
            match &e {
                DatasetError::NonFinite { what, index } => {
                    assert_eq!(*index, 1);
                    assert!(what.contains("line 3, column 2"), "{what}");
                }
                other => panic!("unexpected {other}"),
            }
        }
    }

    #[test]
    fn empty_inputs() {
        let e = read_csv_str("", "e.csv", &CsvOptions::default()).unwrap_err();
        assert!(matches!(e, DatasetError::Empty { .. }));
        let e = read_csv_str("  \n\t\n", "e.csv", &CsvOptions::default()).unwrap_err();
        assert!(matches!(e, DatasetError::Empty { .. }), "{e}");
        let e = read_csv_str("a,b\n", "e.csv", &CsvOptions::default()).unwrap_err();
        assert!(matches!(e, DatasetError::Empty { .. }));
        assert_eq!(e.to_string(), "'e.csv' contains no data");
    }

    #[test]
    fn delimiter_quotes_and_bom() {
        let t = read_csv_str(
            "\u{feff}\"a\";b\n\"1.5\";2\n",
            "t",
            &CsvOptions {
                delimiter: b';',
                ..CsvOptions::default()
            },
        )
        .unwrap();
        assert_eq!(t.feature_names, ["a", "b"]);
        assert_eq!(t.x, array![[1.5, 2.0]]);
        // Windows line endings and blank trailing lines are fine.
        let t = read_csv_str(
            "\n a,b\r\n1,2\r\n  \r\n3,4\r\n\r\n",
            "t",
            &CsvOptions::default(),
        )
        .unwrap();
        assert_eq!(t.x, array![[1.0, 2.0], [3.0, 4.0]]);
    }

    #[test]
    fn file_round_trip_exact() {
        let f = TempFile::new("csv_rt", "csv");
        let x = array![[0.1, 1e-300, -2.5], [1.0 / 3.0, 7.0, 1e10]];
        let y = array![0.25, -1.0 / 7.0];
        let names = vec!["p".to_string(), "q".to_string(), "r".to_string()];
        write_csv(&f.0, &x, Some(&y), Some(&names)).unwrap();
        let t = read_csv(
            &f.0,
            &CsvOptions::with_target(TargetColumn::Name("y".into())),
        )
        .unwrap();
        assert_eq!(t.x, x);
        assert_eq!(t.y, Some(y));
        assert_eq!(t.feature_names, names);

        write_csv(&f.0, &x, None, None).unwrap();
        let t = read_csv(&f.0, &CsvOptions::default()).unwrap();
        assert_eq!(t.feature_names, ["x0", "x1", "x2"]);
        assert_eq!(t.x, x);
    }

    #[test]
    fn write_rejects_bad_input() {
        let f = TempFile::new("csv_bad", "csv");
        let x = array![[1.0, f64::NAN]];
        assert!(matches!(
            write_csv(&f.0, &x, None, None),
            Err(DatasetError::NonFinite { index: 1, .. })
        ));
        let x = array![[1.0, 2.0]];
        assert!(matches!(
            write_csv(&f.0, &x, Some(&array![1.0, 2.0]), None),
            Err(DatasetError::InvalidParameter(_))
        ));
        assert!(matches!(
            write_csv(&f.0, &x, None, Some(&["a".to_string()])),
            Err(DatasetError::InvalidParameter(_))
        ));
    }

    #[test]
    fn missing_file_is_io_error() {
        let p = crate::test_util::temp_path("does_not_exist", "csv");
        let e = read_csv(&p, &CsvOptions::default()).unwrap_err();
        assert!(matches!(e, DatasetError::Io { .. }));
        assert!(e.to_string().contains("does_not_exist"), "{e}");
    }

    #[test]
    fn invalid_utf8_is_parse_error() {
        let f = TempFile::new("csv_utf8", "csv");
        std::fs::write(&f.0, b"a,b\n1,\xff\xfe\n").unwrap();
        let e = read_csv(&f.0, &CsvOptions::default()).unwrap_err();
        assert!(
            matches!(
                e,
                DatasetError::Parse {
                    line: 2,
                    column: 2,
                    ..
                }
            ),
            "{e}"
        );
    }
}
