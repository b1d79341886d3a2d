//! Thick-restart block Lanczos (a block Krylov-Schur method) on the shift-invert
//! operator `T = (L + tau I)^{-1}`, whose largest eigenvalues `1 / (lambda + tau)` are
//! the wanted smallest eigenvalues `lambda` of the Laplacian, well separated once
//! inverted.
//!
//! Why a Krylov method rather than subspace iteration: subspace iteration converges
//! at the rate `lambda_m / lambda_b` per step for every column of the block, so on the
//! coins graph (clustered `lambda`) it needed 15 steps of a 43-column block, about 650
//! solves; a Krylov space reaches the same residual in a few block steps (ARPACK's
//! single-vector Lanczos about 75 solves). A block (rather than a single vector) keeps
//! the triangular solves efficient: each pass over the factor serves every column.
//!
//! Everything n-sized goes through the contract (block solves, Gram matrices, small
//! products); the projected matrix `H = V^T T V`, its eigendecomposition and the
//! couplings are host matrices of the basis size.

use super::laplacian::{orthonormaliser, rayleigh_ritz, Laplacian};
use super::small::sym_eig;
use duckml_arrays::{BlockSolve, ColumnsOf, DataMatrix, Float, MatrixCore, SampleBlock};
use ndarray::{s, Array1, Array2};
use rand::rngs::StdRng;
use rand::Rng;

/// Tuning of [`lanczos`]: columns per block step, basis size that triggers a restart,
/// Ritz vectors kept at a restart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub(crate) block: usize,
    pub(crate) max_basis: usize,
    pub(crate) keep: usize,
}

impl Shape {
    /// The shape for `m` wanted pairs in a space of dimension `n` (after deflation), or
    /// `None` when the space is too small for a Krylov basis (subspace iteration then).
    pub(crate) fn for_problem(m: usize, n: usize) -> Option<Shape> {
        // 8 columns: the triangular solves cost per column about what 43-column blocks
        // do (each row update is one 8-wide vector operation) while a narrow block
        // keeps the Krylov degree high per solve; on the full-resolution coins graph
        // 16 columns needed 192 solves against 136, and cost 30 % more CPU time.
        // 16 guard Ritz vectors kept and 8 block steps between restarts: on that graph
        // as good as any nearby choice (8-32 kept, 6-10 steps), within 5 %.
        let block = 8;
        let keep = m + 16;
        let max_basis = keep + 8 * block;
        (max_basis + block <= n / 2).then_some(Shape {
            block,
            max_basis,
            keep,
        })
    }
}

/// Block steps without the worst residual halving after which [`lanczos`] gives up.
const STALL_STEPS: usize = 32;

/// The outcome of [`lanczos`]: the wanted Ritz pairs of `L` (ascending), after a final
/// Rayleigh-Ritz step with `L`.
pub(crate) struct KrylovPairs<C> {
    pub(crate) vectors: C,
    /// Ascending eigenvalues of `L` (Rayleigh quotients).
    pub(crate) values: Vec<f64>,
    /// `|L x - lambda x|` per pair.
    pub(crate) residuals: Vec<f64>,
    /// Block steps (one block solve each).
    pub(crate) steps: usize,
    /// Solves, counted per column.
    pub(crate) solves: usize,
}

/// The orthonormal Krylov basis as a list of blocks, with `H = V^T T V` and the pending
/// block `Q` with its coupling `F` (`T V = V H + Q F`, `Q` orthogonal to `V`).
struct Basis<C> {
    blocks: Vec<C>,
    h: Array2<f64>,
    q: C,
    f: Array2<f64>,
}

impl<C> Basis<C> {
    fn dim(&self) -> usize {
        self.h.nrows()
    }
}

/// `y` minus its components along the orthonormal columns of `v`; returns also `v^T y`.
fn project_out<F: Float, C: SampleBlock<F>>(y: C, v: &C) -> (C, Array2<f64>) {
    let c = v.gram(&y);
    let y = y.add_product(v, (-&c).view());
    (y, c)
}

