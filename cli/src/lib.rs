//! The `duckml` command line as a library: the binary (`src/main.rs`) calls [`main`];
//! [`run`] runs a command line without exiting the process or touching its stdout (the
//! fuzz target and the replay tests call it with arbitrary arguments: it returns an
//! exit status, whatever they are).
//!
//! The commands (`src/commands/`) share the input loaders, the flags (`src/flags/`,
//! each enumerated flag defined once), the array dispatch (`src/dispatch.rs`, the one
//! place that builds an array type and hands it to code written once over the array
//! contract), the generic GLM fit, and the output [`schema`], the one definition of
//! every JSON document the command line writes.
//!
//! It uses the `duckml` library through its public API only, as any user would.
#![warn(missing_docs)]

mod commands;
mod dispatch;
mod error;
mod flags;
mod glm;
mod input;
mod logging;
mod mapped;
mod memory;
#[cfg(feature = "mpi")]
mod mpi;
mod output;
mod progress;
mod same_file;
pub mod schema;
mod synthetic;

pub use memory::ENV as MAX_MEMORY_ENV;
pub use output::atomic::STALL_ENV;

use clap::{Parser, Subcommand};
use commands::{bench, convert, datasets, fit, kmeans, predict};
use error::CliError;
use output::Printed;
use std::ffi::OsString;
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
    /// Rewrite CSV, svmlight or .npy as files `--array mmap` maps, in bounded memory.
    Convert(convert::ConvertArgs),
}

/// Parses the process's command line, runs the command and returns the process exit
/// status: 0 on success, 2 for a usage error, 1 for bad input files or a failed fit (one
/// `error: ...` line on stderr, nothing on stdout).
pub fn main() -> i32 {
    // A panic is a bug, but the user still gets one line and no partial output.
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string().replace('\n', " ");
        eprintln!("error: internal error (please report): {msg}");
    }));
    logging::init();
    match Cli::try_parse() {
        Ok(cli) => execute(cli, &mut std::io::stdout(), &mut std::io::stderr()),
        // Help and version exit 0; usage errors exit 2, as clap prints them (in colour
        // on a terminal).
        Err(e) => {
            let _ = e.print();
            e.exit_code()
        }
    }
}

/// Runs the command line `args` (the program's name first, as `std::env::args_os`
/// gives it) and returns its exit status, as [`main`] would, without exiting: the
/// command's document goes to `stdout`, its notes and the `error: ...` line to
/// `stderr` (clap's help to `stdout`, its usage errors to `stderr`, uncoloured). The
/// library's warnings and the benchmark's progress still go to the process's stderr.
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    logging::init();
    match Cli::try_parse_from(args) {
        Ok(cli) => execute(cli, stdout, stderr),
        Err(e) => {
            let _ = if e.use_stderr() {
                write!(stderr, "{}", e.render())
            } else {
                write!(stdout, "{}", e.render())
            };
            e.exit_code()
        }
    }
}

/// Runs a parsed command and prints its outcome.
fn execute(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let result = match cli.command {
        Command::Fit(args) => fit::run(&args),
        Command::Predict(args) => predict::run(&args),
        Command::Kmeans(args) => kmeans::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Datasets(args) => datasets::run(&args),
        Command::Convert(args) => convert::run(&args),
    };
    match result.and_then(|printed| print(printed, stdout, stderr)) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}");
            e.exit_code()
        }
    }
}

/// Writes a command's document (in one piece, with a newline) and notes. A closed pipe
/// (`| head`) is not an error worth reporting.
fn print(printed: Printed, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), CliError> {
    if let Some(text) = printed.stdout {
        let doc = text + "\n";
        match stdout
            .write_all(doc.as_bytes())
            .and_then(|_| stdout.flush())
        {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(CliError::Input(format!("cannot write to stdout: {e}"))),
        }
    }
    for note in printed.notes {
        let _ = writeln!(stderr, "{note}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Runs `line` in process; returns the exit status, stdout and stderr.
    fn run_line(line: &str) -> (i32, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = std::iter::once("duckml").chain(line.split_whitespace());
        let code = run(args, &mut out, &mut err);
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (code, text(out), text(err))
    }

    #[test]
    fn run_returns_the_status_and_writes_to_the_sinks() {
        let (code, out, err) = run_line("--help");
        assert_eq!((code, err.as_str()), (0, ""));
        assert!(out.contains("Usage: duckml"), "{out}");
        let (code, out, err) = run_line("fit --model linear --l1-ratio -0.1 --x x.npy --y y.npy");
        assert_eq!((code, out.as_str()), (2, ""));
        assert!(
            err.contains("invalid value '-0.1' for '--l1-ratio") && err.contains("in [0, 1]"),
            "{err}"
        );
        let (code, out, err) = run_line("kmeans --k 2 --x /nonexistent/x.npy");
        assert_eq!((code, out.as_str()), (1, ""));
        assert!(
            err.starts_with("error: I/O error on '/nonexistent/x.npy'"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1);
    }
}
