//! Implicit predictor scaling: the solver works on standardised coefficients
//! `b~_j = s_j b_j` (and, with an intercept, on the intercept of the centred
//! predictors), so that its steps and its stopping test do not depend on the units of
//! X's columns. X is never copied or changed: the column means and scales are read
//! once ([`GlmOps::column_sq_sums`]) and the change of coordinates is applied to the
//! host-side coefficients, gradients and Hessians.
//!
//! With an intercept, `eta = X b + b0 = X~ b~ + b0~` for the standardised columns
//! `x~_j = (x_j - m_j) / s_j`, where `b = b~ / s` and `b0 = b0~ - m.(b~ / s)`: the
//! contract is called with the original `(b, b0)`, so the centring costs nothing.
//! Without an intercept the columns are only scaled, by their root mean square.

use crate::error::{Error, Result};
use duckml_arrays::{DataMatrix, Float};
use ndarray::{Array1, Array2, ArrayView1};

/// Column means and scales of X, and the change of coordinates they define between
/// the original coefficients `w = [b, b0]` and the solver's `w~ = [b~, b0~]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColumnScaling {
    /// `m_j` with an intercept (the centring folded into it), zeros without.
    center: Array1<f64>,
    /// `s_j > 0`: the standard deviation with an intercept, the root mean square
    /// without; 1 for fixed columns.
    scale: Array1<f64>,
    /// The (population) standard deviation of each column, as glum's
    /// `scale_predictors` uses it (0 for constant columns).
    std: Array1<f64>,
    /// Columns whose coefficient is held at 0: constant columns beside an intercept
    /// (the intercept already spans them) and all-zero columns.
    fixed: Vec<bool>,
    fit_intercept: bool,
}

/// A column is constant beside an intercept when its spread is below this share of
/// its mean: past it, `X b + b0` would cancel more digits than the element type has
/// to spare (`sqrt(epsilon) / 100`: 1.5e-10 for `f64`, 3.5e-6 for `f32`).
fn constant_threshold<F: Float>() -> f64 {
    F::epsilon().as_f64().sqrt() * 1e-2
}

/// Sums of squares are trusted without a second, centred pass while the spread is at
/// least this share of the mean (`sum x^2 - n m^2` then loses at most 6 digits).
const ONE_PASS_MIN_CV: f64 = 1e-3;

impl ColumnScaling {
    /// Reads X's column means and spreads: one pass for `sum x` and `sum x^2`, and a
    /// second, centred pass when a column's spread is tiny next to its mean (constant
    /// columns, offsets like calendar years) so that `sum (x - m)^2` carries no
    /// cancellation. A non-finite moment means X holds NaN or infinity (an error) or
    /// its squares overflow (`|x| > 1e154` for `f64`): such columns are left unscaled.
    pub(crate) fn compute<F: Float, X: DataMatrix<F>>(x: &X, fit_intercept: bool) -> Result<Self> {
        let (n, p) = (x.n_rows() as f64, x.n_cols());
        let raw = x.column_sq_sums(Array1::zeros(p).view());
        let mut mean = &raw.sums / n;
        let mut var = (&raw.sq_sums / n) - &mean * &mean;
        let mut mean_sq = &raw.sq_sums / n;
        let all_finite = || mean.iter().chain(mean_sq.iter()).all(|v| v.is_finite());
        if !all_finite() && !x.all_finite() {
            return Err(Error::NonFinite("x"));
        }
        let needs_centred_pass =
            (0..p).any(|j| mean[j].is_finite() && var[j] < (ONE_PASS_MIN_CV * mean[j]).powi(2));
        if needs_centred_pass {
            let shift = mean.mapv(|m| if m.is_finite() { m } else { 0.0 });
            let c = x.column_sq_sums(shift.view());
            let correction = &c.sums / n;
            mean = &shift + &correction;
            var = &c.sq_sums / n - &correction * &correction;
            mean_sq = &var + &mean * &mean;
        }
        let tiny = constant_threshold::<F>();
        let mut scaling = ColumnScaling {
            center: Array1::zeros(p),
            scale: Array1::ones(p),
            std: Array1::zeros(p),
            fixed: vec![false; p],
            fit_intercept,
        };
        for j in 0..p {
            let (m, sd) = (mean[j], var[j].max(0.0).sqrt());
            if !(m.is_finite() && sd.is_finite() && mean_sq[j].is_finite()) {
                // Squares overflowed: leave the column in its own units.
                log::warn!("column {j}: its squares overflow; the column is not rescaled");
                continue;
            }
            if fit_intercept {
                scaling.std[j] = sd;
                if sd <= tiny * m.abs() {
                    scaling.fixed[j] = true;
                    scaling.std[j] = 0.0;
                } else {
                    scaling.center[j] = m;
                    scaling.scale[j] = sd;
                }
            } else {
                scaling.std[j] = sd;
                let rms = mean_sq[j].max(0.0).sqrt();
                if rms > 0.0 {
                    scaling.scale[j] = rms;
                } else {
                    scaling.fixed[j] = true;
                }
            }
        }
        Ok(scaling)
    }

