//! The clustering operations on dense ndarray matrices: distances by GEMM on
//! cache-sized row blocks (`|c|^2 - 2 x.c`, ndarray's `general_mat_mul`, i.e.
//! matrixmultiply), argmin, exact distance and centre sums fused in the same pass,
//! with thread-local accumulators. Any memory layout works (the GEMM takes strides).

use crate::cluster::{check_rows, sq_norms, KMeansStep, Nearest};
use crate::kernels::{fold_rows_with_outputs, rows_per_chunk};
use crate::pass::elem_bytes;
use crate::{ArrayError, Float};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

/// Rows per GEMM call: the `rows x k` distance block stays in L2 beside the centres.
const GEMM_ROWS: usize = 256;

/// Up to this many points, distances are direct dots rather than a GEMM (whose packing
/// of X would cost more than the few products).
const DIRECT_POINTS: usize = 16;

/// Centres prepared for the GEMM: `-2 C^T` (p x k, standard layout) and `|c_j|^2`.
pub(crate) struct Prepared<F> {
    pub(crate) neg2_ct: Array2<F>,
    pub(crate) sq: Array1<F>,
    pub(crate) c64: Array2<f64>,
}

impl<F: Float> Prepared<F> {
    pub(crate) fn new(c: ArrayView2<f64>) -> Self {
        let (k, p) = c.dim();
        Prepared {
            neg2_ct: Array2::from_shape_fn((p, k), |(a, j)| F::of(-2.0 * c[[j, a]])),
            sq: sq_norms(c).into_iter().map(F::of).collect(),
            c64: c.to_owned(),
        }
    }
    fn k(&self) -> usize {
        self.sq.len()
    }
}

/// A task's share of a k-means pass, plus its GEMM scratch block.
struct Acc<F> {
    sums: Vec<f64>,
    counts: Vec<u64>,
    inertia: f64,
    changed: u64,
    buf: Array2<F>,
}

impl<F: Float> Acc<F> {
    fn new(k: usize, p: usize, with_sums: bool) -> Self {
        Acc {
            sums: if with_sums {
                vec![0.0; k * p]
            } else {
                Vec::new()
            },
            counts: vec![0; k],
            inertia: 0.0,
            changed: 0,
            buf: Array2::zeros((GEMM_ROWS, k)),
        }
    }

    fn merge(mut self, o: Self) -> Self {
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
}

/// Index of the first minimum of a non-empty slice, with eight independent lanes so
/// the scan vectorises.
#[inline(always)]
pub(crate) fn argmin<F: Float>(v: &[F]) -> usize {
    let mut lanes = [v[0]; 8];
    let mut chunks = v.chunks_exact(8);
    for c in &mut chunks {
        for l in 0..8 {
            if c[l] < lanes[l] {
                lanes[l] = c[l];
            }
        }
    }
    let mut m = lanes[0];
    for &l in &lanes[1..] {
        if l < m {
            m = l;
        }
    }
    for &r in chunks.remainder() {
        if r < m {
            m = r;
        }
    }
    // NaN rows (never produced from finite data) fall back to centre 0.
    v.iter().position(|&x| x == m).unwrap_or(0)
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
) -> Acc<F> {
    let (n, p) = x.dim();
    let k = cen.k();
    let rows = rows_per_chunk(p, elem_bytes::<F>()).max(GEMM_ROWS);
    fold_rows_with_outputs(
        n,
        p * k.max(1),
        rows,
        (labels, 1),
        (dist, 1),
        || Acc::new(k, p, with_sums),
        |mut acc, range, lab, dst| {
            let mut r0 = range.start;
            while r0 < range.end {
                let r1 = (r0 + GEMM_ROWS).min(range.end);
                gemm_block(x, r0, r1, &cen.neg2_ct, &cen.sq, &mut acc.buf);
                let off = range.start;
                finish_block(x, cen, r0, r1, &mut acc, &mut lab[r0 - off..r1 - off], {
                    if dst.is_empty() {
                        &mut []
                    } else {
                        &mut dst[r0 - off..r1 - off]
                    }
                });
                r0 = r1;
            }
            acc
        },
        Acc::merge,
    )
}

/// After the GEMM of rows `r0..r1`: per row the argmin, the exact distance, the
/// centre sums, the label (and distance) written. AVX2 where the CPU has it.
fn finish_block<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    cen: &Prepared<F>,
    r0: usize,
    r1: usize,
    acc: &mut Acc<F>,
    lab: &mut [F],
    dst: &mut [F],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { finish_block_avx2(x, cen, r0, r1, acc, lab, dst) };
    }
    finish_block_portable(x, cen, r0, r1, acc, lab, dst)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn finish_block_avx2<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    cen: &Prepared<F>,
    r0: usize,
    r1: usize,
    acc: &mut Acc<F>,
    lab: &mut [F],
    dst: &mut [F],
) {
    finish_block_portable(x, cen, r0, r1, acc, lab, dst)
}

