//! Default implementations of the contract's graph operations (products of a square
//! matrix with a block of sample vectors, its diagonal, an RBF kernel), written with
//! the primitives.

use crate::{ColumnsOf, DataMatrix, Float, Linear, SampleBlock, SampleVector, UnaryOp};

/// Solves `(L + shift I) X = B` for blocks `B` beside the data, with `L` a graph's
/// normalised Laplacian, from a factorisation computed once
/// ([`DataMatrix::laplacian_solver`]): the inner step of shift-invert eigensolvers.
pub trait BlockSolve<C>: Send + Sync {
    /// `(L + shift I)^{-1} B`.
    fn solve(&self, b: &C) -> C;
}
use ndarray::Array1;

/// Default [`DataMatrix::block_product`]: `V` to the host, one `X v` per column.
pub fn default_block_product<F: Float, M: DataMatrix<F>>(
    m: &M,
    v: &ColumnsOf<F, M>,
) -> ColumnsOf<F, M> {
    let host = v.block_to_host();
    let cols: Vec<M::Vector> = host
        .columns()
        .into_iter()
        .map(|c| {
            let coef: Array1<f64> = c.mapv(F::as_f64);
            m.linear_predictor(Linear {
                coef: coef.view(),
                intercept: 0.0,
            })
        })
        .collect();
    <ColumnsOf<F, M>>::from_columns(&cols)
}

/// Default [`DataMatrix::diagonal_from`]: rows copied to the host in batches.
pub fn default_diagonal_from<F: Float, M: DataMatrix<F>>(m: &M, first_col: usize) -> M::Vector {
    let n = m.n_rows();
    let mut diag = Array1::<F>::zeros(n);
    let batch = 1024;
    for b0 in (0..n).step_by(batch) {
        let ids: Vec<usize> = (b0..(b0 + batch).min(n)).collect();
        let rows = m.rows_to_host(&ids).expect("rows in range");
        for (k, &i) in ids.iter().enumerate() {
            if first_col + i < m.n_cols() {
                diag[i] = F::of(rows[[k, first_col + i]]);
            }
        }
    }
    m.vector_from_host(diag.view())
        .expect("a vector of n_rows elements")
}

/// Default [`DataMatrix::rbf_kernel`]: per batch of rows, the squared distances of
/// every row to them (one pass), mapped to `exp(-gamma d)`.
pub fn default_rbf_kernel<F: Float, M: DataMatrix<F>>(m: &M, gamma: f64) -> ColumnsOf<F, M> {
    let n = m.n_rows();
    let mut cols = Vec::with_capacity(n);
    for b0 in (0..n).step_by(256) {
        let ids: Vec<usize> = (b0..(b0 + 256).min(n)).collect();
        let pts = m.rows_to_host(&ids).expect("rows in range");
        for d in m.sq_distances(pts.view(), None) {
            cols.push(
                d.map(UnaryOp::Affine {
                    scale: -gamma,
                    shift: 0.0,
                })
                .map(UnaryOp::Exp),
            );
        }
    }
    <ColumnsOf<F, M>>::from_columns(&cols)
}
