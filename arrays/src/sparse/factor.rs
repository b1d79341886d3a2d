//! Sparse Cholesky factorisation of a shifted normalised graph Laplacian, for the CSR
//! backend's [`GraphOps::laplacian_solver`](crate::GraphOps::laplacian_solver):
//! a nested-dissection ordering from level structures (George 1973), the elimination
//! tree, an up-looking numeric factorisation (as CSparse's `cs_chol`) and block
//! triangular solves, all on the CPU that holds the graph.

use crate::contract::BlockSolve;
use crate::element::Float;
use ndarray::Array2;
use rayon::prelude::*;
use std::marker::PhantomData;

const NONE: usize = usize::MAX;

/// Subgraphs of at most this many nodes are not dissected further.
const LEAF: usize = 48;

/// A symmetric sparsity pattern in adjacency-list form (no diagonal).
pub(crate) struct Pattern {
    pub(crate) ptr: Vec<usize>,
    pub(crate) idx: Vec<usize>,
}

struct Nd<'a> {
    g: &'a Pattern,
    tag: Vec<usize>,
    level: Vec<usize>,
    next_tag: usize,
    order: Vec<usize>,
    /// Sizes of the two parts of the first (whole-graph) dissection, when there was one.
    top: Option<(usize, usize)>,
}

impl Nd<'_> {
    /// BFS from `root` inside the nodes tagged `tag`; returns the nodes by level.
    fn levels(&mut self, root: usize, tag: usize) -> Vec<Vec<usize>> {
        let seen = self.next_tag;
        self.next_tag += 1;
        let mut levels = vec![vec![root]];
        self.level[root] = seen;
        loop {
            let mut next = Vec::new();
            for &v in levels.last().expect("a level") {
                for &u in &self.g.idx[self.g.ptr[v]..self.g.ptr[v + 1]] {
                    if self.tag[u] == tag && self.level[u] != seen {
                        self.level[u] = seen;
                        next.push(u);
                    }
                }
            }
            if next.is_empty() {
                return levels;
            }
            levels.push(next);
        }
    }

    /// Orders `nodes` (all tagged `tag`): parts first, separators last.
    fn dissect(&mut self, nodes: Vec<usize>, tag: usize) {
        if nodes.len() <= LEAF {
            self.order.extend(nodes);
            return;
        }
        // A pseudo-peripheral node: the end of a BFS from the end of a BFS.
        let mut root = nodes[0];
        let mut lv = self.levels(root, tag);
        for _ in 0..2 {
            let far = *lv.last().and_then(|l| l.first()).expect("non-empty");
            let lv2 = self.levels(far, tag);
            if lv2.len() <= lv.len() {
                break;
            }
            root = far;
            lv = lv2;
        }
        let _ = root;
        let reached: usize = lv.iter().map(|l| l.len()).sum();
        if reached < nodes.len() {
            // Disconnected: split off this component and order the rest separately.
            let comp: Vec<usize> = lv.into_iter().flatten().collect();
            let ctag = self.fresh_tag(&comp);
            let rest: Vec<usize> = nodes.into_iter().filter(|&v| self.tag[v] == tag).collect();
            self.dissect(comp, ctag);
            self.dissect(rest, tag);
            return;
        }
        if lv.len() < 3 {
            self.order.extend(nodes);
            return;
        }
        // The middle level (by node count) separates the levels before and after it.
        let half = nodes.len() / 2;
        let mut count = 0;
        let mut mid = 1;
        for (i, l) in lv.iter().enumerate() {
            count += l.len();
            if count >= half {
                mid = i.clamp(1, lv.len() - 2);
                break;
            }
        }
        let sep = lv[mid].clone();
        let a: Vec<usize> = lv[..mid].iter().flatten().copied().collect();
        let b: Vec<usize> = lv[mid + 1..].iter().flatten().copied().collect();
        let ta = self.fresh_tag(&a);
        let tb = self.fresh_tag(&b);
        let ts = self.fresh_tag(&sep);
        let _ = ts;
        let whole = self.order.is_empty() && nodes.len() == self.g.ptr.len() - 1;
        let (na, nb) = (a.len(), b.len());
        self.dissect(a, ta);
        self.dissect(b, tb);
        if whole {
            self.top = Some((na, nb));
        }
        self.order.extend(sep);
    }

    fn fresh_tag(&mut self, nodes: &[usize]) -> usize {
        let t = self.next_tag;
        self.next_tag += 1;
        for &v in nodes {
            self.tag[v] = t;
        }
        t
    }
}

