//! `--array mpi` (feature `mpi`): `fit`, `kmeans` and `predict` across the processes of
//! an MPI job (`mpirun -np 4 duckml fit --array mpi ...`). Every process reads its own
//! rows ([`load`]) and runs the same estimator on a `Distributed` array; rank 0 alone
//! prints the result and writes the files (atomically: a temporary file in the same
//! folder, synced, then renamed, so a job killed mid-write leaves no half file).
//! Predictions and k-means labels are gathered to every process at the end (O(n)) and
//! written by rank 0 as one file.
//!
//! Errors are agreed on by a collective before any process goes on, so a bad input on
//! one process makes every process exit non-zero; rank 0 prints the one message (it
//! names the rank and the file).

mod commands;
mod load;

pub(crate) use commands::{fit, kmeans, predict};

use crate::error::{io_error, CliError};
use duckml::arrays::{Comm, Mpi, Traffic};
use std::io::Write;
use std::path::Path;

/// Runs `work` on every process of the job, then finalises MPI. Rank 0 returns the
/// outcome (printed by `main`); the other ranks print nothing and exit with the same
/// status.
fn on_every_rank(work: impl FnOnce(&Comm) -> Result<(), CliError>) -> Result<(), CliError> {
    let mpi = Mpi::init().map_err(|e| CliError::Input(format!("MPI: {e}")))?;
    let comm = mpi.world();
    let outcome = work(&comm);
    let rank = comm.rank();
    drop(comm);
    drop(mpi);
    match outcome {
        Err(e) if rank != 0 => std::process::exit(e.exit_code()),
        other => other,
    }
}

/// What went over the network, on stderr (rank 0): the all-reduce payload per
/// iteration is the "bytes per iteration" figure of BENCHMARKS.md.
fn report_traffic(comm: &Comm, traffic: Traffic, iterations: usize) {
    if comm.rank() == 0 {
        eprintln!(
            "mpi: {} processes; {} all-reduces, {} bytes contributed by each process \
             ({} bytes per iteration over {iterations} iterations); {} bytes gathered",
            comm.size(),
            traffic.reduce_calls,
            traffic.reduce_bytes,
            traffic.reduce_bytes / iterations.max(1) as u64,
            traffic.gather_bytes
        );
    }
}

/// Writes a file atomically: `write` fills a temporary file in the same folder, which
/// is synced and renamed over `path`.
fn write_atomic(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| CliError::Usage(format!("'{}' is not a file name", path.display())))?;
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = write(&tmp).and_then(|()| {
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| io_error(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io_error(path, e))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// [`write_atomic`] for text.
fn write_text_atomic(path: &Path, text: &str) -> Result<(), CliError> {
    write_atomic(path, |tmp| {
        let mut f = std::fs::File::create(tmp).map_err(|e| io_error(tmp, e))?;
        f.write_all(text.as_bytes()).map_err(|e| io_error(tmp, e))
    })
}
