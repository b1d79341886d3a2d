//! Refusing an output path that is one of the command's inputs: `--save x.npy` or
//! `--out model.json` by a slip of the keyboard would destroy the data it was about to
//! read.
//!
//! Two paths are the same file when they name the same inode (device and inode
//! numbers on Unix), which sees through symbolic links, hard links, `..` and
//! different spellings of one path; elsewhere their canonical paths are compared.

use crate::error::CliError;
use std::path::Path;

/// What identifies a file.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = std::path::PathBuf;

/// The file `path` names, if it exists.
fn identity(path: &Path) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        std::fs::canonicalize(path).ok()
    }
}

/// A flag and the path it was given (`None`: not given).
pub type Named<'a> = (&'static str, Option<&'a Path>);

/// Refuses any output that is the same file as an input.
///
/// # Errors
///
/// [`CliError::SameFile`] naming both flags and the path (exit status 2).
pub fn refuse_overwriting_inputs(outputs: &[Named], inputs: &[Named]) -> Result<(), CliError> {
    for &(output_flag, out) in outputs {
        let Some(out) = out else { continue };
        let Some(out_id) = identity(out) else {
            // Nothing there yet: it cannot be an input that exists.
            continue;
        };
        for &(input_flag, input) in inputs {
            if input.and_then(identity).as_ref() == Some(&out_id) {
                return Err(CliError::SameFile {
                    output_flag,
                    input_flag,
                    path: out.to_path_buf(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn links_and_spellings_of_an_input_are_refused() {
        let dir = std::env::temp_dir().join(format!("duckml_same_{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).unwrap();
        let x = dir.join("x.npy");
        fs::write(&x, "data").unwrap();
        let other = dir.join("other.npy");
        fs::write(&other, "data").unwrap();
        let dotted = dir.join("sub/../x.npy");
        let refuse = |out: &Path| {
            refuse_overwriting_inputs(
                &[("--save", Some(out))],
                &[("--y", None), ("--x", Some(&x))],
            )
        };
        let e = refuse(&dotted).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().starts_with("--save '") && e.to_string().contains("is the --x input"),
            "{e}"
        );
        assert!(refuse(&other).is_ok(), "same content is not the same file");
        assert!(refuse(&dir.join("new.json")).is_ok());
        #[cfg(unix)]
        {
            let link = dir.join("link.npy");
            std::os::unix::fs::symlink(&x, &link).unwrap();
            assert!(refuse(&link).is_err());
            let hard = dir.join("hard.npy");
            fs::hard_link(&x, &hard).unwrap();
            assert!(refuse(&hard).is_err());
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
