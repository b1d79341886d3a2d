//! The communicator every distributed array and vector holds, the few collectives the
//! backend uses (sums, gathers, one broadcast), the traffic counters, and the error
//! agreement that keeps a fault on one process from hanging the others.

use crate::contract::ArrayError;
use mpi::collective::{CommunicatorCollectives, Root, SystemOperation};
use mpi::datatype::{Equivalence, PartitionMut};
use mpi::environment::Universe;
use mpi::topology::{Communicator, SimpleCommunicator};
use mpi::Threading;
use std::fmt::Display;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

static REDUCE_CALLS: AtomicU64 = AtomicU64::new(0);
static REDUCE_BYTES: AtomicU64 = AtomicU64::new(0);
static GATHER_BYTES: AtomicU64 = AtomicU64::new(0);

/// What this process has put into collectives since it started (or since
/// [`Traffic::reset`]): the figure behind "bytes per iteration".
///
/// `reduce_bytes` is the payload this process contributed to all-reduces (8 bytes per
/// `f64`); an all-reduce of `b` bytes over `P` processes moves about `2 b (P - 1) / P`
/// bytes in and out of each process with the ring and recursive-doubling algorithms
/// that MPI libraries use for large and small payloads. `gather_bytes` counts what
/// this process received from gathers and broadcasts (labels at the end of a k-means
/// fit, error messages, row counts at construction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Traffic {
    /// Number of all-reduce calls.
    pub reduce_calls: u64,
    /// Bytes contributed to all-reduces.
    pub reduce_bytes: u64,
    /// Bytes received from gathers and broadcasts.
    pub gather_bytes: u64,
}

impl Traffic {
    /// The counters now.
    pub fn now() -> Traffic {
        Traffic {
            reduce_calls: REDUCE_CALLS.load(Ordering::Relaxed),
            reduce_bytes: REDUCE_BYTES.load(Ordering::Relaxed),
            gather_bytes: GATHER_BYTES.load(Ordering::Relaxed),
        }
    }

    /// Sets every counter back to zero.
    pub fn reset() {
        REDUCE_CALLS.store(0, Ordering::Relaxed);
        REDUCE_BYTES.store(0, Ordering::Relaxed);
        GATHER_BYTES.store(0, Ordering::Relaxed);
    }

    /// The traffic between `earlier` and `self`.
    pub fn since(self, earlier: Traffic) -> Traffic {
        Traffic {
            reduce_calls: self.reduce_calls - earlier.reduce_calls,
            reduce_bytes: self.reduce_bytes - earlier.reduce_bytes,
            gather_bytes: self.gather_bytes - earlier.gather_bytes,
        }
    }
}

/// MPI, initialised for this process; finalised when dropped (keep it alive for as
/// long as distributed arrays are used: MPI cannot be initialised twice).
pub struct Mpi {
    universe: Universe,
}

impl Mpi {
    /// Initialises MPI (thread level `Serialized`: the arrays call MPI from whichever
    /// thread calls their operations, one call at a time; the backends' worker threads
    /// never do). Errors when MPI was already initialised in this process or the
    /// library refuses that thread level.
    pub fn init() -> Result<Mpi, ArrayError> {
        let (universe, level) = mpi::initialize_with_threading(Threading::Serialized)
            .ok_or_else(|| ArrayError::Invalid("MPI is already initialised".into()))?;
        if !matches!(level, Threading::Serialized | Threading::Multiple) {
            return Err(ArrayError::Invalid(format!(
                "the MPI library offers thread level {level:?}, duckml needs Serialized"
            )));
        }
        Ok(Mpi { universe })
    }

    /// All processes of the job.
    pub fn world(&self) -> Comm {
        Comm::new(self.universe.world())
    }
}

/// A communicator: the processes that share one distributed array. Cheap to clone.
///
/// Every array operation that needs other processes' numbers is a collective: every
/// process must call the same operations in the same order (as estimators do, since
/// their control flow depends only on reduced numbers), and one array must not be used
/// from several threads at once.
#[derive(Clone)]
pub struct Comm {
    inner: Arc<Inner>,
}

struct Inner {
    comm: SimpleCommunicator,
    rank: usize,
    size: usize,
}

// SAFETY: the handle is an opaque MPI communicator; MPI is initialised with
// `Threading::Serialized`, and the backend calls collectives only from the thread
// that calls an array operation, never from its worker threads. The contract's
// `Sync` bound is what lets the local arrays' kernels run on worker threads.
unsafe impl Send for Inner {}
// SAFETY: as above.
unsafe impl Sync for Inner {}

impl std::fmt::Debug for Comm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Comm(rank {} of {})", self.rank(), self.size())
    }
}

impl Comm {
    /// Wraps a communicator from the `mpi` crate (for programs that initialise MPI
    /// themselves).
    pub fn new(comm: SimpleCommunicator) -> Comm {
        let (rank, size) = (comm.rank() as usize, comm.size() as usize);
        Comm {
            inner: Arc::new(Inner { comm, rank, size }),
        }
    }

