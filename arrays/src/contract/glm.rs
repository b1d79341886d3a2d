//! The GLM operation family: the fused loss-and-gradient pass, the loss alone and the
//! Hessian pieces, with defaults written on the core primitives.

use super::core::{Linear, MatrixCore};
use super::vector::SampleVector;
use crate::element::{Float, GlmFamily, PairReduction, Reduction, UnaryOp};
use ndarray::{Array1, Array2, ArrayView1};

/// Sum of the half deviance, its gradient and the intercept's gradient over the rows
/// of one matrix: the partial result a fused GLM pass returns, to be added across blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmLossGrad {
    /// `sum_i h(y_i, eta_i)`.
    pub loss: f64,
    /// `X^T r` with `r_i = mu_i - y_i`.
    pub grad: Array1<f64>,
    /// `sum_i r_i` (gradient with respect to the intercept).
    pub grad_intercept: f64,
}

impl GlmLossGrad {
    /// The empty sum over `p` columns, to add blocks' parts to.
    pub fn zeros(p: usize) -> Self {
        GlmLossGrad {
            loss: 0.0,
            grad: Array1::zeros(p),
            grad_intercept: 0.0,
        }
    }

    /// Whether the loss and every gradient entry are finite.
    pub fn is_finite(&self) -> bool {
        self.loss.is_finite()
            && self.grad_intercept.is_finite()
            && self.grad.iter().all(|g| g.is_finite())
    }

    /// Adds another block's part.
    pub fn merge(mut self, other: GlmLossGrad) -> Self {
        self.loss += other.loss;
        self.grad += &other.grad;
        self.grad_intercept += other.grad_intercept;
        self
    }
}

/// The pieces of the GLM Hessian with an intercept: `X^T W X`, `X^T w` and `sum w`.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmHessian {
    /// `X^T diag(w) X` (p x p).
    pub xtwx: Array2<f64>,
    /// `X^T w` (the intercept's column of the Hessian).
    pub xtw: Array1<f64>,
    /// `sum_i w_i`.
    pub sum_w: f64,
}

impl GlmHessian {
    /// The empty sum over `p` columns, to add blocks' parts to.
    pub fn zeros(p: usize) -> Self {
        GlmHessian {
            xtwx: Array2::zeros((p, p)),
            xtw: Array1::zeros(p),
            sum_w: 0.0,
        }
    }

    /// Adds another block's part.
    pub fn merge(mut self, other: GlmHessian) -> Self {
        self.xtwx += &other.xtwx;
        self.xtw += &other.xtw;
        self.sum_w += other.sum_w;
        self
    }
}

/// Column sums and sums of squares of `X` about a shift `c` (one value per column):
/// `sum_i (x_ij - c_j)` and `sum_i (x_ij - c_j)^2`, accumulated in `f64`. With `c`
/// close to the column means the second is the centred sum of squares without the
/// cancellation of `sum x^2 - n m^2`, and the first corrects `c` to the exact mean.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSqSums {
    /// `sum_i (x_ij - c_j)`.
    pub sums: Array1<f64>,
    /// `sum_i (x_ij - c_j)^2`.
    pub sq_sums: Array1<f64>,
}

impl ColumnSqSums {
    /// The empty sum over `p` columns, to add blocks' parts to.
    pub fn zeros(p: usize) -> Self {
        ColumnSqSums {
            sums: Array1::zeros(p),
            sq_sums: Array1::zeros(p),
        }
    }

    /// Adds another block's part (the same shift).
    pub fn merge(mut self, other: ColumnSqSums) -> Self {
        self.sums += &other.sums;
        self.sq_sums += &other.sq_sums;
        self
    }
}

