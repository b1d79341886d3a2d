//! `Chunked<A>`: a matrix split into row chunks of any array type `A`, like a Dask
//! array with `chunks=(rows, p)`. Operations run over the chunks in parallel (rayon)
//! and reduce the chunks' host-side partial results; each chunk runs its own
//! (possibly fused, possibly overridden) implementation.

use crate::{
    ArrayError, BinaryOp, ColumnsOf, DataMatrix, ElementCheck, Float, GlmFamily, GlmHessian,
    GlmLossGrad, KMeansStep, Linear, Nearest, PairReduction, Reduction, SampleBlock, SampleVector,
    UnaryOp,
};
use ndarray::{s, Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};
use rayon::prelude::*;
use sprs::{CsMatI, SpIndex};

/// A row-chunked matrix whose chunks are any array type implementing the contract.
///
/// ```
/// use duckml_arrays::{Chunked, DataMatrix};
/// use ndarray::Array2;
///
/// let x = Array2::<f64>::ones((10, 3));
/// let chunked = Chunked::from_array(&x, 4).unwrap();
/// assert_eq!(chunked.chunks().len(), 3); // 4 + 4 + 2 rows
/// assert_eq!(chunked.n_rows(), 10);
/// ```
#[derive(Debug, Clone)]
pub struct Chunked<A> {
    chunks: Vec<A>,
    offsets: Vec<usize>,
    n_cols: usize,
}

/// A sample vector split like a [`Chunked`] matrix's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkedVector<V> {
    chunks: Vec<V>,
}

impl<V> ChunkedVector<V> {
    /// The chunks, in row order.
    pub fn chunks(&self) -> &[V] {
        &self.chunks
    }

    /// A vector made of these chunks, in row order.
    pub fn from_chunks(chunks: Vec<V>) -> Self {
        ChunkedVector { chunks }
    }
}

/// Array types that can be split into row chunks (used by [`Chunked::from_array`]).
pub trait SplitRows: Sized {
    /// Copies rows `start..end` into a new array.
    fn row_range(&self, start: usize, end: usize) -> Self;
    /// Number of rows.
    fn rows_count(&self) -> usize;
}

impl<F: Float, S: Data<Elem = F>> SplitRows for ArrayBase<S, Ix2>
where
    ArrayBase<S, Ix2>: From<Array2<F>>,
{
    fn row_range(&self, start: usize, end: usize) -> Self {
        self.slice(s![start..end, ..]).to_owned().into()
    }
    fn rows_count(&self) -> usize {
        self.nrows()
    }
}

impl<F: Float, I: SpIndex, Iptr: SpIndex> SplitRows for CsMatI<F, I, Iptr> {
    /// CSR rows are sliced directly; CSC is converted per chunk (a sparse copy).
    fn row_range(&self, start: usize, end: usize) -> Self {
        if self.is_csr() {
            self.slice_outer(start..end).to_owned()
        } else {
            self.to_csr().slice_outer(start..end).to_owned()
        }
    }
    fn rows_count(&self) -> usize {
        self.rows()
    }
}

impl<A> Chunked<A> {
    /// Builds from a list of row chunks (lengths may differ). Errors on an empty list,
    /// an empty chunk or chunks with different column counts.
    pub fn from_chunks<F: Float>(chunks: Vec<A>) -> Result<Self, ArrayError>
    where
        A: DataMatrix<F>,
    {
        let Some(first) = chunks.first() else {
            return Err(ArrayError::Invalid(
                "a chunked array needs at least one chunk".into(),
            ));
        };
        let n_cols = first.n_cols();
        let mut offsets = vec![0];
        for (i, c) in chunks.iter().enumerate() {
            if c.n_cols() != n_cols {
                return Err(ArrayError::Invalid(format!(
                    "chunk {i} has {} columns, chunk 0 has {n_cols}",
                    c.n_cols()
                )));
            }
            if c.n_rows() == 0 {
                return Err(ArrayError::Invalid(format!("chunk {i} has no rows")));
            }
            offsets.push(offsets[i] + c.n_rows());
        }
        Ok(Chunked {
            chunks,
            offsets,
            n_cols,
        })
    }

    /// Splits a whole array into chunks of `rows_per_chunk` rows (the last may be
    /// shorter). The chunks are copies.
    pub fn from_array<F: Float>(x: &A, rows_per_chunk: usize) -> Result<Self, ArrayError>
    where
        A: DataMatrix<F> + SplitRows,
    {
        if rows_per_chunk == 0 {
            return Err(ArrayError::Invalid(
                "rows_per_chunk must be at least 1".into(),
            ));
        }
        let n = x.rows_count();
        if n == 0 {
            return Err(ArrayError::Invalid(
                "cannot chunk an array with no rows".into(),
            ));
        }
        let chunks = (0..n)
            .step_by(rows_per_chunk)
            .map(|start| x.row_range(start, (start + rows_per_chunk).min(n)))
            .collect();
        Self::from_chunks(chunks)
    }

