//! The core primitives of a distributed matrix: each process's own primitive on its
//! rows; host-side results (`X^T r`, `X^T W X`) all-reduced.

use super::pack::{sum_mat, sum_vec};
use super::{DistVector, Distributed};
use crate::contract::{ArrayError, ColumnsOf, DataMatrix, Linear, MatrixCore};
use crate::element::{Float, GlmFamily};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

impl<A> Distributed<A> {
    /// A distributed array (matrix or block) with this one's row layout.
    pub(crate) fn like<B>(&self, local: B, n_cols: usize) -> Distributed<B> {
        Distributed {
            local,
            layout: self.layout.clone(),
            n_cols,
        }
    }

    pub(crate) fn vector<V>(&self, local: V) -> DistVector<V> {
        DistVector {
            local,
            layout: self.layout.clone(),
        }
    }
}

impl<F: Float, A: DataMatrix<F>> MatrixCore<F> for Distributed<A>
where
    A::Vector: Send + Sync,
    ColumnsOf<F, A>: Send + Sync,
{
    type Vector = DistVector<A::Vector>;
    /// The whole distributed matrix is one block (see the module's notes on ADMM).
    type Block = Self;

    /// The global row count.
    fn n_rows(&self) -> usize {
        self.layout.total()
    }

    fn n_cols(&self) -> usize {
        self.n_cols
    }

    fn describe(&self) -> String {
        format!(
            "mpi x{} of [{}]",
            self.layout.comm.size(),
            self.local.describe()
        )
    }

    /// `v` has the global length; this process keeps its rows' slice. A collective:
    /// a failure on any process is an error on all.
    fn vector_from_host(&self, v: ArrayView1<F>) -> Result<Self::Vector, ArrayError> {
        let local = if v.len() != self.n_rows() {
            Err(ArrayError::LengthMismatch {
                expected: self.n_rows(),
                found: v.len(),
            })
        } else {
            let r = self.layout.range();
            self.local
                .vector_from_host(v.slice(ndarray::s![r.start..r.end]))
        };
        Ok(self.vector(self.layout.comm.agree(local)?))
    }

    fn all_finite(&self) -> bool {
        self.layout.comm.all_true(self.local.all_finite())
    }

    fn linear_predictor(&self, lin: Linear<'_>) -> Self::Vector {
        self.vector(self.local.linear_predictor(lin))
    }

    fn t_matvec(&self, r: &Self::Vector) -> Array1<f64> {
        sum_vec(&self.layout.comm, self.local.t_matvec(&r.local))
    }

    fn weighted_gram(&self, w: &Self::Vector) -> Array2<f64> {
        sum_mat(&self.layout.comm, self.local.weighted_gram(&w.local))
    }

    fn mul_small_t(&self, c: ArrayView2<f64>) -> ColumnsOf<F, Self> {
        self.like(self.local.mul_small_t(c), c.nrows())
    }

    fn glm_weights(&self, family: GlmFamily, eta: &Self::Vector) -> Self::Vector {
        self.vector(self.local.glm_weights(family, &eta.local))
    }

    fn glm_residuals(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        eta: &Self::Vector,
    ) -> Self::Vector {
        self.vector(self.local.glm_residuals(family, &y.local, &eta.local))
    }

    fn blocks(&self) -> Vec<&Self> {
        vec![self]
    }

    fn vector_blocks<'v>(&self, v: &'v Self::Vector) -> Vec<&'v Self::Vector> {
        vec![v]
    }
}
