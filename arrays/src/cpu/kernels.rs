//! Small host kernels over contiguous slices, written so the compiler vectorises them.

use crate::element::Float;
use rayon::prelude::*;

/// `sum_i a_i b_i` with eight independent accumulators, so the adds of a 100-wide row
/// do not form one long dependency chain (vectorisable without reassociating a single
/// sum, which the compiler may not do for floats).
#[inline(always)]
pub fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [F::zero(); 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for k in 0..8 {
            acc[k] = acc[k] + x[k] * y[k];
        }
    }
    let mut tail = F::zero();
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        tail = tail + *x * *y;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
}

/// `y += alpha x`.
#[inline(always)]
pub fn axpy<F: Float>(alpha: F, x: &[F], y: &mut [F]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = *yi + alpha * *xi;
    }
}

/// Below this many matrix elements a pass runs on the calling thread: spawning tasks
/// would cost more than the work.
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;

/// Rows per task so that one task's slice of X (about 256 KiB) stays in a core's L2.
pub fn rows_per_chunk(n_cols: usize, elem_bytes: usize) -> usize {
    ((256 * 1024) / (n_cols.max(1) * elem_bytes)).clamp(16, 65_536)
}

/// The fewest tasks rayon may put in one piece of a parallel fold over `n_tasks`.
///
/// rayon's fold makes one accumulator per piece it splits the work into, and the pieces
/// can be many more than the threads; an accumulator can be O(p) (a gradient: 8 MB at
/// 10^6 columns), zeroed and merged once per piece. At most four pieces per thread keep
/// that cost bounded and still balance the load: a CSR pass over 10^6 hashed columns
/// ran 2x faster (0.165 -> 0.080 s for 200,000 rows of 40 stored values; 10^3 columns
/// unchanged at 0.011 s), measured 2026-12-03.
fn min_tasks_per_piece(n_tasks: usize) -> usize {
    n_tasks.div_ceil(4 * rayon::current_num_threads()).max(1)
}

/// Folds `fold(acc, row_range)` over consecutive row ranges of `n_rows` rows and
/// combines the per-task accumulators with `reduce`; in parallel when the matrix is
/// large enough to pay for it.
pub fn fold_row_ranges<T, I, Fo, R>(
    n_rows: usize,
    n_cols: usize,
    elem_bytes: usize,
    init: I,
    fold: Fo,
    reduce: R,
) -> T
where
    T: Send,
    I: Fn() -> T + Sync + Send,
    Fo: Fn(T, std::ops::Range<usize>) -> T + Sync + Send,
    R: Fn(T, T) -> T + Sync + Send,
{
    let chunk = rows_per_chunk(n_cols, elem_bytes);
    let n_chunks = n_rows.div_ceil(chunk);
    let range = |c: usize| c * chunk..((c + 1) * chunk).min(n_rows);
    if n_rows * n_cols < PARALLEL_MIN_ELEMENTS || n_chunks < 2 {
        return (0..n_chunks).fold(init(), |acc, c| fold(acc, range(c)));
    }
    (0..n_chunks)
        .into_par_iter()
        .with_min_len(min_tasks_per_piece(n_chunks))
        .fold(&init, |acc, c| fold(acc, range(c)))
        .reduce(&init, reduce)
}

/// Like [`fold_row_ranges`], but each task also gets its rows' part of one or two
/// per-row outputs: `a` holds `a_stride` values per row, `b` holds `b_stride` values per
/// row or is empty (then every task gets an empty slice). Tasks are `rows_per_task`
/// rows; the pass runs on the calling thread when `n_rows * n_cols` is small.
#[allow(clippy::too_many_arguments)]
pub fn fold_rows_with_outputs<T, A, B, I, Fo, R>(
    n_rows: usize,
    n_cols: usize,
    rows_per_task: usize,
    (a, a_stride): (&mut [A], usize),
    (b, b_stride): (&mut [B], usize),
    init: I,
    fold: Fo,
    reduce: R,
) -> T
where
    T: Send,
    A: Send,
    B: Send,
    I: Fn() -> T + Sync + Send,
    Fo: Fn(T, std::ops::Range<usize>, &mut [A], &mut [B]) -> T + Sync + Send,
    R: Fn(T, T) -> T + Sync + Send,
{
    let chunk = rows_per_task.max(1);
    let range = |c: usize| c * chunk..((c + 1) * chunk).min(n_rows);
    let serial = n_rows * n_cols < PARALLEL_MIN_ELEMENTS || n_rows <= chunk;
    debug_assert_eq!(a.len(), n_rows * a_stride);
    if b.is_empty() {
        let step = chunk * a_stride.max(1);
        if serial {
            return a
                .chunks_mut(step)
                .enumerate()
                .fold(init(), |acc, (c, sa)| fold(acc, range(c), sa, &mut []));
        }
        let pieces = min_tasks_per_piece(n_rows.div_ceil(chunk));
        return a
            .par_chunks_mut(step)
            .enumerate()
            .with_min_len(pieces)
            .fold(&init, |acc, (c, sa)| fold(acc, range(c), sa, &mut []))
            .reduce(&init, reduce);
    }
    debug_assert_eq!(b.len(), n_rows * b_stride);
    let (sa, sb) = (chunk * a_stride.max(1), chunk * b_stride.max(1));
    if serial {
        return a
            .chunks_mut(sa)
            .zip(b.chunks_mut(sb))
            .enumerate()
            .fold(init(), |acc, (c, (pa, pb))| fold(acc, range(c), pa, pb));
    }
    let pieces = min_tasks_per_piece(n_rows.div_ceil(chunk));
    a.par_chunks_mut(sa)
        .zip(b.par_chunks_mut(sb))
        .enumerate()
        .with_min_len(pieces)
        .fold(&init, |acc, (c, (pa, pb))| fold(acc, range(c), pa, pb))
        .reduce(&init, reduce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_naive_sum_for_every_tail_length() {
        for n in 0..20 {
            let a: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
            let b: Vec<f64> = (0..n).map(|i| 2.0 - i as f64).collect();
            let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - naive).abs() < 1e-12, "n = {n}");
        }
    }

    #[test]
    fn fold_row_ranges_visits_every_row_once_in_parallel_and_serial() {
        for (n, p) in [(10usize, 3usize), (200_000, 4)] {
            let total = fold_row_ranges(n, p, 8, || 0usize, |a, r| a + r.len(), |a, b| a + b);
            assert_eq!(total, n);
        }
    }
}