    /// This process's rank.
    pub fn rank(&self) -> usize {
        self.inner.rank
    }

    /// Number of processes.
    pub fn size(&self) -> usize {
        self.inner.size
    }

    /// Ends every process of the job at once (`MPI_Abort`): for a fault that the other
    /// processes cannot learn of through a collective.
    pub fn abort(&self, code: i32) -> ! {
        self.inner.comm.abort(code)
    }

    /// Waits until every process has arrived.
    pub fn barrier(&self) {
        self.inner.comm.barrier();
    }

    /// Sums `buf` over all processes, in place (an all-reduce of `buf.len()` numbers).
    pub fn sum(&self, buf: &mut [f64]) {
        REDUCE_CALLS.fetch_add(1, Ordering::Relaxed);
        REDUCE_BYTES.fetch_add(8 * buf.len() as u64, Ordering::Relaxed);
        if self.size() == 1 {
            return;
        }
        let send = buf.to_vec();
        self.inner
            .comm
            .all_reduce_into(&send[..], buf, SystemOperation::sum());
    }

    /// The sum of one number over all processes.
    pub fn sum_one(&self, v: f64) -> f64 {
        let mut b = [v];
        self.sum(&mut b);
        b[0]
    }

    /// Whether `v` holds on every process.
    pub fn all_true(&self, v: bool) -> bool {
        self.min_u64(u64::from(v)) == 1
    }

    /// The smallest of one number over all processes.
    pub fn min_u64(&self, v: u64) -> u64 {
        REDUCE_CALLS.fetch_add(1, Ordering::Relaxed);
        REDUCE_BYTES.fetch_add(8, Ordering::Relaxed);
        let mut out = v;
        self.inner
            .comm
            .all_reduce_into(&v, &mut out, SystemOperation::min());
        out
    }

    /// Every process's `local` slice, concatenated in rank order (an all-gather of
    /// varying lengths: the lengths are gathered first).
    pub fn gather<T: Equivalence + Copy + Default>(&self, local: &[T]) -> Vec<T> {
        let counts = self.gather_fixed(&[local.len() as u64]);
        let counts: Vec<i32> = counts.iter().map(|&c| c as i32).collect();
        let mut displs = Vec::with_capacity(counts.len());
        let mut at = 0i32;
        for &c in &counts {
            displs.push(at);
            at += c;
        }
        let mut out = vec![T::default(); at as usize];
        GATHER_BYTES.fetch_add(
            (std::mem::size_of::<T>() * out.len()) as u64,
            Ordering::Relaxed,
        );
        {
            let mut part = PartitionMut::new(&mut out[..], &counts[..], &displs[..]);
            self.inner.comm.all_gather_varcount_into(local, &mut part);
        }
        out
    }

    /// Every process's `local` slice of the same length, concatenated in rank order.
    pub fn gather_fixed<T: Equivalence + Copy + Default>(&self, local: &[T]) -> Vec<T> {
        let mut out = vec![T::default(); local.len() * self.size()];
        GATHER_BYTES.fetch_add(
            (std::mem::size_of::<T>() * out.len()) as u64,
            Ordering::Relaxed,
        );
        self.inner.comm.all_gather_into(local, &mut out[..]);
        out
    }

    /// Agrees on an outcome that each process computed alone (reading its file,
    /// checking its part): `Ok` everywhere when every process succeeded, else the same
    /// [`ArrayError::Rank`] everywhere, naming the lowest failing rank and carrying its
    /// message. Two small collectives; no process proceeds past a failure elsewhere,
    /// and none waits for one that has already given up.
    pub fn agree<T, E: Display>(&self, local: Result<T, E>) -> Result<T, ArrayError> {
        let mine = match &local {
            Ok(_) => u64::MAX,
            Err(_) => self.rank() as u64,
        };
        let first = self.min_u64(mine);
        if first == u64::MAX {
            return local.map_err(|_| unreachable!("every process succeeded"));
        }
        let root = first as usize;
        let message = match &local {
            Err(e) if root == self.rank() => e.to_string(),
            _ => String::new(),
        };
        Err(ArrayError::Rank {
            rank: root,
            message: self.broadcast_string(root, message),
        })
    }

    /// `text` of process `root`, on every process.
    pub fn broadcast_string(&self, root: usize, text: String) -> String {
        let proc = self.inner.comm.process_at_rank(root as i32);
        let mut len = text.len() as u64;
        proc.broadcast_into(&mut len);
        let mut bytes = if root == self.rank() {
            text.into_bytes()
        } else {
            vec![0u8; len as usize]
        };
        proc.broadcast_into(&mut bytes[..]);
        GATHER_BYTES.fetch_add(8 + len, Ordering::Relaxed);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