    /// The chunks, in row order.
    pub fn chunks(&self) -> &[A] {
        &self.chunks
    }

    /// The first row of each chunk, plus the total row count at the end.
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }
}

impl<F: Float, V: SampleVector<F>> SampleVector<F> for ChunkedVector<V>
where
    V::Columns: Send + Sync,
{
    type Columns = Chunked<V::Columns>;

    fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum()
    }

    fn to_host(&self) -> Array1<F> {
        let parts: Vec<Array1<F>> = self.chunks.iter().map(|c| c.to_host()).collect();
        let views: Vec<ArrayView1<F>> = parts.iter().map(|p| p.view()).collect();
        ndarray::concatenate(ndarray::Axis(0), &views).expect("1-d chunks concatenate")
    }

    fn all(&self, check: ElementCheck) -> bool {
        self.chunks.par_iter().all(|c| c.all(check))
    }

    fn map(&self, op: UnaryOp) -> Self {
        ChunkedVector {
            chunks: self.chunks.par_iter().map(|c| c.map(op)).collect(),
        }
    }

    fn reduce(&self, op: Reduction) -> f64 {
        self.chunks.par_iter().map(|c| c.reduce(op)).sum()
    }

    fn reduce_pair(&self, other: &Self, op: PairReduction) -> f64 {
        assert_eq!(self.chunks.len(), other.chunks.len(), "chunk counts differ");
        self.chunks
            .par_iter()
            .zip(&other.chunks)
            .map(|(a, b)| a.reduce_pair(b, op))
            .sum()
    }

    fn zip_map(&self, other: &Self, op: BinaryOp) -> Self {
        assert_eq!(self.chunks.len(), other.chunks.len(), "chunk counts differ");
        ChunkedVector {
            chunks: self
                .chunks
                .par_iter()
                .zip(&other.chunks)
                .map(|(a, b)| a.zip_map(b, op))
                .collect(),
        }
    }

    fn top_k(&self, m: usize) -> Vec<(usize, f64)> {
        // Each chunk's own top m, shifted to global indices, then merged on the host.
        let firsts = self.first_indices();
        let mut all: Vec<(usize, f64)> = self
            .chunks
            .par_iter()
            .zip(&firsts)
            .flat_map_iter(|(c, &f)| c.top_k(m).into_iter().map(move |(i, v)| (i + f, v)))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(m);
        all
    }

    fn search_cumulative(&self, targets: &[f64]) -> Vec<usize> {
        // Route each target to the chunk whose partial sums hold it (only the chunks'
        // totals reach the host), then search inside that chunk.
        let totals: Vec<f64> = self
            .chunks
            .par_iter()
            .map(|c| c.reduce(Reduction::Sum))
            .collect();
        let firsts = self.first_indices();
        let n_chunks = self.chunks.len();
        let mut routed: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n_chunks];
        for (ti, &t) in targets.iter().enumerate() {
            let (mut c, mut start) = (0, 0.0);
            while c + 1 < n_chunks && start + totals[c] <= t {
                start += totals[c];
                c += 1;
            }
            routed[c].push((ti, t - start));
        }
        let mut out = vec![0; targets.len()];
        for (c, list) in routed.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            let local: Vec<f64> = list.iter().map(|&(_, t)| t).collect();
            for (&(ti, _), idx) in list.iter().zip(self.chunks[c].search_cumulative(&local)) {
                out[ti] = firsts[c] + idx;
            }
        }
        out
    }

    fn bernoulli_indices(&self, scale: f64, seed: u64, first_index: usize) -> Vec<usize> {
        let firsts = self.first_indices();
        self.chunks
            .par_iter()
            .zip(&firsts)
            .map(|(c, &f)| c.bernoulli_indices(scale, seed, first_index + f))
            .collect::<Vec<_>>()
            .concat()
    }
}

impl<V> ChunkedVector<V> {
    /// The global index of each chunk's first element.
    fn first_indices<F: Float>(&self) -> Vec<usize>
    where
        V: SampleVector<F>,
    {
        let mut firsts = Vec::with_capacity(self.chunks.len());
        let mut at = 0;
        for c in &self.chunks {
            firsts.push(at);
            at += c.len();
        }
        firsts
    }
}

fn add_hessians(mut a: GlmHessian, b: GlmHessian) -> GlmHessian {
    a.xtwx += &b.xtwx;
    a.xtw += &b.xtw;
    a.sum_w += b.sum_w;
    a
}

/// Adds the chunks' parts of a fused GLM pass in chunk order (they are computed in
/// parallel): the sum then does not depend on how rayon split the work, so a fit on a
/// chunked array repeats bit for bit from run to run.
fn sum_in_chunk_order(parts: Vec<GlmLossGrad>, n_cols: usize) -> GlmLossGrad {
    parts
        .into_iter()
        .fold(GlmLossGrad::zeros(n_cols), add_loss_grads)
}

fn add_loss_grads(mut a: GlmLossGrad, b: GlmLossGrad) -> GlmLossGrad {
    a.loss += b.loss;
    a.grad += &b.grad;
    a.grad_intercept += b.grad_intercept;
    a
}