/// A nested-dissection ordering: `order[k]` is the node eliminated k-th; and when the
/// whole graph was split by a separator, the sizes `(na, nb)` of the two parts, which
/// come first in the order and have no edge between them.
pub(crate) fn nested_dissection(g: &Pattern) -> (Vec<usize>, Option<(usize, usize)>) {
    let n = g.ptr.len() - 1;
    let mut nd = Nd {
        g,
        tag: vec![0; n],
        level: vec![NONE; n],
        next_tag: 1,
        order: Vec::with_capacity(n),
        top: None,
    };
    nd.dissect((0..n).collect(), 0);
    (nd.order, nd.top)
}

/// Work arrays of one thread of the up-looking factorisation.
struct RowWork {
    x: Vec<f64>,
    flag: Vec<usize>,
    stack: Vec<usize>,
    path: Vec<usize>,
}

impl RowWork {
    fn new(n: usize) -> Self {
        RowWork {
            x: vec![0.0; n],
            flag: vec![NONE; n],
            stack: Vec::new(),
            path: Vec::new(),
        }
    }

    /// Row `k` of `L` into the columns (`cols[i - base]` holds column `i`): a sparse
    /// triangular solve whose pattern is the reach of the row's entries in the
    /// elimination tree. Returns the pivot `d` (must be positive).
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        k: usize,
        entries: impl Iterator<Item = (usize, f64)>,
        diag: f64,
        parent: &[usize],
        cols: &mut [Vec<(usize, f64)>],
        base: usize,
    ) -> f64 {
        let RowWork {
            x,
            flag,
            stack,
            path,
        } = self;
        stack.clear();
        flag[k] = k;
        for (i, a) in entries {
            x[i] += a;
            let mut j = i;
            path.clear();
            while flag[j] != k {
                path.push(j);
                flag[j] = k;
                j = parent[j];
            }
            stack.extend(path.iter().rev());
        }
        let mut d = diag;
        // `stack` holds paths, each deepest-last; read from the end, every node comes
        // after its descendants in the pattern.
        while let Some(i) = stack.pop() {
            let col = &mut cols[i - base];
            let lki = x[i] / col[0].1;
            x[i] = 0.0;
            for &(r, l) in &col[1..] {
                x[r] -= l * lki;
            }
            d -= lki * lki;
            col.push((k, lki));
        }
        d
    }
}

/// `L L^T = P (M) P^T` for a symmetric positive definite `M`, `L` stored by columns with
/// the diagonal first.
pub(crate) struct Cholesky {
    n: usize,
    /// `perm[k]`: the original index of the k-th eliminated node.
    perm: Vec<usize>,
    colptr: Vec<usize>,
    /// Row indices as `u32`: the solves are bound by reading the factor, and 4-byte
    /// indices cut that traffic by a quarter (graphs here have far fewer than 2^32 nodes).
    rowidx: Vec<u32>,
    vals: Vec<f64>,
    /// Sizes of the two parts of the top dissection when large enough to solve the
    /// parts in parallel (their columns touch only their own rows and the separator's).
    split: Option<(usize, usize)>,
}

