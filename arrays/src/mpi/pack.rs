//! The partial results of the operation families laid out as one flat buffer each, so
//! that every composite operation costs one all-reduce.

use super::Comm;
use crate::contract::{GlmHessian, GlmLossGrad, KMeansStep};
use ndarray::{Array1, Array2};

/// Sums a host vector over all processes.
pub(crate) fn sum_vec(comm: &Comm, v: Array1<f64>) -> Array1<f64> {
    let mut buf = v.to_vec();
    comm.sum(&mut buf);
    Array1::from_vec(buf)
}

/// Sums a host matrix over all processes.
pub(crate) fn sum_mat(comm: &Comm, m: Array2<f64>) -> Array2<f64> {
    let dim = m.dim();
    let mut buf: Vec<f64> = m.iter().copied().collect();
    comm.sum(&mut buf);
    Array2::from_shape_vec(dim, buf).expect("same shape")
}

/// `[flag, loss, grad_intercept, grad...]`; `flag` counts processes whose part is
/// missing (a non-finite X there).
fn pack_loss_grad(part: Option<&GlmLossGrad>, p: usize) -> Vec<f64> {
    let mut buf = Vec::with_capacity(p + 3);
    match part {
        Some(g) => {
            buf.extend([0.0, g.loss, g.grad_intercept]);
            buf.extend(g.grad.iter());
        }
        None => {
            buf.extend([1.0, 0.0, 0.0]);
            buf.extend(std::iter::repeat_n(0.0, p));
        }
    }
    buf
}

/// The fused GLM pass's parts summed over all processes; `None` everywhere when any
/// process's part is `None`.
pub(crate) fn sum_loss_grad(
    comm: &Comm,
    part: Option<GlmLossGrad>,
    p: usize,
) -> Option<GlmLossGrad> {
    let mut buf = pack_loss_grad(part.as_ref(), p);
    comm.sum(&mut buf);
    (buf[0] == 0.0).then(|| GlmLossGrad {
        loss: buf[1],
        grad_intercept: buf[2],
        grad: Array1::from_vec(buf[3..].to_vec()),
    })
}

/// The Hessian pieces summed over all processes (`p^2 + p + 1` numbers).
pub(crate) fn sum_hessian(comm: &Comm, h: GlmHessian) -> GlmHessian {
    let p = h.xtw.len();
    let mut buf = Vec::with_capacity(p * p + p + 1);
    buf.push(h.sum_w);
    buf.extend(h.xtw.iter());
    buf.extend(h.xtwx.iter());
    comm.sum(&mut buf);
    GlmHessian {
        sum_w: buf[0],
        xtw: Array1::from_vec(buf[1..=p].to_vec()),
        xtwx: Array2::from_shape_vec((p, p), buf[p + 1..].to_vec()).expect("p x p"),
    }
}

/// A k-means step's parts summed over all processes (`k p + k + 2` numbers; the
/// counts travel as `f64`, exact below 2^53 rows).
pub(crate) fn sum_step(comm: &Comm, step: KMeansStep) -> KMeansStep {
    let (k, p) = step.sums.dim();
    let mut buf = Vec::with_capacity(k * p + k + 2);
    buf.extend([step.inertia, step.n_changed as f64]);
    buf.extend(step.counts.iter().map(|&c| c as f64));
    buf.extend(step.sums.iter());
    comm.sum(&mut buf);
    KMeansStep {
        inertia: buf[0],
        n_changed: buf[1] as u64,
        counts: buf[2..2 + k].iter().map(|&c| c as u64).collect(),
        sums: Array2::from_shape_vec((k, p), buf[2 + k..].to_vec()).expect("k x p"),
    }
}