impl<F: Float, A: DataMatrix<F> + Send + Sync> DataMatrix<F> for Chunked<A>
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

    fn glm_loss_grad(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> GlmLossGrad {
        let parts: Vec<GlmLossGrad> = self
            .chunks
            .par_iter()
            .zip(&y.chunks)
            .map(|(c, yc)| c.glm_loss_grad(family, yc, lin))
            .collect();
        sum_in_chunk_order(parts, self.n_cols)
    }

    /// Each chunk answers for itself, in parallel.
    fn glm_loss_grad_checked(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        lin: Linear<'_>,
    ) -> Option<GlmLossGrad> {
        let parts: Option<Vec<GlmLossGrad>> = self
            .chunks
            .par_iter()
            .zip(&y.chunks)
            .map(|(c, yc)| c.glm_loss_grad_checked(family, yc, lin))
            .collect();
        Some(sum_in_chunk_order(parts?, self.n_cols))
    }

    fn glm_loss(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> f64 {
        let parts: Vec<f64> = self
            .chunks
            .par_iter()
            .zip(&y.chunks)
            .map(|(c, yc)| c.glm_loss(family, yc, lin))
            .collect();
        parts.iter().sum()
    }

    fn row_sq_norms(&self) -> Self::Vector {
        ChunkedVector {
            chunks: self.chunks.par_iter().map(|c| c.row_sq_norms()).collect(),
        }
    }

    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        crate::cluster::check_rows(self.n_rows(), rows)?;
        let mut out = Array2::zeros((rows.len(), self.n_cols));
        for (k, &i) in rows.iter().enumerate() {
            // The chunk holding global row i: the last offset <= i.
            let c = self.offsets.partition_point(|&o| o <= i) - 1;
            let row = self.chunks[c].rows_to_host(&[i - self.offsets[c]])?;
            out.row_mut(k).assign(&row.row(0));
        }
        Ok(out)
    }

    fn sq_distances(
        &self,
        points: ArrayView2<f64>,
        floor: Option<&Self::Vector>,
    ) -> Vec<Self::Vector> {
        let per_chunk: Vec<Vec<A::Vector>> = match floor {
            Some(f) => self
                .chunks
                .par_iter()
                .zip(&f.chunks)
                .map(|(c, fc)| c.sq_distances(points, Some(fc)))
                .collect(),
            None => self
                .chunks
                .par_iter()
                .map(|c| c.sq_distances(points, None))
                .collect(),
        };
        // Transpose chunks x points into points x chunks.
        let mut out: Vec<Vec<A::Vector>> = (0..points.nrows()).map(|_| Vec::new()).collect();
        for chunk in per_chunk {
            for (o, v) in out.iter_mut().zip(chunk) {
                o.push(v);
            }
        }
        out.into_iter()
            .map(|chunks| ChunkedVector { chunks })
            .collect()
    }

    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Self::Vector> {
        let (labels, sq_dist) = self
            .chunks
            .par_iter()
            .map(|c| {
                let n = c.nearest_center(centers);
                (n.labels, n.sq_dist)
            })
            .unzip();
        Nearest {
            labels: ChunkedVector { chunks: labels },
            sq_dist: ChunkedVector { chunks: sq_dist },
        }
    }

    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Self::Vector) -> KMeansStep {
        let (k, p) = (centers.nrows(), self.n_cols);
        self.chunks
            .par_iter()
            .zip(labels.chunks.par_iter_mut())
            .map(|(c, lc)| c.kmeans_step(centers, lc))
            .reduce(|| KMeansStep::zeros(k, p), KMeansStep::merge)
    }

    fn block_product(&self, v: &ColumnsOf<F, Self>) -> ColumnsOf<F, Self> {
        // Every chunk needs all of V: gather it once (a copy beside the data).
        let parts: Vec<&<A::Vector as SampleVector<F>>::Columns> = v.chunks().iter().collect();
        let full = <A::Vector as SampleVector<F>>::Columns::vcat(&parts);
        Chunked::from_chunks(
            self.chunks
                .par_iter()
                .map(|c| c.block_product(&full))
                .collect(),
        )
        .expect("non-empty chunks")
    }

    fn diagonal_from(&self, first_col: usize) -> Self::Vector {
        ChunkedVector {
            chunks: self
                .chunks
                .par_iter()
                .zip(&self.offsets)
                .map(|(c, &o)| c.diagonal_from(first_col + o))
                .collect(),
        }
    }

    fn glm_hessian(&self, family: GlmFamily, lin: Linear<'_>) -> GlmHessian {
        let p = self.n_cols;
        let zero = || GlmHessian {
            xtwx: Array2::zeros((p, p)),
            xtw: Array1::zeros(p),
            sum_w: 0.0,
        };
        self.chunks
            .par_iter()
            .map(|c| c.glm_hessian(family, lin))
            .reduce(zero, add_hessians)
    }
}
