//! The clustering operations on dense ndarray matrices: distances by GEMM on
//! cache-sized row blocks (`|c|^2 - 2 x.c`, ndarray's `general_mat_mul`, i.e.
//! matrixmultiply), argmin, exact distance and centre sums fused in the same pass,
//! with thread-local accumulators. Any memory layout works (the GEMM takes strides).

use crate::contract::{check_rows, ArrayError, ClusterOps, KMeansStep, Nearest};
use crate::cpu::centers::{argmin, Prepared};
use crate::cpu::kernels::{fold_rows_with_outputs, rows_per_chunk, PARALLEL_MIN_ELEMENTS};
use crate::cpu::pass::{elem_bytes, split_columns, with_slice};
use crate::cpu::step_acc::StepAcc;
use crate::element::Float;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

/// Rows per GEMM call: the `rows x k` distance block stays in L2 beside the centres.
const GEMM_ROWS: usize = 256;

/// Up to this many points, distances are direct dots rather than a GEMM (whose packing
/// of X would cost more than the few products).
const DIRECT_POINTS: usize = 16;

impl<F, S> ClusterOps<F> for ArrayBase<S, Ix2>
where
    F: Float,
    S: Data<Elem = F> + Sync,
{
    fn row_sq_norms(&self) -> Array1<F> {
        row_sq_norms(self)
    }

    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        rows_to_host(self, rows)
    }

    fn sq_distances(&self, points: ArrayView2<f64>, floor: Option<&Array1<F>>) -> Vec<Array1<F>> {
        sq_distances(self, points, floor)
    }

    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Array1<F>> {
        nearest_center(self, centers)
    }

    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Array1<F>) -> KMeansStep {
        kmeans_step(self, centers, labels)
    }
}

/// `sum_t (x_t - c_t)^2` in f64.
#[inline(always)]
fn exact_sq_dist<F: Float>(row: ArrayView1<F>, c: ArrayView1<f64>) -> f64 {
    match (row.as_slice(), c.as_slice()) {
        (Some(r), Some(c)) => r
            .iter()
            .zip(c)
            .map(|(&x, &ci)| {
                let d = x.as_f64() - ci;
                d * d
            })
            .sum(),
        _ => row
            .iter()
            .zip(c.iter())
            .map(|(&x, &ci)| {
                let d = x.as_f64() - ci;
                d * d
            })
            .sum(),
    }
}

/// `-2 X_b C^T + |c|^2` for the rows `r0..r1` into the first rows of `buf`.
fn gemm_block<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    r0: usize,
    r1: usize,
    neg2_ct: &Array2<F>,
    sq: &Array1<F>,
    buf: &mut Array2<F>,
) {
    let b = r1 - r0;
    let mut out = buf.slice_mut(s![..b, ..]);
    out.assign(&sq.broadcast((b, sq.len())).expect("row of k"));
    general_mat_mul(
        F::one(),
        &x.slice(s![r0..r1, ..]),
        neg2_ct,
        F::one(),
        &mut out,
    );
}

/// The fused assignment pass. Writes labels (and, when `dist` is not empty, the
/// squared distances); accumulates sums when `with_sums`.
fn assign<F: Float, S: Data<Elem = F> + Sync>(
    x: &ArrayBase<S, Ix2>,
    cen: &Prepared<F>,
    labels: &mut [F],
    dist: &mut [F],
    with_sums: bool,
) -> StepAcc {
    let (n, p) = x.dim();
    let k = cen.k();
    let rows = rows_per_chunk(p, elem_bytes::<F>()).max(GEMM_ROWS);
    fold_rows_with_outputs(
        n,
        p * k.max(1),
        rows,
        (labels, 1),
        (dist, 1),
        || (StepAcc::new(k, p, with_sums), Array2::zeros((GEMM_ROWS, k))),
        |(mut acc, mut buf), range, lab, dst| {
            let mut r0 = range.start;
            while r0 < range.end {
                let r1 = (r0 + GEMM_ROWS).min(range.end);
                gemm_block(x, r0, r1, &cen.neg2_ct, &cen.sq, &mut buf);
                let off = range.start;
                finish_block(x, cen, r0, &buf, &mut acc, &mut lab[r0 - off..r1 - off], {
                    if dst.is_empty() {
                        &mut []
                    } else {
                        &mut dst[r0 - off..r1 - off]
                    }
                });
                r0 = r1;
            }
            (acc, buf)
        },
        |(a, buf), (b, _)| (a.merge(b), buf),
    )
    .0
}

