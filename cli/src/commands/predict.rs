//! `duckml predict`: predictions from a model saved by `duckml fit --save`.

use crate::dispatch::{with_array, ArrayTask};
use crate::error::{io_error, CliError};
use crate::flags::{ArraySpec, ModelKind};
use crate::input::{load_x, InputArgs};
use crate::output::print_json;
use crate::schema::{FittedModel, SavedModel};
use clap::Args;
use duckml::arrays::{DataMatrix, SampleVector};
use duckml::datasets::write_npy_vector;
use std::path::{Path, PathBuf};

/// Options of `duckml predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model file written by `duckml fit --save`.
    #[arg(long, value_name = "MODEL.json")]
    pub model: PathBuf,
    /// The data file options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Logistic regression: print the probability of class 1 instead of the label.
    #[arg(long)]
    pub proba: bool,
    /// Array type for the prediction (default: the input's storage).
    #[arg(long, value_name = "ARRAY", value_parser = ArraySpec::parser())]
    pub array: Option<ArraySpec>,
    /// Write the predictions to this `.npy` file (float64) instead of printing them.
    #[arg(long, value_name = "FILE.npy")]
    pub out: Option<PathBuf>,
}

fn load_model(path: &Path) -> Result<FittedModel, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, e))?;
    let saved = SavedModel::from_json(&text).map_err(|why| {
        CliError::Input(format!(
            "'{}' is not a duckml model file: {why}",
            path.display()
        ))
    })?;
    Ok(saved.model)
}

fn proba_needs_logistic() -> CliError {
    CliError::Usage("--proba needs a logistic regression model".into())
}

/// The prediction, on whichever array type was built. Models hold `f64` coefficients
/// and predict on `f64` data.
struct PredictTask<'a> {
    model: &'a FittedModel,
    proba: bool,
}

impl ArrayTask<f64> for PredictTask<'_> {
    type Output = Vec<f64>;
    fn run<X: DataMatrix<f64>>(
        &mut self,
        x: &X,
        _y: Option<&X::Vector>,
    ) -> Result<Vec<f64>, CliError> {
        let v = match (self.model, self.proba) {
            (FittedModel::Linear(m), false) => m.predict(x)?,
            (FittedModel::Logistic(m), false) => m.predict(x)?,
            (FittedModel::Logistic(m), true) => m.predict_proba(x)?,
            (FittedModel::Poisson(m), false) => m.predict(x)?,
            (_, true) => return Err(proba_needs_logistic()),
        };
        Ok(v.to_host().to_vec())
    }
}

/// Runs `duckml predict`.
pub fn run(args: &PredictArgs) -> Result<(), CliError> {
    let model = load_model(&args.model)?;
    if args.proba && model.kind() != ModelKind::Logistic {
        return Err(proba_needs_logistic());
    }
    let loaded = load_x(&args.input, Some(model.n_features()), args.array)?;
    let array = ArraySpec::resolve(args.array, &loaded.x);
    let mut task = PredictTask {
        model: &model,
        proba: args.proba,
    };
    let pred = with_array::<f64, _>(&loaded.x, None, array, &mut task)?;
    match &args.out {
        Some(path) => {
            write_npy_vector(path, &ndarray::Array1::from(pred.clone()))?;
            eprintln!("wrote {} predictions to {}", pred.len(), path.display());
            Ok(())
        }
        None => print_json(&pred),
    }
}
