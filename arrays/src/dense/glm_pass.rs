//! The dense fused GLM pass over a range of rows: `eta = X b + b0`, the half deviance
//! and its residual, and `X^T r`, reading each row once.
//!
//! Contiguous rows go four at a time: the four dot products share each load of the
//! coefficients, the four rows' transcendental work is independent (so the CPU
//! overlaps it instead of waiting on one long dependency chain per row), and the
//! gradient is loaded and stored once per four rows instead of once per row. With AVX2
//! and FMA (chosen at run time) the two block loops are 256-bit FMA intrinsics that
//! also prefetch the rows ahead (`cpu/simd.rs`); elsewhere they are generic loops.

use crate::contract::{GlmLossGrad, Linear};
use crate::cpu::kernels::{axpy, dot};
use crate::cpu::pass::{coef_as, elem_bytes, fused_glm_pass, GlmAcc};
use crate::element::{Float, GlmFamily};
use ndarray::{s, Array1, ArrayView1, ArrayView2};

/// Rows per block of the contiguous path.
const ROWS: usize = 4;
/// Independent accumulators per row in the blocked dot products.
const LANES: usize = 8;

/// How a block's multiply-adds are computed: with AVX2 + FMA intrinsics (one rounding,
/// 256-bit registers) where the CPU has them, by plain generic loops otherwise (a
/// software `fma` call would be far slower than a separate multiply and add).
trait BlockKernels {
    fn mul_add<F: Float>(a: F, b: F, c: F) -> F;

    /// `rows[k] . coef` for each of the block's rows.
    fn dot_rows<F: Float>(rows: &[&[F]; ROWS], coef: &[F]) -> [F; ROWS] {
        generic_dot_rows::<F, Self>(rows, coef)
    }

    /// `grad += sum_k res[k] rows[k]`.
    fn axpy_rows<F: Float>(res: &[F; ROWS], rows: &[&[F]; ROWS], grad: &mut [F]) {
        generic_axpy_rows::<F, Self>(res, rows, grad)
    }
}

/// AVX2 + FMA; only used from functions compiled with those features.
#[cfg(target_arch = "x86_64")]
struct Avx2Fma;
struct Portable;

#[cfg(target_arch = "x86_64")]
impl BlockKernels for Avx2Fma {
    #[inline(always)]
    fn mul_add<F: Float>(a: F, b: F, c: F) -> F {
        a.mul_add(b, c)
    }

    #[inline(always)]
    fn dot_rows<F: Float>(rows: &[&[F]; ROWS], coef: &[F]) -> [F; ROWS] {
        use crate::cpu::simd::{cast_slice, dot_rows_f32, dot_rows_f64};
        if let Some(c) = cast_slice::<F, f64>(coef) {
            let r = rows.map(|r| cast_slice::<F, f64>(r).unwrap_or_default());
            // SAFETY: only reached from `glm_rows_avx2`, after the feature check.
            return unsafe { dot_rows_f64(&r, c) }.map(F::of);
        }
        if let Some(c) = cast_slice::<F, f32>(coef) {
            let r = rows.map(|r| cast_slice::<F, f32>(r).unwrap_or_default());
            // SAFETY: as above.
            return unsafe { dot_rows_f32(&r, c) }.map(|v| F::of(f64::from(v)));
        }
        generic_dot_rows::<F, Self>(rows, coef)
    }

    #[inline(always)]
    fn axpy_rows<F: Float>(res: &[F; ROWS], rows: &[&[F]; ROWS], grad: &mut [F]) {
        use crate::cpu::simd::{axpy_rows_f32, axpy_rows_f64, cast_slice, cast_slice_mut};
        if let Some(g) = cast_slice_mut::<F, f64>(grad) {
            let r = rows.map(|r| cast_slice::<F, f64>(r).unwrap_or_default());
            // SAFETY: as in `dot_rows`.
            unsafe { axpy_rows_f64(&res.map(|v| v.as_f64()), &r, g) };
            return;
        }
        if let Some(g) = cast_slice_mut::<F, f32>(grad) {
            let r = rows.map(|r| cast_slice::<F, f32>(r).unwrap_or_default());
            // SAFETY: as in `dot_rows`; the residuals are f32 values already.
            unsafe { axpy_rows_f32(&res.map(|v| v.as_f64() as f32), &r, g) };
            return;
        }
        generic_axpy_rows::<F, Self>(res, rows, grad)
    }
}

impl BlockKernels for Portable {
    #[inline(always)]
    fn mul_add<F: Float>(a: F, b: F, c: F) -> F {
        a * b + c
    }
}

