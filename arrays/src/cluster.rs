//! The contract's clustering operations: the partial results they return and their
//! default implementations, written with the primitives (`X v`, `X^T r` and the sample
//! vectors' elementwise maps and reductions).
//!
//! The defaults are correct on any backend but make one pass over X per centre; the
//! dense, sparse and chunked backends override them with one fused pass (GEMM on
//! cache-sized row blocks for dense rows).
//!
//! ```
//! use duckml_arrays::{Chunked, DataMatrix, SampleVector};
//! use ndarray::{array, Array1};
//!
//! let x = array![[0.0, 0.0], [0.0, 2.0], [10.0, 0.0], [10.0, 2.0]];
//! let centres = array![[0.0, 1.0], [10.0, 1.0]];
//! let mut labels = Array1::from_elem(4, -1.0); // no label yet
//! let step = x.kmeans_step(centres.view(), &mut labels);
//! assert_eq!(labels, array![0.0, 0.0, 1.0, 1.0]);
//! assert_eq!(step.counts, vec![2, 2]);
//! assert_eq!(step.sums, array![[0.0, 2.0], [20.0, 2.0]]);
//! assert_eq!((step.inertia, step.n_changed), (4.0, 4));
//!
//! // The same pass on a chunked copy: chunk partials reduced, labels stay in chunks.
//! let c = Chunked::from_array(&x, 3).unwrap();
//! let mut cl = c.vector_from_host(Array1::from_elem(4, -1.0).view()).unwrap();
//! assert_eq!(c.kmeans_step(centres.view(), &mut cl), step);
//! assert_eq!(cl.to_host(), labels);
//! ```

use crate::{
    ArrayError, BinaryOp, DataMatrix, Float, Linear, PairReduction, Reduction, SampleVector,
    UnaryOp,
};
use ndarray::{Array1, Array2, ArrayView2};

/// One k-means assignment pass's host-side result: what Lloyd's update needs.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansStep {
    /// Per centre, the sum of the rows assigned to it (k x p).
    pub sums: Array2<f64>,
    /// Per centre, the number of rows assigned to it.
    pub counts: Vec<u64>,
    /// `sum_i |x_i - c_{label_i}|^2` for the centres the pass assigned to.
    pub inertia: f64,
    /// How many rows changed label (every row, on the first pass).
    pub n_changed: u64,
}

/// One task's share of a fused k-means assignment pass on a CPU backend: per-centre
/// sums of the rows (`k x p`, row-major; empty when the pass does not want them),
/// counts, inertia and label changes; merged across tasks, then a [`KMeansStep`].
pub(crate) struct StepAcc {
    sums: Vec<f64>,
    counts: Vec<u64>,
    inertia: f64,
    changed: u64,
    p: usize,
}

impl StepAcc {
    pub(crate) fn new(k: usize, p: usize, with_sums: bool) -> Self {
        StepAcc {
            sums: if with_sums {
                vec![0.0; k * p]
            } else {
                Vec::new()
            },
            counts: vec![0; k],
            inertia: 0.0,
            changed: 0,
            p,
        }
    }

    /// Books a row assigned to centre `j` at squared distance `d`: inertia, count, and
    /// its label (counting a change); `dist` gets `d` when the pass writes distances.
    #[inline(always)]
    pub(crate) fn record<F: Float>(
        &mut self,
        j: usize,
        d: f64,
        label: &mut F,
        dist: Option<&mut F>,
    ) {
        self.inertia += d;
        self.counts[j] += 1;
        let lj = F::of(j as f64);
        if *label != lj {
            self.changed += 1;
            *label = lj;
        }
        if let Some(out) = dist {
            *out = F::of(d);
        }
    }

    /// Centre `j`'s running sum of rows, when the pass keeps sums.
    #[inline(always)]
    pub(crate) fn sum_mut(&mut self, j: usize) -> Option<&mut [f64]> {
        let p = self.p;
        (!self.sums.is_empty()).then(|| &mut self.sums[j * p..(j + 1) * p])
    }

    pub(crate) fn merge(mut self, o: Self) -> Self {
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            *a += b;
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.inertia += o.inertia;
        self.changed += o.changed;
        self
    }

    /// The pass's result; the accumulator must have kept sums.
    pub(crate) fn into_step(self) -> KMeansStep {
        let k = self.counts.len();
        KMeansStep {
            sums: Array2::from_shape_vec((k, self.p), self.sums).expect("k x p sums"),
            counts: self.counts,
            inertia: self.inertia,
            n_changed: self.changed,
        }
    }
}

