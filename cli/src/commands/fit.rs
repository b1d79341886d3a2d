//! `duckml fit`: one GLM fit on files, printed as one JSON object.

use crate::dispatch::{dispatch, ArrayTask, Data};
use crate::error::CliError;
use crate::flags::{max_iter, non_negative, positive, solver_key, solver_parser, unit_interval};
use crate::flags::{ArraySpec, Dtype, ModelKind};
use crate::glm::{check_state_memory, fit_glm, FitSummary, GlmParams};
use crate::input::{load_xy, InputArgs};
use crate::output::{atomic, json_text, Layout, Printed};
use crate::same_file::refuse_overwriting_inputs;
use crate::schema::{FitOutput, InputData, SavedModel, SvmlightNumbering};
use clap::Args;
use duckml::arrays::{DataMatrix, Float};
use duckml::solvers::SolverChoice;
use ndarray::Array1;
use std::path::PathBuf;

/// Options of `duckml fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The GLM.
    #[arg(long, value_enum)]
    pub model: ModelKind,
    /// The solver.
    #[arg(long, default_value = "lbfgs", value_parser = solver_parser())]
    pub solver: SolverChoice,
    /// Penalty strength (default: scikit-learn's; linear 0, logistic 1/n, poisson 1).
    #[arg(long, value_parser = non_negative, allow_hyphen_values = true)]
    pub alpha: Option<f64>,
    /// Share of the L1 norm in the penalty, in [0, 1] (0 ridge, 1 lasso).
    #[arg(long, default_value_t = 0.0, value_parser = unit_interval, allow_hyphen_values = true)]
    pub l1_ratio: f64,
    /// Fit without an intercept.
    #[arg(long)]
    pub no_intercept: bool,
    /// Iteration limit (outer iterations for admm), at most 1000000.
    #[arg(long, default_value_t = 1000, value_parser = max_iter, allow_hyphen_values = true)]
    pub max_iter: u64,
    /// Stopping tolerance on the objective's minimum-norm subgradient.
    #[arg(long, default_value_t = 1e-4, value_parser = positive, allow_hyphen_values = true)]
    pub tol: f64,
    /// Array type for the fit (default: the input's storage).
    #[arg(long, value_name = "ARRAY", value_parser = ArraySpec::parser())]
    pub array: Option<ArraySpec>,
    /// Element type the data is held in.
    #[arg(long, value_enum, default_value_t = Dtype::F64)]
    pub dtype: Dtype,
    /// The data file options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Targets: 1-D .npy or a one-column CSV (not needed for svmlight or --target).
    #[arg(long, value_name = "FILE")]
    pub y: Option<PathBuf>,
    /// Logistic regression on labels -1 and +1 (libsvm's binary labels): read -1 as
    /// class 0. Predictions are then 0 (for -1) and 1, and --proba is P(+1).
    #[arg(long)]
    pub pm1_labels: bool,
    /// Write the fitted model (JSON) here, for `duckml predict`; never one of the input
    /// files.
    #[arg(long, value_name = "MODEL.json")]
    pub save: Option<PathBuf>,
    /// Also print the objective after each iteration.
    #[arg(long)]
    pub history: bool,
}

impl FitArgs {
    /// The fit's hyper-parameters.
    pub fn params(&self) -> GlmParams {
        GlmParams {
            model: self.model,
            solver: self.solver,
            alpha: self.alpha,
            l1_ratio: self.l1_ratio,
            fit_intercept: !self.no_intercept,
            max_iter: self.max_iter as usize,
            tol: self.tol,
            progress: true,
        }
    }

    /// The printed result of `fit` on `array`, for x of `shape`.
    pub(crate) fn output(
        &self,
        fit: &FitSummary,
        array: ArraySpec,
        shape: (usize, usize),
    ) -> FitOutput {
        FitOutput {
            model: self.model,
            solver: solver_key(self.solver).into(),
            data: InputData::new(array, self.dtype, shape),
            alpha: fit.alpha,
            l1_ratio: self.l1_ratio,
            fit_intercept: !self.no_intercept,
            coef: fit.coef.clone(),
            intercept: fit.intercept,
            objective: fit.objective,
            n_iter: fit.n_iter,
            converged: fit.converged,
            stop_reason: fit.stop_reason.clone(),
            seconds: fit.seconds,
            history: self.history.then(|| fit.history.clone()),
        }
    }
}

