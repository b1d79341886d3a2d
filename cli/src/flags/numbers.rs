//! Value parsers for numeric options with a range.
//!
//! Numeric options take values that start with `-` (`#[arg(allow_hyphen_values =
//! true)]`), so that `--l1-ratio -0.1` reaches these parsers and is refused for its
//! range, instead of clap reading `-0.1` as an unknown flag.
//!
//! Counts that set how much work a command does have documented maxima, so that a
//! typo (`--n-init 1000000`) is an error rather than a run that never ends.

fn parse_f64(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("'{s}' is not a number"))
}

/// A finite number `>= 0` (penalties, tolerances that may be zero).
pub fn non_negative(s: &str) -> Result<f64, String> {
    match parse_f64(s)? {
        v if v.is_finite() && v >= 0.0 => Ok(v),
        v => Err(format!("{v} must be finite and >= 0")),
    }
}

/// A finite number `> 0` (tolerances, budgets).
pub fn positive(s: &str) -> Result<f64, String> {
    match parse_f64(s)? {
        v if v.is_finite() && v > 0.0 => Ok(v),
        v => Err(format!("{v} must be finite and > 0")),
    }
}

/// A number in `[0, 1]` (the L1 share of a penalty).
pub fn unit_interval(s: &str) -> Result<f64, String> {
    match parse_f64(s)? {
        v if (0.0..=1.0).contains(&v) => Ok(v),
        v => Err(format!("{v} must be in [0, 1]")),
    }
}

/// The most iterations `--max-iter` takes (fits and k-means): far above what any fit
/// needs (scikit-learn's defaults are 100 and 300), low enough that a typo cannot make a
/// run that never ends.
pub const MAX_ITER: u64 = 1_000_000;
/// The most k-means runs `--n-init` takes.
pub const MAX_N_INIT: u64 = 1_000;
/// The most timed fits per case `duckml bench --repeats` takes.
pub const MAX_REPEATS: u64 = 1_000;

/// A whole number in `min..=max`.
fn whole(s: &str, min: u64, max: u64) -> Result<u64, String> {
    let t = s.trim();
    let v = t.parse::<u64>().map_err(|_| {
        if t.starts_with('-') && t.parse::<f64>().is_ok() {
            format!("{t} must be >= {min}")
        } else if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() {
            format!("{t} is larger than the maximum, {max}")
        } else {
            format!("'{s}' is not a whole number")
        }
    })?;
    if v < min {
        Err(format!("{v} must be >= {min}"))
    } else if v > max {
        Err(format!("{v} is larger than the maximum, {max}"))
    } else {
        Ok(v)
    }
}

/// A whole number `>= 1` (sizes, counts).
pub fn count(s: &str) -> Result<u64, String> {
    whole(s, 1, u64::MAX)
}

/// A size `>= 1` that indexes memory (`usize`).
pub fn size(s: &str) -> Result<usize, String> {
    // usize is at most 64 bits on every platform Rust supports.
    whole(s, 1, usize::MAX as u64).map(|v| v as usize)
}

/// A seed: any whole number `>= 0`.
pub fn seed(s: &str) -> Result<u64, String> {
    whole(s, 0, u64::MAX)
}

/// `--max-iter`: `1..=`[`MAX_ITER`].
pub fn max_iter(s: &str) -> Result<u64, String> {
    whole(s, 1, MAX_ITER)
}

/// `--n-init`: `1..=`[`MAX_N_INIT`].
pub fn n_init(s: &str) -> Result<u64, String> {
    whole(s, 1, MAX_N_INIT)
}

/// `--repeats`: `1..=`[`MAX_REPEATS`].
pub fn repeats(s: &str) -> Result<u64, String> {
    whole(s, 1, MAX_REPEATS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_name_the_bound() {
        assert_eq!(unit_interval("-0.1"), Err("-0.1 must be in [0, 1]".into()));
        assert_eq!(
            non_negative("-inf"),
            Err("-inf must be finite and >= 0".into())
        );
        assert_eq!(positive("abc"), Err("'abc' is not a number".into()));
        assert_eq!(count("-5"), Err("-5 must be >= 1".into()));
        assert_eq!(count("0"), Err("0 must be >= 1".into()));
        assert_eq!(count("7"), Ok(7));
        assert_eq!(
            count("18446744073709551616"),
            Err("18446744073709551616 is larger than the maximum, 18446744073709551615".into())
        );
        assert_eq!(count("1.5"), Err("'1.5' is not a whole number".into()));
        assert_eq!(seed("0"), Ok(0));
        assert_eq!(
            max_iter("1000001"),
            Err("1000001 is larger than the maximum, 1000000".into())
        );
        assert_eq!(n_init("1000"), Ok(1000));
        assert_eq!(repeats("-1e3"), Err("-1e3 must be >= 1".into()));
    }
}
