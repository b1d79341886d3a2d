//! Reading sprs storage: one outer slice's indices and values, sparse dots and axpys,
//! and the per-row sizes that set a pass's task length. Every file of the sparse
//! backend reads X through these.

use crate::element::Float;
use sprs::{CsMatBase, SpIndex};
use std::ops::Deref;

/// The non-zeros of one outer slice (a row of CSR, a column of CSC).
#[inline(always)]
pub(super) fn outer<F, I, Iptr, PS, IS, DS>(
    m: &CsMatBase<F, I, PS, IS, DS, Iptr>,
    i: usize,
) -> (&[I], &[F])
where
    I: SpIndex,
    Iptr: SpIndex,
    PS: Deref<Target = [Iptr]>,
    IS: Deref<Target = [I]>,
    DS: Deref<Target = [F]>,
{
    let r = m.indptr().outer_inds_sz(i);
    (&m.indices()[r.clone()], &m.data()[r])
}

/// `sum_k v_k coef[idx_k]`.
#[inline(always)]
pub(super) fn sparse_dot<F: Float, I: SpIndex>(idx: &[I], val: &[F], coef: &[F]) -> F {
    idx.iter()
        .zip(val)
        .fold(F::zero(), |a, (&j, &v)| a + v * coef[j.index_unchecked()])
}

/// `acc[idx_k] += alpha v_k`.
#[inline(always)]
pub(super) fn sparse_axpy<F: Float, I: SpIndex>(alpha: F, idx: &[I], val: &[F], acc: &mut [F]) {
    for (&j, &v) in idx.iter().zip(val) {
        let a = &mut acc[j.index_unchecked()];
        *a = *a + alpha * v;
    }
}

/// Rows per task for CSR passes are sized by the average row's stored bytes.
pub(super) fn avg_row_len<F, I, Iptr, PS, IS, DS>(m: &CsMatBase<F, I, PS, IS, DS, Iptr>) -> usize
where
    I: SpIndex,
    Iptr: SpIndex,
    PS: Deref<Target = [Iptr]>,
    IS: Deref<Target = [I]>,
    DS: Deref<Target = [F]>,
{
    m.nnz().div_ceil(m.rows().max(1)).max(1)
}

pub(super) fn entry_bytes<F, I>() -> usize {
    std::mem::size_of::<F>() + std::mem::size_of::<I>()
}
