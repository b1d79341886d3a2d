//! Armijo backtracking shared by Newton and gradient descent.

use ndarray::Array1;

/// Sufficient-decrease constant (Nocedal & Wright's usual 1e-4).
const ARMIJO_C: f64 = 1e-4;
/// Halvings before a line search gives up.
const MAX_HALVINGS: usize = 60;

/// The outcome of a line search.
pub(crate) enum Trial {
    /// A step `t` was accepted: the new point with its value and gradient.
    Accepted {
        w: Array1<f64>,
        f: f64,
        g: Array1<f64>,
        t: f64,
    },
    /// No step gave sufficient decrease.
    Failed(String),
}

/// Backtracks from step `t0` along `dir` until `f(w + t dir) <= f + c t g.dir`;
/// `precision` is the objective's relative rounding (see `Objective::precision`).
pub(crate) fn armijo<E>(
    eval: &E,
    precision: f64,
    w: &Array1<f64>,
    f: f64,
    g: &Array1<f64>,
    dir: &Array1<f64>,
    t0: f64,
) -> Trial
where
    E: Fn(&Array1<f64>) -> (f64, Array1<f64>),
{
    let slope = g.dot(dir);
    if slope >= 0.0 || !slope.is_finite() {
        return Trial::Failed(format!("not a descent direction (slope {slope:e})"));
    }
    let mut t = t0;
    for _ in 0..MAX_HALVINGS {
        let wn = w + &(dir * t);
        let (fnew, gn) = eval(&wn);
        let armijo_holds = fnew <= f + ARMIJO_C * t * slope;
        // Near the optimum the decrease drops below rounding of f; there Hager and
        // Zhang's approximate Wolfe test (no increase beyond rounding, and the slope
        // along the direction reduced) still tells a good step from a bad one.
        let approx_wolfe = fnew <= f + precision * f.abs()
            && (2.0 * ARMIJO_C - 1.0) * slope >= gn.dot(dir)
            && gn.dot(dir) >= 0.9 * slope;
        if fnew.is_finite() && (armijo_holds || approx_wolfe) {
            return Trial::Accepted {
                w: wn,
                f: fnew,
                g: gn,
                t,
            };
        }
        // An overflow (e.g. exp in the Poisson loss) says the step is far too long.
        t *= if fnew.is_finite() { 0.5 } else { 0.1 };
    }
    Trial::Failed(format!(
        "no sufficient decrease after {MAX_HALVINGS} halvings"
    ))
}
