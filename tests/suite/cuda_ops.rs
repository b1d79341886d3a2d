//! The GPU-specific layouts of the conformance suite's operation check
//! (`conformance::ops`): `CudaMatrix` with row blocks small enough to cross block
//! boundaries, `Chunked<CudaMatrix>` with a stream per chunk, and `Chunked::from_array`
//! of a `CudaMatrix`, for `f64` and `f32`. Needs a GPU: without one each test prints
//! why it skips. Run by `scripts/gpu-check.sh`.

use crate::conformance::gpu;
use crate::conformance::ops::{check_all, check_square, data};
use duckml::arrays::cuda::{self, CudaMatrix};
use duckml::arrays::Chunked;

fn run<F: cuda::CudaFloat>(tol: f64) {
    let (n, p) = (1037, 13);
    let d = data::<F>(n, p);
    // Small row blocks: the k-means and Gram passes cross several block boundaries.
    cuda::set_row_block_elems(997);
    let x = CudaMatrix::from_host(&d).unwrap();
    check_all(&format!("CudaMatrix<{}>", F::NAME), &x, &d, tol);
    let chunked = CudaMatrix::chunked_from_host(&d, 300).unwrap();
    check_all(
        &format!("Chunked<CudaMatrix<{}>>", F::NAME),
        &chunked,
        &d,
        tol,
    );
    let split = Chunked::from_array(&x, 256).unwrap();
    check_all(
        &format!("Chunked::from_array(CudaMatrix<{}>)", F::NAME),
        &split,
        &d,
        tol,
    );
    let sq = data::<F>(211, 211);
    check_square(
        "square CudaMatrix",
        &CudaMatrix::from_host(&sq).unwrap(),
        &sq,
        tol,
    );
    check_square(
        "square chunked",
        &CudaMatrix::chunked_from_host(&sq, 64).unwrap(),
        &sq,
        tol,
    );
}

#[test]
fn cuda_f64_matches_dense() {
    if gpu("cuda_ops::cuda_f64_matches_dense") {
        run::<f64>(1e-10);
    }
}

#[test]
fn cuda_f32_matches_dense() {
    if gpu("cuda_ops::cuda_f32_matches_dense") {
        run::<f32>(2e-4);
    }
}