impl KMeansStep {
    /// An empty partial result for `k` centres of `p` features.
    pub fn zeros(k: usize, p: usize) -> Self {
        KMeansStep {
            sums: Array2::zeros((k, p)),
            counts: vec![0; k],
            inertia: 0.0,
            n_changed: 0,
        }
    }

    /// Adds another block's partial result.
    pub fn merge(mut self, other: KMeansStep) -> KMeansStep {
        self.sums += &other.sums;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.inertia += other.inertia;
        self.n_changed += other.n_changed;
        self
    }
}

/// Each row's nearest centre and its squared distance, as sample vectors beside the
/// data (labels are stored as the element type: exact for any realistic `k`).
#[derive(Debug, Clone, PartialEq)]
pub struct Nearest<V> {
    /// Index of the nearest centre (first one on ties).
    pub labels: V,
    /// Squared Euclidean distance to it.
    pub sq_dist: V,
}

/// `|c|^2` of each row of a host matrix.
pub fn sq_norms(c: ArrayView2<f64>) -> Vec<f64> {
    c.rows().into_iter().map(|r| r.dot(&r)).collect()
}

/// Default [`DataMatrix::row_sq_norms`]: one `X e_j` per column, squared and summed.
pub fn default_row_sq_norms<F: Float, M: DataMatrix<F>>(m: &M) -> M::Vector {
    let p = m.n_cols();
    let mut acc: Option<M::Vector> = None;
    let mut e = Array1::<f64>::zeros(p);
    for j in 0..p {
        e[j] = 1.0;
        let col = m.linear_predictor(Linear {
            coef: e.view(),
            intercept: 0.0,
        });
        e[j] = 0.0;
        let sq = col.zip_map(&col, BinaryOp::Mul);
        acc = Some(match acc {
            None => sq,
            Some(a) => a.zip_map(&sq, BinaryOp::Add),
        });
    }
    acc.unwrap_or_else(|| {
        m.linear_predictor(Linear {
            coef: e.view(),
            intercept: 0.0,
        })
    })
}

/// Checks that every requested row exists.
pub fn check_rows(n_rows: usize, rows: &[usize]) -> Result<(), ArrayError> {
    match rows.iter().find(|&&r| r >= n_rows) {
        Some(r) => Err(ArrayError::Invalid(format!(
            "row {r} requested from a matrix with {n_rows} rows"
        ))),
        None => Ok(()),
    }
}

/// Default [`DataMatrix::rows_to_host`]: `X^T e_i` for each requested row (an O(n)
/// transfer per row; backends that can gather rows override it).
pub fn default_rows_to_host<F: Float, M: DataMatrix<F>>(
    m: &M,
    rows: &[usize],
) -> Result<Array2<f64>, ArrayError> {
    check_rows(m.n_rows(), rows)?;
    let mut out = Array2::zeros((rows.len(), m.n_cols()));
    let mut e = Array1::<F>::zeros(m.n_rows());
    for (k, &i) in rows.iter().enumerate() {
        e[i] = F::one();
        let v = m.vector_from_host(e.view())?;
        e[i] = F::zero();
        out.row_mut(k).assign(&m.t_matvec(&v));
    }
    Ok(out)
}

/// `max(0, |x_i|^2 + |c|^2 - 2 x_i . c)` for every row, given the row norms.
fn sq_dist_to<F: Float, M: DataMatrix<F>>(
    m: &M,
    row_norms: &M::Vector,
    c: ndarray::ArrayView1<f64>,
) -> M::Vector {
    let coef = c.mapv(|v| -2.0 * v);
    m.linear_predictor(Linear {
        coef: coef.view(),
        intercept: c.dot(&c),
    })
    .zip_map(row_norms, BinaryOp::Add)
    .map(UnaryOp::ClampMin(0.0))
}

/// Default [`DataMatrix::sq_distances`]: one `X v` per point.
pub fn default_sq_distances<F: Float, M: DataMatrix<F>>(
    m: &M,
    points: ArrayView2<f64>,
    floor: Option<&M::Vector>,
) -> Vec<M::Vector> {
    let norms = m.row_sq_norms();
    points
        .rows()
        .into_iter()
        .map(|c| {
            let d = sq_dist_to(m, &norms, c);
            match floor {
                Some(f) => d.zip_map(f, BinaryOp::Min),
                None => d,
            }
        })
        .collect()
}

