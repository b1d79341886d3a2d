//! The contract's clustering operations: the partial results they return and their
//! default implementations, written with the primitives (`X v`, `X^T r` and the sample
//! vectors' elementwise maps and reductions).
//!
//! The defaults are correct on any backend but make one pass over X per centre; the
//! dense, sparse and chunked backends override them with one fused pass (GEMM on
//! cache-sized row blocks for dense rows).
//!
//! ```
//! use duckml_arrays::prelude::*;
//! use duckml_arrays::Chunked;
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

use super::core::{Linear, MatrixCore};
use super::error::ArrayError;
use super::vector::SampleVector;
use crate::element::{BinaryOp, Float, PairReduction, Reduction, UnaryOp};
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

/// The k-means operation family: row norms, row copies, distances to a few points and
/// the fused assign-and-accumulate pass. Every method has a default written on
/// [`MatrixCore`] (one pass over X per centre); the CPU backends override them with
/// one fused pass (GEMM on cache-sized row blocks for dense rows).
pub trait ClusterOps<F: Float>: MatrixCore<F> {
    /// `|x_i|^2` for every row. The default makes one `X e_j` pass per column.
    fn row_sq_norms(&self) -> Self::Vector {
        default_row_sq_norms(self)
    }

    /// Copies the listed rows to the host (`rows.len() x p`, `f64`): k-means
    /// initialisation picks data points as centres. Errors on a row out of range.
    /// The default makes one `X^T e_i` pass per row.
    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        default_rows_to_host(self, rows)
    }

    /// For each row `c_j` of the host matrix `points`, the vector of squared distances
    /// `|x_i - c_j|^2` (computed as `|x|^2 + |c|^2 - 2 x.c`, clamped at 0), replaced by
    /// `min(floor_i, ...)` when `floor` is given (k-means++ candidate potentials).
    /// Dense and sparse backends compute all points in one pass over X.
    fn sq_distances(
        &self,
        points: ArrayView2<f64>,
        floor: Option<&Self::Vector>,
    ) -> Vec<Self::Vector> {
        default_sq_distances(self, points, floor)
    }

    /// Each row's nearest centre (first on ties) and its squared distance. `centers`
    /// must have at least one row and `n_cols` columns.
    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Self::Vector> {
        default_nearest_center(self, centers)
    }

    /// Fused k-means pass: assigns every row to its nearest centre (writing `labels`
    /// in place, beside the data) and returns per-centre row sums and counts, the
    /// inertia and the number of changed labels; only O(k p) numbers reach the host.
    /// The default is [`ClusterOps::nearest_center`] plus one `X^T 1[label = j]` per
    /// centre; backends override it with one pass (GEMM on row blocks for dense data).
    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Self::Vector) -> KMeansStep {
        default_kmeans_step(self, centers, labels)
    }
}

/// `|c|^2` of each row of a host matrix.
pub fn sq_norms(c: ArrayView2<f64>) -> Vec<f64> {
    c.rows().into_iter().map(|r| r.dot(&r)).collect()
}

/// Default [`ClusterOps::row_sq_norms`]: one `X e_j` per column, squared and summed.
pub fn default_row_sq_norms<F: Float, M: ClusterOps<F>>(m: &M) -> M::Vector {
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

/// Default [`ClusterOps::rows_to_host`]: `X^T e_i` for each requested row (an O(n)
/// transfer per row; backends that can gather rows override it).
pub fn default_rows_to_host<F: Float, M: ClusterOps<F>>(
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
fn sq_dist_to<F: Float, M: ClusterOps<F>>(
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

/// Default [`ClusterOps::sq_distances`]: one `X v` per point.
pub fn default_sq_distances<F: Float, M: ClusterOps<F>>(
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

/// Default [`ClusterOps::nearest_center`]: one `X v` per centre, keeping the running
/// minimum and its index with elementwise maps.
///
/// # Panics
/// When `centers` has no rows (callers check).
pub fn default_nearest_center<F: Float, M: ClusterOps<F>>(
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

/// Default [`ClusterOps::kmeans_step`]: the nearest centres, then `X^T 1[label = j]`
/// for each centre.
pub fn default_kmeans_step<F: Float, M: ClusterOps<F>>(
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
