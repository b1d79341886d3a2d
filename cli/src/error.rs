//! Why a command failed, and its exit status.

use std::fmt;

/// Why a command failed. Each renders as one line.
#[derive(Debug)]
pub enum CliError {
    /// Wrong or contradictory options (exit status 2, like clap's own errors).
    Usage(String),
    /// Bad input data, a failed fit, an I/O error (exit status 1).
    Input(String),
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Input(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msg = match self {
            CliError::Usage(m) | CliError::Input(m) => m,
        };
        // Always one line, whatever the underlying message holds.
        f.write_str(&msg.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

impl From<duckml::datasets::DatasetError> for CliError {
    fn from(e: duckml::datasets::DatasetError) -> Self {
        CliError::Input(e.to_string())
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
        match e {
            // Option problems are usage errors; everything else is about the data.
            Error::InvalidParameter { .. }
            | Error::Solver(SolverError::Unsupported { .. })
            | Error::Solver(SolverError::InvalidOption { .. }) => CliError::Usage(e.to_string()),
            _ => CliError::Input(e.to_string()),
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

    #[test]
    fn errors_render_on_one_line() {
        let e = CliError::Input("first\nsecond\tthird".into());
        assert_eq!(e.to_string(), "first second third");
        assert_eq!(e.exit_code(), 1);
        assert_eq!(CliError::Usage("x".into()).exit_code(), 2);
    }
}
