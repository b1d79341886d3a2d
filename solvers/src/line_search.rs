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

/// `g . dir`, or the failed trial when `dir` is not a (finite) descent direction.
fn descent_slope(g: &Array1<f64>, dir: &Array1<f64>) -> Result<f64, Trial> {
    let slope = g.dot(dir);
    if slope >= 0.0 || !slope.is_finite() {
        return Err(Trial::Failed(format!(
            "not a descent direction (slope {slope:e})"
        )));
    }
    Ok(slope)
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
    let slope = match descent_slope(g, dir) {
        Ok(slope) => slope,
        Err(failed) => return failed,
    };
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

/// Curvature constant of the strong Wolfe conditions (the usual 0.9 for quasi-Newton).
const WOLFE_C2: f64 = 0.9;
/// Evaluations before a Wolfe search gives up.
const MAX_WOLFE_EVALS: usize = 30;

/// One trial point along the search direction.
struct Point {
    t: f64,
    w: Array1<f64>,
    f: f64,
    g: Array1<f64>,
    /// Directional derivative `g . dir`.
    slope: f64,
}

/// A line search for the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5
/// and 3.6, with safeguarded cubic interpolation): sufficient decrease and
/// `|g(t).dir| <= c2 |g(0).dir|`. Unlike plain backtracking it can lengthen a step
/// that is too short, which keeps L-BFGS's curvature pairs informative.
pub(crate) fn strong_wolfe<E>(
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
    let slope0 = match descent_slope(g, dir) {
        Ok(slope) => slope,
        Err(failed) => return failed,
    };
    let evals = std::cell::Cell::new(0usize);
    let probe = |t: f64| {
        evals.set(evals.get() + 1);
        let wn = w + &(dir * t);
        let (fnew, gn) = eval(&wn);
        let slope = gn.dot(dir);
        Point {
            t,
            w: wn,
            f: fnew,
            g: gn,
            slope,
        }
    };
    let sufficient = |p: &Point| p.f.is_finite() && p.f <= f + 1e-3 * p.t * slope0;
    let curvature = |p: &Point| p.slope.abs() <= -WOLFE_C2 * slope0;
    // Near the optimum decreases drop below rounding: accept a point that does not
    // increase f beyond rounding and satisfies the curvature condition.
    let approx = |p: &Point| p.f.is_finite() && p.f <= f + precision * f.abs() && curvature(p);
    let accept = |p: Point| Trial::Accepted {
        w: p.w,
        f: p.f,
        g: p.g,
        t: p.t,
    };

    let mut prev = Point {
        t: 0.0,
        w: w.clone(),
        f,
        g: g.clone(),
        slope: slope0,
    };
    let mut t = t0;
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
    // Zoom: lo satisfies sufficient decrease with the lower f; the minimiser along the
    // line lies between lo and hi.
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
    Trial::Failed(format!(
        "no strong Wolfe point after {} evaluations",
        evals.get()
    ))
}

/// The minimiser of the cubic through `(a.t, a.f, a.slope)` and `(b.t, b.f, b.slope)`,
/// kept at least 0.1% of the interval away from either end (a tenth of the interval
/// when the far end overflowed, bisection when the cubic has no usable minimiser).
fn interpolate(a: &Point, b: &Point) -> f64 {
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
