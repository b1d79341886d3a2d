//! Centres prepared for the CPU backends' k-means passes (dense GEMM blocks and CSR
//! rows both score a row against `-2 C^T` and `|c|^2`), and the vectorised argmin.

use crate::contract::sq_norms;
use crate::element::Float;
use ndarray::{Array1, Array2, ArrayView2};

/// Centres prepared for the GEMM: `-2 C^T` (p x k, standard layout) and `|c_j|^2`.
pub(crate) struct Prepared<F> {
    pub(crate) neg2_ct: Array2<F>,
    pub(crate) sq: Array1<F>,
    pub(crate) c64: Array2<f64>,
}

impl<F: Float> Prepared<F> {
    pub(crate) fn new(c: ArrayView2<f64>) -> Self {
        let (k, p) = c.dim();
        Prepared {
            neg2_ct: Array2::from_shape_fn((p, k), |(a, j)| F::of(-2.0 * c[[j, a]])),
            sq: sq_norms(c).into_iter().map(F::of).collect(),
            c64: c.to_owned(),
        }
    }
    pub(crate) fn k(&self) -> usize {
        self.sq.len()
    }
}

/// Index of the first minimum of a non-empty slice, with eight independent lanes so
/// the scan vectorises.
#[inline(always)]
pub(crate) fn argmin<F: Float>(v: &[F]) -> usize {
    let mut lanes = [v[0]; 8];
    let mut chunks = v.chunks_exact(8);
    for c in &mut chunks {
        for l in 0..8 {
            if c[l] < lanes[l] {
                lanes[l] = c[l];
            }
        }
    }
    let mut m = lanes[0];
    for &l in &lanes[1..] {
        if l < m {
            m = l;
        }
    }
    for &r in chunks.remainder() {
        if r < m {
            m = r;
        }
    }
    // NaN rows (never produced from finite data) fall back to centre 0.
    v.iter().position(|&x| x == m).unwrap_or(0)
}