/// Default [`DataMatrix::nearest_center`]: one `X v` per centre, keeping the running
/// minimum and its index with elementwise maps.
///
/// # Panics
/// When `centers` has no rows (callers check).
pub fn default_nearest_center<F: Float, M: DataMatrix<F>>(
    m: &M,
    centers: ArrayView2<f64>,
) -> Nearest<M::Vector> {
    assert!(centers.nrows() > 0, "nearest_center needs a centre");
    let norms = m.row_sq_norms();
    let mut best = sq_dist_to(m, &norms, centers.row(0));
    let mut labels = best.map(UnaryOp::Affine {
        scale: 0.0,
        shift: 0.0,
    });
    for (j, c) in centers.rows().into_iter().enumerate().skip(1) {
        let d = sq_dist_to(m, &norms, c);
        let closer = d.zip_map(&best, BinaryOp::Less);
        best = best.zip_map(&d, BinaryOp::Min);
        // labels += closer * (j - labels)
        let gap = labels.map(UnaryOp::Affine {
            scale: -1.0,
            shift: j as f64,
        });
        labels = labels.zip_map(&closer.zip_map(&gap, BinaryOp::Mul), BinaryOp::Add);
    }
    Nearest {
        labels,
        sq_dist: best,
    }
}

/// Default [`DataMatrix::kmeans_step`]: the nearest centres, then `X^T 1[label = j]`
/// for each centre.
pub fn default_kmeans_step<F: Float, M: DataMatrix<F>>(
    m: &M,
    centers: ArrayView2<f64>,
    labels: &mut M::Vector,
) -> KMeansStep {
    let near = m.nearest_center(centers);
    let n = m.n_rows() as f64;
    let same = near.labels.reduce_pair(labels, PairReduction::CountEqual);
    let mut step = KMeansStep::zeros(centers.nrows(), m.n_cols());
    for j in 0..centers.nrows() {
        let ind = near.labels.map(UnaryOp::EqualTo(j as f64));
        step.counts[j] = ind.reduce(Reduction::Sum).round() as u64;
        if step.counts[j] > 0 {
            step.sums.row_mut(j).assign(&m.t_matvec(&ind));
        }
    }
    step.inertia = near.sq_dist.reduce(Reduction::Sum);
    step.n_changed = (n - same).round() as u64;
    *labels = near.labels;
    step
}

/// The `m` largest values of a host slice with their indices, largest first; ties go
/// to the lower index. NaN values are never selected.
pub fn top_k_host<F: Float>(v: &[F], m: usize) -> Vec<(usize, f64)> {
    let mut idx: Vec<usize> = (0..v.len()).filter(|&i| !v[i].is_nan()).collect();
    let m = m.min(idx.len());
    if m == 0 {
        return Vec::new();
    }
    let cmp = |a: &usize, b: &usize| v[*b].partial_cmp(&v[*a]).unwrap().then(a.cmp(b));
    if m < idx.len() {
        idx.select_nth_unstable_by(m - 1, cmp);
        idx.truncate(m);
    }
    idx.sort_by(cmp);
    idx.into_iter().map(|i| (i, v[i].as_f64())).collect()
}

/// For each target `t`, the first index whose running sum of `v` exceeds `t` (the last
/// index when none does): sampling proportional to `v` from uniform draws in
/// `[0, sum v)`, as `searchsorted(cumsum(v), t)`.
pub fn search_cumulative_host<F: Float>(v: &[F], targets: &[f64]) -> Vec<usize> {
    if v.is_empty() {
        return vec![0; targets.len()];
    }
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by(|&a, &b| targets[a].total_cmp(&targets[b]));
    let mut out = vec![v.len() - 1; targets.len()];
    let (mut i, mut cum) = (0usize, 0.0f64);
    for &t in &order {
        while i < v.len() {
            let next = cum + v[i].as_f64();
            if next > targets[t] {
                break;
            }
            cum = next;
            i += 1;
        }
        out[t] = i.min(v.len() - 1);
    }
    out
}

/// Indices `first_index + i` where `hash_uniform(seed, first_index + i) < scale * v_i`.
pub fn bernoulli_host<F: Float>(v: &[F], scale: f64, seed: u64, first_index: usize) -> Vec<usize> {
    v.iter()
        .enumerate()
        .filter(|(i, &x)| crate::hash_uniform(seed, (first_index + i) as u64) < scale * x.as_f64())
        .map(|(i, _)| first_index + i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_orders_by_value_then_index() {
        let v = [1.0, 5.0, 3.0, 5.0, f64::NAN, 0.0];
        assert_eq!(top_k_host(&v, 3), vec![(1, 5.0), (3, 5.0), (2, 3.0)]);
        assert_eq!(top_k_host(&v, 10).len(), 5);
        assert!(top_k_host(&v, 0).is_empty());
    }

    #[test]
    fn search_cumulative_samples_by_weight() {
        let v = [0.0, 2.0, 0.0, 1.0];
        assert_eq!(
            search_cumulative_host(&v, &[0.0, 1.9, 2.0, 2.5, 9.0]),
            vec![1, 1, 3, 3, 3]
        );
    }
}
