//! How much memory a command may plan to allocate, checked before it allocates.
//!
//! Sizes the user gives (`duckml datasets --n --p`, `bench --n --p`, `kmeans --k`) and
//! sizes a file implies beyond its own length (an svmlight file's widest index, made
//! dense by `--array dense`) are turned into bytes with overflow-free arithmetic and
//! compared with a limit before anything is allocated, so an impossible size is an
//! error naming the options, not an abort of the process.
//!
//! The limit is `DUCKML_MAX_MEMORY` when set (bytes, or with a `K`, `M`, `G` or `T`
//! suffix in powers of 1024), else the memory available now (`MemAvailable` in
//! `/proc/meminfo`), else (no `/proc`) the largest allocation Rust allows, `isize::MAX`.

use crate::error::{human_bytes, CliError};
use std::fmt;

/// The environment variable that caps the memory a command plans for.
pub const ENV: &str = "DUCKML_MAX_MEMORY";

/// Where the limit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `DUCKML_MAX_MEMORY`.
    Env,
    /// `MemAvailable` in `/proc/meminfo`.
    Available,
    /// `isize::MAX`, the most one allocation may be.
    AddressSpace,
}

/// The most bytes a command may plan to allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The limit in bytes.
    pub bytes: u64,
    /// Where it comes from.
    pub source: Source,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = human_bytes(Some(self.bytes.into()));
        match self.source {
            Source::Env => write!(f, "the limit {ENV} sets ({size})"),
            Source::Available => write!(
                f,
                "the memory available ({size}, MemAvailable in /proc/meminfo; {ENV} sets \
                 another limit)"
            ),
            Source::AddressSpace => write!(f, "the largest allocation possible ({size})"),
        }
    }
}

/// Parses a size: `1073741824`, `512M`, `2G`, `1.5T`.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let (num, scale) = match t.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return None,
            };
            (&t[..i], (1u64 << shift) as f64)
        }
        _ => (t, 1.0),
    };
    let v = num.trim().parse::<f64>().ok()?;
    let bytes = v * scale;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// `MemAvailable` from `/proc/meminfo`, in bytes.
fn mem_available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// The limit in force now.
///
/// # Errors
///
/// A usage error when `DUCKML_MAX_MEMORY` is set but is not a size.
pub fn limit() -> Result<Limit, CliError> {
    if let Some(v) = std::env::var_os(ENV) {
        let text = v.to_string_lossy();
        return parse_size(&text)
            .map(|bytes| Limit {
                bytes,
                source: Source::Env,
            })
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "{ENV}={text} is not a size (bytes, or a number with K, M, G or T)"
                ))
            });
    }
    Ok(match mem_available() {
        Some(bytes) => Limit {
            bytes,
            source: Source::Available,
        },
        None => Limit {
            bytes: isize::MAX as u64,
            source: Source::AddressSpace,
        },
    })
}

/// The product of `factors` in bytes, `None` when it overflows `u128`.
pub fn bytes(factors: &[u128]) -> Option<u128> {
    factors.iter().try_fold(1u128, |acc, &f| acc.checked_mul(f))
}

/// The sum of sizes, `None` when any is `None` or the sum overflows.
pub fn total(sizes: &[Option<u128>]) -> Option<u128> {
    sizes
        .iter()
        .try_fold(0u128, |acc, s| s.and_then(|s| acc.checked_add(s)))
}

/// Refuses `what` of `size` bytes (`None`: beyond `u128`) when it exceeds the limit;
/// `hint` says which options to change.
pub fn require(what: impl Into<String>, size: Option<u128>, hint: &str) -> Result<(), CliError> {
    let limit = limit()?;
    match size {
        Some(b) if b <= u128::from(limit.bytes) => Ok(()),
        _ => Err(CliError::TooLarge {
            what: what.into(),
            bytes: size,
            limit,
            hint: hint.into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("512M"), Some(512 << 20));
        assert_eq!(parse_size("1.5k"), Some(1536));
        assert_eq!(parse_size(" 2G "), Some(2 << 30));
        assert_eq!(parse_size("2X"), None);
        assert_eq!(parse_size("-1"), None);
        assert_eq!(parse_size("1e30"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn products_and_sums_never_overflow() {
        assert_eq!(bytes(&[10, 20, 8]), Some(1600));
        assert_eq!(bytes(&[u64::MAX.into(), u64::MAX.into(), 8]), None);
        assert_eq!(total(&[Some(1), Some(2)]), Some(3));
        assert_eq!(total(&[Some(1), None]), None);
        assert_eq!(total(&[Some(u128::MAX), Some(1)]), None);
    }

    #[test]
    fn the_machine_has_a_limit() {
        // Without the variable (the test runner does not set it) the limit is the
        // machine's: positive, and not beyond what Rust can allocate.
        if std::env::var_os(ENV).is_none() {
            let l = limit().unwrap();
            assert!(l.bytes > 0 && l.bytes <= isize::MAX as u64, "{l:?}");
            let e = require("x", None, "lower --n").unwrap_err();
            assert!(e.to_string().contains("over 2^128 bytes"), "{e}");
            assert!(require("x", Some(1), "").is_ok());
        }
    }
}