/// The fused pass over all rows of `x`, in parallel over cache-sized row ranges; the
/// gradient parts stay zero without `GRAD`.
pub(crate) fn dense_glm_pass<F: Float, const GRAD: bool>(
    x: ArrayView2<F>,
    family: GlmFamily,
    y: &Array1<F>,
    lin: Linear<'_>,
) -> GlmLossGrad {
    let (n, p) = x.dim();
    let coef = coef_as::<F>(&lin);
    let b0 = F::of(lin.intercept);
    fused_glm_pass(n, p, p, elem_bytes::<F>(), |range, acc| {
        let rows = x.slice(s![range.clone(), ..]);
        glm_rows::<F, GRAD>(family, rows, y.slice(s![range]), &coef, b0, acc);
    })
}

/// Adds the rows' loss, and with `GRAD` their intercept gradient and gradient, to
/// `acc`; compiled with AVX2 and FMA when the CPU has them (the portable build only
/// assumes SSE2).
fn glm_rows<F: Float, const GRAD: bool>(
    family: GlmFamily,
    rows: ArrayView2<F>,
    y: ArrayView1<F>,
    coef: &[F],
    b0: F,
    acc: &mut GlmAcc<F>,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports the features the function is compiled for.
            unsafe { glm_rows_avx2::<F, GRAD>(family, rows, y, coef, b0, acc) };
            return;
        }
    }
    glm_rows_body::<F, Portable, GRAD>(family, rows, y, coef, b0, acc);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn glm_rows_avx2<F: Float, const GRAD: bool>(
    family: GlmFamily,
    rows: ArrayView2<F>,
    y: ArrayView1<F>,
    coef: &[F],
    b0: F,
    acc: &mut GlmAcc<F>,
) {
    glm_rows_body::<F, Avx2Fma, GRAD>(family, rows, y, coef, b0, acc);
}

#[inline(always)]
fn glm_rows_body<F: Float, M: BlockKernels, const GRAD: bool>(
    family: GlmFamily,
    rows: ArrayView2<F>,
    y: ArrayView1<F>,
    coef: &[F],
    b0: F,
    acc: &mut GlmAcc<F>,
) {
    if let (Some(x), Some(y)) = (rows.as_slice(), y.as_slice()) {
        contiguous_rows::<F, M, GRAD>(family, x, y, coef, b0, acc);
        return;
    }
    // Any other layout: one row at a time through ndarray's iterators.
    for (row, &yi) in rows.rows().into_iter().zip(y.iter()) {
        let eta = b0
            + row
                .iter()
                .zip(coef)
                .fold(F::zero(), |a, (&x, &c)| a + x * c);
        let t = family.terms(yi, eta);
        acc.loss += t.loss.as_f64();
        if GRAD {
            acc.grad_intercept += t.residual.as_f64();
            for (g, &x) in acc.grad.iter_mut().zip(row.iter()) {
                *g = *g + t.residual * x;
            }
        }
    }
}

/// Row-major rows of `coef.len()` values each, packed in `x`.
#[inline(always)]
fn contiguous_rows<F: Float, M: BlockKernels, const GRAD: bool>(
    family: GlmFamily,
    x: &[F],
    y: &[F],
    coef: &[F],
    b0: F,
    acc: &mut GlmAcc<F>,
) {
    let p = coef.len();
    if p == 0 {
        // No columns: every eta is the intercept.
        for &yi in y {
            let t = family.terms(yi, b0);
            acc.loss += t.loss.as_f64();
            acc.grad_intercept += t.residual.as_f64();
        }
        return;
    }
    let grad = &mut acc.grad[..p];
    let blocks = x.chunks_exact(ROWS * p);
    let tail_x = blocks.remainder();
    let tail_y = &y[y.len() - tail_x.len() / p..];
    for (block, yb) in blocks.zip(y.chunks_exact(ROWS)) {
        let r: [&[F]; ROWS] = std::array::from_fn(|k| &block[k * p..(k + 1) * p]);
        let eta = M::dot_rows(&r, coef);
        let mut res = [F::zero(); ROWS];
        for k in 0..ROWS {
            let t = family.terms(yb[k], b0 + eta[k]);
            acc.loss += t.loss.as_f64();
            acc.grad_intercept += t.residual.as_f64();
            res[k] = t.residual;
        }
        if GRAD {
            M::axpy_rows(&res, &r, grad);
        }
    }
    for (row, &yi) in tail_x.chunks_exact(p).zip(tail_y) {
        let t = family.terms(yi, b0 + dot(row, coef));
        acc.loss += t.loss.as_f64();
        if GRAD {
            acc.grad_intercept += t.residual.as_f64();
            axpy(t.residual, row, grad);
        }
    }
}

