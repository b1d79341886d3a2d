//! Generalised linear models: linear, logistic and Poisson regression.

mod kind;
mod model;
mod objective;
mod observer;
mod params;
mod path;
mod scaled;
mod scaling;
mod stopping;

pub use kind::{Bernoulli, Gaussian, GlmKind, Poisson};
pub use model::FittedGlm;
pub use params::{Glm, LinearRegression, LogisticRegression, PoissonRegression};
pub use path::GlmPath;

/// A fitted [`LinearRegression`].
pub type LinearRegressionModel<F = f64> = FittedGlm<Gaussian, F>;
/// A fitted [`LogisticRegression`].
pub type LogisticRegressionModel<F = f64> = FittedGlm<Bernoulli, F>;
/// A fitted [`PoissonRegression`].
pub type PoissonRegressionModel<F = f64> = FittedGlm<Poisson, F>;
