//! The CUDA kernels' per-element math (`arrays/cuda/duckml_math.cuh`), compiled for the
//! host by `arrays/build.rs`, behind safe wrappers that take the contract's enums (and
//! so also exercise [`codes`](super::codes)). For tests: `tests/cuda_kernels.rs`
//! compares every function with the Rust reference over grids of values.

use super::codes;
use crate::element::{BinaryOp, ElementCheck, GlmFamily, PairReduction, Reduction, UnaryOp};
use std::os::raw::c_int;

macro_rules! externs {
    ($r:ty, $terms:ident, $mean:ident, $weight:ident, $unary:ident, $red:ident, $pair:ident,
     $bin:ident, $chk:ident, $rsq:ident, $exact:ident, $argmin:ident, $sqp:ident,
     $argmax:ident, $norm:ident) => {
        extern "C" {
            fn $terms(fam: c_int, y: $r, eta: $r, loss: *mut $r, resid: *mut $r);
            fn $mean(fam: c_int, eta: $r) -> $r;
            fn $weight(fam: c_int, eta: $r) -> $r;
            fn $unary(code: c_int, fam: c_int, a: f64, b: f64, v: $r) -> $r;
            fn $red(code: c_int, fam: c_int, c: f64, v: $r) -> f64;
            fn $pair(code: c_int, fam: c_int, a: $r, b: $r) -> f64;
            fn $bin(code: c_int, a: $r, b: $r) -> $r;
            fn $chk(code: c_int, v: $r) -> c_int;
            fn $rsq(x: *const $r, n: i64, p: i64, i: i64) -> $r;
            fn $exact(x: *const $r, n: i64, p: i64, i: i64, c: *const f64, j: i64) -> f64;
            fn $argmin(g: *const $r, ldg: i64, i: i64, k: i64, csq: *const $r) -> i64;
            fn $sqp(xx: $r, gc: $r, has_floor: c_int, floor: $r) -> $r;
            fn $argmax(b: *const $r, n: i64, m: i64, i: i64) -> $r;
            fn $norm(b: *const $r, out: *mut $r, n: i64, m: i64, i: i64);
        }

        impl HostMath for $r {
            fn glm_terms(f: GlmFamily, y: $r, eta: $r) -> ($r, $r) {
                let (mut l, mut r) = (0.0, 0.0);
                unsafe { $terms(codes::family(f), y, eta, &mut l, &mut r) };
                (l, r)
            }
            fn glm_mean(f: GlmFamily, eta: $r) -> $r {
                unsafe { $mean(codes::family(f), eta) }
            }
            fn glm_weight(f: GlmFamily, eta: $r) -> $r {
                unsafe { $weight(codes::family(f), eta) }
            }
            fn unary(op: UnaryOp, v: $r) -> $r {
                let (c, f, a, b) = codes::unary(op);
                unsafe { $unary(c, f, a, b, v) }
            }
            fn reduce_term(op: Reduction, v: $r) -> f64 {
                let (c, f, k) = codes::reduction(op);
                unsafe { $red(c, f, k, v) }
            }
            fn pair_term(op: PairReduction, a: $r, b: $r) -> f64 {
                let (c, f) = codes::pair(op);
                unsafe { $pair(c, f, a, b) }
            }
            fn binary(op: BinaryOp, a: $r, b: $r) -> $r {
                unsafe { $bin(codes::binary(op), a, b) }
            }
            fn check(c: ElementCheck, v: $r) -> bool {
                unsafe { $chk(codes::check(c), v) != 0 }
            }
            fn row_sq_norm(x: &[$r], n: usize, p: usize, i: usize) -> $r {
                assert!(i < n && x.len() >= n * p);
                unsafe { $rsq(x.as_ptr(), n as i64, p as i64, i as i64) }
            }
            fn exact_sq_dist(x: &[$r], n: usize, p: usize, i: usize, c: &[f64], j: usize) -> f64 {
                assert!(i < n && x.len() >= n * p && c.len() >= (j + 1) * p);
                unsafe {
                    $exact(
                        x.as_ptr(),
                        n as i64,
                        p as i64,
                        i as i64,
                        c.as_ptr(),
                        j as i64,
                    )
                }
            }
            fn argmin_row(g: &[$r], ldg: usize, i: usize, csq: &[$r]) -> usize {
                let k = csq.len();
                assert!(k > 0 && i < ldg && g.len() >= ldg * k);
                unsafe {
                    $argmin(g.as_ptr(), ldg as i64, i as i64, k as i64, csq.as_ptr()) as usize
                }
            }
            fn sq_dist_point(xx: $r, gc: $r, floor: Option<$r>) -> $r {
                unsafe { $sqp(xx, gc, c_int::from(floor.is_some()), floor.unwrap_or(0.0)) }
            }
            fn argmax_abs_row(b: &[$r], n: usize, m: usize, i: usize) -> $r {
                assert!(m > 0 && i < n && b.len() >= n * m);
                unsafe { $argmax(b.as_ptr(), n as i64, m as i64, i as i64) }
            }
            fn normalize_row(b: &[$r], out: &mut [$r], n: usize, m: usize, i: usize) {
                assert!(i < n && b.len() >= n * m && out.len() >= n * m);
                unsafe { $norm(b.as_ptr(), out.as_mut_ptr(), n as i64, m as i64, i as i64) }
            }
        }
    };
}

