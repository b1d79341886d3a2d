//! One part of a line-oriented text file (svmlight, CSV) by byte range, aligned to
//! line starts: part `r` of `P` holds the lines whose first byte lies in
//! `[len r / P, len (r + 1) / P)`. Every line belongs to exactly one part, whatever
//! the line lengths, and each process reads only about `len / P` bytes (plus the end
//! of one line to find its first line start).

use crate::error::{DatasetError, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

/// The text of part `part` of `parts` of the file at `path` (complete lines only).
///
/// A quoted CSV cell that spans lines cannot be split this way: files read by parts
/// must keep each record on one line.
///
/// ```
/// use duckml_datasets::read_text_part;
///
/// let path = std::env::temp_dir().join(format!("duckml_doc_part_{}.txt", std::process::id()));
/// std::fs::write(&path, "a\nbbbb\ncc\nd\n").unwrap();
/// let parts: Vec<String> = (0..3).map(|r| read_text_part(&path, r, 3).unwrap()).collect();
/// assert_eq!(parts.concat(), "a\nbbbb\ncc\nd\n");
/// # std::fs::remove_file(&path).ok();
/// ```
///
/// # Errors
///
/// [`DatasetError::Io`] when the file cannot be read; [`DatasetError::InvalidParameter`]
/// when `part >= parts`; an `InvalidData` [`DatasetError::Io`] for text that is not
/// UTF-8.
pub fn read_text_part(path: impl AsRef<Path>, part: usize, parts: usize) -> Result<String> {
    let path = path.as_ref();
    let name = path.display().to_string();
    if part >= parts {
        return Err(DatasetError::InvalidParameter(format!(
            "part {part} of {parts} does not exist"
        )));
    }
    let io = |source| DatasetError::Io {
        path: name.clone(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let bound = |r: usize| (len as u128 * r as u128 / parts as u128) as u64;
    let (start, end) = (bound(part), bound(part + 1));
    let mut reader = BufReader::new(file);
    // The first line start at or after `start`: `start` itself when the byte before it
    // ends a line, else just after the next newline.
    let mut at = start;
    if start > 0 {
        reader.seek(SeekFrom::Start(start - 1)).map_err(io)?;
        let mut skipped = Vec::new();
        at = start - 1 + reader.read_until(b'\n', &mut skipped).map_err(io)? as u64;
    }
    let mut text = Vec::new();
    while at < end {
        let n = reader.read_until(b'\n', &mut text).map_err(io)?;
        if n == 0 {
            break;
        }
        at += n as u64;
    }
    String::from_utf8(text).map_err(|e| DatasetError::Io {
        path: name,
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text: {e}"),
        ),
    })
}
