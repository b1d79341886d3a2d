//! Regularisation paths: fits along a decreasing grid of penalties, each started from
//! the previous optimum (scikit-learn's `enet_path` / `*_path`, glum's `alpha_search`).

use super::kind::GlmKind;
use super::model::FittedGlm;
use super::objective::GlmObjective;
use super::params::{intercept_only, Glm};
use super::scaling::ColumnScaling;
use crate::error::{Error, Result};
use crate::validate::check_xy_except_x_finite;
use duckml_arrays::{DataMatrix, Float};
use ndarray::{Array1, Array2};

/// The fits of a regularisation path ([`Glm::path`]), from the largest alpha down.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmPath<K: GlmKind, F: Float> {
    alphas: Vec<f64>,
    models: Vec<FittedGlm<K, F>>,
}

impl<K: GlmKind, F: Float> GlmPath<K, F> {
    /// The penalties, decreasing.
    pub fn alphas(&self) -> &[f64] {
        &self.alphas
    }

    /// The fitted model at each alpha (its `objective()`, `n_iter()` and `converged()`
    /// are the fit's at that alpha).
    pub fn models(&self) -> &[FittedGlm<K, F>] {
        &self.models
    }

    /// The coefficients, one row per alpha.
    pub fn coefs(&self) -> Array2<f64> {
        let p = self.models.first().map_or(0, |m| m.coef().len());
        Array2::from_shape_fn((self.models.len(), p), |(i, j)| {
            self.models[i].coef()[j].as_f64()
        })
    }

    /// The intercepts, one per alpha.
    pub fn intercepts(&self) -> Array1<f64> {
        self.models.iter().map(|m| m.intercept_f64()).collect()
    }
}

impl<K: GlmKind> Glm<K> {
    /// The smallest alpha at which every coefficient is 0 (with the estimator's
    /// `l1_ratio`, which must be positive: with a pure L2 penalty no finite alpha zeroes
    /// the coefficients), from the gradient at the intercept-only model:
    /// `max_j |g_j| / (l1_ratio d_j)`, `d_j` the penalty's weight of column `j`.
    /// One pass over X for the columns' scales and one for the gradient.
    ///
    /// # Errors
    ///
    /// As [`Glm::fit`] for the data; [`Error::InvalidParameter`] for `l1_ratio = 0`.
    pub fn alpha_max<F: Float, X: DataMatrix<F>>(&self, x: &X, y: &X::Vector) -> Result<f64> {
        check_xy_except_x_finite(x, y)?;
        K::check_target(y)?;
        if !(self.l1_ratio > 0.0 && self.l1_ratio <= 1.0) {
            return Err(Error::InvalidParameter {
                name: "l1_ratio",
                value: self.l1_ratio.to_string(),
                reason: "a path starts at the smallest alpha with all-zero coefficients, \
                         which needs an L1 part: l1_ratio in (0, 1]",
            });
        }
        let p = x.n_cols();
        let scaling = ColumnScaling::compute(x, self.fit_intercept)?;
        let objective = GlmObjective::new(x, y, K::FAMILY, self.fit_intercept);
        let w0 = intercept_only::<F, X>(K::FAMILY, y, p, self.fit_intercept);
        let (_, g0) = objective.check_start(w0.view())?;
        let gs = scaling.grad_to_scaled(g0);
        let weights = scaling.penalty_weights(self.scale_predictors);
        let largest = (0..p)
            .filter(|&j| !scaling.is_fixed(j) && weights[j] > 0.0)
            .map(|j| gs[j].abs() / (self.l1_ratio * weights[j]))
            .fold(0.0, f64::max);
        Ok(largest)
    }

    /// A regularisation path: `n_alphas` penalties on a geometric grid from
    /// [`Glm::alpha_max`] down to `eps` times it (scikit-learn's `n_alphas` and `eps`,
    /// default 100 and 1e-3 there), each fitted with this estimator's other settings
    /// and started from the previous alpha's optimum ([`Glm::warm_start`]), which is
    /// what makes a path cheaper than its fits one by one. The estimator's own `alpha`
    /// and warm start are not used.
    ///
    /// Not done yet: glum's strong-rule screening of columns for L1 (every fit works on
    /// every column) and cross-validation over the path.
    ///
    /// ```
    /// use duckml_estimators::LinearRegression;
    /// use duckml_solvers::ProximalGradient;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.5], [4.0, 0.0]];
    /// let y = array![1.0, 2.0, 5.0, 6.5, 8.0];
    /// let lasso = LinearRegression::new().solver(ProximalGradient).l1_ratio(1.0);
    /// let path = lasso.path(&x, &y, 10, 1e-3)?;
    /// assert_eq!(path.alphas().len(), 10);
    /// // The first alpha zeroes every coefficient; the smaller ones do not.
    /// assert!(path.coefs().row(0).iter().all(|&c| c == 0.0));
    /// assert!(path.coefs().row(9).iter().any(|&c| c != 0.0));
    /// # Ok::<(), duckml_estimators::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Glm::alpha_max`] and [`Glm::fit`]; [`Error::InvalidParameter`] for
    /// `n_alphas = 0` or `eps` outside `(0, 1)`.
    pub fn path<F: Float, X: DataMatrix<F>>(
        &self,
        x: &X,
        y: &X::Vector,
        n_alphas: usize,
        eps: f64,
    ) -> Result<GlmPath<K, F>> {
        if n_alphas == 0 {
            return Err(Error::InvalidParameter {
                name: "n_alphas",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        if !(eps > 0.0 && eps < 1.0) {
            return Err(Error::InvalidParameter {
                name: "eps",
                value: eps.to_string(),
                reason: "must be in (0, 1): the smallest alpha is eps * alpha_max",
            });
        }
        // A constant y gives alpha_max = 0; scikit-learn then uses its float resolution.
        let top = self.alpha_max(x, y)?.max(1e-15);
        let alphas = geometric_grid(top, eps, n_alphas);
        let mut models: Vec<FittedGlm<K, F>> = Vec::with_capacity(n_alphas);
        for &alpha in &alphas {
            let mut est = self.clone().alpha(alpha);
            est = match models.last() {
                Some(prev) => {
                    est.warm_start(prev.coef().mapv(|c| c.as_f64()), prev.intercept_f64())
                }
                None => est.without_warm_start(),
            };
            models.push(est.fit(x, y)?);
        }
        Ok(GlmPath { alphas, models })
    }
}

/// `n` values from `top` down to `eps * top`, evenly spaced in the logarithm.
fn geometric_grid(top: f64, eps: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![top];
    }
    (0..n)
        .map(|i| top * eps.powf(i as f64 / (n - 1) as f64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::geometric_grid;

    #[test]
    fn the_grid_runs_from_the_top_to_eps_times_it() {
        let g = geometric_grid(2.0, 1e-2, 3);
        assert_eq!(g.len(), 3);
        assert!((g[0] - 2.0).abs() < 1e-15);
        assert!((g[1] - 0.2).abs() < 1e-12);
        assert!((g[2] - 0.02).abs() < 1e-12);
        assert_eq!(geometric_grid(5.0, 0.5, 1), vec![5.0]);
    }
}
