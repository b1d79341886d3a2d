//! `DistVector`: maps stay on each process; reductions and selections combine the
//! processes' own answers (a sum, or a gather of at most a few numbers each).

use super::{DistVector, Distributed, Layout};
use crate::contract::SampleVector;
use crate::element::{BinaryOp, ElementCheck, Float, PairReduction, Reduction, UnaryOp};
use ndarray::Array1;

impl<V> DistVector<V> {
    pub(crate) fn with(&self, local: V) -> Self {
        DistVector {
            local,
            layout: self.layout.clone(),
        }
    }
}

impl<F: Float, V: SampleVector<F>> SampleVector<F> for DistVector<V>
where
    V::Columns: Send + Sync,
{
    type Columns = Distributed<V::Columns>;

    /// The global length.
    fn len(&self) -> usize {
        self.layout.total()
    }

    /// The whole vector, gathered to every process (O(n) traffic).
    fn to_host(&self) -> Array1<F> {
        let local: Vec<f64> = self.local.to_host().iter().map(|v| v.as_f64()).collect();
        let all = self.layout.comm.gather(&local);
        all.into_iter().map(F::of).collect()
    }

    fn all(&self, check: ElementCheck) -> bool {
        self.layout.comm.all_true(self.local.all(check))
    }

    fn map(&self, op: UnaryOp) -> Self {
        self.with(self.local.map(op))
    }

    fn reduce(&self, op: Reduction) -> f64 {
        // Every reduction is a sum of per-element terms.
        self.layout.comm.sum_one(self.local.reduce(op))
    }

    fn reduce_pair(&self, other: &Self, op: PairReduction) -> f64 {
        self.layout
            .comm
            .sum_one(self.local.reduce_pair(&other.local, op))
    }

    fn zip_map(&self, other: &Self, op: BinaryOp) -> Self {
        self.with(self.local.zip_map(&other.local, op))
    }

    fn top_k(&self, m: usize) -> Vec<(usize, f64)> {
        // Each process's own top m at global indices; at most m pairs each are gathered.
        let first = self.layout.first();
        let mine: Vec<f64> = self
            .local
            .top_k(m)
            .into_iter()
            .flat_map(|(i, v)| [(first + i) as f64, v])
            .collect();
        let all = self.layout.comm.gather(&mine);
        let mut pairs: Vec<(usize, f64)> =
            all.chunks_exact(2).map(|c| (c[0] as usize, c[1])).collect();
        pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        pairs.truncate(m);
        pairs
    }

    fn search_cumulative(&self, targets: &[f64]) -> Vec<usize> {
        // Route each target to the process whose partial sums hold it (only the
        // processes' totals are gathered), search there, and sum the answers (the
        // other processes contribute 0).
        let totals = self
            .layout
            .comm
            .gather_fixed(&[self.local.reduce(Reduction::Sum)]);
        let rank = self.layout.comm.rank();
        let mut mine: Vec<(usize, f64)> = Vec::new();
        for (ti, &t) in targets.iter().enumerate() {
            if let Some((owner, rest)) = route(&self.layout, &totals, t) {
                if owner == rank {
                    mine.push((ti, rest));
                }
            }
        }
        let mut out = vec![0.0; targets.len()];
        if !mine.is_empty() {
            let local: Vec<f64> = mine.iter().map(|&(_, t)| t).collect();
            let first = self.layout.first();
            for (&(ti, _), idx) in mine.iter().zip(self.local.search_cumulative(&local)) {
                out[ti] = (first + idx) as f64;
            }
        }
        self.layout.comm.sum(&mut out);
        out.into_iter().map(|i| i as usize).collect()
    }

    fn bernoulli_indices(&self, scale: f64, seed: u64, first_index: usize) -> Vec<usize> {
        let mine: Vec<u64> = self
            .local
            .bernoulli_indices(scale, seed, first_index + self.layout.first())
            .into_iter()
            .map(|i| i as u64)
            .collect();
        self.layout
            .comm
            .gather(&mine)
            .into_iter()
            .map(|i| i as usize)
            .collect()
    }
}

/// The process whose rows hold the running-sum target `t`, and `t` less the sums of
/// the processes before it; processes without rows are skipped, and a target past the
/// end goes to the last process with rows (as a search in one vector answers the last
/// index). `None` when no process has rows.
fn route(layout: &Layout, totals: &[f64], t: f64) -> Option<(usize, f64)> {
    let has_rows = |r: usize| layout.offsets[r + 1] > layout.offsets[r];
    let last = (0..totals.len()).rev().find(|&r| has_rows(r))?;
    let mut start = 0.0;
    for (r, &total) in totals.iter().enumerate() {
        if has_rows(r) && (r == last || start + total > t) {
            return Some((r, t - start));
        }
        start += total;
    }
    None
}
