//! Per-element math of the generalised linear model families.
//!
//! The families live in the array contract (not in the estimators) because a backend's
//! fused loss-and-gradient pass evaluates them element by element: an enum a GPU kernel
//! can switch on, never a closure.

use super::Float;
use serde::{Deserialize, Serialize};

/// A GLM family with its canonical link.
///
/// The per-sample loss is the *half unit deviance* `h(y, eta)`, which is zero for a
/// perfect prediction; this is the loss scikit-learn and glum minimise, so objectives
/// compare one to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GlmFamily {
    /// Normal distribution, identity link: `h = (y - eta)^2 / 2`.
    Gaussian,
    /// Bernoulli distribution, logit link: `h = log(1 + e^eta) - y eta`.
    Bernoulli,
    /// Poisson distribution, log link: `h = e^eta - y eta - (y - y log y)`.
    Poisson,
}

/// Loss, first and second derivative of the half deviance at one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElementTerms<F> {
    /// Half unit deviance `h(y, eta)`.
    pub loss: F,
    /// `dh/deta = mu(eta) - y`, the working residual.
    pub residual: F,
}

impl GlmFamily {
    /// The family's name as used in messages and files (`gaussian`, `bernoulli`, `poisson`).
    pub fn name(self) -> &'static str {
        match self {
            GlmFamily::Gaussian => "gaussian",
            GlmFamily::Bernoulli => "bernoulli",
            GlmFamily::Poisson => "poisson",
        }
    }

    /// Half deviance and residual at one sample, sharing the transcendental work.
    #[inline(always)]
    pub fn terms<F: Float>(self, y: F, eta: F) -> ElementTerms<F> {
        match self {
            GlmFamily::Gaussian => {
                let r = eta - y;
                ElementTerms {
                    loss: F::of(0.5) * r * r,
                    residual: r,
                }
            }
            GlmFamily::Bernoulli => {
                // One exp per element: e = exp(-|eta|) never overflows.
                let e = (-eta.abs()).exp();
                let log1pe = e.ln_1p();
                // Written as selects, not branches: the sign of eta is a coin flip
                // from row to row, which a branch predictor cannot learn.
                let inv = F::one() / (F::one() + e);
                let softplus = eta.max(F::zero()) + log1pe;
                let mu = if eta > F::zero() { inv } else { e * inv };
                ElementTerms {
                    loss: softplus - y * eta,
                    residual: mu - y,
                }
            }
            GlmFamily::Poisson => {
                let mu = eta.exp();
                ElementTerms {
                    loss: mu - y * eta + saturated_poisson(y),
                    residual: mu - y,
                }
            }
        }
    }

    /// Half deviance at one sample.
    #[inline(always)]
    pub fn loss<F: Float>(self, y: F, eta: F) -> F {
        self.terms(y, eta).loss
    }

    /// `d^2 h / deta^2`, the IRLS weight (variance of the mean for canonical links).
    #[inline(always)]
    pub fn hessian_weight<F: Float>(self, eta: F) -> F {
        match self {
            GlmFamily::Gaussian => F::one(),
            GlmFamily::Bernoulli => {
                let mu = self.mean(eta);
                mu * (F::one() - mu)
            }
            GlmFamily::Poisson => eta.exp(),
        }
    }

    /// The inverse link: the mean `mu(eta)`.
    #[inline(always)]
    pub fn mean<F: Float>(self, eta: F) -> F {
        match self {
            GlmFamily::Gaussian => eta,
            GlmFamily::Bernoulli => {
                let e = (-eta.abs()).exp();
                if eta > F::zero() {
                    F::one() / (F::one() + e)
                } else {
                    e / (F::one() + e)
                }
            }
            GlmFamily::Poisson => eta.exp(),
        }
    }

    /// The link function `eta(mu)`; used for the intercept-only starting point.
    pub fn link(self, mu: f64) -> f64 {
        match self {
            GlmFamily::Gaussian => mu,
            GlmFamily::Bernoulli => (mu / (1.0 - mu)).ln(),
            GlmFamily::Poisson => mu.ln(),
        }
    }

    /// Half deviance of predicting the mean `mu` (not `eta`) for `y`; used by D^2 scores.
    #[inline(always)]
    pub fn loss_at_mean<F: Float>(self, y: F, mu: F) -> F {
        match self {
            GlmFamily::Gaussian => F::of(0.5) * (y - mu) * (y - mu),
            GlmFamily::Bernoulli => {
                let tiny = F::min_positive_value();
                let (one, zero) = (F::one(), F::zero());
                let a = if y > zero {
                    y * (y / mu.max(tiny)).ln()
                } else {
                    zero
                };
                let b = if y < one {
                    (one - y) * ((one - y) / (one - mu).max(tiny)).ln()
                } else {
                    zero
                };
                a + b
            }
            GlmFamily::Poisson => {
                let ylogy = if y > F::zero() {
                    y * (y / mu).ln()
                } else {
                    F::zero()
                };
                ylogy - y + mu
            }
        }
    }
}

