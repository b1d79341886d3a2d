//! Sample-space vectors: `y`, `X b`, residuals, labels, living beside their matrix.

use super::block::SampleBlock;
use super::host;
use crate::element::{BinaryOp, ElementCheck, Float, PairReduction, Reduction, UnaryOp};
use ndarray::Array1;

/// A vector over samples (`y`, `X b`, residuals) living beside its matrix, on the
/// matrix's device. Only reductions and explicit [`SampleVector::to_host`] calls
/// bring its values to the host.
///
/// Required: length, the host copy, a check, one elementwise map, one elementwise
/// binary op and two reductions (each chosen from an enum, never a closure, so a GPU
/// can implement them). The three selections at the end have host defaults.
pub trait SampleVector<F: Float>: Clone + Send + Sync + Sized {
    /// Blocks of these vectors (`n x m`, the vectors as columns), beside the data.
    type Columns: SampleBlock<F, Vector = Self>;

    /// Number of elements (samples).
    fn len(&self) -> usize;

    /// Whether the vector has no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Copies the values to a host array (an O(n) transfer: not for inner loops).
    fn to_host(&self) -> Array1<F>;

    /// Whether every element passes `check`.
    fn all(&self, check: ElementCheck) -> bool;

    /// A new vector with `op` applied to every element.
    fn map(&self, op: UnaryOp) -> Self;

    /// Reduces the vector to one host number.
    fn reduce(&self, op: Reduction) -> f64;

    /// Reduces `(self, other)` elementwise to one host number. The lengths must match;
    /// callers check them, and backends may panic on a mismatch (a programming error).
    fn reduce_pair(&self, other: &Self, op: PairReduction) -> f64;

    /// A new vector `op(self_i, other_i)`. The lengths (and, for split vectors, the
    /// splits) must match, as for [`SampleVector::reduce_pair`].
    fn zip_map(&self, other: &Self, op: BinaryOp) -> Self;

    /// The `m` largest values and their indices, largest first (ties: lower index
    /// first; NaN never selected). Only `m` pairs reach the host; the default copies
    /// the vector to the host first.
    fn top_k(&self, m: usize) -> Vec<(usize, f64)> {
        let v = self.to_host();
        host::top_k(host::contiguous(&v).as_ref(), m)
    }

    /// For each target `t` in `[0, sum v)`, the first index whose running sum exceeds
    /// `t` (the last index when none does): draws proportional to the values (k-means++
    /// sampling by squared distance), as NumPy's `searchsorted(cumsum(v), t)`.
    /// The default copies the vector to the host; split vectors route each target to
    /// the block whose partial sums hold it.
    fn search_cumulative(&self, targets: &[f64]) -> Vec<usize> {
        let v = self.to_host();
        host::search_cumulative(host::contiguous(&v).as_ref(), targets)
    }

    /// The indices `first_index + i` where
    /// [`hash_uniform`](crate::hash_uniform)`(seed, first_index + i) < scale * v_i`:
    /// independent draws with probability `scale * v_i` (k-means|| oversampling),
    /// identical however the vector is split. `first_index` is the global index of
    /// element 0.
    fn bernoulli_indices(&self, scale: f64, seed: u64, first_index: usize) -> Vec<usize> {
        let v = self.to_host();
        host::bernoulli(host::contiguous(&v).as_ref(), scale, seed, first_index)
    }
}