/// The header's functions for one element type (column-major matrices as slices).
pub trait HostMath: Sized {
    /// `glm_terms`: (half deviance, residual).
    fn glm_terms(f: GlmFamily, y: Self, eta: Self) -> (Self, Self);
    /// `glm_mean`.
    fn glm_mean(f: GlmFamily, eta: Self) -> Self;
    /// `glm_weight`.
    fn glm_weight(f: GlmFamily, eta: Self) -> Self;
    /// `unary_apply`.
    fn unary(op: UnaryOp, v: Self) -> Self;
    /// `reduce_term`.
    fn reduce_term(op: Reduction, v: Self) -> f64;
    /// `pair_term`.
    fn pair_term(op: PairReduction, a: Self, b: Self) -> f64;
    /// `binary_apply`.
    fn binary(op: BinaryOp, a: Self, b: Self) -> Self;
    /// `check_holds`.
    fn check(c: ElementCheck, v: Self) -> bool;
    /// `row_sq_norm` of row `i` of a column-major `n x p` matrix.
    fn row_sq_norm(x: &[Self], n: usize, p: usize, i: usize) -> Self;
    /// `exact_sq_dist` of row `i` to row `j` of the row-major centres `c`.
    fn exact_sq_dist(x: &[Self], n: usize, p: usize, i: usize, c: &[f64], j: usize) -> f64;
    /// `argmin_row` of row `i` of the column-major `g` (leading dimension `ldg`).
    fn argmin_row(g: &[Self], ldg: usize, i: usize, csq: &[Self]) -> usize;
    /// `sq_dist_point`.
    fn sq_dist_point(xx: Self, gc: Self, floor: Option<Self>) -> Self;
    /// `argmax_abs_row`.
    fn argmax_abs_row(b: &[Self], n: usize, m: usize, i: usize) -> Self;
    /// `normalize_row`, writing row `i` of `out`.
    fn normalize_row(b: &[Self], out: &mut [Self], n: usize, m: usize, i: usize);
}

externs!(
    f32,
    dm_glm_terms_f32,
    dm_glm_mean_f32,
    dm_glm_weight_f32,
    dm_unary_f32,
    dm_reduce_term_f32,
    dm_pair_term_f32,
    dm_binary_f32,
    dm_check_f32,
    dm_row_sq_norm_f32,
    dm_exact_sq_dist_f32,
    dm_argmin_row_f32,
    dm_sq_dist_point_f32,
    dm_argmax_abs_row_f32,
    dm_normalize_row_f32
);
externs!(
    f64,
    dm_glm_terms_f64,
    dm_glm_mean_f64,
    dm_glm_weight_f64,
    dm_unary_f64,
    dm_reduce_term_f64,
    dm_pair_term_f64,
    dm_binary_f64,
    dm_check_f64,
    dm_row_sq_norm_f64,
    dm_exact_sq_dist_f64,
    dm_argmin_row_f64,
    dm_sq_dist_point_f64,
    dm_argmax_abs_row_f64,
    dm_normalize_row_f64
);

extern "C" {
    fn dm_loss_at_mean_f64(fam: c_int, y: f64, mu: f64) -> f64;
}

/// `glm_loss_at_mean` in double (what the deviance reductions use).
pub fn loss_at_mean(f: GlmFamily, y: f64, mu: f64) -> f64 {
    unsafe { dm_loss_at_mean_f64(codes::family(f), y, mu) }
}
