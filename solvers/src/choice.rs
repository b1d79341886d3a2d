//! Choosing a solver by value, at compile time or at run time.

use crate::admm::Admm;
use crate::driver::{Driver, Solver};
use crate::error::SolverError;
use crate::gradient_descent::GradientDescent;
use crate::lbfgs::Lbfgs;
use crate::newton::Newton;
use crate::options::SolveOptions;
use crate::problem::{ElasticNet, Objective, Problem};
use crate::proximal::ProximalGradient;
use crate::result::SolveResult;
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

/// Evaluates `$body` with `$s` bound to the chosen solver's value: the one place that
/// maps the enum to the solver types.
macro_rules! with_solver {
    ($choice:expr, $s:ident => $body:expr) => {
        match $choice {
            SolverChoice::Lbfgs => {
                let $s = Lbfgs;
                $body
            }
            SolverChoice::Newton => {
                let $s = Newton;
                $body
            }
            SolverChoice::GradientDescent => {
                let $s = GradientDescent;
                $body
            }
            SolverChoice::ProximalGradient => {
                let $s = ProximalGradient;
                $body
            }
            SolverChoice::Admm => {
                let $s = Admm;
                $body
            }
        }
    };
}

/// The solver's [`Solver::NAME`] and [`Solver::HANDLES_L1`], read from a value.
fn traits_of<S: Solver>(_: &S) -> (&'static str, bool) {
    (S::NAME, S::HANDLES_L1)
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
        with_solver!(self, s => traits_of(&s).0)
    }

    /// Whether the solver handles an L1 term.
    pub fn handles_l1(self) -> bool {
        with_solver!(self, s => traits_of(&s).1)
    }

    /// Minimises `problem` from `w0` with the chosen solver under `driver` (its
    /// options and observer).
    pub fn run<O: Objective>(
        self,
        driver: &Driver<'_>,
        problem: Problem<'_, O>,
        w0: Array1<f64>,
    ) -> Result<SolveResult, SolverError> {
        with_solver!(self, s => driver.run(&s, problem, w0))
    }

    /// Minimises `f + g` from `w0` with the chosen solver and the default observer.
    pub fn minimize<O: Objective>(
        self,
        obj: &O,
        reg: &ElasticNet,
        w0: Array1<f64>,
        opts: &SolveOptions,
    ) -> Result<SolveResult, SolverError> {
        self.run(&Driver::new(*opts), Problem::new(obj, reg), w0)
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
