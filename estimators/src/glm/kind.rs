//! The three GLM kinds: what differs between linear, logistic and Poisson regression.

use crate::error::{Error, Result};
use duckml_arrays::{
    ElementCheck, Float, GlmFamily, PairReduction, Reduction, SampleVector, UnaryOp,
};

/// What distinguishes one GLM estimator from another: its family, default penalty,
/// valid targets, prediction and score. Implemented by [`Gaussian`], [`Bernoulli`]
/// and [`Poisson`].
pub trait GlmKind: Clone + Send + Sync + 'static {
    /// The distribution and link.
    const FAMILY: GlmFamily;
    /// The estimator's name.
    const ESTIMATOR: &'static str;

    /// scikit-learn's default `alpha` for `n` samples.
    fn default_alpha(n_samples: usize) -> f64;

    /// Checks targets are in the family's support.
    fn check_target<F: Float, V: SampleVector<F>>(y: &V) -> Result<()>;

    /// Predictions from the linear predictor `eta`.
    fn predict_from_eta<F: Float, V: SampleVector<F>>(eta: &V) -> V;

    /// scikit-learn's score for targets `y` and linear predictor `eta`.
    fn score_from_eta<F: Float, V: SampleVector<F>>(y: &V, eta: &V) -> f64;
}

/// Linear regression: Gaussian family, identity link. Scored by R^2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gaussian;

/// Logistic regression: Bernoulli family, logit link. Scored by accuracy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bernoulli;

/// Poisson regression: Poisson family, log link. Scored by D^2 (explained deviance).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Poisson;

/// `1 - a / b`, with scikit-learn's convention for a constant target (`b == 0`).
fn explained(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        1.0 - a / b
    } else if a == 0.0 {
        1.0
    } else {
        0.0
    }
}

fn mean<F: Float, V: SampleVector<F>>(y: &V) -> f64 {
    y.reduce(Reduction::Sum) / y.len() as f64
}

impl GlmKind for Gaussian {
    const FAMILY: GlmFamily = GlmFamily::Gaussian;
    const ESTIMATOR: &'static str = "LinearRegression";

    fn default_alpha(_n: usize) -> f64 {
        0.0
    }

    fn check_target<F: Float, V: SampleVector<F>>(_y: &V) -> Result<()> {
        Ok(())
    }

    fn predict_from_eta<F: Float, V: SampleVector<F>>(eta: &V) -> V {
        eta.clone()
    }

    fn score_from_eta<F: Float, V: SampleVector<F>>(y: &V, eta: &V) -> f64 {
        let ss_res = y.reduce_pair(eta, PairReduction::SquaredError);
        let ss_tot = y.reduce(Reduction::SquaredDeviation(mean(y)));
        explained(ss_res, ss_tot)
    }
}

impl GlmKind for Bernoulli {
    const FAMILY: GlmFamily = GlmFamily::Bernoulli;
    const ESTIMATOR: &'static str = "LogisticRegression";

    /// scikit-learn's `C = 1`, i.e. `alpha = 1 / (C n)`.
    fn default_alpha(n: usize) -> f64 {
        1.0 / n as f64
    }

    fn check_target<F: Float, V: SampleVector<F>>(y: &V) -> Result<()> {
        if !y.all(ElementCheck::ZeroOrOne) {
            return Err(Error::InvalidTarget(
                "logistic regression needs labels 0 or 1".into(),
            ));
        }
        let positives = y.reduce(Reduction::Sum);
        if positives == 0.0 || positives == y.len() as f64 {
            return Err(Error::InvalidTarget(
                "logistic regression needs samples of both classes (0 and 1)".into(),
            ));
        }
        Ok(())
    }

    fn predict_from_eta<F: Float, V: SampleVector<F>>(eta: &V) -> V {
        eta.map(UnaryOp::Threshold(0.0))
    }

    fn score_from_eta<F: Float, V: SampleVector<F>>(y: &V, eta: &V) -> f64 {
        let labels = Self::predict_from_eta(eta);
        y.reduce_pair(&labels, PairReduction::CountEqual) / y.len() as f64
    }
}

impl GlmKind for Poisson {
    const FAMILY: GlmFamily = GlmFamily::Poisson;
    const ESTIMATOR: &'static str = "PoissonRegression";

    fn default_alpha(_n: usize) -> f64 {
        1.0
    }

    fn check_target<F: Float, V: SampleVector<F>>(y: &V) -> Result<()> {
        if !y.all(ElementCheck::NonNegative) {
            return Err(Error::InvalidTarget(
                "Poisson regression needs non-negative targets".into(),
            ));
        }
        if y.reduce(Reduction::Sum) <= 0.0 {
            return Err(Error::InvalidTarget(
                "Poisson regression needs at least one positive target".into(),
            ));
        }
        Ok(())
    }

    fn predict_from_eta<F: Float, V: SampleVector<F>>(eta: &V) -> V {
        eta.map(UnaryOp::Mean(GlmFamily::Poisson))
    }

    fn score_from_eta<F: Float, V: SampleVector<F>>(y: &V, eta: &V) -> f64 {
        let mu = Self::predict_from_eta(eta);
        let dev = y.reduce_pair(&mu, PairReduction::Deviance(GlmFamily::Poisson));
        let null = y.reduce(Reduction::DevianceFromConstant(GlmFamily::Poisson, mean(y)));
        explained(dev, null)
    }
}
