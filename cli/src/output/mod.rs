//! Writing results: JSON text made from the schema types, what a command prints, and
//! files written atomically ([`atomic`]).

pub mod atomic;
mod finite;

use crate::error::CliError;
use finite::{first_non_finite, Stop};
use serde::Serialize;

/// How a JSON document is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One line (stdout).
    Compact,
    /// Indented (files people read).
    Pretty,
}

/// `value` as JSON text, every object's keys in alphabetical order. `document` names
/// it in errors (`the fit`, `the saved model`).
///
/// The text goes through `serde_json::Value`, whose map is ordered by key: the
/// command line's output has always been sorted this way (it was built as `Value`s),
/// and scripts and diffs of saved models rely on it, so the schema types' field order
/// does not leak into the output.
///
/// # Errors
///
/// [`CliError::NonFinite`] naming the field when `value` holds a NaN or an infinity:
/// JSON has no such numbers, and serde_json's `null` in their place would read as a
/// missing value.
pub fn json_text<T: Serialize>(
    value: &T,
    layout: Layout,
    document: &str,
) -> Result<String, CliError> {
    let bad =
        |e: &dyn std::fmt::Display| CliError::Input(format!("cannot serialise {document}: {e}"));
    match first_non_finite(value) {
        Ok(()) => {}
        Err(Stop::Found(found)) => {
            return Err(CliError::NonFinite {
                document: document.to_string(),
                field: found.place(),
                value: found.value,
            })
        }
        Err(e @ Stop::Custom(_)) => return Err(bad(&e)),
    }
    let value = serde_json::to_value(value).map_err(|e| bad(&e))?;
    match layout {
        Layout::Compact => serde_json::to_string(&value),
        Layout::Pretty => serde_json::to_string_pretty(&value),
    }
    .map_err(|e| bad(&e))
}

/// What a command that succeeded prints: one document on stdout (serialised in full
/// before anything is printed, so stdout never holds a partial object) and notes on
/// stderr.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The text for stdout (a newline follows it), if any.
    pub stdout: Option<String>,
    /// Lines for stderr.
    pub notes: Vec<String>,
}

impl Printed {
    /// `value` as one line of JSON on stdout.
    pub fn json<T: Serialize>(value: &T, document: &str) -> Result<Printed, CliError> {
        Ok(Printed::text(json_text(value, Layout::Compact, document)?))
    }

    /// `text` on stdout.
    pub fn text(text: String) -> Printed {
        Printed {
            stdout: Some(text),
            notes: Vec::new(),
        }
    }

    /// Only a note on stderr.
    pub fn note(line: String) -> Printed {
        Printed {
            stdout: None,
            notes: vec![line],
        }
    }
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
    fn keys_are_sorted_at_every_depth() {
        let v = Unsorted {
            zeta: 0.5,
            alpha: vec![1.5, 2.0],
            inner: Inner { b: 1, a: 2 },
        };
        assert_eq!(
            json_text(&v, Layout::Compact, "t").unwrap(),
            r#"{"alpha":[1.5,2.0],"inner":{"a":2,"b":1},"zeta":0.5}"#
        );
    }

    #[test]
    fn non_finite_numbers_are_refused_by_name() {
        let v = Unsorted {
            zeta: 1.0,
            alpha: vec![1.5, f64::INFINITY],
            inner: Inner { b: 1, a: 2 },
        };
        let e = json_text(&v, Layout::Pretty, "the fit").unwrap_err();
        assert!(
            matches!(&e, CliError::NonFinite { field, value, .. }
                if field == "alpha[1]" && *value == f64::INFINITY),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "the fit: alpha[1] is inf, which JSON cannot hold (it is not a finite number); \
             nothing was written"
        );
        assert_eq!(e.exit_code(), 1);
    }
}