/// Random columns beside the data.
fn random_block<F: Float, X: DataMatrix<F>>(
    graph: &X,
    cols: usize,
    rng: &mut StdRng,
) -> crate::error::Result<ColumnsOf<F, X>> {
    let n = graph.n_rows();
    let mut v = Vec::with_capacity(cols);
    for _ in 0..cols {
        let c: Array1<F> = (0..n).map(|_| F::of(rng.gen_range(-1.0..1.0))).collect();
        v.push(graph.vector_from_host(c.view())?);
    }
    Ok(<ColumnsOf<F, X>>::from_columns(&v))
}

/// Orthonormalises `w` (already orthogonal to `v0` and the basis) into `b` columns:
/// directions lost to cancellation (an invariant subspace reached) are replaced by
/// random ones, orthogonalised to everything, with zero coupling. Returns `Q` and
/// `R = Q^T w`.
fn orthonormalise<F: Float, X: DataMatrix<F>>(
    graph: &X,
    w: ColumnsOf<F, X>,
    scale2: f64,
    against: &[&ColumnsOf<F, X>],
    b: usize,
    rng: &mut StdRng,
) -> crate::error::Result<(ColumnsOf<F, X>, Array2<f64>)> {
    let mut g = w.gram(&w);
    let mut q: Option<ColumnsOf<F, X>> = None;
    // Two passes: the second repairs the orthogonality lost to an ill-conditioned `w`.
    for pass in 0..2 {
        if g.nrows() == 0 {
            break;
        }
        let (sig, u) = sym_eig(&g);
        // Drop directions whose norm is at rounding level of `|T V|` (absolute, not
        // relative to `w`, which may be all rounding noise).
        let floor = if pass == 0 { scale2 * 1e-26 } else { 0.0 };
        let smax = sig.last().copied().unwrap_or(0.0).max(0.0);
        let keep: Vec<usize> = (0..sig.len())
            .filter(|&i| sig[i] > floor && sig[i] > smax * 1e-14)
            .collect();
        let mut bm = Array2::zeros((g.nrows(), keep.len()));
        for (c, &i) in keep.iter().enumerate() {
            bm.column_mut(c).assign(&(&u.column(i) / sig[i].sqrt()));
        }
        let next = q.as_ref().unwrap_or(&w).mul_small(bm.view());
        g = next.gram(&next);
        q = Some(next);
    }
    let mut q = q.unwrap_or_else(|| w.clone());
    // Refill lost directions with random ones (a few tries: each attempt can itself
    // lose directions only if the whole space is nearly exhausted).
    for _ in 0..4 {
        if q.n_cols() >= b {
            break;
        }
        let mut r = random_block(graph, b - q.n_cols(), rng)?;
        for _ in 0..2 {
            for v in against {
                r = project_out(r, v).0;
            }
            if q.n_cols() > 0 {
                r = project_out(r, &q).0;
            }
        }
        let (bm, _) = orthonormaliser(&r.gram(&r));
        let r = r.mul_small(bm.view());
        q = if q.n_cols() > 0 { q.hcat(&r) } else { r };
    }
    let rr = q.gram(&w);
    Ok((q, rr))
}

