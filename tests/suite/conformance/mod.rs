//! The conformance suite: the same checks on every array type, against the dense
//! `f64` result and the scikit-learn/glum reference fixtures.
//!
//! Adding an array type is one line in `conformance!` at the bottom: a name, its
//! tolerances, whether it can run here (a GPU row skips, saying why, without a GPU),
//! and a conversion from the dense `f64` fixture data. Every row gets the full check
//! set: GLM fits with every solver (`glm`), non-finite detection (`finite_check`),
//! every contract operation against the dense backend (`ops`), KMeans (`kmeans`) and
//! SpectralClustering (`spectral`).

mod finite;
mod glm;
mod kmeans;
mod mapped;
pub mod ops;
mod spectral;

use crate::common::primitives::PrimitivesOnly;
use duckml::arrays::{Chunked, MatrixCore};
// Public so that the MPI test binary (tests/mpi/conformance.rs), which includes this
// module, runs the same checks.
pub use finite::run_finite_suite;
pub use glm::run_glm_suite;
pub use kmeans::run_kmeans_suite;
use mapped::{mapped, mapped_csr};
use ndarray::{Array1, Array2};
pub use ops::run_ops_suite;
pub use spectral::run_spectral_suite;
use sprs::CsMat;

/// Tolerances for one element type.
pub struct Tolerance {
    /// Relative objective agreement with the dense f64 fit and the reference.
    pub objective: f64,
    /// Coefficient agreement with the reference, relative to the largest reference
    /// coefficient when that exceeds 1 (diabetes' reach 700) (None: not checked).
    pub coef: Option<f64>,
    /// The estimators' (relative, unit-free) `tol`.
    pub solver_tol: f64,
    /// KMeans tolerances.
    pub kmeans: KMeansTolerance,
    /// Spectral clustering: eigenpair residual asked for, and the largest eigenvalue
    /// difference allowed against the dense f64 fit.
    pub eigen: f64,
    /// Every contract operation against the dense backend (relative).
    pub ops: f64,
}

pub const F64: Tolerance = Tolerance {
    objective: 1e-6,
    coef: Some(1e-4),
    solver_tol: 1e-10,
    kmeans: KMeansTolerance {
        inertia: 1e-8,
        centers: 1e-8,
        exact_labels: true,
    },
    eigen: 1e-9,
    ops: 1e-10,
};
pub const F32: Tolerance = Tolerance {
    objective: 1e-3,
    coef: None,
    // f32 data: the objective's values are trusted to ~1e-5 relative only, and the
    // line searches accept any step within that: gradient descent on diabetes (features
    // correlated up to 0.9) stalls near 1e-4 (at 1e-4 it reports max_iter, objective
    // 4e-6 from the optimum). At 1e-3 the L1 fits of proximal gradient and ADMM on
    // breast cancer stop 1.0e-3 to 1.4e-3 (relative) above the optimum, over the
    // objective check; at 3e-4 every fit converges within it (measured 2026-12-03).
    solver_tol: 3e-4,
    kmeans: KMeansTolerance {
        inertia: 1e-5,
        centers: 1e-4,
        exact_labels: false,
    },
    eigen: 1e-4,
    ops: 2e-4,
};

/// KMeans agreement with scikit-learn's Lloyd runs from the same initial centres.
pub struct KMeansTolerance {
    /// Relative inertia.
    pub inertia: f64,
    /// Largest absolute centre difference.
    pub centers: f64,
    /// Whether labels and iteration counts must be identical.
    pub exact_labels: bool,
}

/// CSR with every non-zero of `x` stored, NaN included (`csr_from_dense` drops NaN,
/// since it keeps `|v| > 0`).
pub fn csr(x: &Array2<f64>) -> CsMat<f64> {
    let mut t = sprs::TriMat::new(x.dim());
    for ((i, j), &v) in x.indexed_iter() {
        if v != 0.0 {
            t.add_triplet(i, j, v);
        }
    }
    t.to_csr()
}