impl Cholesky {
    /// Factorises `M = diag + offdiag` (off-diagonal entries by node, both triangles).
    /// Errors when `M` is not numerically positive definite.
    pub(crate) fn new(
        g: &Pattern,
        offdiag: &[f64],
        diag: &[f64],
    ) -> Result<Self, crate::contract::ArrayError> {
        let n = diag.len();
        let (perm, top) = nested_dissection(g);
        let mut inv = vec![0; n];
        for (k, &v) in perm.iter().enumerate() {
            inv[v] = k;
        }
        // Upper triangle of the permuted matrix by column: entries (i, k), i < k.
        let (perm_r, inv_r) = (&perm, &inv);
        let upper = move |k: usize| {
            let (perm, inv) = (perm_r, inv_r);
            let v = perm[k];
            (g.ptr[v]..g.ptr[v + 1])
                .map(move |e| (inv[g.idx[e]], offdiag[e]))
                .filter(move |&(i, _)| i < k)
        };
        // Elimination tree.
        let mut parent = vec![NONE; n];
        let mut ancestor = vec![NONE; n];
        for k in 0..n {
            for (mut i, _) in upper(k) {
                while i != NONE && i < k {
                    let next = ancestor[i];
                    ancestor[i] = k;
                    if next == NONE {
                        parent[i] = k;
                    }
                    i = next;
                }
            }
        }
        // Up-looking factorisation, row by row. The two parts of the top dissection
        // never touch each other's columns: they are factorised in parallel, then the
        // separator's rows.
        let mut cols: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        let pivot_err = |k: usize, d: f64| {
            crate::contract::ArrayError::Invalid(format!(
                "the shifted Laplacian is not positive definite at pivot {k} ({d:e})"
            ))
        };
        let run = |rows: std::ops::Range<usize>,
                   cols: &mut [Vec<(usize, f64)>],
                   base: usize|
         -> Result<(), crate::contract::ArrayError> {
            let mut w = RowWork::new(n);
            for k in rows {
                let d = w.row(k, upper(k), diag[perm[k]], &parent, cols, base);
                if !(d > 0.0 && d.is_finite()) {
                    return Err(pivot_err(k, d));
                }
                cols[k - base].push((k, d.sqrt()));
            }
            Ok(())
        };
        if n >= u32::MAX as usize {
            return Err(crate::contract::ArrayError::Invalid(format!(
                "graphs of {n} nodes are too large for the sparse factorisation"
            )));
        }
        let split = top.filter(|&(a, b)| a.min(b) > 2000);
        let mut first = 0;
        if let Some((na, nb)) = split {
            let (ca, rest) = cols.split_at_mut(na);
            let cb = &mut rest[..nb];
            let (ra, rb) = rayon::join(|| run(0..na, ca, 0), || run(na..na + nb, cb, na));
            ra?;
            rb?;
            first = na + nb;
        }
        run(first..n, &mut cols, 0)?;
        let mut colptr = Vec::with_capacity(n + 1);
        let nnz: usize = cols.iter().map(|c| c.len()).sum();
        let (mut rowidx, mut vals) = (Vec::with_capacity(nnz), Vec::with_capacity(nnz));
        colptr.push(0);
        for c in cols {
            for (r, v) in c {
                rowidx.push(r as u32);
                vals.push(v);
            }
            colptr.push(rowidx.len());
        }
        Ok(Cholesky {
            n,
            perm,
            colptr,
            rowidx,
            vals,
            split,
        })
    }

    /// Stored entries of `L`.
    #[cfg(test)]
    pub(crate) fn nnz_l(&self) -> usize {
        self.vals.len()
    }

    /// Solves `M X = B` for `m` right-hand sides stored row-major in `b` (n x m),
    /// in place.
    #[cfg(test)]
    pub(crate) fn solve_rows(&self, b: &mut [f64], m: usize) {
        let n = self.n;
        let mut y = vec![0.0; n * m];
        for (k, &v) in self.perm.iter().enumerate() {
            y[k * m..(k + 1) * m].copy_from_slice(&b[v * m..(v + 1) * m]);
        }
        self.solve_permuted(&mut y, m, false);
        for (k, &v) in self.perm.iter().enumerate() {
            b[v * m..(v + 1) * m].copy_from_slice(&y[k * m..(k + 1) * m]);
        }
    }

    /// Solves `L L^T Y = B` in place for `B` given in elimination order (row `k` is
    /// node `perm[k]`), `m` columns row-major. Uses AVX2 when the CPU has it (the row
    /// updates are `m`-wide axpys). With `parallel`, the two parts of the top dissection
    /// are solved on two threads (the forward part-B updates of the separator go to a
    /// private buffer added afterwards, so the threads never write the same rows).
    pub(crate) fn solve_permuted(&self, y: &mut [f64], m: usize, parallel: bool) {
        let (na, nb) = match self.split {
            Some(s) if parallel => s,
            _ => {
                self.forward(0..self.n, y, 0, &mut [], self.n, m);
                self.backward(0..self.n, y, 0, &[], self.n, m);
                return;
            }
        };
        let s0 = na + nb;
        let (ya, rest) = y.split_at_mut(na * m);
        let (yb, ys) = rest.split_at_mut(nb * m);
        let mut priv_s = vec![0.0; ys.len()];
        rayon::join(
            || self.forward(0..na, ya, 0, ys, s0, m),
            || self.forward(na..s0, yb, na, &mut priv_s, s0, m),
        );
        for (a, b) in ys.iter_mut().zip(&priv_s) {
            *a += b;
        }
        self.forward(s0..self.n, ys, s0, &mut [], self.n, m);
        self.backward(s0..self.n, ys, s0, &[], self.n, m);
        let ys = &*ys;
        rayon::join(
            || self.backward(0..na, ya, 0, ys, s0, m),
            || self.backward(na..s0, yb, na, ys, s0, m),
        );
    }

