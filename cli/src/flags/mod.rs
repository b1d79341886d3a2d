//! The command line's enumerated and numeric flags, each defined once: its values, the
//! names users type, and the help that lists them. Commands take these types; nothing
//! else spells a flag value.
//!
//! Flags whose values are a fixed set are clap `ValueEnum`s ([`ModelKind`], [`Dtype`],
//! ...). Flags that also take a parameter or an alias (`--array chunked:ROWS`,
//! `--solver fista`) parse with their own function and list their values through
//! [`Listed`], so that `--help` shows them all the same.

mod array;
mod dtype;
mod model;
mod numbers;
mod solver;

pub use array::{array_names, default_chunk_rows, ArraySpec};
pub use dtype::Dtype;
pub use model::ModelKind;
pub use numbers::{
    count, max_iter, n_init, non_negative, positive, repeats, seed, size, unit_interval,
};
pub use solver::{solver_key, solver_keys, solver_names_as_flags, solver_parser};

use clap::builder::{PossibleValue, TypedValueParser};
use clap::ValueEnum;
use std::ffi::OsStr;

/// A value parser that parses with a function and lists possible values for `--help`.
///
/// clap's `PossibleValuesParser` accepts only the listed strings; these flags also take
/// `chunked:ROWS` and aliases, so parsing stays with the function (and its error
/// messages), and the list is only shown.
#[derive(Clone)]
pub struct Listed<T> {
    parse: fn(&str) -> Result<T, String>,
    values: fn() -> Vec<PossibleValue>,
}

impl<T> Listed<T> {
    /// Parses with `parse`; `--help` lists `values()`.
    pub fn new(parse: fn(&str) -> Result<T, String>, values: fn() -> Vec<PossibleValue>) -> Self {
        Listed { parse, values }
    }
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Listed<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        // A plain function parser gives clap's usual "invalid value 'x' for '--flag'"
        // message with the function's reason.
        self.parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.values)().into_iter()))
    }
}

/// The name a `ValueEnum` value has on the command line (and in the JSON output, where
/// serde's lower-case names agree: see the tests).
pub fn flag_name<T: ValueEnum>(value: &T) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON fields hold these enums: their serde names must be the flags' names.
    fn serde_names_match<T: ValueEnum + serde::Serialize>() {
        for v in T::value_variants() {
            let json = serde_json::to_value(v).unwrap();
            assert_eq!(json, serde_json::Value::String(flag_name(v)));
        }
    }

    #[test]
    fn serde_and_clap_agree_on_names() {
        serde_names_match::<ModelKind>();
        serde_names_match::<Dtype>();
        serde_names_match::<crate::synthetic::DataKind>();
    }
}
