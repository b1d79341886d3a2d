//! `Distributed<A>` (feature `mpi`): a matrix whose rows are spread over the processes
//! of an MPI job, each process holding its own contiguous rows as any local array type
//! `A` (dense, CSR, chunked, GPU). Every process runs the same estimator code; each
//! operation runs on the local rows and all-reduces its host-side partial result
//! (`O(p)` numbers for a GLM pass, `O(k p)` for a k-means step, one number for a
//! reduction). Sample-space vectors stay on their process; no process ever gathers X.
//!
//! Semantics (every process sees the same values):
//!
//! | item | meaning |
//! |---|---|
//! | `n_rows()` | the GLOBAL row count (estimators normalise by it) |
//! | `blocks()` | the whole distributed matrix as one block (see "ADMM" below) |
//! | [`DistVector`] | the local part of a sample vector; `len()` is the global length |
//! | `vector_from_host(v)` | `v` has the GLOBAL length; each process keeps its rows' slice |
//! | [`Distributed::local_vector`] | from this process's own part (local length) |
//! | reductions, `t_matvec`, Gram matrices, k-means sums | all-reduced: the same on every process |
//! | `SampleVector::to_host`, `SampleBlock::block_to_host` | gathered to every process (O(n): once, at the end, e.g. k-means labels) |
//! | `rows_to_host(ids)` | global row ids; the owner contributes each row (an all-reduce of `ids.len() x p`) |
//!
//! Operations are collectives: every process must call the same operations in the
//! same order. Estimators do, since their control flow depends only on reduced
//! numbers. A `Distributed` must be the outermost array type (a `Chunked` of
//! `Distributed` would call collectives from worker threads).
//!
//! Errors are agreed on before any process proceeds ([`Comm::agree`]): a process whose
//! input is bad makes every process return the same [`ArrayError::Rank`].
//!
//! ADMM: the consensus blocks would ideally be the processes' blocks, but ADMM
//! averages the blocks' solutions inside the solver, which has no way to sum across
//! processes. So `blocks()` offers the whole distributed matrix as one block: ADMM
//! then runs correctly (each local solve's evaluations are all-reduced), with one
//! consensus block. Making the processes' rows the consensus blocks needs a hook in
//! the solver's `Objective` (see the crate README, "Distributed").
//!
//! | file | what |
//! |---|---|
//! | `comm.rs` | the communicator, the collectives, traffic counters, error agreement |
//! | `vector.rs` | `SampleVector` for `DistVector` |
//! | `matrix.rs` | `MatrixCore`: local primitives, reduced results |
//! | `glm.rs`, `cluster.rs`, `graph.rs` | the operation families |
//! | `block.rs` | `SampleBlock` for `Distributed` blocks of vectors |
//! | `pack.rs` | the partial results as flat buffers for one all-reduce each |

mod block;
mod cluster;
mod comm;
mod glm;
mod graph;
mod matrix;
mod pack;
mod vector;

pub use comm::{Comm, Mpi, Traffic};

use crate::contract::{ArrayError, DataMatrix};
use crate::element::Float;
use ndarray::ArrayView1;
use std::fmt::Display;
use std::ops::Range;
use std::sync::Arc;

/// How the rows are spread: the communicator and each process's first row.
#[derive(Clone)]
pub(crate) struct Layout {
    pub(crate) comm: Comm,
    /// `offsets[r]` is process r's first global row; `offsets[size]` the total.
    pub(crate) offsets: Arc<[usize]>,
}

impl Layout {
    pub(crate) fn total(&self) -> usize {
        self.offsets[self.offsets.len() - 1]
    }

    pub(crate) fn first(&self) -> usize {
        self.offsets[self.comm.rank()]
    }

    pub(crate) fn range(&self) -> Range<usize> {
        let r = self.comm.rank();
        self.offsets[r]..self.offsets[r + 1]
    }
}

/// A matrix whose rows are spread over the processes of an MPI job: this process's
/// rows as a local array `A`, and the communicator.
#[derive(Clone)]
pub struct Distributed<A> {
    local: A,
    layout: Layout,
    n_cols: usize,
}

/// A sample vector of a [`Distributed`] matrix: this process's part, beside its rows.
#[derive(Clone)]
pub struct DistVector<V> {
    local: V,
    layout: Layout,
}

impl<A> Distributed<A> {
    /// Wraps this process's rows (a collective: every process calls it with its own
    /// rows, in rank order of the rows). Processes may hold different numbers of rows,
    /// zero included. Errors, on every process alike, when the processes disagree on
    /// the number of columns or hold no rows at all.
    pub fn new<F: Float>(comm: &Comm, local: A) -> Result<Self, ArrayError>
    where
        A: DataMatrix<F>,
    {
        let shapes = comm.gather_fixed(&[local.n_rows() as u64, local.n_cols() as u64]);
        let p = shapes[1] as usize;
        if let Some(r) = (0..comm.size()).find(|&r| shapes[2 * r + 1] as usize != p) {
            return Err(ArrayError::Rank {
                rank: r,
                message: format!(
                    "its rows have {} columns, rank 0's have {p}",
                    shapes[2 * r + 1]
                ),
            });
        }
        let mut offsets = vec![0usize];
        for r in 0..comm.size() {
            offsets.push(offsets[r] + shapes[2 * r] as usize);
        }
        if offsets[comm.size()] == 0 {
            return Err(ArrayError::Invalid(
                "a distributed array needs at least one row on some process".into(),
            ));
        }
        Ok(Distributed {
            local,
            layout: Layout {
                comm: comm.clone(),
                offsets: offsets.into(),
            },
            n_cols: p,
        })
    }

    /// [`Distributed::new`] from the outcome of reading this process's rows: when any
    /// process failed, every process returns the same [`ArrayError::Rank`] naming the
    /// lowest failing rank and its message (so a missing or bad file on one process
    /// stops the job on all, within two collectives, never a hang).
    pub fn agree<F: Float, E: Display>(comm: &Comm, local: Result<A, E>) -> Result<Self, ArrayError>
    where
        A: DataMatrix<F>,
    {
        let local = comm.agree(local)?;
        Self::new(comm, local)
    }

    /// This process's rows.
    pub fn local(&self) -> &A {
        &self.local
    }

    /// The communicator.
    pub fn comm(&self) -> &Comm {
        &self.layout.comm
    }

    /// The global rows this process holds.
    pub fn row_range(&self) -> Range<usize> {
        self.layout.range()
    }

    /// A sample vector from this process's own part (`v.len()` = its number of rows;
    /// a collective: a wrong length on any process is an error on all).
    pub fn local_vector<F: Float>(
        &self,
        v: ArrayView1<F>,
    ) -> Result<DistVector<A::Vector>, ArrayError>
    where
        A: DataMatrix<F>,
    {
        let local = self.layout.comm.agree(self.local.vector_from_host(v))?;
        Ok(DistVector {
            local,
            layout: self.layout.clone(),
        })
    }
}

impl<V> DistVector<V> {
    /// This process's part.
    pub fn local(&self) -> &V {
        &self.local
    }

    /// The global rows this part holds.
    pub fn row_range(&self) -> Range<usize> {
        self.layout.range()
    }
}
