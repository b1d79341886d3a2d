//! `--array mpi` (feature `mpi`): `fit`, `kmeans` and `predict` across the processes of
//! an MPI job (`mpirun -np 4 duckml fit --array mpi ...`). Every process reads its own
//! rows ([`load`]) and runs the same estimator on a `Distributed` array; rank 0 alone
//! prints the result and writes the files (atomically, as every command does:
//! `crate::output::atomic`, so a job killed mid-write leaves no half file).
//! Predictions and k-means labels are gathered to every process at the end (O(n)) and
//! written by rank 0 as one file.
//!
//! Errors are agreed on by a collective before any process goes on, so a bad input on
//! one process makes every process exit non-zero; rank 0 prints the one message (it
//! names the rank and the file).

mod commands;
mod load;

pub(crate) use commands::{fit, kmeans, predict};

use crate::error::CliError;
use crate::output::Printed;
use duckml::arrays::{Comm, Mpi, Traffic};

/// Runs `work` on every process of the job, then finalises MPI. Rank 0 returns the
/// outcome (printed by `main`); the other ranks print nothing and exit with the same
/// status.
fn on_every_rank(
    work: impl FnOnce(&Comm) -> Result<Printed, CliError>,
) -> Result<Printed, CliError> {
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
