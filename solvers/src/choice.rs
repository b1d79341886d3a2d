//! Choosing a solver by value, at compile time or at run time.

use crate::{
    Admm, ElasticNet, GradientDescent, Lbfgs, Newton, Objective, ProximalGradient, SolveOptions,
    SolveResult, SolverError,
};
use ndarray::Array1;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One of the five solvers. Estimators take anything that converts into it, so
/// `.solver(Lbfgs)` and `.solver(SolverChoice::Admm)` both work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SolverChoice {
    /// [`Lbfgs`].
    Lbfgs,
    /// [`Newton`].
    Newton,
    /// [`GradientDescent`].
    GradientDescent,
    /// [`ProximalGradient`].
    ProximalGradient,
    /// [`Admm`].
    Admm,
}

impl SolverChoice {
    /// All solvers, in a fixed order.
    pub const ALL: [SolverChoice; 5] = [
        SolverChoice::Lbfgs,
        SolverChoice::Newton,
        SolverChoice::GradientDescent,
        SolverChoice::ProximalGradient,
        SolverChoice::Admm,
    ];

    /// The solver's name.
    pub fn name(self) -> &'static str {
        match self {
            SolverChoice::Lbfgs => Lbfgs::NAME,
            SolverChoice::Newton => Newton::NAME,
            SolverChoice::GradientDescent => GradientDescent::NAME,
            SolverChoice::ProximalGradient => ProximalGradient::NAME,
            SolverChoice::Admm => Admm::NAME,
        }
    }

    /// Whether the solver handles an L1 term.
    pub fn handles_l1(self) -> bool {
        matches!(self, SolverChoice::ProximalGradient | SolverChoice::Admm)
    }

    /// Minimises `f + g` from `w0` with the chosen solver.
    pub fn minimize<O: Objective>(
        self,
        obj: &O,
        reg: &ElasticNet,
        w0: Array1<f64>,
        opts: &SolveOptions,
    ) -> Result<SolveResult, SolverError> {
        match self {
            SolverChoice::Lbfgs => Lbfgs.minimize(obj, reg, w0, opts),
            SolverChoice::Newton => Newton.minimize(obj, reg, w0, opts),
            SolverChoice::GradientDescent => GradientDescent.minimize(obj, reg, w0, opts),
            SolverChoice::ProximalGradient => ProximalGradient.minimize(obj, reg, w0, opts),
            SolverChoice::Admm => Admm.minimize(obj, reg, w0, opts),
        }
    }
}

impl fmt::Display for SolverChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses the short names used on command lines: `lbfgs`, `newton`, `gd`,
/// `proximal`, `admm` (the full names are accepted too, in any case).
impl FromStr for SolverChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "lbfgs" | "l-bfgs" => Ok(SolverChoice::Lbfgs),
            "newton" => Ok(SolverChoice::Newton),
            "gd" | "gradientdescent" | "gradient-descent" => Ok(SolverChoice::GradientDescent),
            "proximal" | "proximalgradient" | "fista" => Ok(SolverChoice::ProximalGradient),
            "admm" => Ok(SolverChoice::Admm),
            _ => Err(format!(
                "unknown solver '{s}' (expected lbfgs, newton, gd, proximal or admm)"
            )),
        }
    }
}

macro_rules! choice_from_unit {
    ($($t:ident),*) => {$(
        impl From<$t> for SolverChoice {
            fn from(_: $t) -> Self {
                SolverChoice::$t
            }
        }
    )*};
}
choice_from_unit!(Lbfgs, Newton, GradientDescent, ProximalGradient, Admm);