    /// Forward substitution over the columns `cols`: rows below `hi0` live in `lo`
    /// (offset `lo0`), rows from `hi0` on in `hi` (offset `hi0`).
    fn forward(
        &self,
        cols: std::ops::Range<usize>,
        lo: &mut [f64],
        lo0: usize,
        hi: &mut [f64],
        hi0: usize,
        m: usize,
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            return unsafe { self.forward_avx2(cols, lo, lo0, hi, hi0, m) };
        }
        self.forward_portable(cols, lo, lo0, hi, hi0, m)
    }

    /// Backward substitution over the columns `cols` (descending), reading the rows
    /// from `hi0` on from `hi`.
    fn backward(
        &self,
        cols: std::ops::Range<usize>,
        lo: &mut [f64],
        lo0: usize,
        hi: &[f64],
        hi0: usize,
        m: usize,
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            return unsafe { self.backward_avx2(cols, lo, lo0, hi, hi0, m) };
        }
        self.backward_portable(cols, lo, lo0, hi, hi0, m)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn forward_avx2(
        &self,
        cols: std::ops::Range<usize>,
        lo: &mut [f64],
        lo0: usize,
        hi: &mut [f64],
        hi0: usize,
        m: usize,
    ) {
        self.forward_portable(cols, lo, lo0, hi, hi0, m)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn backward_avx2(
        &self,
        cols: std::ops::Range<usize>,
        lo: &mut [f64],
        lo0: usize,
        hi: &[f64],
        hi0: usize,
        m: usize,
    ) {
        self.backward_portable(cols, lo, lo0, hi, hi0, m)
    }

    #[inline(always)]
    fn forward_portable(
        &self,
        cols: std::ops::Range<usize>,
        lo: &mut [f64],
        lo0: usize,
        hi: &mut [f64],
        hi0: usize,
        m: usize,
    ) {
        let mut tmp = vec![0.0; m];
        for j in cols {
            let (s, e) = (self.colptr[j], self.colptr[j + 1]);
            let inv_d = 1.0 / self.vals[s];
            let yj = &mut lo[(j - lo0) * m..(j - lo0 + 1) * m];
            for t in yj.iter_mut() {
                *t *= inv_d;
            }
            tmp.copy_from_slice(yj);
            for e in s + 1..e {
                let (r, l) = (self.rowidx[e] as usize, self.vals[e]);
                let yr = if r < hi0 {
                    &mut lo[(r - lo0) * m..(r - lo0 + 1) * m]
                } else {
                    &mut hi[(r - hi0) * m..(r - hi0 + 1) * m]
                };
                for (yr, &yj) in yr.iter_mut().zip(&tmp) {
                    *yr -= l * yj;
                }
            }
        }
    }

    #[inline(always)]
    fn backward_portable(
        &self,
        cols: std::ops::Range<usize>,
        lo: &mut [f64],
        lo0: usize,
        hi: &[f64],
        hi0: usize,
        m: usize,
    ) {
        let mut tmp = vec![0.0; m];
        for j in cols.rev() {
            let (s, e) = (self.colptr[j], self.colptr[j + 1]);
            tmp.copy_from_slice(&lo[(j - lo0) * m..(j - lo0 + 1) * m]);
            for e in s + 1..e {
                let (r, l) = (self.rowidx[e] as usize, self.vals[e]);
                let yr = if r < hi0 {
                    &lo[(r - lo0) * m..(r - lo0 + 1) * m]
                } else {
                    &hi[(r - hi0) * m..(r - hi0 + 1) * m]
                };
                for (t, &yr) in tmp.iter_mut().zip(yr) {
                    *t -= l * yr;
                }
            }
            let inv_d = 1.0 / self.vals[s];
            for (yj, t) in lo[(j - lo0) * m..(j - lo0 + 1) * m].iter_mut().zip(&tmp) {
                *yj = t * inv_d;
            }
        }
    }
}

/// A factorised shifted Laplacian solving for dense blocks (`Array2`), the columns
/// split into groups solved in parallel.
pub(crate) struct CholeskySolver<F> {
    pub(crate) chol: Cholesky,
    pub(crate) marker: PhantomData<F>,
}

