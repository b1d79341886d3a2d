//! The clustering operations on CSR matrices, without densifying X: per row, the dots
//! with every centre by scattering the row's non-zeros against `-2 C^T` (a sparse x
//! dense product), argmin and centre sums fused, thread-local accumulators. CSC takes
//! the contract's defaults (column passes) except for the row norms.
//!
//! The kernels take views (`CsMatViewI`), so the storage type parameters and their
//! bounds stay on the contract's impl in `sparse.rs`.

use crate::cluster::{check_rows, sq_norms, KMeansStep, Nearest, StepAcc};
use crate::dense_cluster::{argmin, Prepared};
use crate::kernels::{axpy, fold_rows_with_outputs, rows_per_chunk};
use crate::sparse::{avg_row_len, entry_bytes, outer};
use crate::{ArrayError, Float};
use ndarray::{Array1, Array2, ArrayView2};
use sprs::{CsMatViewI, SpIndex};

/// Rows per task: sized by the average row's stored bytes.
fn task_rows<F, I, Iptr>(m: &CsMatViewI<'_, F, I, Iptr>) -> usize
where
    I: SpIndex,
    Iptr: SpIndex,
{
    rows_per_chunk(avg_row_len(m), entry_bytes::<F, I>())
}

/// `|c|^2 - 2 x.c` for every centre into `g`, and `|x|^2` (f64).
#[inline(always)]
fn row_scores<F: Float, I: SpIndex>(idx: &[I], val: &[F], cen: &Prepared<F>, g: &mut [F]) -> f64 {
    g.copy_from_slice(cen.sq.as_slice().expect("fresh array"));
    let ct = cen.neg2_ct.as_slice().expect("standard layout");
    let k = g.len();
    let mut xx = 0.0;
    for (&j, &v) in idx.iter().zip(val) {
        let j = j.index_unchecked();
        axpy(v, &ct[j * k..(j + 1) * k], g);
        xx += v.as_f64() * v.as_f64();
    }
    xx
}

fn assign<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    centers: ArrayView2<f64>,
    labels: &mut [F],
    dist: &mut [F],
    with_sums: bool,
) -> StepAcc
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
{
    let (k, p) = (centers.nrows(), m.cols());
    let cen = Prepared::<F>::new(centers);
    let csq = sq_norms(centers);
    fold_rows_with_outputs(
        m.rows(),
        avg_row_len(m) * k.max(1),
        task_rows(m),
        (labels, 1),
        (dist, 1),
        || (StepAcc::new(k, p, with_sums), vec![F::zero(); k]),
        |(mut acc, mut g), range, lab, dst| {
            for i in range.clone() {
                let (idx, val) = outer(m, i);
                let xx = row_scores(idx, val, &cen, &mut g);
                let j = argmin(&g);
                let c = cen.c64.row(j);
                let xc: f64 = idx
                    .iter()
                    .zip(val)
                    .map(|(&col, &v)| v.as_f64() * c[col.index_unchecked()])
                    .sum();
                let d = (xx + csq[j] - 2.0 * xc).max(0.0);
                if let Some(sum) = acc.sum_mut(j) {
                    for (&col, &v) in idx.iter().zip(val) {
                        sum[col.index_unchecked()] += v.as_f64();
                    }
                }
                let li = i - range.start;
                acc.record(j, d, &mut lab[li], dst.get_mut(li));
            }
            (acc, g)
        },
        |(a, g), (b, _)| (a.merge(b), g),
    )
    .0
}

pub(crate) fn kmeans_step<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    centers: ArrayView2<f64>,
    labels: &mut Array1<F>,
) -> KMeansStep
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
{
    crate::dense_cluster::with_slice(labels, |lab| assign(m, centers, lab, &mut [], true))
        .into_step()
}

pub(crate) fn nearest_center<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    centers: ArrayView2<f64>,
) -> Nearest<Array1<F>>
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
{
    let n = m.rows();
    let mut labels = vec![F::zero(); n];
    let mut dist = vec![F::zero(); n];
    assign(m, centers, &mut labels, &mut dist, false);
    Nearest {
        labels: labels.into(),
        sq_dist: dist.into(),
    }
}

pub(crate) fn sq_distances<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    points: ArrayView2<f64>,
    floor: Option<&Array1<F>>,
) -> Vec<Array1<F>>
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
{
    let (n, t) = (m.rows(), points.nrows());
    if t == 0 {
        return Vec::new();
    }
    let cen = Prepared::<F>::new(points);
    let mut out = vec![F::zero(); n * t];
    fold_rows_with_outputs(
        n,
        avg_row_len(m) * t,
        task_rows(m),
        (&mut out[..], t),
        (&mut [][..], 0usize),
        || vec![F::zero(); t],
        |mut g, range, o: &mut [F], _: &mut [u8]| {
            for i in range.clone() {
                let (idx, val) = outer(m, i);
                let xx = F::of(row_scores(idx, val, &cen, &mut g));
                let li = i - range.start;
                for (d, &gj) in o[li * t..(li + 1) * t].iter_mut().zip(&g) {
                    let mut v = xx + gj;
                    if v < F::zero() {
                        v = F::zero();
                    }
                    if let Some(f) = floor {
                        if f[i] < v {
                            v = f[i];
                        }
                    }
                    *d = v;
                }
            }
            g
        },
        |a, _| a,
    );
    crate::dense_cluster::split_columns(&out, t)
}