/// `rows[k] . coef` for each of the block's rows, with `LANES` accumulators per row.
#[inline(always)]
fn generic_dot_rows<F: Float, M: BlockKernels + ?Sized>(
    rows: &[&[F]; ROWS],
    coef: &[F],
) -> [F; ROWS] {
    let p = coef.len();
    let full = p - p % LANES;
    let mut acc = [[F::zero(); LANES]; ROWS];
    let mut j = 0;
    while j < full {
        let c = &coef[j..j + LANES];
        for k in 0..ROWS {
            let x = &rows[k][j..j + LANES];
            for l in 0..LANES {
                acc[k][l] = M::mul_add(x[l], c[l], acc[k][l]);
            }
        }
        j += LANES;
    }
    std::array::from_fn(|k| {
        let a = &acc[k];
        let mut tail = F::zero();
        for jj in full..p {
            tail = M::mul_add(rows[k][jj], coef[jj], tail);
        }
        ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])) + tail
    })
}

/// `grad += sum_k res[k] rows[k]`, one load and store of `grad` per block.
#[inline(always)]
fn generic_axpy_rows<F: Float, M: BlockKernels + ?Sized>(
    res: &[F; ROWS],
    rows: &[&[F]; ROWS],
    grad: &mut [F],
) {
    let p = grad.len();
    let (x0, x1, x2, x3) = (&rows[0][..p], &rows[1][..p], &rows[2][..p], &rows[3][..p]);
    for j in 0..p {
        let mut g = grad[j];
        g = M::mul_add(res[0], x0[j], g);
        g = M::mul_add(res[1], x1[j], g);
        g = M::mul_add(res[2], x2[j], g);
        g = M::mul_add(res[3], x3[j], g);
        grad[j] = g;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// The blocked pass against a plain row-by-row sum, for row counts that leave
    /// every remainder of the four-row blocks and column counts around the lanes.
    #[test]
    fn blocked_pass_matches_the_row_by_row_sum() {
        for &(n, p) in &[(1usize, 1usize), (5, 3), (7, 8), (9, 17), (12, 100), (3, 0)] {
            let x =
                Array2::from_shape_fn((n, p), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 0.1 - 0.5);
            let y = Array1::from_shape_fn(n, |i| (i % 2) as f64);
            let coef: Vec<f64> = (0..p).map(|j| 0.05 * j as f64 - 0.2).collect();
            let b0 = 0.3;
            for family in [
                GlmFamily::Gaussian,
                GlmFamily::Bernoulli,
                GlmFamily::Poisson,
            ] {
                let mut acc = GlmAcc::new(p);
                glm_rows::<_, true>(family, x.view(), y.view(), &coef, b0, &mut acc);
                let mut loss_only = GlmAcc::new(p);
                glm_rows::<_, false>(family, x.view(), y.view(), &coef, b0, &mut loss_only);
                let mut want = GlmAcc::<f64>::new(p);
                for (row, &yi) in x.rows().into_iter().zip(&y) {
                    let eta = b0 + row.iter().zip(&coef).map(|(a, b)| a * b).sum::<f64>();
                    let t = family.terms(yi, eta);
                    want.loss += t.loss;
                    want.grad_intercept += t.residual;
                    for (g, &v) in want.grad.iter_mut().zip(row.iter()) {
                        *g += t.residual * v;
                    }
                }
                assert!((acc.loss - want.loss).abs() < 1e-12, "{family:?} {n}x{p}");
                assert_eq!(loss_only.loss, acc.loss);
                assert!(loss_only.grad.iter().all(|&g| g == 0.0));
                assert!((acc.grad_intercept - want.grad_intercept).abs() < 1e-12);
                for (a, b) in acc.grad.iter().zip(&want.grad) {
                    assert!((a - b).abs() < 1e-12, "{family:?} {n}x{p}");
                }
                // The portable kernels too (the CPU running the tests may take AVX2).
                let mut portable = GlmAcc::new(p);
                glm_rows_body::<f64, Portable, true>(
                    family,
                    x.view(),
                    y.view(),
                    &coef,
                    b0,
                    &mut portable,
                );
                assert!((portable.loss - want.loss).abs() < 1e-12);
                for (a, b) in portable.grad.iter().zip(&want.grad) {
                    assert!((a - b).abs() < 1e-12, "portable {family:?} {n}x{p}");
                }
                // The same rows through a non-contiguous (column-major) view.
                let xt = x.t().to_owned();
                let mut acc_f = GlmAcc::new(p);
                glm_rows::<_, true>(family, xt.t(), y.view(), &coef, b0, &mut acc_f);
                assert!((acc_f.loss - want.loss).abs() < 1e-12);
            }
        }
    }
}
