//! `ChunkedVector`: a sample vector split like its matrix's rows; maps and reductions
//! run chunk by chunk in parallel, selections merge the chunks' own answers.

use super::{Chunked, ChunkedVector};
use crate::contract::SampleVector;
use crate::element::{BinaryOp, ElementCheck, Float, PairReduction, Reduction, UnaryOp};
use ndarray::{Array1, ArrayView1};
use rayon::prelude::*;

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
