//! The conformance suite on distributed arrays: the same runners as the `conformance`
//! rows of the main test binary (included from tests/suite/), run on every process
//! with each process holding its own rows as a dense, CSR or chunked local array.
//! Run it under `mpirun -np 2` or more (`.ci/run` uses 2 and 3, once over TCP).

#[path = "../suite/common/mod.rs"]
mod common;
#[allow(dead_code, unused_imports, unused_macros)]
#[path = "../suite/conformance/mod.rs"]
mod conformance;
mod harness;

use conformance::{run_finite_suite, run_glm_suite, run_kmeans_suite, run_ops_suite, F32, F64};
use duckml::arrays::prelude::*;
use duckml::arrays::{ArrayError, Chunked, ColumnsOf, Comm, Distributed};
use duckml::estimators::{Error, SpectralClustering};
use harness::{balanced, skewed, Harness};
use ndarray::{s, Array1, Array2};
use std::ops::Range;

/// This process's rows of `x` as a local array (built by `local`), and `y` sliced
/// by the distributed matrix itself from the global vector.
fn split<A: DataMatrix<f64>>(
    comm: &Comm,
    x: &Array2<f64>,
    y: &Array1<f64>,
    rows: fn(usize, &Comm) -> Range<usize>,
    local: impl Fn(Array2<f64>) -> A,
) -> (Distributed<A>, <Distributed<A> as MatrixCore<f64>>::Vector)
where
    A::Vector: Send + Sync,
    ColumnsOf<f64, A>: Send + Sync,
{
    let r = rows(x.nrows(), comm);
    let d = Distributed::new(comm, local(x.slice(s![r, ..]).to_owned())).unwrap();
    let v = d.vector_from_host(y.view()).unwrap();
    (d, v)
}

fn main() {
    // `quick`: every check but the GLM fixture suite (150+ fits per row, each
    // evaluation an all-reduce), which `mpi_faults`' determinism check samples instead.
    let full = std::env::args().nth(1).as_deref() != Some("quick");
    let mut h = Harness::init();
    let csr = |x: Array2<f64>| conformance::csr(&x);
    let chunked = |x: Array2<f64>| Chunked::from_array(&x, 64).unwrap();

    h.check("mpi_dense_f64::ops", |c| {
        run_ops_suite(
            "mpi_dense_f64",
            |x, y| split(c, x, y, balanced, |a| a),
            F64.ops,
        )
    });
    h.check("mpi_csr_f64::ops", |c| {
        run_ops_suite("mpi_csr_f64", |x, y| split(c, x, y, skewed, csr), F64.ops)
    });
    h.check("mpi_dense_f64::finite_check", |c| {
        run_finite_suite(|x, y| split(c, x, y, balanced, |a| a))
    });
    h.check("mpi_csr_f64::finite_check", |c| {
        run_finite_suite(|x, y| split(c, x, y, skewed, csr))
    });
    if full {
        h.check("mpi_dense_f64::glm", |c| {
            run_glm_suite(
                "mpi_dense_f64",
                |x, y| split(c, x, y, balanced, |a| a),
                &F64,
            )
        });
        h.check("mpi_chunked_csr_f64::glm", |c| {
            let chunked_csr = |x: Array2<f64>| Chunked::from_array(&csr(x), 64).unwrap();
            run_glm_suite(
                "mpi_chunked_csr_f64",
                |x, y| split(c, x, y, skewed, chunked_csr),
                &F64,
            )
        });
    }
    h.check("mpi_dense_f64::kmeans", |c| {
        run_kmeans_suite(
            "mpi_dense_f64",
            |x, y| split(c, x, y, balanced, |a| a),
            &F64,
        )
    });
    h.check("mpi_chunked_dense_f64::kmeans", |c| {
        run_kmeans_suite(
            "mpi_chunked_dense_f64",
            |x, y| split(c, x, y, skewed, chunked),
            &F64,
        )
    });
    h.check("mpi_dense_f32::kmeans", |c| {
        let f32_split = |x: &Array2<f64>, y: &Array1<f64>| {
            let r = balanced(x.nrows(), c);
            let d = Distributed::new(c, x.slice(s![r, ..]).mapv(|v| v as f32)).unwrap();
            let v = d.vector_from_host(y.mapv(|v| v as f32).view()).unwrap();
            (d, v)
        };
        run_kmeans_suite("mpi_dense_f32", f32_split, &F32)
    });
    h.check("mpi_dense_f64::spectral_unsupported", |c| {
        let x = conformance::ops::data::<f64>(40, 3);
        let (d, _) = split(c, &x, &Array1::zeros(40), balanced, |a| a);
        match SpectralClustering::new(2).fit(&d) {
            Err(Error::Array(ArrayError::Unsupported { accepted, .. })) => {
                assert!(accepted.contains("dense"), "{accepted}")
            }
            other => panic!(
                "expected Unsupported, got {:?}",
                other.map(|m| m.labels().len())
            ),
        }
    });
    h.finish();
}
