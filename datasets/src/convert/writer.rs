//! A `.npy` written as its data arrive: the header is reserved at the start (room
//! for any 1- or 2-D shape) and filled in once the shape is known, the data go
//! through a buffer, and the file appears under its name only when complete
//! (written as a temporary file in the same folder, synced, then renamed).

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use duckml_arrays::npy::{encode_header, Scalar};

use crate::error::{DatasetError, Result};

/// Bytes of data buffered before a write, and per step of [`NpyWriter::shift_ints`].
const BUFFER_BYTES: usize = 1 << 20;

/// A temporary path beside `dest`: same folder (so the rename is atomic), hidden,
/// unique to this process.
pub(super) fn temp_beside(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

pub(super) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> DatasetError + '_ {
    move |source| DatasetError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A 1- or 2-D `.npy` being written row by row.
pub struct NpyWriter {
    out: BufWriter<File>,
    tmp: PathBuf,
    dest: PathBuf,
    scalar: Scalar,
    header_len: usize,
    count: u64,
    done: bool,
}

impl NpyWriter {
    /// Starts `dest` (written as a temporary file beside it until [`finish`](Self::finish)).
    ///
    /// # Errors
    ///
    /// [`DatasetError::Io`] if the temporary file cannot be created.
    pub fn create(dest: &Path, scalar: Scalar) -> Result<Self> {
        let tmp = temp_beside(dest);
        // Read back too: svmlight's indices may be shifted in place at the end.
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(io_err(&tmp))?;
        let reserved = encode_header(scalar.descr(), false, &[usize::MAX, usize::MAX], 0);
        let mut out = BufWriter::with_capacity(BUFFER_BYTES, file);
        out.write_all(&reserved).map_err(io_err(&tmp))?;
        Ok(NpyWriter {
            out,
            tmp,
            dest: dest.to_path_buf(),
            scalar,
            header_len: reserved.len(),
            count: 0,
            done: false,
        })
    }

    /// Appends values, converted to the file's element type.
    ///
    /// # Errors
    ///
    /// [`DatasetError::NonFinite`] for a value that is not finite or that overflows
    /// `float32` (naming `what` and the value's position in the file);
    /// [`DatasetError::InvalidParameter`] for an integer file given a fraction;
    /// [`DatasetError::Io`] if the write fails.
    pub fn write(&mut self, values: &[f64], what: &str) -> Result<()> {
        let io = io_err(&self.tmp);
        for (k, &v) in values.iter().enumerate() {
            let bad = || DatasetError::NonFinite {
                what: what.to_string(),
                index: self.count as usize + k,
            };
            match self.scalar {
                Scalar::F64 if v.is_finite() => self.out.write_all(&v.to_le_bytes()),
                Scalar::F32 if (v as f32).is_finite() => {
                    self.out.write_all(&(v as f32).to_le_bytes())
                }
                Scalar::F64 | Scalar::F32 => return Err(bad()),
                Scalar::I64 => self.out.write_all(&(v as i64).to_le_bytes()),
                Scalar::I32 => self.out.write_all(&(v as i32).to_le_bytes()),
            }
            .map_err(&io)?;
        }
        self.count += values.len() as u64;
        Ok(())
    }

    /// Appends integers (indices); the file's type must be an integer type.
    ///
    /// # Errors
    ///
    /// [`DatasetError::InvalidParameter`] for a value the type cannot hold;
    /// [`DatasetError::Io`] if the write fails.
    pub fn write_ints(&mut self, values: &[usize]) -> Result<()> {
        let io = io_err(&self.tmp);
        for &v in values {
            match self.scalar {
                Scalar::I64 => i64::try_from(v).map(|v| self.out.write_all(&v.to_le_bytes())),
                _ => i32::try_from(v).map(|v| self.out.write_all(&v.to_le_bytes())),
            }
            .map_err(|_| {
                DatasetError::InvalidParameter(format!(
                    "index {v} does not fit in {}",
                    self.scalar.name()
                ))
            })?
            .map_err(&io)?;
        }
        self.count += values.len() as u64;
        Ok(())
    }

    /// Values written so far.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds `delta` to every integer written so far, in place, a buffer at a time
    /// (svmlight's one-based indices, known to be one-based only at the end).
    ///
    /// # Errors
    ///
    /// [`DatasetError::Io`] if the file cannot be read back or rewritten.
    pub fn shift_ints(&mut self, delta: i64) -> Result<()> {
        let io = io_err(&self.tmp);
        self.out.flush().map_err(&io)?;
        let size = self.scalar.size();
        let file = self.out.get_mut();
        let end = self.header_len as u64 + self.count * size as u64;
        let mut buf = vec![0u8; BUFFER_BYTES];
        let mut at = self.header_len as u64;
        while at < end {
            let n = (end - at).min(BUFFER_BYTES as u64) as usize;
            file.seek(SeekFrom::Start(at)).map_err(&io)?;
            file.read_exact(&mut buf[..n]).map_err(&io)?;
            for w in buf[..n].chunks_exact_mut(size) {
                if size == 8 {
                    let v = i64::from_le_bytes(w.try_into().expect("8 bytes")) + delta;
                    w.copy_from_slice(&v.to_le_bytes());
                } else {
                    let v = i32::from_le_bytes(w.try_into().expect("4 bytes")) + delta as i32;
                    w.copy_from_slice(&v.to_le_bytes());
                }
            }
            file.seek(SeekFrom::Start(at)).map_err(&io)?;
            file.write_all(&buf[..n]).map_err(&io)?;
            at += n as u64;
        }
        file.seek(SeekFrom::End(0)).map_err(&io)?;
        Ok(())
    }

    /// Writes the header for `shape` over the reserved one, syncs the file and
    /// renames it to its destination.
    ///
    /// # Errors
    ///
    /// [`DatasetError::InvalidParameter`] if `shape` does not hold exactly the values
    /// written; [`DatasetError::Io`] if the file cannot be completed or renamed.
    pub fn finish(mut self, shape: &[usize]) -> Result<()> {
        let claimed = shape.iter().map(|&d| d as u64).product::<u64>();
        if claimed != self.count {
            return Err(DatasetError::InvalidParameter(format!(
                "shape {shape:?} holds {claimed} values but {} were written to '{}'",
                self.count,
                self.dest.display()
            )));
        }
        let io = io_err(&self.tmp);
        let header = encode_header(self.scalar.descr(), false, shape, self.header_len);
        debug_assert_eq!(header.len(), self.header_len);
        self.out.flush().map_err(&io)?;
        let file = self.out.get_mut();
        file.seek(SeekFrom::Start(0)).map_err(&io)?;
        file.write_all(&header).map_err(&io)?;
        file.sync_all().map_err(&io)?;
        std::fs::rename(&self.tmp, &self.dest).map_err(io_err(&self.dest))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for NpyWriter {
    /// An unfinished file (an error on the way) leaves nothing behind.
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
