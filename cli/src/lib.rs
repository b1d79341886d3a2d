//! The `duckml` command line as a library: the binary (`src/main.rs`) calls [`main`].
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
mod output;
pub mod schema;
mod synthetic;

use clap::{Parser, Subcommand};
use commands::{bench, convert, datasets, fit, kmeans, predict};

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

/// Parses the command line, runs the command and returns the process exit status:
/// 0 on success, 2 for a usage error, 1 for bad input files or a failed fit (one
/// `error: ...` line on stderr, nothing on stdout).
pub fn main() -> i32 {
    // A panic is a bug, but the user still gets one line and no partial output.
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string().replace('\n', " ");
        eprintln!("error: internal error (please report): {msg}");
    }));
    logging::init();
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
        Command::Convert(args) => convert::run(&args),
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
}
