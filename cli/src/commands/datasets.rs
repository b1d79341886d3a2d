//! `duckml datasets`: the benchmark's synthetic data sets, written to files with a
//! manifest (`datasets.json`, also printed).

use crate::error::{io_error, CliError};
use crate::flags::{count, seed, ModelKind};
use crate::output::atomic::{write_text, write_via_path};
use crate::output::{json_text, Layout, Printed};
use crate::schema::{DatasetEntry, DatasetsManifest};
use crate::synthetic::{check_data_memory, generator_name, glm_data, write_glm_data, DataKind};
use clap::Args;
use duckml::datasets::{make_blobs, write_npy_matrix, write_npy_vector};
use std::path::PathBuf;

/// Options of `duckml datasets`.
#[derive(Debug, Args)]
pub struct DatasetsArgs {
    /// Directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Data sets to write.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "dense,sparse,blobs"
    )]
    pub kinds: Vec<DataKind>,
    /// The GLM whose targets the dense and sparse sets carry.
    #[arg(long, value_enum, default_value_t = ModelKind::Logistic)]
    pub model: ModelKind,
    /// Samples. The data must fit in memory (see DUCKML_MAX_MEMORY in the README).
    #[arg(long, default_value_t = 10_000, value_parser = count, allow_hyphen_values = true)]
    pub n: u64,
    /// Features.
    #[arg(long, default_value_t = 100, value_parser = count, allow_hyphen_values = true)]
    pub p: u64,
    /// Non-zeros per row of the sparse set (default: 10, or p when p < 10).
    #[arg(long, value_parser = count, allow_hyphen_values = true)]
    pub nnz_per_row: Option<u64>,
    /// Clusters of the blobs set.
    #[arg(long, default_value_t = 8, value_parser = count, allow_hyphen_values = true)]
    pub centers: u64,
    /// Seed (the benchmark uses 42 for every size).
    #[arg(long, default_value_t = 42, value_parser = seed, allow_hyphen_values = true)]
    pub seed: u64,
    /// Also write the dense set as one CSV file (columns x0.., y).
    #[arg(long)]
    pub csv: bool,
}

/// Writes the blobs set; returns its manifest entry.
fn write_blobs(args: &DatasetsArgs, n: usize, p: usize) -> Result<DatasetEntry, CliError> {
    const CLUSTER_STD: f64 = 1.0;
    let b = make_blobs(n, p, args.centers as usize, CLUSTER_STD, args.seed)?;
    let (xp, lp, cp) = (
        args.out.join("blobs_x.npy"),
        args.out.join("blobs_labels.npy"),
        args.out.join("blobs_centers.npy"),
    );
    write_via_path(&xp, |tmp| Ok(write_npy_matrix(tmp, &b.x)?))?;
    let labels = b.labels.mapv(|l| l as f64);
    write_via_path(&lp, |tmp| Ok(write_npy_vector(tmp, &labels)?))?;
    write_via_path(&cp, |tmp| Ok(write_npy_matrix(tmp, &b.centers)?))?;
    let mut entry = entry(args, DataKind::Blobs, n, p, vec![xp, lp, cp]);
    entry.centers = Some(args.centers);
    entry.cluster_std = Some(CLUSTER_STD);
    Ok(entry)
}

/// Writes the dense or sparse GLM set; returns its manifest entry.
fn write_glm(
    args: &DatasetsArgs,
    kind: DataKind,
    n: usize,
    p: usize,
    nnz: usize,
) -> Result<DatasetEntry, CliError> {
    let (x, y) = glm_data(kind, args.model, n, p, nnz, args.seed)?;
    let files = write_glm_data(&args.out, &kind.name(), &x, &y, args.csv)?;
    let mut entry = entry(args, kind, n, p, files);
    entry.model = Some(args.model);
    if kind == DataKind::Sparse {
        entry.nnz_per_row = Some(nnz);
    }
    Ok(entry)
}

/// The entry's fields every kind has.
fn entry(
    args: &DatasetsArgs,
    kind: DataKind,
    n: usize,
    p: usize,
    files: Vec<PathBuf>,
) -> DatasetEntry {
    // Blobs carry no GLM targets; their generator's name does not depend on the model.
    let model = if kind == DataKind::Blobs {
        ModelKind::Logistic
    } else {
        args.model
    };
    DatasetEntry {
        kind,
        generator: generator_name(kind, model).into(),
        n,
        p,
        seed: args.seed,
        files: files.iter().map(|f| f.display().to_string()).collect(),
        model: None,
        nnz_per_row: None,
        centers: None,
        cluster_std: None,
    }
}

/// Runs `duckml datasets`.
pub fn run(args: &DatasetsArgs) -> Result<Printed, CliError> {
    let nnz = args.nnz_per_row.unwrap_or(args.p.min(10));
    if nnz > args.p {
        return Err(CliError::Usage(format!(
            "--nnz-per-row {nnz} exceeds the number of features (--p {})",
            args.p
        )));
    }
    let mut kinds: Vec<DataKind> = Vec::new();
    for kind in &args.kinds {
        if !kinds.contains(kind) {
            kinds.push(*kind);
        }
    }
    // Every set is sized before any is generated: one that cannot fit in memory is an
    // error naming the options, not an abort half-way through the files.
    for &kind in &kinds {
        check_data_memory(kind, args.n, args.p, nnz, args.centers)?;
    }
    let too_big = |flag: &str, v: u64| {
        CliError::Usage(format!("{flag} {v} is larger than this machine's usize"))
    };
    let n = usize::try_from(args.n).map_err(|_| too_big("--n", args.n))?;
    let p = usize::try_from(args.p).map_err(|_| too_big("--p", args.p))?;
    let nnz = nnz as usize;
    std::fs::create_dir_all(&args.out).map_err(|e| io_error(&args.out, e))?;
    let datasets = kinds
        .into_iter()
        .map(|kind| match kind {
            DataKind::Blobs => write_blobs(args, n, p),
            _ => write_glm(args, kind, n, p, nnz),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let manifest = DatasetsManifest { datasets };
    let printed = Printed::json(&manifest, "the data sets' manifest")?;
    let text = json_text(&manifest, Layout::Pretty, "the data sets' manifest")? + "\n";
    write_text(&args.out.join("datasets.json"), &text)?;
    Ok(printed)
}