/// `|x_i|^2` from the stored entries (either layout: the entries know their row).
pub(crate) fn row_sq_norms<F, I, Iptr>(m: &CsMatViewI<'_, F, I, Iptr>) -> Array1<F>
where
    F: Float,
    I: SpIndex,
    Iptr: SpIndex,
{
    let mut out = Array1::zeros(m.rows());
    for (&v, (i, _)) in m.iter() {
        let i = i.index_unchecked();
        out[i] = out[i] + v * v;
    }
    out
}

pub(crate) fn rows_to_host<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    rows: &[usize],
) -> Result<Array2<f64>, ArrayError>
where
    F: Float,
    I: SpIndex,
    Iptr: SpIndex,
{
    check_rows(m.rows(), rows)?;
    let mut out = Array2::zeros((rows.len(), m.cols()));
    if m.is_csr() {
        for (k, &i) in rows.iter().enumerate() {
            let (idx, val) = outer(m, i);
            for (&j, &v) in idx.iter().zip(val) {
                out[[k, j.index_unchecked()]] = v.as_f64();
            }
        }
    } else {
        for (&v, (i, j)) in m.iter() {
            let (i, j) = (i.index_unchecked(), j.index_unchecked());
            for (k, _) in rows.iter().enumerate().filter(|(_, &r)| r == i) {
                out[[k, j]] = v.as_f64();
            }
        }
    }
    Ok(out)
}

/// `X V` for CSR `X`: each output row gathers the rows of `V` its non-zeros select.
pub(crate) fn block_product<F, I, Iptr>(m: &CsMatViewI<'_, F, I, Iptr>, v: &Array2<F>) -> Array2<F>
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
{
    use rayon::prelude::*;
    let k = v.ncols();
    let vs = v.as_standard_layout();
    let vs = vs.as_slice().expect("standard layout");
    let mut out = Array2::<F>::zeros((m.rows(), k));
    out.as_slice_mut()
        .expect("fresh array")
        .par_chunks_mut(k.max(1))
        .enumerate()
        .for_each(|(i, o)| {
            let (idx, val) = outer(m, i);
            for (&j, &a) in idx.iter().zip(val) {
                let j = j.index_unchecked();
                axpy(a, &vs[j * k..(j + 1) * k], o);
            }
        });
    out
}

/// Factorises `L + shift I` for a square CSR or CSC affinity (both store the pattern of a
/// symmetric matrix the same way up to transposition).
pub(crate) fn laplacian_solver<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    shift: f64,
) -> Option<Box<dyn crate::BlockSolve<Array2<F>>>>
where
    F: Float,
    I: SpIndex,
    Iptr: SpIndex,
{
    use crate::sparse_factor::{Cholesky, CholeskySolver, Pattern};
    let n = m.rows();
    if m.cols() != n || !(shift > 0.0 && shift.is_finite()) {
        return None;
    }
    // Off-diagonal entries per node (outer index: row for CSR, column for CSC).
    let mut ptr = Vec::with_capacity(n + 1);
    let mut idx = Vec::with_capacity(m.nnz());
    let mut val = Vec::with_capacity(m.nnz());
    ptr.push(0);
    let mut deg = vec![0.0f64; n];
    for (v, d) in deg.iter_mut().enumerate() {
        let (ix, vs) = outer(m, v);
        for (&u, &a) in ix.iter().zip(vs) {
            let u = u.index_unchecked();
            if u != v && a != F::zero() {
                idx.push(u);
                val.push(a.as_f64());
                *d += a.as_f64();
            }
        }
        ptr.push(idx.len());
    }
    let s: Vec<f64> = deg
        .iter()
        .map(|&d| if d > 0.0 { 1.0 / d.sqrt() } else { 1.0 })
        .collect();
    for v in 0..n {
        for e in ptr[v]..ptr[v + 1] {
            val[e] *= -s[v] * s[idx[e]];
        }
    }
    let diag = vec![1.0 + shift; n];
    let chol = Cholesky::new(&Pattern { ptr, idx }, &val, &diag).ok()?;
    Some(Box::new(CholeskySolver::<F> {
        chol,
        marker: std::marker::PhantomData,
    }))
}
