//! `--dtype`: the element type data are held in.

use super::flag_name;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The element type the data is held in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    /// Double precision.
    F64,
    /// Single precision (the solvers still work in double precision).
    F32,
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&flag_name(self))
    }
}