#[inline(always)]
fn finish_block_portable<F: Float, S: Data<Elem = F>>(
    x: &ArrayBase<S, Ix2>,
    cen: &Prepared<F>,
    r0: usize,
    r1: usize,
    acc: &mut Acc<F>,
    lab: &mut [F],
    dst: &mut [F],
) {
    let p = x.ncols();
    let with_sums = !acc.sums.is_empty();
    for i in r0..r1 {
        let j = argmin(
            acc.buf
                .row(i - r0)
                .to_slice()
                .expect("scratch rows are contiguous"),
        );
        let row = x.row(i);
        let d = exact_sq_dist(row, cen.c64.row(j));
        acc.inertia += d;
        acc.counts[j] += 1;
        if with_sums {
            let sum = &mut acc.sums[j * p..(j + 1) * p];
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
        let lj = F::of(j as f64);
        if lab[li] != lj {
            acc.changed += 1;
            lab[li] = lj;
        }
        if !dst.is_empty() {
            dst[li] = F::of(d);
        }
    }
}

pub(crate) fn kmeans_step<F: Float, S: Data<Elem = F> + Sync>(
    x: &ArrayBase<S, Ix2>,
    centers: ArrayView2<f64>,
    labels: &mut Array1<F>,
) -> KMeansStep {
    let (k, p) = (centers.nrows(), x.ncols());
    let cen = Prepared::<F>::new(centers);
    let acc = with_slice(labels, |lab| assign(x, &cen, lab, &mut [], true));
    KMeansStep {
        sums: Array2::from_shape_vec((k, p), acc.sums).expect("k x p sums"),
        counts: acc.counts,
        inertia: acc.inertia,
        n_changed: acc.changed,
    }
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
    // The points row-major in the element type, for multi_dot.
    let pts_t: Vec<F> = points.iter().map(|&v| F::of(v)).collect();
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
            if t <= DIRECT_POINTS {
                // A few points (k-means++ candidates): all dots of a row at once, no
                // GEMM packing.
                let mut row_buf = vec![F::zero(); p];
                let mut dots = [F::zero(); DIRECT_POINTS];
                for i in range.clone() {
                    let row = x.row(i);
                    let r: &[F] = match row.as_slice() {
                        Some(r) => r,
                        None => {
                            for (b, &v) in row_buf.iter_mut().zip(row.iter()) {
                                *b = v;
                            }
                            &row_buf
                        }
                    };
                    let xx = multi_dot(r, &pts_t, t, &mut dots);
                    let li = i - range.start;
                    for (j, d) in o[li * t..(li + 1) * t].iter_mut().enumerate() {
                        let mut v = xx + cen.sq[j] - F::of(2.0) * dots[j];
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
                return buf;
            }
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

/// `dots[j] = r . c_j` for the `t <= DIRECT_POINTS` points stored row-major in `pts`,
/// and `r . r` (returned)
/// (`t x p`): the row is read once, in 8-wide chunks, each chunk multiplied into `t`
/// eight-lane accumulators (vectorised over features).
fn multi_dot<F: Float>(r: &[F], pts: &[F], t: usize, dots: &mut [F; DIRECT_POINTS]) -> F {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { multi_dot_avx2(r, pts, t, dots) };
    }
    multi_dot_portable(r, pts, t, dots)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn multi_dot_avx2<F: Float>(
    r: &[F],
    pts: &[F],
    t: usize,
    dots: &mut [F; DIRECT_POINTS],
) -> F {
    multi_dot_portable(r, pts, t, dots)
}

#[inline(always)]
fn multi_dot_portable<F: Float>(r: &[F], pts: &[F], t: usize, dots: &mut [F; DIRECT_POINTS]) -> F {
    let p = r.len();
    let mut acc = [[F::zero(); 8]; DIRECT_POINTS];
    let mut sq = [F::zero(); 8];
    let full = p / 8 * 8;
    for c0 in (0..full).step_by(8) {
        let xs: &[F; 8] = r[c0..c0 + 8].try_into().expect("8 lanes");
        for l in 0..8 {
            sq[l] = sq[l] + xs[l] * xs[l];
        }
        for (j, a) in acc.iter_mut().enumerate().take(t) {
            let cs: &[F; 8] = pts[j * p + c0..j * p + c0 + 8].try_into().expect("8 lanes");
            for l in 0..8 {
                a[l] = a[l] + xs[l] * cs[l];
            }
        }
    }
    for (j, (d, a)) in dots.iter_mut().zip(&acc).enumerate().take(t) {
        let mut s = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
        for c in full..p {
            s = s + r[c] * pts[j * p + c];
        }
        *d = s;
    }
    let mut xx = ((sq[0] + sq[1]) + (sq[2] + sq[3])) + ((sq[4] + sq[5]) + (sq[6] + sq[7]));
    for &v in &r[full..] {
        xx = xx + v * v;
    }
    xx
}

/// Splits a row-major `n x t` buffer into its `t` columns (in parallel).
pub(crate) fn split_columns<F: Float>(out: &[F], t: usize) -> Vec<Array1<F>> {
    use rayon::prelude::*;
    (0..t)
        .into_par_iter()
        .map(|j| out.chunks_exact(t).map(|r| r[j]).collect())
        .collect()
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
                    Some(r) => crate::kernels::dot(r, r),
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

/// `X V` by GEMM on row blocks, in parallel.
pub(crate) fn block_product<F: Float, S: Data<Elem = F> + Sync>(
    x: &ArrayBase<S, Ix2>,
    v: &Array2<F>,
) -> Array2<F> {
    use rayon::prelude::*;
    let (n, m) = (x.nrows(), v.ncols());
    let mut out = Array2::<F>::zeros((n, m));
    let rows = rows_per_chunk(x.ncols(), elem_bytes::<F>()).max(16);
    out.axis_chunks_iter_mut(ndarray::Axis(0), rows)
        .into_par_iter()
        .enumerate()
        .for_each(|(t, mut o)| {
            let r0 = t * rows;
            let part = x.slice(s![r0..r0 + o.nrows(), ..]);
            general_mat_mul(F::one(), &part, v, F::zero(), &mut o);
        });
    out
}

/// Runs `f` on the vector's contiguous storage (copying through a buffer when the
/// vector is a strided one).
pub(crate) fn with_slice<F: Float, T>(v: &mut Array1<F>, f: impl FnOnce(&mut [F]) -> T) -> T {
    if let Some(s) = v.as_slice_mut() {
        return f(s);
    }
    let mut tmp = v.to_vec();
    let out = f(&mut tmp);
    v.assign(&Array1::from(tmp));
    out
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
}