/// The operations a GLM fit calls in its inner loop. Every method has a default
/// written on [`MatrixCore`]; a backend overrides them with fused passes.
pub trait GlmOps<F: Float>: MatrixCore<F> {
    /// Fused GLM pass: loss sum, `X^T r` and `sum r` at `eta = X coef + intercept`.
    ///
    /// The default makes three passes (predictor, residuals, `X^T r`); backends
    /// override it with one pass that reads each row of X once.
    fn glm_loss_grad(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> GlmLossGrad {
        default_glm_loss_grad(self, family, y, lin)
    }

    /// [`GlmOps::glm_loss_grad`] that also answers whether X is finite, for a fit's
    /// first evaluation: `None` when X holds a NaN or an infinity.
    ///
    /// The default scans X ([`MatrixCore::all_finite`]) before the pass. A backend
    /// whose pass multiplies every stored element into its row's `eta` and loss
    /// overrides it with [`finite_from_pass`], which reads X a second time only when
    /// the pass's result is not finite.
    fn glm_loss_grad_checked(
        &self,
        family: GlmFamily,
        y: &Self::Vector,
        lin: Linear<'_>,
    ) -> Option<GlmLossGrad> {
        self.all_finite()
            .then(|| self.glm_loss_grad(family, y, lin))
    }

    /// Loss sum only (line searches); by default the loss part of the fused pass.
    fn glm_loss(&self, family: GlmFamily, y: &Self::Vector, lin: Linear<'_>) -> f64 {
        self.glm_loss_grad(family, y, lin).loss
    }

    /// Column sums and sums of squares about `shift` ([`ColumnSqSums`]), read once
    /// per fit to scale the predictors implicitly (X itself is never copied or
    /// changed). `shift` has one entry per column.
    ///
    /// The default makes one pass `X e_j` per column (correct on any backend, `p`
    /// passes); backends override it with one pass over the stored elements.
    fn column_sq_sums(&self, shift: ArrayView1<f64>) -> ColumnSqSums {
        default_column_sq_sums(self, shift)
    }

    /// The GLM Hessian pieces at `eta = X coef + intercept`.
    fn glm_hessian(&self, family: GlmFamily, lin: Linear<'_>) -> GlmHessian {
        let eta = self.linear_predictor(lin);
        let w = self.glm_weights(family, &eta);
        GlmHessian {
            xtwx: self.weighted_gram(&w),
            xtw: self.t_matvec(&w),
            sum_w: w.reduce(Reduction::Sum),
        }
    }
}

/// The default [`GlmOps::column_sq_sums`], written with the primitives: column `j`
/// as the sample vector `X e_j`, then two reductions (`p` passes over X).
pub fn default_column_sq_sums<F: Float, M: MatrixCore<F>>(
    m: &M,
    shift: ArrayView1<f64>,
) -> ColumnSqSums {
    let (n, p) = (m.n_rows() as f64, m.n_cols());
    let mut out = ColumnSqSums::zeros(p);
    let mut e = Array1::<f64>::zeros(p);
    for j in 0..p {
        e[j] = 1.0;
        let col = m.linear_predictor(Linear {
            coef: e.view(),
            intercept: 0.0,
        });
        e[j] = 0.0;
        out.sums[j] = col.reduce(Reduction::Sum) - n * shift[j];
        out.sq_sums[j] = col.reduce(Reduction::SquaredDeviation(shift[j]));
    }
    out
}

/// [`GlmOps::glm_loss_grad_checked`] for backends whose fused pass multiplies every
/// stored element of a row into that row's `eta` (no skipped zeros) and adds every
/// row's loss to the sum.
///
/// Then a NaN or infinite element makes its row's `eta` NaN or infinite (`0 * inf` is
/// NaN, `c * inf` infinite), which makes that row's loss NaN or infinite for every
/// family (`y eta` is NaN or infinite, or the mean term overflows), hence the sum: a
/// finite result proves X finite without a separate scan. X is scanned only when the
/// result is not finite, which overflow on finite data can also cause. The
/// conformance suite's `finite_check` tests this on every array type.
pub fn finite_from_pass<F: Float, M: GlmOps<F>>(
    m: &M,
    family: GlmFamily,
    y: &M::Vector,
    lin: Linear<'_>,
) -> Option<GlmLossGrad> {
    let part = m.glm_loss_grad(family, y, lin);
    (part.is_finite() || m.all_finite()).then_some(part)
}

/// The default fused GLM pass, written with the primitives (three passes over X:
/// predictor, residuals, `X^T r`). Backends that override
/// [`GlmOps::glm_loss_grad`] for some layouts call it for the others.
pub fn default_glm_loss_grad<F: Float, M: MatrixCore<F>>(
    m: &M,
    family: GlmFamily,
    y: &M::Vector,
    lin: Linear<'_>,
) -> GlmLossGrad {
    let eta = m.linear_predictor(lin);
    let mu = eta.map(UnaryOp::Mean(family));
    let loss = y.reduce_pair(&mu, PairReduction::Deviance(family));
    let r = m.glm_residuals(family, y, &eta);
    GlmLossGrad {
        loss,
        grad: m.t_matvec(&r),
        grad_intercept: r.reduce(Reduction::Sum),
    }
}
