//! Why a command failed, and its exit status.

use crate::flags::solver_names_as_flags;
use crate::schema::ModelError;
use std::fmt;
use std::path::PathBuf;

/// Why a command failed. Each renders as one line.
#[derive(Debug)]
pub enum CliError {
    /// Wrong or contradictory options (exit status 2, like clap's own errors).
    Usage(String),
    /// Bad input data, a failed fit, an I/O error (exit status 1).
    Input(String),
    /// An output path names one of the command's input files (exit status 2): writing
    /// it would destroy the input.
    SameFile {
        /// The output's flag (`--save`, `--out`, `--labels-out`).
        output_flag: &'static str,
        /// The input's flag (`--x`, `--y`, `--model`).
        input_flag: &'static str,
        /// The output path as given.
        path: PathBuf,
    },
    /// What the options ask for would not fit in memory (exit status 2); nothing was
    /// allocated.
    TooLarge {
        /// What would be allocated.
        what: String,
        /// Its size in bytes (`None`: more than `u128` holds).
        bytes: Option<u128>,
        /// The most the command may allocate, and where that figure comes from.
        limit: crate::memory::Limit,
        /// Which options to change.
        hint: String,
    },
    /// A number of a JSON document is NaN or infinite (exit status 1): JSON cannot hold
    /// it, and `null` would read as a missing value.
    NonFinite {
        /// The document (`the fit`, `the predictions`, ...).
        document: String,
        /// The number's place in it (`coef[2]`, `inertia`).
        field: String,
        /// The number.
        value: f64,
    },
    /// A model file that is not a valid duckml model (exit status 1).
    Model {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        error: ModelError,
    },
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) | CliError::SameFile { .. } | CliError::TooLarge { .. } => 2,
            CliError::Input(_) | CliError::NonFinite { .. } | CliError::Model { .. } => 1,
        }
    }
}

/// `bytes` for people: `8.0e13 bytes (72.8 TiB)`.
pub fn human_bytes(bytes: Option<u128>) -> String {
    let Some(b) = bytes else {
        return "over 2^128 bytes".into();
    };
    const UNITS: [&str; 7] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB"];
    let mut v = b as f64;
    let mut unit = "bytes";
    for u in UNITS {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    if unit == "bytes" {
        format!("{b} bytes")
    } else {
        format!("{b:.1e} bytes ({v:.1} {unit})", b = b as f64)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msg = match self {
            CliError::Usage(m) | CliError::Input(m) => m.clone(),
            CliError::SameFile {
                output_flag,
                input_flag,
                path,
            } => format!(
                "{output_flag} '{}' is the {input_flag} input file: writing it would destroy \
                 the input; choose another path",
                path.display()
            ),
            CliError::TooLarge {
                what,
                bytes,
                limit,
                hint,
            } => format!(
                "{what} needs {}, more than {limit}; {hint}",
                human_bytes(*bytes)
            ),
            CliError::NonFinite {
                document,
                field,
                value,
            } => format!(
                "{document}: {field} is {value}, which JSON cannot hold (it is not a finite \
                 number); nothing was written"
            ),
            CliError::Model { path, error } => {
                format!(
                    "'{}' is not a valid duckml model file: {error}",
                    path.display()
                )
            }
        };
        // Always one line, whatever the underlying message holds.
        f.write_str(&msg.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

impl From<duckml::datasets::DatasetError> for CliError {
    fn from(e: duckml::datasets::DatasetError) -> Self {
        use duckml::datasets::DatasetError;
        match e {
            // The loader asks the caller to decide; the command line decides by flag.
            DatasetError::AmbiguousHeader { .. } => CliError::Input(format!(
                "{e}: --header if it is a header, --no-header if it is data"
            )),
            DatasetError::F32Overflow { .. } => {
                CliError::Input(format!("{e}; --dtype f32 cannot hold it: use --dtype f64"))
            }
            _ => CliError::Input(e.to_string()),
        }
    }
}

impl From<duckml::arrays::ArrayError> for CliError {
    fn from(e: duckml::arrays::ArrayError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<duckml::estimators::Error> for CliError {
    fn from(e: duckml::estimators::Error) -> Self {
        use duckml::estimators::Error;
        use duckml::solvers::SolverError;
        // The library names solvers by their type names; the user knows them by
        // what `--solver` takes.
        let text = solver_names_as_flags(&e.to_string());
        match e {
            Error::TooManyClusters {
                n_clusters,
                n_samples,
            } => CliError::Usage(format!(
                "--k {n_clusters} is larger than the number of samples ({n_samples})"
            )),
            // Option problems are usage errors; everything else is about the data.
            Error::InvalidParameter { .. }
            | Error::Solver(SolverError::Unsupported { .. })
            | Error::Solver(SolverError::InvalidOption { .. }) => CliError::Usage(text),
            _ => CliError::Input(text),
        }
    }
}

/// Turns an I/O error on `path` into a one-line input error.
pub fn io_error(path: &std::path::Path, e: std::io::Error) -> CliError {
    CliError::Input(format!("I/O error on '{}': {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use duckml::estimators::Error;
    use duckml::solvers::SolverError;

    #[test]
    fn errors_render_on_one_line() {
        let e = CliError::Input("first\nsecond\tthird".into());
        assert_eq!(e.to_string(), "first second third");
        assert_eq!(e.exit_code(), 1);
        assert_eq!(CliError::Usage("x".into()).exit_code(), 2);
    }

    #[test]
    fn library_errors_name_solvers_as_the_flag_does() {
        let e = Error::Solver(SolverError::Unsupported {
            solver: "Newton",
            what: "this problem".into(),
            alternatives: vec!["Lbfgs", "GradientDescent", "ProximalGradient", "Admm"],
        });
        let cli = CliError::from(e);
        assert_eq!(
            cli.to_string(),
            "solver newton cannot handle this problem; use one of: lbfgs, gd, proximal, admm"
        );
        assert_eq!(cli.exit_code(), 2);
    }

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(human_bytes(Some(512)), "512 bytes");
        assert_eq!(human_bytes(Some(3 << 30)), "3.2e9 bytes (3.0 GiB)");
        assert_eq!(human_bytes(None), "over 2^128 bytes");
    }
}