    /// Number of feature columns.
    fn p(&self) -> usize {
        self.scale.len()
    }

    /// Whether column `j`'s coefficient is held at 0.
    pub(crate) fn is_fixed(&self, j: usize) -> bool {
        self.fixed[j]
    }

    /// The original coefficients `[b, b0]` of the solver's `[b~, b0~]`.
    pub(crate) fn to_original(&self, ws: ArrayView1<f64>) -> Array1<f64> {
        let p = self.p();
        let mut w = ws.to_owned();
        let mut shift = 0.0;
        for j in 0..p {
            w[j] = if self.fixed[j] {
                0.0
            } else {
                ws[j] / self.scale[j]
            };
            shift += self.center[j] * w[j];
        }
        if self.fit_intercept {
            w[p] = ws[p] - shift;
        }
        w
    }

    /// The solver's coordinates `[b~, b0~]` of the original `[b, b0]`.
    pub(crate) fn to_scaled(&self, w: ArrayView1<f64>) -> Array1<f64> {
        let p = self.p();
        let mut ws = w.to_owned();
        let mut shift = 0.0;
        for j in 0..p {
            let b = if self.fixed[j] { 0.0 } else { w[j] };
            ws[j] = b * self.scale[j];
            shift += self.center[j] * b;
        }
        if self.fit_intercept {
            ws[p] = w[p] + shift;
        }
        ws
    }

    /// The gradient with respect to `w~` of a function whose gradient with respect to
    /// `w` is `g`: `J^T g` with `J = dw/dw~`, i.e. `(g_j - m_j g0) / s_j` and `g0`.
    /// Fixed columns get 0, so no solver moves them.
    pub(crate) fn grad_to_scaled(&self, mut g: Array1<f64>) -> Array1<f64> {
        let p = self.p();
        let g0 = if self.fit_intercept { g[p] } else { 0.0 };
        for j in 0..p {
            g[j] = if self.fixed[j] {
                0.0
            } else {
                (g[j] - self.center[j] * g0) / self.scale[j]
            };
        }
        g
    }

    /// The Hessian with respect to `w~` of a function whose Hessian with respect to `w`
    /// is `h`: `J^T h J`. With an intercept the features' block is
    /// `S^-1 (X^T W X - m (X^T w)^T - (X^T w) m^T + m m^T sum w) S^-1`. Fixed columns
    /// get a unit diagonal and zero off-diagonal entries, so Newton's step leaves them
    /// at 0.
    pub(crate) fn hessian_to_scaled(&self, mut h: Array2<f64>) -> Array2<f64> {
        let p = self.p();
        // Columns (h J), then rows (J^T (h J)): J's column j is e_j / s_j - e_p m_j / s_j.
        for pass in 0..2 {
            for j in 0..p {
                if self.fixed[j] {
                    continue;
                }
                let (m, s) = (self.center[j], self.scale[j]);
                if self.fit_intercept && m != 0.0 {
                    let last = if pass == 0 {
                        h.column(p).to_owned()
                    } else {
                        h.row(p).to_owned()
                    };
                    let mut line = if pass == 0 {
                        h.column_mut(j)
                    } else {
                        h.row_mut(j)
                    };
                    line.scaled_add(-m, &last);
                }
                let mut line = if pass == 0 {
                    h.column_mut(j)
                } else {
                    h.row_mut(j)
                };
                line /= s;
            }
        }
        for j in (0..p).filter(|&j| self.fixed[j]) {
            h.row_mut(j).fill(0.0);
            h.column_mut(j).fill(0.0);
            h[[j, j]] = 1.0;
        }
        h
    }

