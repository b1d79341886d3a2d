//! `duckml fit`: one GLM fit on files, printed as one JSON object.

use crate::dispatch::{dispatch, ArrayTask};
use crate::error::{io_error, CliError};
use crate::flags::{non_negative, positive, solver_key, solver_parser, unit_interval};
use crate::flags::{ArraySpec, Dtype, ModelKind};
use crate::glm::{fit_glm, FitSummary, GlmParams};
use crate::input::{load_xy, InputArgs};
use crate::output::{json_text, print_json, Layout};
use crate::schema::{FitOutput, InputData, SavedModel};
use clap::Args;
use duckml::arrays::{DataMatrix, Float};
use duckml::solvers::SolverChoice;
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
    #[arg(long, value_parser = non_negative)]
    pub alpha: Option<f64>,
    /// Share of the L1 norm in the penalty, in [0, 1] (0 ridge, 1 lasso).
    #[arg(long, default_value_t = 0.0, value_parser = unit_interval)]
    pub l1_ratio: f64,
    /// Fit without an intercept.
    #[arg(long)]
    pub no_intercept: bool,
    /// Iteration limit (outer iterations for admm).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_iter: u64,
    /// Stopping tolerance on the objective's minimum-norm subgradient.
    #[arg(long, default_value_t = 1e-4, value_parser = positive)]
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
    /// Write the fitted model (JSON) here, for `duckml predict`.
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
        }
    }

    /// The printed result of `fit` on `array`, for x of `shape`.
    fn output(&self, fit: &FitSummary, array: ArraySpec, shape: (usize, usize)) -> FitOutput {
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

/// The fit, on whichever array type was built.
struct FitTask {
    params: GlmParams,
    keep_model: bool,
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
pub fn run(args: &FitArgs) -> Result<(), CliError> {
    let params = args.params();
    params.check_solver()?;
    let (x, y) = load_xy(&args.input, args.y.as_deref(), args.array)?;
    let array = ArraySpec::resolve(args.array, &x);
    let mut task = FitTask {
        params,
        keep_model: args.save.is_some(),
    };
    let fit = dispatch(args.dtype, &x, Some(&y), array, &mut task)?;
    let out = args.output(&fit, array, x.shape());
    if let (Some(path), Some(fitted)) = (&args.save, fit.fitted) {
        let saved = SavedModel::new(fitted, out.data.n_features);
        let text = json_text(&saved, Layout::Pretty)? + "\n";
        std::fs::write(path, text).map_err(|e| io_error(path, e))?;
    }
    print_json(&out)
}
