//! The graph family of a distributed matrix. Spectral clustering would need the
//! affinity between rows held by different processes (gathering X), so the family
//! says it is unsupported; the products that are cheap stay correct for direct
//! callers (`block_product` gathers the block, `diagonal_from` shifts by the rows'
//! offset).

use super::Distributed;
use crate::contract::{ArrayError, ColumnsOf, DataMatrix, GraphOps, MatrixCore};
use crate::element::Float;

impl<F: Float, A: DataMatrix<F>> GraphOps<F> for Distributed<A>
where
    A::Vector: Send + Sync,
    ColumnsOf<F, A>: Send + Sync,
{
    fn supports_graphs(&self) -> Result<(), ArrayError> {
        Err(ArrayError::Unsupported {
            operation: "graph operations (SpectralClustering, k-nearest-neighbour graphs)".into(),
            array: self.describe(),
            accepted: "a single-process array: dense, CSR, chunked or CUDA".into(),
        })
    }

    fn diagonal_from(&self, first_col: usize) -> Self::Vector {
        self.vector(self.local.diagonal_from(first_col + self.layout.first()))
    }
}
