//! `duckml predict`: predictions from a model saved by `duckml fit --save`.

use super::arrays::{with_array, ArraySpec, ArrayTask};
use super::fit::{MODEL_FORMAT, MODEL_VERSION};
use super::glm::{num, ModelKind};
use super::input::{load_x, InputArgs};
use super::{io_error, print_json, CliError};
use clap::Args;
use duckml::arrays::{DataMatrix, SampleVector};
use duckml::datasets::write_npy_vector;
use duckml::estimators::glm::{Bernoulli, Gaussian, GlmKind, Poisson};
use duckml::estimators::FittedGlm;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model file written by `duckml fit --save`.
    #[arg(long, value_name = "MODEL.json")]
    pub model: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// Logistic regression: print the probability of class 1 instead of the label.
    #[arg(long)]
    pub proba: bool,
    /// Array type for the prediction (default: the input's storage).
    #[arg(long, value_name = "ARRAY")]
    pub array: Option<ArraySpec>,
    /// Write the predictions to this `.npy` file (float64) instead of printing them.
    #[arg(long, value_name = "FILE.npy")]
    pub out: Option<PathBuf>,
}

/// A loaded model of any kind.
enum AnyModel {
    Linear(FittedGlm<Gaussian>),
    Logistic(FittedGlm<Bernoulli>),
    Poisson(FittedGlm<Poisson>),
}

fn load_model(path: &Path) -> Result<(AnyModel, usize), CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, e))?;
    let bad = |why: String| {
        CliError::Input(format!(
            "'{}' is not a duckml model file: {why}",
            path.display()
        ))
    };
    let value: Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if value["format"] != MODEL_FORMAT {
        return Err(bad(format!("no \"format\": \"{MODEL_FORMAT}\" field")));
    }
    if value["version"] != MODEL_VERSION {
        return Err(bad(format!(
            "version {} (this duckml reads version {MODEL_VERSION})",
            value["version"]
        )));
    }
    let kind = value["model"]
        .as_str()
        .and_then(ModelKind::from_name)
        .ok_or_else(|| bad(format!("unknown model {}", value["model"])))?;
    let fitted = &value["fitted"];
    fn parse<K: GlmKind>(v: &Value) -> Result<FittedGlm<K>, String> {
        FittedGlm::<K>::deserialize(v).map_err(|e| e.to_string())
    }
    use serde::Deserialize;
    let model = match kind {
        ModelKind::Linear => AnyModel::Linear(parse(fitted).map_err(bad)?),
        ModelKind::Logistic => AnyModel::Logistic(parse(fitted).map_err(bad)?),
        ModelKind::Poisson => AnyModel::Poisson(parse(fitted).map_err(bad)?),
    };
    let p = match &model {
        AnyModel::Linear(m) => m.coef_f64().len(),
        AnyModel::Logistic(m) => m.coef_f64().len(),
        AnyModel::Poisson(m) => m.coef_f64().len(),
    };
    Ok((model, p))
}

struct PredictTask<'a> {
    model: &'a AnyModel,
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
            (AnyModel::Linear(m), false) => m.predict(x)?,
            (AnyModel::Logistic(m), false) => m.predict(x)?,
            (AnyModel::Logistic(m), true) => m.predict_proba(x)?,
            (AnyModel::Poisson(m), false) => m.predict(x)?,
            (_, true) => {
                return Err(CliError::Usage(
                    "--proba needs a logistic regression model".into(),
                ))
            }
        };
        Ok(v.to_host().to_vec())
    }
}

pub fn run(args: &PredictArgs) -> Result<(), CliError> {
    let (model, p) = load_model(&args.model)?;
    if args.proba && !matches!(model, AnyModel::Logistic(_)) {
        return Err(CliError::Usage(
            "--proba needs a logistic regression model".into(),
        ));
    }
    let loaded = load_x(&args.input, Some(p))?;
    let spec = args.array.unwrap_or(if loaded.x.storage() == "sparse" {
        ArraySpec::Sparse
    } else {
        ArraySpec::Dense
    });
    let mut task = PredictTask {
        model: &model,
        proba: args.proba,
    };
    let pred = with_array::<f64, _>(&loaded.x, None, spec, &mut task)?;
    match &args.out {
        Some(path) => {
            write_npy_vector(path, &ndarray::Array1::from(pred.clone()))?;
            eprintln!("wrote {} predictions to {}", pred.len(), path.display());
            Ok(())
        }
        None => print_json(&Value::Array(pred.into_iter().map(num).collect())),
    }
}
