//! The core primitives of a chunked matrix: each chunk's own primitive, in parallel,
//! host-side results reduced.

use super::{Chunked, ChunkedVector};
use crate::contract::{ArrayError, ColumnsOf, DataMatrix, Linear, MatrixCore};
use crate::element::{Float, GlmFamily};
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

impl<F: Float, A: DataMatrix<F> + Send + Sync> MatrixCore<F> for Chunked<A>
where
    A::Vector: Send + Sync,
{
    type Vector = ChunkedVector<A::Vector>;
    type Block = A;

    fn n_rows(&self) -> usize {
        *self.offsets.last().expect("offsets start at 0")
    }

    fn n_cols(&self) -> usize {
        self.n_cols
    }

    fn describe(&self) -> String {
        format!(
            "chunked x{} of [{}]",
            self.chunks.len(),
            self.chunks[0].describe()
        )
    }

    fn vector_from_host(&self, v: ArrayView1<F>) -> Result<Self::Vector, ArrayError> {
        if v.len() != self.n_rows() {
            return Err(ArrayError::LengthMismatch {
                expected: self.n_rows(),
                found: v.len(),
            });
        }
        let chunks = self
            .chunks
            .iter()
            .zip(self.offsets.windows(2))
            .map(|(c, w)| c.vector_from_host(v.slice(s![w[0]..w[1]])))
            .collect::<Result<_, _>>()?;
        Ok(ChunkedVector { chunks })
    }

    fn all_finite(&self) -> bool {
        self.chunks.par_iter().all(|c| c.all_finite())
    }

    fn linear_predictor(&self, lin: Linear<'_>) -> Self::Vector {
        ChunkedVector {
            chunks: self
                .chunks
                .par_iter()
                .map(|c| c.linear_predictor(lin))
                .collect(),
        }
    }

    fn t_matvec(&self, r: &Self::Vector) -> Array1<f64> {
        self.chunks
            .par_iter()
            .zip(&r.chunks)
            .map(|(c, rc)| c.t_matvec(rc))
            .reduce(|| Array1::zeros(self.n_cols), |a, b| a + b)
    }

    fn weighted_gram(&self, w: &Self::Vector) -> Array2<f64> {
        let p = self.n_cols;
        self.chunks
            .par_iter()
            .zip(&w.chunks)
            .map(|(c, wc)| c.weighted_gram(wc))
            .reduce(|| Array2::zeros((p, p)), |a, b| a + b)
    }

    fn glm_weights(&self, family: GlmFamily, eta: &Self::Vector) -> Self::Vector {
        ChunkedVector {
            chunks: self
                .chunks
                .par_iter()
                .zip(&eta.chunks)
                .map(|(c, e)| c.glm_weights(family, e))
                .collect(),
        }
    }

    fn glm_residuals(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        eta: &Self::Vector,
    ) -> Self::Vector {
        ChunkedVector {
            chunks: self
                .chunks
                .par_iter()
                .zip(&y.chunks)
                .zip(&eta.chunks)
                .map(|((c, yc), e)| c.glm_residuals(family, yc, e))
                .collect(),
        }
    }

    fn blocks(&self) -> Vec<&A> {
        self.chunks.iter().collect()
    }

    fn vector_blocks<'v>(&self, v: &'v Self::Vector) -> Vec<&'v A::Vector> {
        v.chunks.iter().collect()
    }

    fn mul_small_t(&self, c: ArrayView2<f64>) -> ColumnsOf<F, Self> {
        Chunked::from_chunks(self.chunks.par_iter().map(|x| x.mul_small_t(c)).collect())
            .expect("non-empty chunks")
    }
}
