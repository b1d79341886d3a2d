//! The time budget that keeps the full grid feasible: a solver whose time at the
//! previous size, extrapolated linearly in n, exceeds the budget is not run, and a slow
//! fit is timed once instead of `--repeats` times.

use duckml::solvers::SolverChoice;
use std::collections::HashMap;

/// Each (array type, solver)'s last measured time, against the budget.
#[derive(Debug)]
pub struct Budget {
    seconds: f64,
    last: HashMap<(String, SolverChoice), (usize, f64)>,
}

impl Budget {
    /// A budget of `seconds` per fit.
    pub fn new(seconds: f64) -> Budget {
        Budget {
            seconds,
            last: HashMap::new(),
        }
    }

    /// Why `solver` on `array` should not run at size `n` (the skip note), if it
    /// should not.
    pub fn skip_reason(&self, array: &str, solver: SolverChoice, n: usize) -> Option<String> {
        let &(n0, t0) = self.last.get(&(array.to_string(), solver))?;
        let expected = t0 * n as f64 / n0 as f64;
        too_slow(t0, expected, self.seconds).then(|| {
            format!(
                "skipped: ~{expected:.0} s expected (n = {} took {t0:.2} s) > budget {} s",
                super::results::fmt_n(n0),
                self.seconds
            )
        })
    }

    /// Records that `solver` on `array` took `seconds` at size `n`.
    pub fn record(&mut self, array: &str, solver: SolverChoice, n: usize, seconds: f64) {
        self.last.insert((array.to_string(), solver), (n, seconds));
    }

    /// Timed fits after a warm-up that took `warm_seconds`: one when it was slower
    /// than a third of the budget, else `repeats`.
    pub fn timed_runs(&self, warm_seconds: f64, repeats: usize) -> usize {
        if warm_seconds > self.seconds / 3.0 {
            1
        } else {
            repeats
        }
    }
}

/// Whether a fit that took `t0` seconds at the previous size, so about `expected`
/// at this one (linear in n), should be left out. Fits under a second (or half the
/// budget) are never left out: their time is mostly fixed overhead, which a linear
/// extrapolation from a small n would overstate.
pub fn too_slow(t0: f64, expected: f64, budget: f64) -> bool {
    t0 >= (budget / 2.0).min(1.0) && expected > budget
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_skips_only_slow_extrapolations() {
        // 5 s at 1e5 -> ~50 s at 1e6: over a 20 s budget.
        assert!(too_slow(5.0, 50.0, 20.0));
        assert!(!too_slow(5.0, 50.0, 60.0));
        // Overhead-dominated small fits always run.
        assert!(!too_slow(0.4, 4.0, 2.0));
        assert!(too_slow(1.5, 15.0, 2.0));
    }

    #[test]
    fn skips_follow_the_last_time_of_the_same_array_and_solver() {
        let mut b = Budget::new(20.0);
        assert_eq!(b.skip_reason("dense", SolverChoice::Lbfgs, 1_000_000), None);
        b.record("dense", SolverChoice::Lbfgs, 100_000, 5.0);
        let note = b
            .skip_reason("dense", SolverChoice::Lbfgs, 1_000_000)
            .unwrap();
        assert_eq!(
            note,
            "skipped: ~50 s expected (n = 1e5 took 5.00 s) > budget 20 s"
        );
        assert_eq!(
            b.skip_reason("sparse", SolverChoice::Lbfgs, 1_000_000),
            None
        );
        assert_eq!(b.timed_runs(7.0, 3), 1);
        assert_eq!(b.timed_runs(6.0, 3), 3);
    }
}