impl<F: Float> BlockSolve<Array2<F>> for CholeskySolver<F> {
    fn solve(&self, b: &Array2<F>) -> Array2<F> {
        let (n, m) = b.dim();
        // One group of columns per thread, each padded to a multiple of 8 columns so
        // the row updates of the triangular solves vectorise without remainders.
        let groups = rayon::current_num_threads().clamp(1, m.div_ceil(8).max(1));
        let per = m.div_ceil(groups);
        let parts: Vec<(usize, usize, usize, Vec<f64>)> = (0..m)
            .step_by(per.max(1))
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|c0| {
                let w = per.min(m - c0);
                let stride = w.div_ceil(8) * 8;
                let mut buf = vec![0.0; n * stride];
                for (k, &v) in self.chol.perm.iter().enumerate() {
                    for j in 0..w {
                        buf[k * stride + j] = b[[v, c0 + j]].as_f64();
                    }
                }
                // One group (a narrow block): the two halves of the top dissection
                // give the second thread its work instead.
                self.chol.solve_permuted(&mut buf, stride, groups == 1);
                (c0, w, stride, buf)
            })
            .collect();
        let mut out = Array2::<F>::zeros((n, m));
        for (c0, w, stride, buf) in parts {
            for (k, &v) in self.chol.perm.iter().enumerate() {
                for j in 0..w {
                    out[[v, c0 + j]] = F::of(buf[k * stride + j]);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 5-point Laplacian-like SPD matrix of an h x w grid: 4.5 on the diagonal,
    /// -1 to each neighbour.
    fn grid(h: usize, w: usize) -> (Pattern, Vec<f64>, Vec<f64>) {
        let n = h * w;
        let mut ptr = vec![0];
        let mut idx = Vec::new();
        for i in 0..h {
            for j in 0..w {
                if i > 0 {
                    idx.push((i - 1) * w + j);
                }
                if j > 0 {
                    idx.push(i * w + j - 1);
                }
                if j + 1 < w {
                    idx.push(i * w + j + 1);
                }
                if i + 1 < h {
                    idx.push((i + 1) * w + j);
                }
                ptr.push(idx.len());
            }
        }
        let off = vec![-1.0; idx.len()];
        (Pattern { ptr, idx }, off, vec![4.5; n])
    }

    #[test]
    fn ordering_is_a_permutation_and_the_factor_solves() {
        let (g, off, diag) = grid(23, 31);
        let n = diag.len();
        let (mut order, top) = nested_dissection(&g);
        assert!(top.is_some());
        assert_eq!(order.len(), n);
        order.sort_unstable();
        assert_eq!(order, (0..n).collect::<Vec<_>>());
        let chol = Cholesky::new(&g, &off, &diag).unwrap();
        // Far less fill than the dense n^2 / 2 (nested dissection works).
        assert!(chol.nnz_l() < n * 40, "fill {}", chol.nnz_l());
        // M x for a known x, then solve back (two right-hand sides).
        let x: Vec<f64> = (0..2 * n).map(|i| ((i * 37) % 11) as f64 - 5.0).collect();
        let mut b = vec![0.0; 2 * n];
        for v in 0..n {
            for c in 0..2 {
                let mut s = diag[v] * x[v * 2 + c];
                for e in g.ptr[v]..g.ptr[v + 1] {
                    s += off[e] * x[g.idx[e] * 2 + c];
                }
                b[v * 2 + c] = s;
            }
        }
        chol.solve_rows(&mut b, 2);
        let err = b
            .iter()
            .zip(&x)
            .fold(0.0f64, |a, (p, q)| a.max((p - q).abs()));
        assert!(err < 1e-10, "{err}");
        // Not positive definite: refused.
        assert!(Cholesky::new(&g, &off, &vec![1.0; n]).is_err());
    }

    #[test]
    fn the_two_thread_solve_matches_the_serial_one() {
        // Large enough for the top dissection's parts (over 2000 nodes each) to be
        // solved in parallel, with the separator's private buffer.
        let (g, off, diag) = grid(90, 95);
        let n = diag.len();
        let chol = Cholesky::new(&g, &off, &diag).unwrap();
        assert!(chol.split.is_some());
        let m = 8;
        let b: Vec<f64> = (0..n * m).map(|i| ((i * 31) % 13) as f64 - 6.0).collect();
        let (mut serial, mut parallel) = (b.clone(), b.clone());
        chol.solve_permuted(&mut serial, m, false);
        chol.solve_permuted(&mut parallel, m, true);
        let err = serial
            .iter()
            .zip(&parallel)
            .fold(0.0f64, |a, (p, q)| a.max((p - q).abs()));
        let scale = serial.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        assert!(err <= 1e-12 * scale, "{err} (scale {scale})");
        // And it solves: M x = b in the permuted order.
        let mut inv = vec![0; n];
        for (k, &v) in chol.perm.iter().enumerate() {
            inv[v] = k;
        }
        let mut res = 0.0f64;
        for k in 0..n {
            let v = chol.perm[k];
            for c in 0..m {
                let mut s = diag[v] * parallel[k * m + c];
                for e in g.ptr[v]..g.ptr[v + 1] {
                    s += off[e] * parallel[inv[g.idx[e]] * m + c];
                }
                res = res.max((s - b[k * m + c]).abs());
            }
        }
        assert!(res < 1e-10, "{res}");
    }
}