/// After the GEMM of the rows from `r0` into `buf` (one row per label in `lab`): per
/// row the argmin, the exact distance, the centre sums, the label (and distance)
/// written. AVX2 where the CPU has it.
fn finish_block<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    cen: &Prepared<F>,
    r0: usize,
    buf: &Array2<F>,
    acc: &mut StepAcc,
    lab: &mut [F],
    dst: &mut [F],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { finish_block_avx2(x, cen, r0, buf, acc, lab, dst) };
    }
    finish_block_portable(x, cen, r0, buf, acc, lab, dst)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn finish_block_avx2<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    cen: &Prepared<F>,
    r0: usize,
    buf: &Array2<F>,
    acc: &mut StepAcc,
    lab: &mut [F],
    dst: &mut [F],
) {
    finish_block_portable(x, cen, r0, buf, acc, lab, dst)
}

#[inline(always)]
fn finish_block_portable<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    cen: &Prepared<F>,
    r0: usize,
    buf: &Array2<F>,
    acc: &mut StepAcc,
    lab: &mut [F],
    dst: &mut [F],
) {
    for i in r0..r0 + lab.len() {
        let j = argmin(
            buf.row(i - r0)
                .to_slice()
                .expect("scratch rows are contiguous"),
        );
        let row = x.row(i);
        let d = exact_sq_dist(row, cen.c64.row(j));
        if let Some(sum) = acc.sum_mut(j) {
            match row.as_slice() {
                Some(r) => {
                    for (s, &v) in sum.iter_mut().zip(r) {
                        *s += v.as_f64();
                    }
                }
                None => {
                    for (s, &v) in sum.iter_mut().zip(row.iter()) {
                        *s += v.as_f64();
                    }
                }
            }
        }
        let li = i - r0;
        acc.record(j, d, &mut lab[li], dst.get_mut(li));
    }
}

pub(crate) fn kmeans_step<F: Float, S: Data<Elem = F> + Sync>(
    x: &ArrayBase<S, Ix2>,
    centers: ArrayView2<f64>,
    labels: &mut Array1<F>,
) -> KMeansStep {
    let cen = Prepared::<F>::new(centers);
    with_slice(labels, |lab| assign(x, &cen, lab, &mut [], true)).into_step()
}

pub(crate) fn nearest_center<F: Float, S: Data<Elem = F> + Sync>(
    x: &ArrayBase<S, Ix2>,
    centers: ArrayView2<f64>,
) -> Nearest<Array1<F>> {
    let n = x.nrows();
    let cen = Prepared::<F>::new(centers);
    let mut labels = vec![F::zero(); n];
    let mut dist = vec![F::zero(); n];
    assign(x, &cen, &mut labels, &mut dist, false);
    Nearest {
        labels: labels.into(),
        sq_dist: dist.into(),
    }
}

/// Squared distances to each point (clamped at 0, floored by `floor`), one pass.
pub(crate) fn sq_distances<F: Float, S: Data<Elem = F> + Sync>(
    x: &ArrayBase<S, Ix2>,
    points: ArrayView2<f64>,
    floor: Option<&Array1<F>>,
) -> Vec<Array1<F>> {
    let (n, p) = x.dim();
    let t = points.nrows();
    if t == 0 {
        return Vec::new();
    }
    let cen = Prepared::<F>::new(points);
    if t <= DIRECT_POINTS {
        return direct_sq_distances(x, points, &cen.sq, floor);
    }
    let mut out = vec![F::zero(); n * t];
    let rows = rows_per_chunk(p, elem_bytes::<F>()).max(GEMM_ROWS);
    let floor = floor.map(|f| f.as_slice().map(|s| s.to_vec()).unwrap_or(f.to_vec()));
    fold_rows_with_outputs(
        n,
        p * t,
        rows,
        (&mut out[..], t),
        (&mut [][..], 0usize),
        || Array2::<F>::zeros((GEMM_ROWS, t)),
        |mut buf, range, o: &mut [F], _: &mut [u8]| {
            let mut r0 = range.start;
            while r0 < range.end {
                let r1 = (r0 + GEMM_ROWS).min(range.end);
                gemm_block(x, r0, r1, &cen.neg2_ct, &cen.sq, &mut buf);
                for i in r0..r1 {
                    let row = x.row(i);
                    let xx = row.dot(&row);
                    let li = i - range.start;
                    let src = buf.row(i - r0);
                    let dst = &mut o[li * t..(li + 1) * t];
                    for (d, &g) in dst.iter_mut().zip(src.iter()) {
                        let mut v = xx + g;
                        if v < F::zero() {
                            v = F::zero();
                        }
                        if let Some(f) = &floor {
                            if f[i] < v {
                                v = f[i];
                            }
                        }
                        *d = v;
                    }
                }
                r0 = r1;
            }
            buf
        },
        |a, _| a,
    );
    split_columns(&out, t)
}

