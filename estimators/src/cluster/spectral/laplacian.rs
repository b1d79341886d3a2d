//! The normalised graph Laplacian as an operator on blocks of sample vectors, and the
//! Rayleigh-Ritz projection both eigensolvers (`eigen.rs`, `lanczos.rs`) build on.

use super::small::sym_eig;
use duckml_arrays::{
    BinaryOp, ColumnsOf, DataMatrix, Float, Linear, MatrixCore, Reduction, SampleBlock,
    SampleVector, UnaryOp,
};
use ndarray::{Array1, Array2};

/// `L = I - D^{-1/2} (A - diag A) D^{-1/2}` for an affinity `A` (the diagonal of A is
/// ignored, as scipy's `csgraph.laplacian`; isolated nodes get `L_ii = 1`).
pub(crate) struct Laplacian<'a, F: Float, X: DataMatrix<F>> {
    pub(crate) graph: &'a X,
    /// `d^{-1/2}` (1 for isolated nodes).
    pub(crate) inv_sqrt_deg: X::Vector,
    /// `sqrt(d)` (1 for isolated nodes): the eigenvector of eigenvalue 0.
    pub(crate) sqrt_deg: X::Vector,
    /// `1 + diag(A) / d` (the coefficient of `Y` in `L Y`).
    keep: X::Vector,
    /// `-d^{-1/2}`.
    neg_inv_sqrt_deg: X::Vector,
    /// Number of isolated nodes.
    pub(crate) n_isolated: usize,
    /// Products with the graph so far (one per block column).
    pub(crate) products: std::cell::Cell<usize>,
}

impl<'a, F: Float, X: DataMatrix<F>> Laplacian<'a, F, X> {
    pub(crate) fn new(graph: &'a X) -> Self {
        let n = graph.n_rows();
        let ones = Array1::<f64>::ones(n);
        let row_sums = graph.linear_predictor(Linear {
            coef: ones.view(),
            intercept: 0.0,
        });
        let diag = graph.diagonal_from(0);
        let has_loops = diag.reduce(Reduction::SquaredDeviation(0.0)) > 0.0;
        let neg_diag = diag.map(UnaryOp::Affine {
            scale: -1.0,
            shift: 0.0,
        });
        let deg = row_sums.zip_map(&neg_diag, BinaryOp::Add);
        let isolated = deg.map(UnaryOp::ClampMin(0.0)).map(UnaryOp::EqualTo(0.0));
        let n_isolated = isolated.reduce(Reduction::Sum).round() as usize;
        let inv_sqrt_deg = deg.map(UnaryOp::InvSqrtOrOne);
        let s2 = inv_sqrt_deg.zip_map(&inv_sqrt_deg, BinaryOp::Mul);
        let sqrt_deg = s2.map(UnaryOp::InvSqrtOrOne);
        let keep = if has_loops {
            diag.zip_map(&s2, BinaryOp::Mul).map(UnaryOp::Affine {
                scale: 1.0,
                shift: 1.0,
            })
        } else {
            deg.map(UnaryOp::Affine {
                scale: 0.0,
                shift: 1.0,
            })
        };
        let neg_inv_sqrt_deg = inv_sqrt_deg.map(UnaryOp::Affine {
            scale: -1.0,
            shift: 0.0,
        });
        Laplacian {
            graph,
            inv_sqrt_deg,
            sqrt_deg,
            keep,
            neg_inv_sqrt_deg,
            n_isolated,
            products: std::cell::Cell::new(0),
        }
    }

    /// `L Y`.
    pub(crate) fn apply(&self, y: &ColumnsOf<F, X>) -> ColumnsOf<F, X> {
        self.products.set(self.products.get() + y.n_cols());
        let sy = y.scale_rows(&self.inv_sqrt_deg);
        let asy = self.graph.block_product(&sy);
        y.axpby_rows(&self.keep, &asy, &self.neg_inv_sqrt_deg)
    }
}

/// `B` with `y B` orthonormal, from the eigendecomposition of `G = y^T y`, dropping
/// numerically dependent directions; also `sigma_min / sigma_max` of the kept ones.
pub(crate) fn orthonormaliser(g: &Array2<f64>) -> (Array2<f64>, f64) {
    let (sig, u) = sym_eig(g);
    let smax = sig.last().copied().unwrap_or(0.0).max(0.0);
    let keep: Vec<usize> = (0..sig.len()).filter(|&i| sig[i] > smax * 1e-14).collect();
    let mut b = Array2::zeros((g.nrows(), keep.len()));
    for (c, &i) in keep.iter().enumerate() {
        b.column_mut(c).assign(&(&u.column(i) / sig[i].sqrt()));
    }
    let ratio = keep
        .first()
        .map_or(0.0, |&i| sig[i] / smax.max(f64::MIN_POSITIVE));
    (b, ratio)
}

/// Orthonormal Ritz vectors of `L` in the span of `y`, the Ritz values ascending and
/// every pair's residual norm `|L x - theta x|`, from Gram matrices of `y` and `L y`
/// (`|L x|^2 - theta^2`: accurate because the residuals that matter are far above
/// `eps |L x|`). An ill-conditioned `y` (a filtered block whose columns differ in
/// scale by many orders) is orthonormalised explicitly first, twice if needed, so
/// that the Gram matrices stay well conditioned.
pub(crate) fn rayleigh_ritz<F: Float, X: DataMatrix<F>>(
    op: &Laplacian<'_, F, X>,
    y: &ColumnsOf<F, X>,
) -> (ColumnsOf<F, X>, Vec<f64>, Vec<f64>) {
    let mut g = y.gram(y);
    let mut fixed: Option<ColumnsOf<F, X>> = None;
    for _ in 0..2 {
        let (b, ratio) = orthonormaliser(&g);
        if ratio > 1e-6 && b.ncols() == g.ncols() {
            break;
        }
        let z = fixed.as_ref().unwrap_or(y).mul_small(b.view());
        g = z.gram(&z);
        fixed = Some(z);
    }
    let y = fixed.as_ref().unwrap_or(y);
    let w = op.apply(y);
    let h = y.gram(&w);
    let k = w.gram(&w);
    let (b, _) = orthonormaliser(&g);
    let h2 = b.t().dot(&h).dot(&b);
    let (theta, q) = sym_eig(&h2);
    let c = b.dot(&q);
    let kc = c.t().dot(&k).dot(&c);
    let res = theta
        .iter()
        .enumerate()
        .map(|(j, t)| (kc[[j, j]] - t * t).max(0.0).sqrt())
        .collect();
    (y.mul_small(c.view()), theta, res)
}
