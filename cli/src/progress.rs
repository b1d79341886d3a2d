//! The progress line of `duckml fit` on a terminal: the solver's iteration, objective
//! and optimality, redrawn once per iteration by the solver driver's observer hook.
//! Nothing is drawn when stderr is not a terminal, so piped and logged output (and the
//! JSON on stdout) stay as they are.

use duckml::solvers::{IterationState, Observer};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;

/// A progress line for one fit, cleared when the fit ends.
pub struct FitProgress {
    bar: ProgressBar,
    /// The solver as `--solver` names it.
    solver: &'static str,
}

impl FitProgress {
    /// A progress line on stderr for a fit by `solver` (its `--solver` name), or `None`
    /// when stderr is not a terminal.
    pub fn on_terminal(solver: &'static str) -> Option<FitProgress> {
        std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            FitProgress { bar, solver }
        })
    }

    /// The observer to hand to the estimator: it redraws the line after every iteration.
    pub fn observer(&self) -> Arc<dyn Observer + Send + Sync> {
        let (bar, solver) = (self.bar.clone(), self.solver);
        Arc::new(move |s: &IterationState| {
            bar.set_message(line(solver, s));
            bar.tick();
        })
    }
}

impl Drop for FitProgress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// `lbfgs iteration 12/1000: objective 6.931e-1, optimality 3.2e-5`.
fn line(solver: &str, s: &IterationState) -> String {
    format!(
        "{solver} iteration {}/{}: objective {:.6e}, optimality {:.2e}",
        s.iteration, s.max_iter, s.objective, s.optimality
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_solver_iteration_objective_and_optimality() {
        let s = IterationState {
            solver: "Lbfgs",
            iteration: 12,
            max_iter: 1000,
            objective: 0.5432,
            optimality: 3.2e-5,
        };
        assert_eq!(
            line("lbfgs", &s),
            "lbfgs iteration 12/1000: objective 5.432000e-1, optimality 3.20e-5"
        );
    }
}
