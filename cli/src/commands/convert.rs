//! `duckml convert`: rewrites a data file as what `--array mmap` maps, in bounded
//! memory: CSV becomes a `.npy`, svmlight a CSR folder (with `y.npy`), a `.npy` of
//! another order, byte order or dtype a C-order `.npy`. See `duckml_datasets::convert`.

use crate::error::CliError;
use crate::flags::Dtype;
use crate::input::{csv_options, Format, InputArgs};
use crate::output::Printed;
use crate::same_file::refuse_overwriting_inputs;
use clap::Args;
use duckml::arrays::npy::Scalar;
use duckml::datasets::{csv_to_npy, npy_to_npy, svmlight_to_csr, ConvertOptions, SvmlightOptions};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// Options of `duckml convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The input file options (`--x`, `--format`, `--target`).
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write: a `.npy` file for dense input (CSV, `.npy`), a folder for
    /// svmlight (it must not exist; it gets indptr, indices, data, shape and y).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// For a CSV with `--target`: where to write y (a 1-D `.npy`).
    #[arg(long, value_name = "FILE.npy")]
    pub y_out: Option<PathBuf>,
    /// Rows held in memory at once: the memory bound, whatever the file's length.
    #[arg(long, default_value_t = 65536, value_parser = clap::value_parser!(u64).range(1..))]
    pub chunk_rows: u64,
    /// Element type of the written data (f32 halves the file).
    #[arg(long, value_enum, default_value_t = Dtype::F64)]
    pub dtype: Dtype,
}

/// What `duckml convert` prints.
#[derive(Debug, Serialize)]
struct ConvertOutput {
    n_samples: usize,
    n_features: usize,
    nnz: usize,
    dtype: Dtype,
    files: Vec<PathBuf>,
    seconds: f64,
}

/// Runs `duckml convert`.
pub fn run(args: &ConvertArgs) -> Result<Printed, CliError> {
    let x = &args.input.x;
    refuse_overwriting_inputs(
        &[
            ("--out", Some(args.out.as_path())),
            ("--y-out", args.y_out.as_deref()),
        ],
        &[("--x", Some(x.as_path()))],
    )?;
    let format = args.input.format.resolve(x)?;
    let options = ConvertOptions {
        chunk_rows: args.chunk_rows as usize,
        dtype: match args.dtype {
            Dtype::F64 => Scalar::F64,
            Dtype::F32 => Scalar::F32,
        },
    };
    let target = args.input.target.as_deref();
    let usage = |m: &str| Err(CliError::Usage(m.into()));
    if target.is_some() != args.y_out.is_some() && matches!(format, Format::Csv | Format::Tsv) {
        return usage("--target and --y-out go together: the target column is written to --y-out");
    }
    if !matches!(format, Format::Csv | Format::Tsv) && (target.is_some() || args.y_out.is_some()) {
        return usage("--target and --y-out are for CSV input");
    }
    let start = Instant::now();
    let done = match format {
        Format::Csv | Format::Tsv => csv_to_npy(
            x,
            &csv_options(format, target, args.input.header_mode()),
            &args.out,
            args.y_out.as_deref(),
            &options,
        )?,
        Format::Svmlight => svmlight_to_csr(x, &SvmlightOptions::default(), &args.out, &options)?,
        Format::Npy => npy_to_npy(x, &args.out, &options)?,
        Format::Auto => unreachable!("resolved above"),
    };
    Printed::json(
        &ConvertOutput {
            n_samples: done.n_rows,
            n_features: done.n_features,
            nnz: done.nnz,
            dtype: args.dtype,
            files: done.files,
            seconds: start.elapsed().as_secs_f64(),
        },
        "the conversion",
    )
}
