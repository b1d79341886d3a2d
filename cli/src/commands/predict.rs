//! `duckml predict`: predictions from a model saved by `duckml fit --save`.

use crate::dispatch::{with_array, ArrayTask, Data};
use crate::error::{io_error, CliError};
use crate::flags::{ArraySpec, ModelKind};
use crate::input::{load_features, InputArgs};
use crate::output::{atomic, Printed};
use crate::same_file::refuse_overwriting_inputs;
use crate::schema::{FittedModel, SavedModel, SvmlightNumbering};
use clap::Args;
use duckml::arrays::{DataMatrix, SampleVector};
use duckml::datasets::{write_npy_vector, ZeroBased};
use duckml::estimators::Error;
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
    /// Write the predictions to this `.npy` file (float64) instead of printing them;
    /// never one of the input files.
    #[arg(long, value_name = "FILE.npy")]
    pub out: Option<PathBuf>,
}

/// Reads and checks a model file (see [`SavedModel::from_json`]).
pub(crate) fn load_model(path: &Path) -> Result<SavedModel, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, e))?;
    SavedModel::from_json(&text).map_err(|error| CliError::Model {
        path: path.to_path_buf(),
        error,
    })
}

pub(crate) fn proba_needs_logistic() -> CliError {
    CliError::Usage("--proba needs a logistic regression model".into())
}

/// The prediction, on whichever array type was built. Models hold `f64` coefficients
/// and predict on `f64` data.
pub(crate) struct PredictTask<'a> {
    pub(crate) model: &'a FittedModel,
    pub(crate) proba: bool,
    /// The x file, named when a prediction overflows.
    pub(crate) x_name: &'a str,
}

impl ArrayTask<f64> for PredictTask<'_> {
    type Output = Vec<f64>;
    fn run<X: DataMatrix<f64>>(
        &mut self,
        x: &X,
        _y: Option<&X::Vector>,
    ) -> Result<Vec<f64>, CliError> {
        let v = match (self.model, self.proba) {
            (FittedModel::Linear(m), false) => m.predict(x),
            (FittedModel::Logistic(m), false) => m.predict(x),
            (FittedModel::Logistic(m), true) => m.predict_proba(x),
            (FittedModel::Poisson(m), false) => m.predict(x),
            (_, true) => return Err(proba_needs_logistic()),
        };
        match v {
            Ok(v) => Ok(v.to_host().to_vec()),
            // The library names the row; the user also needs the file.
            Err(Error::OutOfRange { row: Some(i), .. }) => {
                Err(overflowed(i, self.model.kind(), self.x_name))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Refuses predictions that are not finite numbers, naming the row: JSON cannot hold
/// them and `.npy` readers would take them for data. Probabilities and labels are
/// always finite; a linear or Poisson prediction overflows when a row lies far outside
/// the data the model was fitted on.
pub(crate) fn check_predictions(
    pred: &[f64],
    model: ModelKind,
    x_name: &str,
) -> Result<(), CliError> {
    let Some((i, v)) = pred.iter().enumerate().find(|(_, v)| !v.is_finite()) else {
        return Ok(());
    };
    Err(CliError::Input(format!(
        "the prediction for row {i} (0-based) of '{x_name}' is {v}: {}",
        overflow_reason(model)
    )))
}

/// The error for a prediction the library found out of range, naming the row and file.
fn overflowed(row: usize, model: ModelKind, x_name: &str) -> CliError {
    CliError::Input(format!(
        "the prediction for row {row} (0-based) of '{x_name}' is not a finite number: {}",
        overflow_reason(model)
    ))
}

/// Why a prediction overflows, and the likely cause.
fn overflow_reason(model: ModelKind) -> &'static str {
    match model {
        ModelKind::Poisson => {
            "exp of the linear predictor overflows float64 (are its values on the scale \
             the model was fitted on?)"
        }
        _ => {
            "the linear predictor overflows float64 (are its values on the scale the \
             model was fitted on?)"
        }
    }
}

/// Runs `duckml predict`.
pub fn run(args: &PredictArgs) -> Result<Printed, CliError> {
    #[cfg(feature = "mpi")]
    if args.array == Some(ArraySpec::Mpi) {
        return crate::mpi::predict(args);
    }
    refuse_overwriting_inputs(
        &[("--out", args.out.as_deref())],
        &[("--x", Some(&args.input.x)), ("--model", Some(&args.model))],
    )?;
    let saved = load_model(&args.model)?;
    let model = saved.model;
    if args.proba && model.kind() != ModelKind::Logistic {
        return Err(proba_needs_logistic());
    }
    // An svmlight file is read with the numbering of the file the model was fitted on
    // (files without it: detected per file, as before it was recorded).
    let numbering = match saved.svmlight_numbering {
        Some(SvmlightNumbering::ZeroBased) => ZeroBased::Yes,
        Some(SvmlightNumbering::OneBased) => ZeroBased::No,
        None => ZeroBased::Auto,
    };
    let loaded = load_features(&args.input, Some(model.n_features()), numbering, args.array)?;
    let array = ArraySpec::resolve(args.array, &loaded.x);
    let x_name = args.input.x_name();
    let mut task = PredictTask {
        model: &model,
        proba: args.proba,
        x_name: &x_name,
    };
    let data = Data {
        x: &loaded.x,
        x_name: &x_name,
        y: None,
    };
    let pred = with_array::<f64, _>(data, array, &mut task)?;
    check_predictions(&pred, model.kind(), &x_name)?;
    match &args.out {
        Some(path) => {
            let pred = ndarray::Array1::from(pred);
            atomic::write_via_path(path, |tmp| Ok(write_npy_vector(tmp, &pred)?))?;
            Ok(Printed::note(format!(
                "wrote {} predictions to {}",
                pred.len(),
                path.display()
            )))
        }
        None => Printed::json(&pred, "the predictions"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflowed_predictions_name_their_row() {
        assert!(check_predictions(&[1.0, 2.0], ModelKind::Linear, "x.npy").is_ok());
        let e = check_predictions(&[1.0, f64::INFINITY], ModelKind::Poisson, "x.npy").unwrap_err();
        assert_eq!(e.exit_code(), 1);
        assert!(
            e.to_string().starts_with(
                "the prediction for row 1 (0-based) of 'x.npy' is inf: exp of the linear \
                 predictor overflows float64"
            ),
            "{e}"
        );
    }
}
