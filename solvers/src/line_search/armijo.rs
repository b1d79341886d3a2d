//! Armijo backtracking with Hager and Zhang's approximate-Wolfe acceptance.

use super::{failed, LineSearch, Trial, ARMIJO_C};
use crate::problem::Objective;

/// Halvings before the search gives up.
pub(crate) const MAX_HALVINGS: usize = 60;

impl<O: Objective> LineSearch<'_, O> {
    /// Backtracks from `t0` until `f(w + t dir) <= f + c t g.dir`.
    pub(crate) fn armijo(&self) -> Trial {
        let slope = self.descent_slope()?;
        let f = self.from.f;
        let rounding = self.rounding();
        let mut t = self.t0;
        for _ in 0..MAX_HALVINGS {
            let (w, fnew, g) = self.probe(t);
            let armijo_holds = fnew <= f + ARMIJO_C * t * slope;
            // Near the optimum the decrease drops below rounding of f; there Hager and
            // Zhang's approximate Wolfe test (no increase beyond rounding, and the slope
            // along the direction reduced) still tells a good step from a bad one.
            let slope_new = g.dot(self.dir);
            let approx_wolfe = fnew <= f + rounding
                && (2.0 * ARMIJO_C - 1.0) * slope >= slope_new
                && slope_new >= 0.9 * slope;
            if fnew.is_finite() && (armijo_holds || approx_wolfe) {
                return Ok(self.accept(w, fnew, g, t));
            }
            // An overflow (e.g. exp in the Poisson loss) says the step is far too long.
            t *= if fnew.is_finite() { 0.5 } else { 0.1 };
        }
        Err(failed(format!(
            "no sufficient decrease after {MAX_HALVINGS} halvings"
        )))
    }
}