    /// The penalty weights `d_j` of the solver's coordinates
    /// ([`ElasticNet`](duckml_solvers::ElasticNet)): `1 / s_j`, so that the penalty
    /// acts on the original coefficients `b_j = b~_j / s_j` (scikit-learn's and glum's
    /// default objective); with `scale_predictors` the penalty acts on the coefficients
    /// of unit-variance predictors, `std_j b_j` (glum's `scale_predictors=True`),
    /// i.e. `d_j = std_j / s_j` (1 with an intercept).
    pub(crate) fn penalty_weights(&self, scale_predictors: bool) -> Array1<f64> {
        Array1::from_shape_fn(self.p(), |j| {
            let on_original = 1.0 / self.scale[j];
            if scale_predictors && self.std[j] > 0.0 {
                self.std[j] * on_original
            } else {
                on_original
            }
        })
    }

    /// The column means and scales, for tests and reports.
    #[cfg(test)]
    pub(crate) fn parts(&self) -> (&Array1<f64>, &Array1<f64>) {
        (&self.center, &self.scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// The change of coordinates is exact: the gradient and Hessian it reports are those
    /// of `w~ -> f(to_original(w~))`, checked by finite differences on a quadratic.
    #[test]
    fn transforms_are_the_chain_rule() {
        let x = array![
            [1.0, 100.0, 5.0],
            [2.0, 300.0, 5.0],
            [4.0, 200.0, 5.0],
            [3.0, 0.0, 5.0]
        ];
        let sc = ColumnScaling::compute::<f64, _>(&x, true).unwrap();
        assert!(sc.is_fixed(2) && !sc.is_fixed(0));
        let (m, s) = sc.parts();
        assert!((m[0] - 2.5).abs() < 1e-15 && (s[0] - 1.25f64.sqrt()).abs() < 1e-15);
        // f(w) = 1/2 w^T A w + c.w on the original coordinates (4 = 3 features + b0).
        let a = array![
            [2.0, 0.5, 0.0, 0.1],
            [0.5, 3.0, 0.0, 0.2],
            [0.0, 0.0, 0.0, 0.0],
            [0.1, 0.2, 0.0, 1.0]
        ];
        let c = array![0.3, -0.2, 0.0, 0.7];
        let f = |w: &Array1<f64>| 0.5 * w.dot(&a.dot(w)) + c.dot(w);
        let ws = array![0.4, -1.2, 0.0, 0.9];
        let w = sc.to_original(ws.view());
        assert!((&sc.to_scaled(w.view()) - &ws)
            .iter()
            .all(|d| d.abs() < 1e-12));
        let g = sc.grad_to_scaled(a.dot(&w) + &c);
        let h = sc.hessian_to_scaled(a.clone());
        let eps = 1e-6;
        for k in [0, 1, 3] {
            let mut e = Array1::zeros(4);
            e[k] = eps;
            let fd = (f(&sc.to_original((&ws + &e).view()))
                - f(&sc.to_original((&ws - &e).view())))
                / (2.0 * eps);
            assert!((fd - g[k]).abs() < 1e-6, "gradient {k}: {fd} vs {}", g[k]);
            let gp = sc.grad_to_scaled(a.dot(&sc.to_original((&ws + &e).view())) + &c);
            let gm = sc.grad_to_scaled(a.dot(&sc.to_original((&ws - &e).view())) + &c);
            for i in [0, 1, 3] {
                let fd = (gp[i] - gm[i]) / (2.0 * eps);
                assert!((fd - h[[i, k]]).abs() < 1e-6, "hessian {i},{k}");
            }
        }
        assert_eq!((g[2], h[[2, 2]], h[[2, 0]]), (0.0, 1.0, 0.0));
    }
}
