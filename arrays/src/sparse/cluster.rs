//! The clustering operations on CSR matrices, without densifying X: per row, the dots
//! with every centre by scattering the row's non-zeros against `-2 C^T` (a sparse x
//! dense product), argmin and centre sums fused, thread-local accumulators. CSC takes
//! the contract's defaults (column passes) except for the row norms.
//!
//! The kernels take views (`CsMatViewI`), so the storage type parameters and their
//! bounds stay on the contract's impl below.

use super::storage::{avg_row_len, entry_bytes, outer};
use crate::contract::{
    check_rows, default_kmeans_step, default_nearest_center, default_sq_distances, sq_norms,
    ArrayError, ClusterOps, KMeansStep, Nearest,
};
use crate::cpu::centers::{argmin, Prepared};
use crate::cpu::kernels::{axpy, fold_rows_with_outputs, rows_per_chunk};
use crate::cpu::pass::{split_columns, with_slice};
use crate::cpu::step_acc::StepAcc;
use crate::element::Float;
use ndarray::{Array1, Array2, ArrayView2};
use sprs::{CsMatBase, CsMatViewI, SpIndex};
use std::ops::Deref;

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

// Fused passes over CSR rows; CSC takes the contract's defaults except for the row
// norms and row copies.
impl<F, I, Iptr, PS, IS, DS> ClusterOps<F> for CsMatBase<F, I, PS, IS, DS, Iptr>
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
    PS: Deref<Target = [Iptr]> + Sync,
    IS: Deref<Target = [I]> + Sync,
    DS: Deref<Target = [F]> + Sync,
{
    fn row_sq_norms(&self) -> Array1<F> {
        row_sq_norms(&self.view())
    }

    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        rows_to_host(&self.view(), rows)
    }

    fn sq_distances(&self, points: ArrayView2<f64>, floor: Option<&Array1<F>>) -> Vec<Array1<F>> {
        if !self.is_csr() {
            return default_sq_distances(self, points, floor);
        }
        sq_distances(&self.view(), points, floor)
    }

    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Array1<F>> {
        if !self.is_csr() {
            return default_nearest_center(self, centers);
        }
        nearest_center(&self.view(), centers)
    }

    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Array1<F>) -> KMeansStep {
        if !self.is_csr() {
            return default_kmeans_step(self, centers, labels);
        }
        kmeans_step(&self.view(), centers, labels)
    }
}

fn kmeans_step<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    centers: ArrayView2<f64>,
    labels: &mut Array1<F>,
) -> KMeansStep
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
{
    with_slice(labels, |lab| assign(m, centers, lab, &mut [], true)).into_step()
}

fn nearest_center<F, I, Iptr>(
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

fn sq_distances<F, I, Iptr>(
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
    split_columns(&out, t)
}

/// `|x_i|^2` from the stored entries (either layout: the entries know their row).
fn row_sq_norms<F, I, Iptr>(m: &CsMatViewI<'_, F, I, Iptr>) -> Array1<F>
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

fn rows_to_host<F, I, Iptr>(
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
