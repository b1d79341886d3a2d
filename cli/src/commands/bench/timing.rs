//! Timing every solver on one array: one untimed warm-up fit, then the timed fits,
//! the median kept. The code is the same for every array type ([`dispatch`]).

use super::results::fmt_n;
use super::state::State;
use crate::dispatch::{dispatch, ArrayTask, Data};
use crate::error::CliError;
use crate::flags::{solver_key, ArraySpec};
use crate::glm::{fit_glm, GlmParams};
use crate::input::Design;
use crate::schema::BenchGrid;
use crate::schema::{Row, Trace};
use duckml::arrays::{DataMatrix, Float};
use duckml::solvers::SolverChoice;
use ndarray::Array1;

/// Times every solver of `plan` on `x` held as `spec` (chunked arrays get the plan's
/// rows per chunk); the rows and traces join `state`.
pub fn time_array(
    plan: &BenchGrid,
    state: &mut State,
    spec: ArraySpec,
    x: &Design,
    y: &Array1<f64>,
) -> Result<(), CliError> {
    let n = x.shape().0;
    let (spec, note) = match spec {
        ArraySpec::Chunked(_) => {
            let rows = plan.chunk_rows_for(n);
            (
                ArraySpec::Chunked(Some(rows)),
                format!("{} chunks of {rows} rows", n.div_ceil(rows)),
            )
        }
        s => (s, String::new()),
    };
    let mut task = BenchTask {
        plan,
        state,
        array: spec.name(),
        n,
        nnz: nnz_of(x),
        note,
    };
    let data = Data {
        x,
        x_name: "the synthetic data",
        y: Some((y, "the synthetic targets")),
    };
    dispatch(plan.dtype, data, spec, &mut task)
}

/// Stored entries of x.
pub fn nnz_of(x: &Design) -> usize {
    match x {
        Design::Dense(x) => x.len(),
        Design::Sparse(x) => x.nnz(),
        Design::Mapped(x) => x.stored(),
    }
}

/// Times every solver on one array, whichever type [`dispatch`] built.
struct BenchTask<'a> {
    plan: &'a BenchGrid,
    state: &'a mut State,
    array: &'static str,
    n: usize,
    nnz: usize,
    note: String,
}

impl BenchTask<'_> {
    /// The row of `solver` before it runs.
    fn row(&self, solver: SolverChoice, alpha: f64) -> Row {
        Row {
            library: "duckml".into(),
            solver: solver_key(solver).into(),
            array: self.array.into(),
            dtype: self.plan.dtype.to_string(),
            model: self.plan.model.to_string(),
            n: self.n,
            p: self.plan.p,
            nnz: self.nnz,
            alpha,
            l1_ratio: self.plan.l1_ratio,
            tol: self.plan.tol,
            runs: 0,
            median_s: None,
            min_s: None,
            n_iter: None,
            converged: None,
            objective: None,
            gap: None,
            ratio: None,
            status: "ok".into(),
            note: self.note.clone(),
        }
    }

    /// Times `solver` (or records why it did not run) and adds its row.
    fn time_solver<F: Float, X: DataMatrix<F>>(
        &mut self,
        solver: SolverChoice,
        alpha: f64,
        x: &X,
        y: &X::Vector,
    ) -> Result<(), CliError> {
        let plan = self.plan;
        let mut row = self.row(solver, alpha);
        let label = format!("{} n={} {}", self.array, fmt_n(self.n), solver_key(solver));
        let progress = &self.state.progress;
        if let Some(note) = self.state.budget.skip_reason(self.array, solver, self.n) {
            progress.log(format!("{label}: {note}"));
            row.status = "skipped".into();
            row.note = note;
            self.push(row);
            return Ok(());
        }
        progress.log(format!("{label} ..."));
        let params = GlmParams {
            model: plan.model,
            solver,
            alpha: Some(alpha),
            l1_ratio: plan.l1_ratio,
            fit_intercept: true,
            max_iter: plan.max_iter,
            tol: plan.tol,
            progress: false,
        };
        let warm = match fit_glm(&params, x, y, false) {
            Ok(f) => f,
            Err(e) => {
                progress.log(format!("{label}: error: {e}"));
                row.status = "error".into();
                row.note = e.to_string();
                self.push(row);
                return Ok(());
            }
        };
        let budget = &mut self.state.budget;
        budget.record(self.array, solver, self.n, warm.seconds);
        let runs = budget.timed_runs(warm.seconds, plan.repeats);
        let mut times = Vec::with_capacity(runs);
        let mut last = warm;
        for _ in 0..runs {
            last = fit_glm(&params, x, y, false)?;
            times.push(last.seconds);
        }
        row.runs = times.len();
        row.min_s = times.iter().copied().reduce(f64::min);
        let med = median(&mut times);
        row.median_s = Some(med);
        row.n_iter = Some(last.n_iter);
        row.converged = Some(last.converged);
        row.objective = Some(last.objective);
        if !last.converged {
            let sep = if row.note.is_empty() { "" } else { "; " };
            row.note = format!("{}{sep}{}", row.note, last.stop_reason);
        }
        self.state.progress.log(format!(
            "{label}: {med:.4} s, {} iterations, objective {:.10}",
            last.n_iter, last.objective
        ));
        self.state.traces.push(Trace {
            array: self.array.into(),
            n: self.n,
            solver: solver_key(solver).into(),
            median_s: med,
            history: last.history,
        });
        self.push(row);
        Ok(())
    }

    fn push(&mut self, row: Row) {
        self.state.rows.push(row);
        self.state.progress.inc();
    }
}

impl<F: Float> ArrayTask<F> for BenchTask<'_> {
    type Output = ();
    fn run<X: DataMatrix<F>>(&mut self, x: &X, y: Option<&X::Vector>) -> Result<(), CliError> {
        let y = y.ok_or_else(|| CliError::Usage("bench needs targets".into()))?;
        let alpha = self.plan.alpha_for(self.n);
        for &solver in &self.plan.solvers {
            self.time_solver(solver, alpha, x, y)?;
        }
        Ok(())
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0]), 2.5);
    }
}
