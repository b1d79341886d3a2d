//! `--model`: the GLM to fit.

use super::flag_name;
use clap::ValueEnum;
use duckml::estimators::glm::{Bernoulli, Gaussian, GlmKind, Poisson};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The GLM to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Least squares (Gaussian, identity link); ridge / lasso / elastic net with --alpha.
    Linear,
    /// Binary logistic regression (Bernoulli, logit link); y in {0, 1}.
    Logistic,
    /// Poisson regression (log link); y non-negative counts.
    Poisson,
}

impl ModelKind {
    /// Parses a model's name in any case (saved model files).
    pub fn from_name(name: &str) -> Option<ModelKind> {
        <ModelKind as ValueEnum>::from_str(name, true).ok()
    }

    /// scikit-learn's default penalty, as the estimators use it.
    pub fn default_alpha(self, n_samples: usize) -> f64 {
        match self {
            ModelKind::Linear => Gaussian::default_alpha(n_samples),
            ModelKind::Logistic => Bernoulli::default_alpha(n_samples),
            ModelKind::Poisson => Poisson::default_alpha(n_samples),
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&flag_name(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_round_trip() {
        for &m in ModelKind::value_variants() {
            assert_eq!(ModelKind::from_name(&m.to_string()), Some(m));
        }
        assert_eq!(ModelKind::from_name("Logistic"), Some(ModelKind::Logistic));
        assert_eq!(ModelKind::from_name("probit"), None);
    }
}
