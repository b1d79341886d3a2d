//! `duckml fit`: one GLM fit on files, printed as one JSON object.

use super::arrays::{default_chunk_rows, with_array, ArraySpec, ArrayTask, CliFloat, Dtype};
use super::glm::{fit_glm, num, parse_solver, solver_key, FitSummary, GlmParams, ModelKind};
use super::input::{load_xy, InputArgs};
use super::{io_error, print_json, CliError};
use clap::Args;
use duckml::arrays::{DataMatrix, Float};
use duckml::solvers::SolverChoice;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The saved-model file's format tag and version.
pub const MODEL_FORMAT: &str = "duckml-glm";
pub const MODEL_VERSION: u64 = 1;

#[derive(Debug, Args)]
pub struct FitArgs {
    /// The GLM.
    #[arg(long, value_enum)]
    pub model: ModelKind,
    /// The solver: lbfgs, newton, gd (gradient descent), proximal (FISTA) or admm.
    #[arg(long, default_value = "lbfgs", value_parser = parse_solver)]
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
    /// Array type for the fit: dense, sparse (CSR), chunked or chunked:ROWS (row blocks
    /// of the input's storage). Default: the input's storage.
    #[arg(long, value_name = "ARRAY")]
    pub array: Option<ArraySpec>,
    /// Element type the data is held in.
    #[arg(long, value_enum, default_value_t = Dtype::F64)]
    pub dtype: Dtype,
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

fn parse_f64(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .map_err(|_| format!("'{s}' is not a number"))
}

pub fn non_negative(s: &str) -> Result<f64, String> {
    match parse_f64(s)? {
        v if v.is_finite() && v >= 0.0 => Ok(v),
        v => Err(format!("{v} must be finite and >= 0")),
    }
}

pub fn positive(s: &str) -> Result<f64, String> {
    match parse_f64(s)? {
        v if v.is_finite() && v > 0.0 => Ok(v),
        v => Err(format!("{v} must be finite and > 0")),
    }
}

pub fn unit_interval(s: &str) -> Result<f64, String> {
    match parse_f64(s)? {
        v if (0.0..=1.0).contains(&v) => Ok(v),
        v => Err(format!("{v} must be in [0, 1]")),
    }
}

impl FitArgs {
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

fn fit_as<F: CliFloat>(
    args: &FitArgs,
    x: &super::input::Design,
    y: &ndarray::Array1<f64>,
    spec: ArraySpec,
) -> Result<FitSummary, CliError> {
    let mut task = FitTask {
        params: args.params(),
        keep_model: args.save.is_some(),
    };
    with_array::<F, _>(x, Some(y), spec, &mut task)
}

pub fn run(args: &FitArgs) -> Result<(), CliError> {
    let params = args.params();
    params.check_solver()?;
    let (x, y) = load_xy(&args.input, args.y.as_deref())?;
    let (n, p) = x.shape();
    let spec = match args.array {
        Some(ArraySpec::Chunked(None)) => ArraySpec::Chunked(Some(default_chunk_rows(n))),
        Some(spec) => spec,
        None if x.storage() == "sparse" => ArraySpec::Sparse,
        None => ArraySpec::Dense,
    };
    let fit = match args.dtype {
        Dtype::F64 => fit_as::<f64>(args, &x, &y, spec)?,
        Dtype::F32 => fit_as::<f32>(args, &x, &y, spec)?,
    };
    let mut out = json!({
        "model": args.model.name(),
        "solver": solver_key(args.solver),
        "array": spec.name(),
        "dtype": args.dtype.name(),
        "n_samples": n,
        "n_features": p,
        "alpha": num(fit.alpha),
        "l1_ratio": args.l1_ratio,
        "fit_intercept": !args.no_intercept,
        "coef": fit.coef.iter().map(|&c| num(c)).collect::<Vec<_>>(),
        "intercept": num(fit.intercept),
        "objective": num(fit.objective),
        "n_iter": fit.n_iter,
        "converged": fit.converged,
        "stop_reason": fit.stop_reason,
        "seconds": fit.seconds,
    });
    if let ArraySpec::Chunked(Some(rows)) = spec {
        out["chunk_rows"] = json!(rows);
    }
    if args.history {
        out["history"] = Value::Array(fit.history.iter().map(|&v| num(v)).collect());
    }
    if let (Some(path), Some(fitted)) = (&args.save, fit.fitted) {
        let saved = json!({
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "model": args.model.name(),
            "n_features": p,
            "fitted": fitted,
        });
        let text = serde_json::to_string_pretty(&saved)
            .map_err(|e| CliError::Input(format!("cannot serialise the model: {e}")))?;
        std::fs::write(path, text + "\n").map_err(|e| io_error(path, e))?;
    }
    print_json(&out)
}
