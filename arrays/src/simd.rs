//! Explicit AVX2 + FMA kernels for the dense GLM pass's four-row blocks.
//!
//! The compiler's auto-vectoriser turned the generic versions of these loops into
//! 128-bit operations (it will not reassociate the dot products' sums on its own, and
//! its SLP cost model picked the narrow width), so the two hot loops are written with
//! 256-bit intrinsics for `f64` and `f32`. Callers check for AVX2 and FMA at run time.
#![cfg(target_arch = "x86_64")]

use std::any::TypeId;
use std::arch::x86_64::*;

/// `s` as a slice of `T` when `F` is `T` (a no-op cast), else `None`.
#[inline(always)]
pub(crate) fn cast_slice<F: 'static, T: 'static>(s: &[F]) -> Option<&[T]> {
    if TypeId::of::<F>() == TypeId::of::<T>() {
        // SAFETY: F and T are the same type.
        Some(unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<T>(), s.len()) })
    } else {
        None
    }
}

/// Mutable twin of [`cast_slice`].
#[inline(always)]
pub(crate) fn cast_slice_mut<F: 'static, T: 'static>(s: &mut [F]) -> Option<&mut [T]> {
    if TypeId::of::<F>() == TypeId::of::<T>() {
        // SAFETY: F and T are the same type.
        Some(unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<T>(), s.len()) })
    } else {
        None
    }
}

/// Sum of a 256-bit vector's four `f64` lanes.
#[inline(always)]
unsafe fn hsum_pd(v: __m256d) -> f64 {
    let pair = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)))
}

/// Sum of a 256-bit vector's eight `f32` lanes.
#[inline(always)]
unsafe fn hsum_ps(v: __m256) -> f32 {
    let q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    let d = _mm_add_ps(q, _mm_movehl_ps(q, q));
    _mm_cvtss_f32(_mm_add_ss(d, _mm_shuffle_ps(d, d, 1)))
}

/// `rows[k] . coef` for four rows of `coef.len()` values, two 256-bit accumulators
/// per row.
///
/// # Safety
/// The CPU must have AVX2 and FMA; every row must hold at least `coef.len()` values.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn dot_rows_f64(rows: &[&[f64]; 4], coef: &[f64]) -> [f64; 4] {
    let p = coef.len();
    let full = p - p % 8;
    let c = coef.as_ptr();
    let x: [*const f64; 4] = std::array::from_fn(|k| rows[k][..p].as_ptr());
    let mut lo = [_mm256_setzero_pd(); 4];
    let mut hi = [_mm256_setzero_pd(); 4];
    let mut j = 0;
    while j < full {
        let c0 = _mm256_loadu_pd(c.add(j));
        let c1 = _mm256_loadu_pd(c.add(j + 4));
        for k in 0..4 {
            lo[k] = _mm256_fmadd_pd(_mm256_loadu_pd(x[k].add(j)), c0, lo[k]);
            hi[k] = _mm256_fmadd_pd(_mm256_loadu_pd(x[k].add(j + 4)), c1, hi[k]);
        }
        j += 8;
    }
    std::array::from_fn(|k| {
        let mut s = hsum_pd(_mm256_add_pd(lo[k], hi[k]));
        for jj in full..p {
            s = rows[k][jj].mul_add(coef[jj], s);
        }
        s
    })
}

/// `grad += sum_k res[k] rows[k]` over four rows.
///
/// # Safety
/// The CPU must have AVX2 and FMA; every row must hold at least `grad.len()` values.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn axpy_rows_f64(res: &[f64; 4], rows: &[&[f64]; 4], grad: &mut [f64]) {
    let p = grad.len();
    let full = p - p % 4;
    let x: [*const f64; 4] = std::array::from_fn(|k| rows[k][..p].as_ptr());
    let r: [__m256d; 4] = std::array::from_fn(|k| _mm256_set1_pd(res[k]));
    let g = grad.as_mut_ptr();
    let mut j = 0;
    while j < full {
        let mut acc = _mm256_loadu_pd(g.add(j));
        for k in 0..4 {
            acc = _mm256_fmadd_pd(r[k], _mm256_loadu_pd(x[k].add(j)), acc);
        }
        _mm256_storeu_pd(g.add(j), acc);
        j += 4;
    }
    for jj in full..p {
        let mut acc = grad[jj];
        for k in 0..4 {
            acc = res[k].mul_add(rows[k][jj], acc);
        }
        grad[jj] = acc;
    }
}

/// `f32` twin of [`dot_rows_f64`], eight lanes per register.
///
/// # Safety
/// As [`dot_rows_f64`].
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn dot_rows_f32(rows: &[&[f32]; 4], coef: &[f32]) -> [f32; 4] {
    let p = coef.len();
    let full = p - p % 16;
    let c = coef.as_ptr();
    let x: [*const f32; 4] = std::array::from_fn(|k| rows[k][..p].as_ptr());
    let mut lo = [_mm256_setzero_ps(); 4];
    let mut hi = [_mm256_setzero_ps(); 4];
    let mut j = 0;
    while j < full {
        let c0 = _mm256_loadu_ps(c.add(j));
        let c1 = _mm256_loadu_ps(c.add(j + 8));
        for k in 0..4 {
            lo[k] = _mm256_fmadd_ps(_mm256_loadu_ps(x[k].add(j)), c0, lo[k]);
            hi[k] = _mm256_fmadd_ps(_mm256_loadu_ps(x[k].add(j + 8)), c1, hi[k]);
        }
        j += 16;
    }
    std::array::from_fn(|k| {
        let mut s = hsum_ps(_mm256_add_ps(lo[k], hi[k]));
        for jj in full..p {
            s = rows[k][jj].mul_add(coef[jj], s);
        }
        s
    })
}

/// `f32` twin of [`axpy_rows_f64`].
///
/// # Safety
/// As [`axpy_rows_f64`].
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn axpy_rows_f32(res: &[f32; 4], rows: &[&[f32]; 4], grad: &mut [f32]) {
    let p = grad.len();
    let full = p - p % 8;
    let x: [*const f32; 4] = std::array::from_fn(|k| rows[k][..p].as_ptr());
    let r: [__m256; 4] = std::array::from_fn(|k| _mm256_set1_ps(res[k]));
    let g = grad.as_mut_ptr();
    let mut j = 0;
    while j < full {
        let mut acc = _mm256_loadu_ps(g.add(j));
        for k in 0..4 {
            acc = _mm256_fmadd_ps(r[k], _mm256_loadu_ps(x[k].add(j)), acc);
        }
        _mm256_storeu_ps(g.add(j), acc);
        j += 8;
    }
    for jj in full..p {
        let mut acc = grad[jj];
        for k in 0..4 {
            acc = res[k].mul_add(rows[k][jj], acc);
        }
        grad[jj] = acc;
    }
}
