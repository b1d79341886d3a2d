//! Writing results: JSON text made from the schema types, and stdout.

use crate::error::CliError;
use serde::Serialize;
use std::io::Write;

/// How a JSON document is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One line (stdout).
    Compact,
    /// Indented (files people read).
    Pretty,
}

/// `value` as JSON text, every object's keys in alphabetical order.
///
/// The text goes through `serde_json::Value`, whose map is ordered by key: the
/// command line's output has always been sorted this way (it was built as `Value`s),
/// and scripts and diffs of saved models rely on it, so the schema types' field order
/// does not leak into the output. NaN and infinities become `null`.
pub fn json_text<T: Serialize>(value: &T, layout: Layout) -> Result<String, CliError> {
    let bad = |e: serde_json::Error| CliError::Input(format!("cannot serialise the result: {e}"));
    let value = serde_json::to_value(value).map_err(bad)?;
    match layout {
        Layout::Compact => serde_json::to_string(&value),
        Layout::Pretty => serde_json::to_string_pretty(&value),
    }
    .map_err(bad)
}

/// Writes `text` and a newline to stdout in one piece. A closed pipe (`| head`) is not
/// an error worth reporting.
pub fn print_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Input(format!("cannot write to stdout: {e}"))),
    }
}

/// Serialises `value` to JSON first, then prints it on one line: stdout never holds a
/// partial object.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    print_stdout(&json_text(value, Layout::Compact)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Unsorted {
        zeta: f64,
        alpha: Vec<f64>,
        inner: Inner,
    }

    #[derive(Serialize)]
    struct Inner {
        b: u8,
        a: u8,
    }

    #[test]
    fn keys_are_sorted_at_every_depth_and_non_finite_numbers_are_null() {
        let v = Unsorted {
            zeta: f64::NAN,
            alpha: vec![1.5, f64::INFINITY],
            inner: Inner { b: 1, a: 2 },
        };
        assert_eq!(
            json_text(&v, Layout::Compact).unwrap(),
            r#"{"alpha":[1.5,null],"inner":{"a":2,"b":1},"zeta":null}"#
        );
    }
}
