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

/// Writes the block kernels for one element type: `$dot(rows, coef)` gives
/// `rows[k] . coef` for four rows with two 256-bit accumulators per row, and
/// `$axpy(res, rows, grad)` does `grad += sum_k res[k] rows[k]` with one load and
/// store of `grad` per register. `$w` is the number of lanes per register.
/// How far ahead of the dot products the rows are prefetched into L1. The hardware
/// prefetcher alone left one core reading X at about 8 GB/s here; asking for the lines
/// 8 KiB ahead (a few rows at p = 100) took it to 12-18 GB/s (noisy, shared machine).
const PREFETCH_BYTES: usize = 8 * 1024;

macro_rules! block_kernels {
    ($t:ty, $w:expr, $dot:ident, $axpy:ident, $vec:ty, $zero:ident, $load:ident,
     $store:ident, $fmadd:ident, $add:ident, $splat:ident, $hsum:ident) => {
        /// `rows[k] . coef` for four rows of `coef.len()` values.
        ///
        /// # Safety
        /// The CPU must have AVX2 and FMA; every row must hold at least `coef.len()`
        /// values.
        #[target_feature(enable = "avx2,fma")]
        pub(crate) unsafe fn $dot(rows: &[&[$t]; 4], coef: &[$t]) -> [$t; 4] {
            let p = coef.len();
            let full = p - p % (2 * $w);
            let c = coef.as_ptr();
            let x: [*const $t; 4] = std::array::from_fn(|k| rows[k][..p].as_ptr());
            let mut lo: [$vec; 4] = [$zero(); 4];
            let mut hi: [$vec; 4] = [$zero(); 4];
            let mut j = 0;
            while j < full {
                let c0 = $load(c.add(j));
                let c1 = $load(c.add(j + $w));
                for k in 0..4 {
                    // A hint only: it never faults, even past the end of X (hence
                    // the wrapping address arithmetic).
                    let ahead = x[k].wrapping_add(j + PREFETCH_BYTES / std::mem::size_of::<$t>());
                    _mm_prefetch::<_MM_HINT_T0>(ahead.cast::<i8>());
                    lo[k] = $fmadd($load(x[k].add(j)), c0, lo[k]);
                    hi[k] = $fmadd($load(x[k].add(j + $w)), c1, hi[k]);
                }
                j += 2 * $w;
            }
            std::array::from_fn(|k| {
                let mut s = $hsum($add(lo[k], hi[k]));
                for jj in full..p {
                    s = rows[k][jj].mul_add(coef[jj], s);
                }
                s
            })
        }

        /// `grad += sum_k res[k] rows[k]` over four rows.
        ///
        /// # Safety
        /// The CPU must have AVX2 and FMA; every row must hold at least `grad.len()`
        /// values.
        #[target_feature(enable = "avx2,fma")]
        pub(crate) unsafe fn $axpy(res: &[$t; 4], rows: &[&[$t]; 4], grad: &mut [$t]) {
            let p = grad.len();
            let full = p - p % $w;
            let x: [*const $t; 4] = std::array::from_fn(|k| rows[k][..p].as_ptr());
            let r: [$vec; 4] = std::array::from_fn(|k| $splat(res[k]));
            let g = grad.as_mut_ptr();
            let mut j = 0;
            while j < full {
                let mut acc = $load(g.add(j));
                for k in 0..4 {
                    acc = $fmadd(r[k], $load(x[k].add(j)), acc);
                }
                $store(g.add(j), acc);
                j += $w;
            }
            for jj in full..p {
                let mut acc = grad[jj];
                for k in 0..4 {
                    acc = res[k].mul_add(rows[k][jj], acc);
                }
                grad[jj] = acc;
            }
        }
    };
}

block_kernels!(
    f64,
    4,
    dot_rows_f64,
    axpy_rows_f64,
    __m256d,
    _mm256_setzero_pd,
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_fmadd_pd,
    _mm256_add_pd,
    _mm256_set1_pd,
    hsum_pd
);
block_kernels!(
    f32,
    8,
    dot_rows_f32,
    axpy_rows_f32,
    __m256,
    _mm256_setzero_ps,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_fmadd_ps,
    _mm256_add_ps,
    _mm256_set1_ps,
    hsum_ps
);
