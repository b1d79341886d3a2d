//! What every MPI test binary shares: MPI set up once, a panic on any process ends the
//! whole job at once (`MPI_Abort`, so no process waits forever in a collective), named
//! checks reported by rank 0, and the row splits the tests use.
#![allow(dead_code)] // each test binary uses some of the splits

use duckml::arrays::{Comm, Mpi};
use std::ops::Range;
use std::time::Instant;

/// MPI and the world communicator, with the abort-on-panic hook installed.
pub struct Harness {
    _mpi: Mpi,
    pub comm: Comm,
    passed: usize,
}

impl Harness {
    pub fn init() -> Harness {
        let mpi = Mpi::init().expect("MPI initialises");
        let comm = mpi.world();
        let abort = comm.clone();
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            default(info);
            eprintln!("rank {}: test failed, aborting the job", abort.rank());
            abort.abort(101);
        }));
        Harness {
            _mpi: mpi,
            comm,
            passed: 0,
        }
    }

    /// Runs one named check on every process (a panic anywhere aborts the job).
    pub fn check(&mut self, name: &str, f: impl FnOnce(&Comm)) {
        let t = Instant::now();
        f(&self.comm);
        self.comm.barrier();
        self.passed += 1;
        if self.comm.rank() == 0 {
            println!(
                "test {name} (np {}) ... ok ({:.1} s)",
                self.comm.size(),
                t.elapsed().as_secs_f64()
            );
        }
    }

    /// The closing line (rank 0 only).
    pub fn finish(self) {
        if self.comm.rank() == 0 {
            println!("{} passed, 0 failed", self.passed);
        }
    }
}

/// Rows `n r / P .. n (r + 1) / P`: balanced, uneven when P does not divide n.
pub fn balanced(n: usize, comm: &Comm) -> Range<usize> {
    let (r, p) = (comm.rank(), comm.size());
    n * r / p..n * (r + 1) / p
}

/// Rows in proportion `1 : 2 : 3 ...`: deliberately unequal parts.
pub fn skewed(n: usize, comm: &Comm) -> Range<usize> {
    let p = comm.size();
    let total = p * (p + 1) / 2;
    let before = |r: usize| n * (r * (r + 1) / 2) / total;
    before(comm.rank())..before(comm.rank() + 1)
}