/// Rows per chunk: uneven chunk lengths (the fixture sets have 300 to 2000 rows).
const CHUNK_ROWS: usize = 128;

/// CPU rows always run.
fn cpu(_case: &str) -> bool {
    true
}

/// GPU rows run when a GPU is present; otherwise they print why they skip (and fail
/// when `DUCKML_REQUIRE_GPU` is set, as on a GPU machine).
#[cfg(feature = "cuda")]
pub fn gpu(case: &str) -> bool {
    match duckml::arrays::cuda::available() {
        Ok(()) => true,
        Err(e) if std::env::var_os("DUCKML_REQUIRE_GPU").is_some() => panic!("{case}: no GPU: {e}"),
        Err(e) => {
            println!("skipping {case}: {e}");
            false
        }
    }
}

macro_rules! conformance {
    ($($(#[$meta:meta])* $name:ident: $tol:expr, $runs:ident, |$x:ident, $y:ident| $convert:expr;)*) => {$(
        $(#[$meta])*
        mod $name {
            use super::*;

            #[test]
            fn glm() {
                if $runs(concat!(stringify!($name), "::glm")) {
                    run_glm_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
                }
            }

            #[test]
            fn finite_check() {
                if $runs(concat!(stringify!($name), "::finite_check")) {
                    run_finite_suite(|$x: &Array2<f64>, $y: &Array1<f64>| $convert);
                }
            }

            #[test]
            fn kmeans() {
                if $runs(concat!(stringify!($name), "::kmeans")) {
                    run_kmeans_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
                }
            }

            #[test]
            fn ops() {
                if $runs(concat!(stringify!($name), "::ops")) {
                    run_ops_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, $tol.ops);
                }
            }

            #[test]
            fn spectral() {
                if $runs(concat!(stringify!($name), "::spectral")) {
                    run_spectral_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
                }
            }
        }
    )*};
}

conformance! {
    dense_f64: F64, cpu, |x, y| (x.clone(), y.clone());
    dense_f32: F32, cpu, |x, y| (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
    csr_f64: F64, cpu, |x, y| (csr(x), y.clone());
    csc_f64: F64, cpu, |x, y| (csr(x).to_csc(), y.clone());
    chunked_dense_f64: F64, cpu, |x, y| {
        let c = Chunked::from_array(x, CHUNK_ROWS).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
    chunked_csr_f64: F64, cpu, |x, y| {
        let c = Chunked::from_array(&csr(x), CHUNK_ROWS).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
    // Files mapped from disk (`.npy`, Fortran order, a CSR folder), in row blocks.
    mmap_f64: F64, cpu, |x, y| { let m = mapped::<f64>(x, false, CHUNK_ROWS); let v = m.vector_from_host(y.view()).unwrap(); (m, v) };
    mmap_fortran_f32: F32, cpu, |x, y| { let m = mapped::<f32>(x, true, CHUNK_ROWS); let v = m.vector_from_host(y.mapv(|v| v as f32).view()).unwrap(); (m, v) };
    mmap_csr_f64: F64, cpu, |x, y| { let m = mapped_csr(&csr(x), CHUNK_ROWS); let v = m.vector_from_host(y.view()).unwrap(); (m, v) };
    // Only the core primitives: every operation family runs its default.
    defaults_only_f64: F64, cpu, |x, y| (PrimitivesOnly(x.clone()), y.clone());
    #[cfg(feature = "cuda")]
    cuda_f64: F64, gpu, |x, y| {
        let c = duckml::arrays::CudaMatrix::from_host(x).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
    #[cfg(feature = "cuda")]
    cuda_f32: F32, gpu, |x, y| {
        let c = duckml::arrays::CudaMatrix::from_host(&x.mapv(|v| v as f32)).unwrap();
        let v = c.vector_from_host(y.mapv(|v| v as f32).view()).unwrap();
        (c, v)
    };
    #[cfg(feature = "cuda")]
    chunked_cuda_f64: F64, gpu, |x, y| {
        let c = duckml::arrays::CudaMatrix::chunked_from_host(x, CHUNK_ROWS).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
}