/// Logistic regression's labels: libsvm's -1 / +1 are read as 0 / 1 with
/// `--pm1-labels`; without it they are refused with a message that names the flag
/// (the library would only say the labels are not in {0, 1}).
fn logistic_labels(
    model: ModelKind,
    y: Array1<f64>,
    y_name: &str,
    pm1: bool,
) -> Result<Array1<f64>, CliError> {
    if model != ModelKind::Logistic {
        if pm1 {
            return Err(CliError::Usage(
                "--pm1-labels is for --model logistic".into(),
            ));
        }
        return Ok(y);
    }
    let pm1_label = |v: f64| v == -1.0 || v == 1.0;
    if pm1 {
        if let Some((i, v)) = y.iter().enumerate().find(|(_, &v)| !pm1_label(v)) {
            return Err(CliError::Input(format!(
                "--pm1-labels: y ('{y_name}') row {i} (0-based) is {v}; expected -1 or 1"
            )));
        }
        return Ok(y.mapv(|v| if v < 0.0 { 0.0 } else { 1.0 }));
    }
    if y.iter().any(|&v| v == -1.0) && y.iter().all(|&v| pm1_label(v)) {
        return Err(CliError::Input(format!(
            "y ('{y_name}') holds the labels -1 and 1 (libsvm's convention) but logistic \
             regression needs 0 and 1: pass --pm1-labels to read -1 as 0"
        )));
    }
    Ok(y)
}

/// The fit, on whichever array type was built.
pub(crate) struct FitTask {
    pub(crate) params: GlmParams,
    pub(crate) keep_model: bool,
}

impl<F: Float> ArrayTask<F> for FitTask {
    type Output = FitSummary;
    fn run<X: DataMatrix<F>>(
        &mut self,
        x: &X,
        y: Option<&X::Vector>,
    ) -> Result<FitSummary, CliError> {
        let y = y.ok_or_else(|| CliError::Usage("fit needs targets".into()))?;
        fit_glm(&self.params, x, y, self.keep_model)
    }
}

/// Runs `duckml fit`.
pub fn run(args: &FitArgs) -> Result<Printed, CliError> {
    #[cfg(feature = "mpi")]
    if args.array == Some(ArraySpec::Mpi) {
        return crate::mpi::fit(args);
    }
    let params = args.params();
    params.check_solver()?;
    refuse_overwriting_inputs(
        &[("--save", args.save.as_deref())],
        &[("--x", Some(&args.input.x)), ("--y", args.y.as_deref())],
    )?;
    let data = load_xy(&args.input, args.y.as_deref(), args.array)?;
    let y = logistic_labels(args.model, data.y, &data.y_name, args.pm1_labels)?;
    let array = ArraySpec::resolve(args.array, &data.x);
    check_state_memory(&params, data.x.shape(), array, &args.input.x_name())?;
    let mut task = FitTask {
        params,
        keep_model: args.save.is_some(),
    };
    let x_name = args.input.x_name();
    let inputs = Data {
        x: &data.x,
        x_name: &x_name,
        y: Some((&y, &data.y_name)),
    };
    let fit = dispatch(args.dtype, inputs, array, &mut task)?;
    let out = args.output(&fit, array, data.x.shape());
    // Both documents are made before either is written: a fit whose numbers JSON
    // cannot hold leaves no model file behind.
    let printed = Printed::json(&out, "the fit")?;
    if let (Some(path), Some(fitted)) = (&args.save, fit.fitted) {
        let numbering = data.numbering.map(|d| {
            if d.zero_based {
                SvmlightNumbering::ZeroBased
            } else {
                SvmlightNumbering::OneBased
            }
        });
        let saved = SavedModel::new(fitted, out.data.n_features, numbering);
        let text = json_text(&saved, Layout::Pretty, "the fitted model")? + "\n";
        atomic::write_text(path, &text)?;
    }
    Ok(printed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pm1_labels_are_named_or_mapped() {
        let y = Array1::from(vec![-1.0, 1.0, 1.0]);
        let e = logistic_labels(ModelKind::Logistic, y.clone(), "a.svm", false).unwrap_err();
        assert!(e.to_string().contains("pass --pm1-labels"), "{e}");
        let mapped = logistic_labels(ModelKind::Logistic, y.clone(), "a.svm", true).unwrap();
        assert_eq!(mapped.to_vec(), vec![0.0, 1.0, 1.0]);
        let bad = Array1::from(vec![-1.0, 0.0]);
        let e = logistic_labels(ModelKind::Logistic, bad, "a.svm", true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--pm1-labels: y ('a.svm') row 1 (0-based) is 0; expected -1 or 1"
        );
        // 0/1 labels pass untouched; other models keep -1.
        let y01 = Array1::from(vec![0.0, 1.0]);
        assert_eq!(
            logistic_labels(ModelKind::Logistic, y01.clone(), "y", false).unwrap(),
            y01
        );
        assert_eq!(
            logistic_labels(ModelKind::Linear, y.clone(), "y", false).unwrap(),
            y
        );
        assert_eq!(
            logistic_labels(ModelKind::Linear, y, "y", true)
                .unwrap_err()
                .exit_code(),
            2
        );
    }
}
