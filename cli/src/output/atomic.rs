//! Files written whole or not at all.
//!
//! Every file the command line writes (models, predictions, labels, data sets,
//! manifests, the benchmark's tables and plots) goes to a new temporary file in the
//! destination's own folder (`.NAME.duckml-tmp.XXXXXX.EXT`), is flushed and synced to disk,
//! then renamed over the destination, and the folder is synced. A rename within a
//! folder is atomic, so whatever stops the process (an error, Ctrl-C, a kill, a power
//! cut after the sync) leaves the destination either as it was or complete. On an
//! error the temporary file is removed; a killed process can leave one behind, never
//! a partial destination.
//!
//! A destination that is a symbolic link keeps pointing where it did: the file it
//! points to is replaced. A file that existed keeps its permissions; a new one gets
//! `0666` less the umask, as `std::fs::write` would give it.
//!
//! For the tests that kill a writer part-way (`cli/tests/cli/atomic.rs`), setting
//! `DUCKML_TEST_STALL_WRITE_AT=N` makes a write stop for good once `N` bytes are in the
//! temporary file (for writers that take a path, once the file is complete and before
//! the rename), so the test can kill it at a known point.

use crate::error::{io_error, CliError};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The environment variable of the kill tests' fault point.
pub const STALL_ENV: &str = "DUCKML_TEST_STALL_WRITE_AT";

/// Writes `dest` atomically with `write`, which gets a buffered writer.
///
/// # Errors
///
/// `write`'s own error, or an I/O error naming `dest`; `dest` is then untouched.
pub fn write_with(
    dest: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let (dest, tmp) = begin(dest)?;
    {
        let stall_at = stall_point();
        let mut out = Counting {
            inner: BufWriter::new(tmp.as_file()),
            written: 0,
            stall_at,
        };
        write(&mut out)?;
        out.flush().map_err(|e| io_error(&dest, e))?;
    }
    finish(tmp, &dest)
}

/// Writes `text` to `dest` atomically.
pub fn write_text(dest: &Path, text: &str) -> Result<(), CliError> {
    write_with(dest, |w| {
        w.write_all(text.as_bytes()).map_err(|e| io_error(dest, e))
    })
}

/// Writes `dest` atomically with a writer that takes a path (the data sets' `.npy`,
/// svmlight and CSV writers, the plots): `write` writes the temporary file's path.
pub fn write_via_path(
    dest: &Path,
    write: impl FnOnce(&Path) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let (dest, tmp) = begin(dest)?;
    write(tmp.path()).map_err(|e| name_destination(e, tmp.path(), &dest))?;
    if stall_point().is_some() {
        stall();
    }
    finish(tmp, &dest)
}

/// A path-taking writer's error names the temporary file; the user knows the
/// destination.
fn name_destination(e: CliError, tmp: &Path, dest: &Path) -> CliError {
    let (tmp, dest) = (tmp.display().to_string(), dest.display().to_string());
    match e {
        CliError::Input(m) => CliError::Input(m.replace(&tmp, &dest)),
        CliError::Usage(m) => CliError::Usage(m.replace(&tmp, &dest)),
        other => other,
    }
}

/// The real destination and a temporary file beside it.
fn begin(dest: &Path) -> Result<(PathBuf, NamedTempFile), CliError> {
    let dest = resolve_link(dest);
    let folder = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| CliError::Usage(format!("'{}' is not a file name", dest.display())))?;
    // `.NAME.duckml-tmp.XXXXXX.EXT`: hidden, recognisable, and with the destination's
    // extension, from which some writers (the PNG encoder) take the format.
    let prefix = format!(".{name}.duckml-tmp.");
    let suffix = dest
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(&suffix);
    let existing = fs::metadata(&dest).ok().filter(|m| m.is_file());
    #[cfg(unix)]
    let new_mode = {
        use std::os::unix::fs::PermissionsExt;
        fs::Permissions::from_mode(0o666)
    };
    #[cfg(unix)]
    builder.permissions(new_mode);
    let tmp = builder
        .tempfile_in(&folder)
        .map_err(|e| io_error(&dest, e))?;
    if let Some(meta) = existing {
        // The umask applied at creation; an existing file's own mode is restored.
        fs::set_permissions(tmp.path(), meta.permissions()).map_err(|e| io_error(&dest, e))?;
    }
    Ok((dest, tmp))
}

/// Syncs the temporary file, renames it over `dest` and syncs the folder.
fn finish(tmp: NamedTempFile, dest: &Path) -> Result<(), CliError> {
    // Path-taking writers may have replaced the file at the path: sync what is there.
    File::open(tmp.path())
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error(dest, e))?;
    tmp.persist(dest).map_err(|e| io_error(dest, e.error))?;
    #[cfg(unix)]
    if let Some(folder) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        // The rename is durable once the folder is; failing to sync it is not worth
        // failing a write that has happened.
        let _ = File::open(folder).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// A symlink's target (where the data should go); any other path as it is.
fn resolve_link(dest: &Path) -> PathBuf {
    match fs::symlink_metadata(dest) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(dest).unwrap_or_else(|_| dest.to_path_buf())
        }
        _ => dest.to_path_buf(),
    }
}

/// `DUCKML_TEST_STALL_WRITE_AT`, when set to a number.
fn stall_point() -> Option<u64> {
    std::env::var(STALL_ENV).ok()?.trim().parse().ok()
}

/// Stops here for good: the kill tests end the process.
fn stall() -> ! {
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

/// A writer that counts bytes, for the kill tests' fault point.
struct Counting<W: Write> {
    inner: W,
    written: u64,
    stall_at: Option<u64>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Up to the fault point exactly, so the file holds that many bytes.
        let buf = match self.stall_at {
            Some(at) => {
                let room = at.saturating_sub(self.written).max(1);
                &buf[..buf.len().min(usize::try_from(room).unwrap_or(usize::MAX))]
            }
            None => buf,
        };
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        if self.stall_at.is_some_and(|at| self.written >= at) {
            // The bytes so far reach the temporary file, as they would mid-way
            // through a large write.
            self.inner.flush()?;
            stall();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("duckml_atomic_{tag}_{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".duckml-tmp."))
            .collect()
    }

    #[test]
    fn writes_replace_whole_files_and_errors_leave_them() {
        let dir = temp_dir("replace");
        let dest = dir.join("out.json");
        write_text(&dest, "first").unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "first");
        write_text(&dest, "second").unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "second");
        // A writer that fails half-way: the old file stays, no temporary file is left.
        let e = write_with(&dest, |w| {
            w.write_all(b"par").unwrap();
            Err(CliError::Input("boom".into()))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "boom");
        assert_eq!(fs::read_to_string(&dest).unwrap(), "second");
        assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
        // A missing folder is an I/O error naming the destination.
        let e = write_text(&dir.join("no/such/out.json"), "x").unwrap_err();
        assert!(e.to_string().contains("no/such/out.json"), "{e}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_keep_pointing_at_the_replaced_file_and_modes_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("link");
        let real = dir.join("real.txt");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_via_path(&link, |p| fs::write(p, "new").map_err(|e| io_error(p, e))).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert!(leftovers(&dir).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
