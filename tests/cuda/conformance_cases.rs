//! The GPU rows of the conformance suite, included by `tests/conformance.rs` when the
//! `cuda` feature is on: the same GLM and KMeans suites on `CudaMatrix<f64>`,
//! `CudaMatrix<f32>` and `Chunked<CudaMatrix<f64>>`. Without a GPU each case prints why
//! it skips and passes; the rest of the suite runs as usual.

use super::*;
use duckml::arrays::cuda::{self, CudaMatrix};

/// Whether a GPU is present; prints the reason when not.
fn gpu_or_skip(case: &str) -> bool {
    match cuda::available() {
        Ok(()) => true,
        // scripts/gpu-check.sh sets DUCKML_REQUIRE_GPU: there a skip is a failure.
        Err(e) if std::env::var_os("DUCKML_REQUIRE_GPU").is_some() => panic!("{case}: no GPU: {e}"),
        Err(e) => {
            println!("skipping {case}: {e}");
            false
        }
    }
}

macro_rules! cuda_conformance {
    ($($name:ident: $tol:expr, |$x:ident, $y:ident| $convert:expr;)*) => {$(
        mod $name {
            use super::*;

            #[test]
            fn glm() {
                if gpu_or_skip(concat!(stringify!($name), "::glm")) {
                    run_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
                }
            }

            #[test]
            fn kmeans() {
                if gpu_or_skip(concat!(stringify!($name), "::kmeans")) {
                    run_kmeans_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
                }
            }
        }
    )*};
}

cuda_conformance! {
    cuda_f64: F64, |x, y| {
        let c = CudaMatrix::from_host(x).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
    cuda_f32: F32, |x, y| {
        let c = CudaMatrix::from_host(&x.mapv(|v| v as f32)).unwrap();
        let v = c.vector_from_host(y.mapv(|v| v as f32).view()).unwrap();
        (c, v)
    };
    chunked_cuda_f64: F64, |x, y| {
        let c = CudaMatrix::chunked_from_host(x, CHUNK_ROWS).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
}
