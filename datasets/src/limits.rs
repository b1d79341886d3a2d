//! How much memory a loader may spend on one input, and the capped reading
//! that enforces it.
//!
//! Every allocation a loader makes is justified by the input itself, never by
//! a size the input merely claims:
//!
//! * by a regular file's length: a `.npy` header is checked against it before
//!   the data are allocated;
//! * by data as they arrive: CSV rows and svmlight entries are stored as they
//!   are parsed, and a `.npy` of unknown length (a pipe) is read in 64 KiB
//!   chunks into a buffer that grows with what was read, never by reserving
//!   what its header claims;
//! * by a documented maximum where nothing else can: the length of one text
//!   line ([`DEFAULT_MAX_LINE_BYTES`], so `/dev/zero` read as CSV ends in an
//!   error instead of one ever-growing line), the number of svmlight features
//!   ([`DEFAULT_MAX_FEATURES`], so one index `2^61` cannot make every caller
//!   allocate per-column vectors of that length), the length of a `.npy` header
//!   ([`NPY_MAX_HEADER_LEN`]) and the data a `.npy` of unknown length may claim
//!   ([`DEFAULT_MAX_STREAM_BYTES`]).
//!
//! The defaults can be raised per call through the readers' options
//! ([`CsvOptions`](crate::CsvOptions), [`SvmlightOptions`](crate::SvmlightOptions),
//! [`NpyOptions`](crate::NpyOptions)); going past one is a typed
//! [`DatasetError`] naming the file and, for text, the line.

use std::io::{self, BufRead, Read};

use crate::error::{DatasetError, Result};

/// Default longest line (CSV record or svmlight line) in bytes: 16 MiB, room
/// for a million dense CSV columns or a million svmlight entries on one line.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 << 20;

/// Default largest number of svmlight features (columns): 2^26 = 67,108,864,
/// above the widest public LIBSVM data sets (kdd2012: 54,686,452 features).
pub const DEFAULT_MAX_FEATURES: usize = 1 << 26;

/// Longest `.npy` header in bytes, numpy's own default limit
/// (`max_header_size` of `numpy.load`): a float array's header is under 200.
/// Defined beside the shared header reader, `duckml_arrays::npy`.
pub const NPY_MAX_HEADER_LEN: usize = duckml_arrays::npy::MAX_HEADER_LEN;

/// Default most data bytes a `.npy` of unknown length (a pipe, a socket) may
/// claim: 1 GiB. A regular file is bounded by its length instead.
pub const DEFAULT_MAX_STREAM_BYTES: u64 = 1 << 30;

/// Reads one line, through its `'\n'` if it has one, into `buf` (cleared
/// first). Returns `Ok(false)` at the end of the input.
///
/// # Errors
///
/// [`DatasetError::LineTooLong`] (naming `path` and the 1-based `line`) once
/// the line holds more than `max` bytes before its `'\n'`: at most `max + 1`
/// bytes are ever buffered. [`DatasetError::Io`] if the reader fails.
pub(crate) fn read_line_capped<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
    path: &str,
    line: usize,
) -> Result<bool> {
    buf.clear();
    let budget = (max as u64).saturating_add(1);
    let n = Read::take(&mut *reader, budget)
        .read_until(b'\n', buf)
        .map_err(|source| DatasetError::Io {
            path: path.to_string(),
            source,
        })?;
    if n == 0 {
        return Ok(false);
    }
    let content = buf.len() - usize::from(buf.last() == Some(&b'\n'));
    if content > max {
        return Err(DatasetError::LineTooLong {
            path: path.to_string(),
            line,
            limit: max,
        });
    }
    Ok(true)
}

/// The payload of the I/O error [`RecordCap`] returns: lets the CSV reader tell
/// "record too long" from a real I/O failure.
#[derive(Debug)]
pub(crate) struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record too long")
    }
}

impl std::error::Error for RecordTooLong {}

/// A reader that refuses to deliver more than `budget` bytes past the start of
/// the current record (set with [`mark`](Self::mark)).
///
/// The csv crate reads a whole record, however long, before returning it, so
/// its memory cannot be capped from outside a read call; this adapter sits
/// under it instead. A record needs every byte from its start to its end, and
/// the csv reader buffers at most its buffer capacity beyond that, so with
/// `budget = max record length + buffer capacity` a record within the maximum
/// never trips the cap, and a longer one fails after at most `budget` bytes.
/// (A record longer than the maximum but within the slack is caught by its
/// reader once it is complete: [`mark`](Self::mark) returns where it started.)
pub(crate) struct RecordCap<R> {
    inner: R,
    delivered: u64,
    record_start: u64,
    record_line: u64,
    budget: u64,
}

impl<R: Read> RecordCap<R> {
    pub(crate) fn new(inner: R, budget: u64) -> Self {
        Self {
            inner,
            delivered: 0,
            record_start: 0,
            record_line: 1,
            budget,
        }
    }

    /// The next record starts at byte `offset`, line `line` of the input;
    /// returns the byte where the previous one started.
    pub(crate) fn mark(&mut self, offset: u64, line: u64) -> u64 {
        self.record_line = line;
        std::mem::replace(&mut self.record_start, offset)
    }

    /// The 1-based line where the current record starts.
    pub(crate) fn record_line(&self) -> u64 {
        self.record_line
    }
}

impl<R: Read> Read for RecordCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let used = self.delivered.saturating_sub(self.record_start);
        let room = self.budget.saturating_sub(used);
        if room == 0 && !buf.is_empty() {
            return Err(io::Error::other(RecordTooLong));
        }
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..take])?;
        self.delivered += n as u64;
        Ok(n)
    }
}

/// Whether an I/O error is [`RecordCap`]'s "record too long".
pub(crate) fn is_record_too_long(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<RecordTooLong>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines() {
        let mut r: &[u8] = b"abc\nabcd\nab";
        let mut buf = Vec::new();
        assert!(read_line_capped(&mut r, &mut buf, 3, "t", 1).unwrap());
        assert_eq!(buf, b"abc\n");
        let e = read_line_capped(&mut r, &mut buf, 3, "t", 2).unwrap_err();
        assert!(
            matches!(
                e,
                DatasetError::LineTooLong {
                    line: 2,
                    limit: 3,
                    ..
                }
            ),
            "{e}"
        );
        assert!(buf.len() <= 4);
        let mut r: &[u8] = b"ab";
        assert!(read_line_capped(&mut r, &mut buf, 3, "t", 1).unwrap());
        assert_eq!(buf, b"ab");
        assert!(!read_line_capped(&mut r, &mut buf, 3, "t", 2).unwrap());
    }

    #[test]
    fn endless_input_stops_at_the_cap() {
        let mut zeros = io::BufReader::new(io::repeat(0));
        let mut buf = Vec::new();
        let e = read_line_capped(&mut zeros, &mut buf, 1000, "/dev/zero", 1).unwrap_err();
        assert!(matches!(e, DatasetError::LineTooLong { .. }), "{e}");
        assert_eq!(buf.len(), 1001);

        let mut cap = RecordCap::new(io::repeat(7), 100);
        let mut out = vec![0u8; 64];
        assert_eq!(cap.read(&mut out).unwrap(), 64);
        assert_eq!(cap.read(&mut out).unwrap(), 36);
        let e = cap.read(&mut out).unwrap_err();
        assert!(is_record_too_long(&e));
        assert_eq!(cap.mark(90, 3), 0);
        assert_eq!(cap.record_line(), 3);
        assert_eq!(cap.read(&mut out).unwrap(), 64);
        assert!(!is_record_too_long(&io::Error::other("x")));
    }
}