/// The `m` largest eigenpairs of `T = (L + tau I)^{-1}` restricted to the complement of
/// `v0` (the exact zero mode, deflated), returned as eigenpairs of `L` whose residual
/// `|L x - lambda x|` is estimated below `tol`, in at most `max_solves` solves.
#[allow(clippy::too_many_arguments)]
pub(crate) fn lanczos<F: Float, X: DataMatrix<F>>(
    op: &Laplacian<'_, F, X>,
    solver: &dyn BlockSolve<ColumnsOf<F, X>>,
    tau: f64,
    m: usize,
    tol: f64,
    max_solves: usize,
    v0: Option<&ColumnsOf<F, X>>,
    start: ColumnsOf<F, X>,
    shape: Shape,
    rng: &mut StdRng,
) -> crate::error::Result<KrylovPairs<ColumnsOf<F, X>>> {
    let graph = op.graph;
    let b = shape.block;
    let deflate = |y: ColumnsOf<F, X>| match v0 {
        Some(v) => project_out(y, v).0,
        None => y,
    };
    // Start block.
    let s0 = deflate(deflate(start));
    let g0 = s0.gram(&s0);
    let scale0 = (0..g0.nrows()).map(|i| g0[[i, i]]).fold(0.0, f64::max);
    let against: Vec<&ColumnsOf<F, X>> = v0.into_iter().collect();
    let (q0, _) = orthonormalise(graph, s0, scale0, &against, b, rng)?;
    let mut basis = Basis {
        blocks: Vec::new(),
        h: Array2::zeros((0, 0)),
        f: Array2::zeros((q0.n_cols(), 0)),
        q: q0,
    };
    let mut steps = 0;
    let mut solves = 0;
    let mut tol_now = tol;
    let mut best_worst = f64::INFINITY;
    let mut last_gain = 0;
    loop {
        // Expansion: append Q to the basis, then the next block from T Q.
        let k = basis.dim();
        // Usually `b`; fewer only when the space ran out of fresh directions.
        let bq = basis.q.n_cols();
        let mut h = Array2::zeros((k + bq, k + bq));
        h.slice_mut(s![..k, ..k]).assign(&basis.h);
        h.slice_mut(s![k.., ..k]).assign(&basis.f);
        h.slice_mut(s![..k, k..]).assign(&basis.f.t());
        let q = basis.q.clone();
        let mut w = deflate(solver.solve(&q));
        solves += bq;
        steps += 1;
        let gw = w.gram(&w);
        let scale2 = (0..bq).map(|i| gw[[i, i]]).fold(0.0, f64::max);
        basis.blocks.push(q);
        // Gram-Schmidt in two passes. The first is local: by the Krylov-Schur relation,
        // `V^T T Q = F^T` for the old basis (exactly, in exact arithmetic) and
        // `Q^T T Q` is one small Gram matrix, so only the blocks that `F` couples
        // (the last block, or the kept Ritz vectors after a restart) are read. The
        // second is a full classical pass against the whole basis, which removes what
        // rounding left; the first having removed the large components, one full pass
        // gives orthogonality to working precision (as CGS2 would, at half its cost).
        let q_ref = basis.blocks.last().expect("just pushed");
        let a = q_ref.gram(&w);
        let mut col = Array2::<f64>::zeros((k + bq, bq));
        col.slice_mut(s![..k, ..]).assign(&basis.f.t());
        col.slice_mut(s![k.., ..]).assign(&a);
        let mut local: Vec<&ColumnsOf<F, X>> = Vec::new();
        let mut local_c: Vec<Array2<f64>> = Vec::new();
        let mut r0 = 0;
        for v in &basis.blocks {
            let c = col.slice(s![r0..r0 + v.n_cols(), ..]);
            if c.iter().any(|&x| x != 0.0) {
                local.push(v);
                local_c.push(c.mapv(|x| -x));
            }
            r0 += v.n_cols();
        }
        if !local.is_empty() {
            let views: Vec<_> = local_c.iter().map(|c| c.view()).collect();
            let lc = ndarray::concatenate(ndarray::Axis(0), &views).expect("same columns");
            w = w.add_products_parts(&local, lc.view());
        }
        let parts: Vec<&ColumnsOf<F, X>> = v0.into_iter().chain(&basis.blocks).collect();
        let off = usize::from(v0.is_some());
        let c = <ColumnsOf<F, X>>::gram_parts(&parts, &w);
        w = w.add_products_parts(&parts, (-&c).view());
        col += &c.slice(s![off.., ..]);
        h.slice_mut(s![.., k..]).assign(&col);
        let against: Vec<&ColumnsOf<F, X>> = basis.blocks.iter().chain(v0).collect();
        let (qn, rn) = orthonormalise(graph, w, scale2, &against, b, rng)?;
        let dim = k + bq;
        let mut f = Array2::zeros((qn.n_cols(), dim));
        f.slice_mut(s![.., k..]).assign(&rn);
        basis.h = h;
        basis.q = qn;
        basis.f = f;

        // Ritz pairs of T, largest first, and their residuals as pairs of L:
        // `(L + tau) x - x / theta = -(L + tau) Q F s / theta`, exactly, from the Gram
        // matrix of `(L + tau) Q` (one graph product of the small block).
        let (theta, s) = sym_eig(&basis.h);
        let order: Vec<usize> = (0..dim).rev().collect();
        let lq = op.apply(&basis.q).axpby(1.0, &basis.q, tau);
        let mq = lq.gram(&lq);
        let want = m.min(dim);
        let res: Vec<f64> = order
            .iter()
            .take(want)
            .map(|&i| {
                let z = basis.f.dot(&s.column(i));
                z.dot(&mq.dot(&z)).max(0.0).sqrt() / theta[i].abs().max(f64::MIN_POSITIVE)
            })
            .collect();
        let worst = res.iter().copied().fold(0.0, f64::max);
        log::debug!(
            "shift-invert lanczos: step {steps}, basis {dim}, solves {solves}, worst residual {worst:.2e}"
        );
        let done = want == m && worst <= tol_now;
        // Stagnation (a tolerance below what the element type can reach, as 1e-7 in
        // f32): stop, unconverged, once the worst residual has not halved in
        // `STALL_STEPS` steps (four restart cycles).
        if worst < 0.5 * best_worst {
            best_worst = worst;
            last_gain = steps;
        }
        let stalled = steps - last_gain > STALL_STEPS;
        if done || stalled || solves >= max_solves || basis.q.n_cols() == 0 {
            let mut sel = Array2::<f64>::zeros((dim, want));
            for (c, &i) in order.iter().take(want).enumerate() {
                sel.column_mut(c).assign(&s.column(i));
            }
            let x = combine(&basis.blocks, &sel);
            // One Rayleigh-Ritz step with L on the Ritz vectors: the eigenvalues as
            // Rayleigh quotients of L and the true residuals, which confirm the
            // estimate (computed from the symmetric part of H).
            let (x, values, res) = rayleigh_ritz(op, &x);
            let true_worst = res.iter().take(want).copied().fold(0.0, f64::max);
            let retry = done
                && true_worst > tol
                && solves < max_solves
                && basis.q.n_cols() > 0
                && tol_now > tol * 1e-3;
            if !retry {
                return Ok(KrylovPairs {
                    vectors: x,
                    values,
                    residuals: res,
                    steps,
                    solves,
                });
            }
            log::debug!(
                "shift-invert lanczos: true residual {true_worst:.2e} above tol, tightening"
            );
            tol_now *= 0.3;
        }
        if dim + b > shape.max_basis {
            // Thick restart: keep the `keep` largest Ritz vectors; the basis becomes them
            // (H diagonal) and Q stays, coupled to all of them through F s.
            let p = shape.keep.min(dim);
            let mut sel = Array2::<f64>::zeros((dim, p));
            let mut vals = Array1::<f64>::zeros(p);
            for (c, &i) in order.iter().take(p).enumerate() {
                sel.column_mut(c).assign(&s.column(i));
                vals[c] = theta[i];
            }
            let x = combine(&basis.blocks, &sel);
            basis.f = basis.f.dot(&sel);
            basis.h = Array2::from_diag(&vals);
            basis.blocks = vec![x];
        }
    }
}

/// `V S` for the basis blocks `V` and a host matrix `S` with a row per basis column.
fn combine<F: Float, C: SampleBlock<F>>(blocks: &[C], sel: &Array2<f64>) -> C {
    let m0 = blocks[0].n_cols();
    let first = blocks[0].mul_small(sel.slice(s![..m0, ..]));
    if blocks.len() == 1 {
        return first;
    }
    let rest: Vec<&C> = blocks[1..].iter().collect();
    first.add_products_parts(&rest, sel.slice(s![m0.., ..]))
}
