//! The graph family for sparse matrices: CSR block products in parallel over rows,
//! the diagonal by lookup, and the Laplacian solver (a nested-dissection sparse
//! Cholesky, `factor.rs`) that makes spectral clustering's shift-invert fast.

use super::factor::{Cholesky, CholeskySolver, Pattern};
use super::storage::outer;
use crate::contract::{default_block_product, BlockSolve, GraphOps};
use crate::cpu::kernels::axpy;
use crate::element::Float;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use sprs::{CsMatBase, CsMatViewI, SpIndex};
use std::ops::Deref;

impl<F, I, Iptr, PS, IS, DS> GraphOps<F> for CsMatBase<F, I, PS, IS, DS, Iptr>
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
    PS: Deref<Target = [Iptr]> + Sync,
    IS: Deref<Target = [I]> + Sync,
    DS: Deref<Target = [F]> + Sync,
{
    fn block_product(&self, v: &Array2<F>) -> Array2<F> {
        if !self.is_csr() {
            return default_block_product(self, v);
        }
        csr_times_dense(&self.view(), v)
    }

    fn laplacian_solver(&self, shift: f64) -> Option<Box<dyn BlockSolve<Array2<F>>>> {
        laplacian_solver(&self.view(), shift)
    }

    fn diagonal_from(&self, first_col: usize) -> Array1<F> {
        (0..self.rows())
            .map(|i| self.get(i, first_col + i).copied().unwrap_or(F::zero()))
            .collect()
    }
}

/// `X V` for CSR `X`: each output row gathers the rows of `V` its non-zeros select.
pub(super) fn csr_times_dense<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    v: &Array2<F>,
) -> Array2<F>
where
    F: Float,
    I: SpIndex + Sync,
    Iptr: SpIndex + Sync,
{
    let k = v.ncols();
    let vs = v.as_standard_layout();
    let vs = vs.as_slice().expect("standard layout");
    let mut out = Array2::<F>::zeros((m.rows(), k));
    out.as_slice_mut()
        .expect("fresh array")
        .par_chunks_mut(k.max(1))
        .enumerate()
        .for_each(|(i, o)| {
            let (idx, val) = outer(m, i);
            for (&j, &a) in idx.iter().zip(val) {
                let j = j.index_unchecked();
                axpy(a, &vs[j * k..(j + 1) * k], o);
            }
        });
    out
}

/// Factorises `L + shift I` for a square CSR or CSC affinity (both store the pattern of a
/// symmetric matrix the same way up to transposition).
fn laplacian_solver<F, I, Iptr>(
    m: &CsMatViewI<'_, F, I, Iptr>,
    shift: f64,
) -> Option<Box<dyn BlockSolve<Array2<F>>>>
where
    F: Float,
    I: SpIndex,
    Iptr: SpIndex,
{
    let n = m.rows();
    if m.cols() != n || !(shift > 0.0 && shift.is_finite()) {
        return None;
    }
    // Off-diagonal entries per node (outer index: row for CSR, column for CSC).
    let mut ptr = Vec::with_capacity(n + 1);
    let mut idx = Vec::with_capacity(m.nnz());
    let mut val = Vec::with_capacity(m.nnz());
    ptr.push(0);
    let mut deg = vec![0.0f64; n];
    for (v, d) in deg.iter_mut().enumerate() {
        let (ix, vs) = outer(m, v);
        for (&u, &a) in ix.iter().zip(vs) {
            let u = u.index_unchecked();
            if u != v && a != F::zero() {
                idx.push(u);
                val.push(a.as_f64());
                *d += a.as_f64();
            }
        }
        ptr.push(idx.len());
    }
    let s: Vec<f64> = deg
        .iter()
        .map(|&d| if d > 0.0 { 1.0 / d.sqrt() } else { 1.0 })
        .collect();
    for v in 0..n {
        for e in ptr[v]..ptr[v + 1] {
            val[e] *= -s[v] * s[idx[e]];
        }
    }
    let diag = vec![1.0 + shift; n];
    let chol = Cholesky::new(&Pattern { ptr, idx }, &val, &diag).ok()?;
    Some(Box::new(CholeskySolver::<F> {
        chol,
        marker: std::marker::PhantomData,
    }))
}