/// `y log y - y` with `0 log 0 = 0`: minus the Poisson log-likelihood of the saturated
/// model (up to `log y!`), added so the loss is the half deviance.
#[inline(always)]
fn saturated_poisson<F: Float>(y: F) -> F {
    if y > F::zero() {
        y * y.ln() - y
    } else {
        F::zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn numeric_derivative(f: GlmFamily, y: f64, eta: f64) -> f64 {
        let h = 1e-6;
        (f.loss(y, eta + h) - f.loss(y, eta - h)) / (2.0 * h)
    }

    #[test]
    fn residual_is_the_derivative_of_the_loss() {
        for fam in [
            GlmFamily::Gaussian,
            GlmFamily::Bernoulli,
            GlmFamily::Poisson,
        ] {
            for &(y, eta) in &[(0.0, -1.3), (1.0, 0.7), (1.0, -25.0), (0.0, 30.0)] {
                let y = if fam == GlmFamily::Poisson {
                    y * 3.0
                } else {
                    y
                };
                let eta = if fam == GlmFamily::Poisson {
                    eta / 10.0
                } else {
                    eta
                };
                let t = fam.terms(y, eta);
                assert_relative_eq!(
                    t.residual,
                    numeric_derivative(fam, y, eta),
                    epsilon = 1e-6,
                    max_relative = 1e-6
                );
            }
        }
    }

    #[test]
    fn half_deviance_is_zero_at_the_saturated_fit() {
        assert_relative_eq!(GlmFamily::Gaussian.loss(2.5, 2.5), 0.0);
        assert_relative_eq!(
            GlmFamily::Poisson.loss(4.0, 4.0f64.ln()),
            0.0,
            epsilon = 1e-12
        );
        assert!(GlmFamily::Bernoulli.loss(1.0, 40.0) < 1e-15);
        assert_relative_eq!(
            GlmFamily::Poisson.loss_at_mean(3.0, 3.0),
            0.0,
            epsilon = 1e-12
        );
        assert_relative_eq!(
            GlmFamily::Bernoulli.loss_at_mean(1.0, 0.25),
            -(0.25f64.ln()),
            epsilon = 1e-12
        );
    }

    #[test]
    fn bernoulli_loss_is_stable_for_large_margins() {
        let l = GlmFamily::Bernoulli.loss(0.0f32, 80.0f32);
        assert_relative_eq!(l, 80.0f32, max_relative = 1e-6);
        let l = GlmFamily::Bernoulli.loss(1.0f64, -800.0f64);
        assert_relative_eq!(l, 800.0, max_relative = 1e-12);
    }

    #[test]
    fn hessian_weight_is_the_derivative_of_the_residual() {
        for fam in [
            GlmFamily::Gaussian,
            GlmFamily::Bernoulli,
            GlmFamily::Poisson,
        ] {
            let (y, eta, h) = (1.0, 0.3, 1e-6);
            let d = (fam.terms(y, eta + h).residual - fam.terms(y, eta - h).residual) / (2.0 * h);
            assert_relative_eq!(fam.hessian_weight(eta), d, max_relative = 1e-6);
        }
    }
}
