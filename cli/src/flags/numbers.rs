//! Value parsers for numeric options with a range.

fn parse_f64(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
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
