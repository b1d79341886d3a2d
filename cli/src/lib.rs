//! The `duckml` command line. Each subcommand lives in its own module; they share
//! the input loaders ([`input`]), the generic array dispatch ([`arrays`]) and the
//! generic GLM fit ([`glm`]).

mod arrays;
mod bench;
mod datasets;
mod fit;
mod glm;
mod input;
mod kmeans;
mod predict;

use clap::{Parser, Subcommand};
use std::fmt;
use std::io::Write;

/// Fit, predict and benchmark duckml's GLMs and solvers on files.
#[derive(Debug, Parser)]
#[command(name = "duckml", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fit a linear, logistic or Poisson regression on files; print the fit as JSON.
    Fit(fit::FitArgs),
    /// Predict with a model saved by `duckml fit --save`.
    Predict(predict::PredictArgs),
    /// K-means clustering of a data file; print the centres as JSON.
    Kmeans(kmeans::KmeansArgs),
    /// Time every solver on every array type over a range of sizes; write tables and plots.
    Bench(bench::BenchArgs),
    /// Write the benchmark's synthetic data sets (dense, sparse, blobs) to files.
    Datasets(datasets::DatasetsArgs),
}

/// Why a command failed. Each renders as one line.
#[derive(Debug)]
pub enum CliError {
    /// Wrong or contradictory options (exit status 2, like clap's own errors).
    Usage(String),
    /// Bad input data, a failed fit, an I/O error (exit status 1).
    Input(String),
}

impl CliError {
    fn exit_code(&self) -> i32 {
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

/// Serialises `value` to JSON first, then prints it: stdout never holds a partial
/// object.
pub fn print_json(value: &serde_json::Value) -> Result<(), CliError> {
    let text = serde_json::to_string(value)
        .map_err(|e| CliError::Input(format!("cannot serialise the result: {e}")))?;
    print_stdout(&text)
}

/// Parses the command line, runs the command and returns the process exit status.
pub fn main() -> i32 {
    // A panic is a bug, but the user still gets one line and no partial output.
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string().replace('\n', " ");
        eprintln!("error: internal error (please report): {msg}");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version exit 0; usage errors exit 2, as clap prints them.
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Fit(args) => fit::run(&args),
        Command::Predict(args) => predict::run(&args),
        Command::Kmeans(args) => kmeans::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Datasets(args) => datasets::run(&args),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn errors_render_on_one_line() {
        let e = CliError::Input("first\nsecond\tthird".into());
        assert_eq!(e.to_string(), "first second third");
        assert_eq!(e.exit_code(), 1);
        assert_eq!(CliError::Usage("x".into()).exit_code(), 2);
    }
}