/// Rows per tile of [`direct_sq_distances`]: 16 lanes (two to four vector registers
/// per accumulator) so that one point's accumulators stay in registers.
const TILE_ROWS: usize = 16;

/// Squared distances to `t <= DIRECT_POINTS` points (k-means++ candidates) without a
/// GEMM, whose packing of X would cost more than the few products. Rows go through
/// transposed tiles of [`TILE_ROWS`] rows, so that every product is a vector operation
/// across rows (`d[r] += c_a x[r, a]`) and every result a contiguous run of one output
/// vector.
fn direct_sq_distances<F: Float, S: Data<Elem = F> + Sync>(
    x: &ArrayBase<S, Ix2>,
    points: ArrayView2<f64>,
    sq: &Array1<F>,
    floor: Option<&Array1<F>>,
) -> Vec<Array1<F>> {
    use rayon::prelude::*;
    let (n, p) = x.dim();
    let t = points.nrows();
    let pts: Vec<F> = points.iter().map(|&v| F::of(v)).collect();
    let floor = floor.map(|f| f.as_slice().map(|s| s.to_vec()).unwrap_or(f.to_vec()));
    let rows = rows_per_chunk(p, elem_bytes::<F>()).max(GEMM_ROWS) / TILE_ROWS * TILE_ROWS;
    let mut cols: Vec<Vec<F>> = (0..t).map(|_| vec![F::zero(); n]).collect();
    // Per row range, the matching range of every output vector.
    let mut tasks: Vec<Vec<&mut [F]>> = (0..n.div_ceil(rows)).map(|_| Vec::new()).collect();
    for col in cols.iter_mut() {
        for (c, part) in col.chunks_mut(rows).enumerate() {
            tasks[c].push(part);
        }
    }
    let run = |(c, mut outs): (usize, Vec<&mut [F]>)| {
        direct_range(x, &pts, sq, floor.as_deref(), c * rows, &mut outs)
    };
    if n * p * t < PARALLEL_MIN_ELEMENTS {
        tasks.into_iter().enumerate().for_each(run);
    } else {
        tasks.into_par_iter().enumerate().for_each(run);
    }
    cols.into_iter().map(Array1::from).collect()
}

/// [`direct_sq_distances`] for the rows from `r_start` on, one output slice per point.
/// AVX2 where the CPU has it.
fn direct_range<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    pts: &[F],
    sq: &Array1<F>,
    floor: Option<&[F]>,
    r_start: usize,
    outs: &mut [&mut [F]],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { direct_range_avx2(x, pts, sq, floor, r_start, outs) };
    }
    direct_range_portable(x, pts, sq, floor, r_start, outs)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn direct_range_avx2<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    pts: &[F],
    sq: &Array1<F>,
    floor: Option<&[F]>,
    r_start: usize,
    outs: &mut [&mut [F]],
) {
    direct_range_portable(x, pts, sq, floor, r_start, outs)
}

#[inline(always)]
fn direct_range_portable<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    pts: &[F],
    sq: &Array1<F>,
    floor: Option<&[F]>,
    r_start: usize,
    outs: &mut [&mut [F]],
) {
    let p = x.ncols();
    let mut tile = vec![F::zero(); p * TILE_ROWS];
    let len = outs[0].len();
    for b0 in (0..len).step_by(TILE_ROWS) {
        let nb = TILE_ROWS.min(len - b0);
        let row0 = r_start + b0;
        match x.as_slice() {
            // Standard layout: plain index arithmetic (the iterator's per-element
            // bookkeeping cost as much as the products).
            Some(xs) => {
                for r in 0..nb {
                    let src = &xs[(row0 + r) * p..(row0 + r + 1) * p];
                    for (a, &v) in src.iter().enumerate() {
                        tile[a * TILE_ROWS + r] = v;
                    }
                }
            }
            None => {
                for (r, row) in x
                    .slice(s![row0..row0 + nb, ..])
                    .rows()
                    .into_iter()
                    .enumerate()
                {
                    for (a, &v) in row.iter().enumerate() {
                        tile[a * TILE_ROWS + r] = v;
                    }
                }
            }
        }
        let mut xx = [F::zero(); TILE_ROWS];
        for xa in tile.chunks_exact(TILE_ROWS) {
            for r in 0..TILE_ROWS {
                xx[r] = xx[r] + xa[r] * xa[r];
            }
        }
        for (j, out) in outs.iter_mut().enumerate() {
            let mut d = [F::zero(); TILE_ROWS];
            for (xa, &cj) in tile.chunks_exact(TILE_ROWS).zip(&pts[j * p..(j + 1) * p]) {
                for r in 0..TILE_ROWS {
                    d[r] = d[r] + cj * xa[r];
                }
            }
            for r in 0..nb {
                let mut v = xx[r] + sq[j] - F::of(2.0) * d[r];
                if v < F::zero() {
                    v = F::zero();
                }
                if let Some(f) = floor {
                    let fi = f[r_start + b0 + r];
                    if fi < v {
                        v = fi;
                    }
                }
                out[b0 + r] = v;
            }
        }
    }
}

