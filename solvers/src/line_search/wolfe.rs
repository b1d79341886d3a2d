//! A line search for the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5
//! and 3.6, with safeguarded cubic interpolation).

use super::{failed, LineSearch, Trial};
use crate::problem::Objective;
use ndarray::Array1;
use std::cell::Cell;

/// Sufficient-decrease constant of the Wolfe search.
const WOLFE_C1: f64 = 1e-3;
/// Curvature constant (the usual 0.9 for quasi-Newton).
const WOLFE_C2: f64 = 0.9;
/// Evaluations before the search gives up.
pub(crate) const MAX_WOLFE_EVALS: usize = 30;

/// One trial point along the search direction.
struct Probe {
    t: f64,
    w: Array1<f64>,
    f: f64,
    g: Array1<f64>,
    /// Directional derivative `g . dir`.
    slope: f64,
}

impl<O: Objective> LineSearch<'_, O> {
    /// Sufficient decrease and `|g(t).dir| <= c2 |g(0).dir|`. Unlike plain
    /// backtracking it can lengthen a step that is too short, which keeps L-BFGS's
    /// curvature pairs informative.
    pub(crate) fn strong_wolfe(&self) -> Trial {
        let slope0 = self.descent_slope()?;
        let f = self.from.f;
        let rounding = self.rounding();
        let evals = Cell::new(0usize);
        let probe = |t: f64| {
            evals.set(evals.get() + 1);
            let (w, f, g) = self.probe(t);
            let slope = g.dot(self.dir);
            Probe { t, w, f, g, slope }
        };
        let sufficient = |p: &Probe| p.f.is_finite() && p.f <= f + WOLFE_C1 * p.t * slope0;
        let curvature = |p: &Probe| p.slope.abs() <= -WOLFE_C2 * slope0;
        // Near the optimum decreases drop below rounding: accept a point that does not
        // increase f beyond rounding and satisfies the curvature condition.
        let approx = |p: &Probe| p.f.is_finite() && p.f <= f + rounding && curvature(p);
        let accept = |p: Probe| Ok(self.accept(p.w, p.f, p.g, p.t));

        let mut prev = Probe {
            t: 0.0,
            w: self.from.w.clone(),
            f,
            g: self.from.g.clone(),
            slope: slope0,
        };
        let mut t = self.t0;
        let (mut lo, mut hi);
        loop {
            let p = probe(t);
            if !sufficient(&p) || (prev.t > 0.0 && p.f >= prev.f) {
                if approx(&p) {
                    return accept(p);
                }
                (lo, hi) = (prev, p);
                break;
            }
            if curvature(&p) {
                return accept(p);
            }
            if p.slope >= 0.0 {
                (lo, hi) = (p, prev);
                break;
            }
            if evals.get() >= MAX_WOLFE_EVALS {
                return accept(p);
            }
            t = p.t * 4.0;
            prev = p;
        }
        // Zoom: lo satisfies sufficient decrease with the lower f; the minimiser along
        // the line lies between lo and hi.
        while evals.get() < MAX_WOLFE_EVALS {
            let t = interpolate(&lo, &hi);
            let p = probe(t);
            if !sufficient(&p) || p.f >= lo.f {
                if approx(&p) {
                    return accept(p);
                }
                hi = p;
            } else {
                if curvature(&p) {
                    return accept(p);
                }
                if p.slope * (hi.t - lo.t) >= 0.0 {
                    hi = lo;
                }
                lo = p;
            }
            if (hi.t - lo.t).abs() <= 1e-16 * lo.t.abs().max(1.0) {
                break;
            }
        }
        if lo.t > 0.0 {
            // Sufficient decrease holds at lo: a usable, if imperfect, step.
            return accept(lo);
        }
        Err(failed(format!(
            "no strong Wolfe point after {} evaluations",
            evals.get()
        )))
    }
}

/// The minimiser of the cubic through `(a.t, a.f, a.slope)` and `(b.t, b.f, b.slope)`,
/// kept at least 0.1% of the interval away from either end (a tenth of the interval
/// when the far end overflowed, bisection when the cubic has no usable minimiser).
fn interpolate(a: &Probe, b: &Probe) -> f64 {
    let (lo, hi) = if a.t < b.t { (a, b) } else { (b, a) };
    let width = hi.t - lo.t;
    let bisect = lo.t + 0.5 * width;
    if !(hi.f.is_finite() && hi.slope.is_finite()) {
        // An overflow (e.g. exp in the Poisson loss): the step was far too long.
        return lo.t + 0.1 * width;
    }
    if !(lo.f.is_finite() && lo.slope.is_finite()) {
        return bisect;
    }
    let d1 = lo.slope + hi.slope - 3.0 * (lo.f - hi.f) / (lo.t - hi.t);
    let disc = d1 * d1 - lo.slope * hi.slope;
    if disc < 0.0 {
        return bisect;
    }
    let d2 = disc.sqrt();
    let t = hi.t - width * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2.0 * d2);
    if !t.is_finite() {
        return bisect;
    }
    t.clamp(lo.t + 1e-3 * width, hi.t - 1e-3 * width)
}