pub(crate) fn row_sq_norms<F: Float, S: Data<Elem = F> + Sync>(x: &ArrayBase<S, Ix2>) -> Array1<F> {
    let (n, p) = x.dim();
    let mut out = vec![F::zero(); n];
    fold_rows_with_outputs(
        n,
        p,
        rows_per_chunk(p, elem_bytes::<F>()),
        (&mut out[..], 1),
        (&mut [][..], 0usize),
        || (),
        |(), range, o: &mut [F], _: &mut [u8]| {
            for (d, i) in o.iter_mut().zip(range) {
                let row = x.row(i);
                *d = match row.as_slice() {
                    Some(r) => crate::cpu::kernels::dot(r, r),
                    None => row.dot(&row),
                };
            }
        },
        |(), ()| (),
    );
    out.into()
}

pub(crate) fn rows_to_host<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    rows: &[usize],
) -> Result<Array2<f64>, ArrayError> {
    check_rows(x.nrows(), rows)?;
    let mut out = Array2::zeros((rows.len(), x.ncols()));
    for (mut o, &i) in out.rows_mut().into_iter().zip(rows) {
        o.zip_mut_with(&x.row(i), |a, &b| *a = b.as_f64());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmin_finds_the_first_minimum_for_every_length() {
        for n in 1..40 {
            let v: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64).collect();
            let want = v
                .iter()
                .enumerate()
                .fold(
                    (0, f64::INFINITY),
                    |(bi, bv), (i, &x)| {
                        if x < bv {
                            (i, x)
                        } else {
                            (bi, bv)
                        }
                    },
                )
                .0;
            assert_eq!(argmin(&v), want, "n = {n}");
        }
    }

    #[test]
    fn direct_distances_match_the_definition_in_any_layout() {
        use ndarray::ShapeBuilder;
        // Rows not a multiple of the tile (a partial last tile), features not a
        // multiple of 8, a floor, standard and column-major layouts, f64 and f32.
        let (n, p, t) = (70_003, 29, 5);
        let x = Array2::from_shape_fn((n, p), |(i, a)| ((i * 13 + a * 7) % 23) as f64 / 7.0);
        let pts = Array2::from_shape_fn((t, p), |(j, a)| ((j * 5 + a * 3) % 11) as f64 / 3.0);
        let floor: Array1<f64> = (0..n).map(|i| (i % 97) as f64).collect();
        let want = |i: usize, j: usize, with_floor: bool| {
            let d: f64 = (0..p).map(|a| (x[[i, a]] - pts[[j, a]]).powi(2)).sum();
            if with_floor {
                d.min(floor[i])
            } else {
                d
            }
        };
        let fortran = {
            let mut f = Array2::<f64>::zeros((n, p).f());
            f.assign(&x);
            f
        };
        for (name, xs) in [("standard", x.view()), ("column-major", fortran.view())] {
            for with_floor in [false, true] {
                let got = sq_distances(&xs, pts.view(), with_floor.then_some(&floor));
                assert_eq!(got.len(), t);
                for (j, col) in got.iter().enumerate() {
                    for i in (0..n).step_by(997).chain(n - 20..n) {
                        let w = want(i, j, with_floor);
                        assert!((col[i] - w).abs() <= 1e-9 * w.max(1.0), "{name} {i} {j}");
                    }
                }
            }
        }
        let x32 = x.mapv(|v| v as f32);
        let got = sq_distances(&x32, pts.view(), None);
        for i in (0..n).step_by(1009) {
            let w = want(i, 3, false);
            assert!((got[3][i] as f64 - w).abs() <= 1e-4 * w.max(1.0), "f32 {i}");
        }
    }
}
