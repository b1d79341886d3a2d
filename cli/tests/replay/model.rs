//! The saved-model reader on arbitrary bytes: [`SavedModel::from_json`] accepts only a
//! model that agrees with itself (and writes back to the same model), refuses anything
//! else with a [`ModelError`], never panics; and `duckml predict` with the file as
//! `--model` ends in predictions or one error line. Shared by the replay (`main.rs`)
//! and the cargo-fuzz target `model`, which include this file.

use super::args::{check_with, Ending};
use super::sandbox::Sandbox;
use duckml_cli::schema::{FittedModel, ModelError, SavedModel, MODEL_VERSION};

/// The widest model whose predictions are tried (a CSV of that many columns is made).
const MAX_PREDICT_WIDTH: usize = 64;

/// The coefficients of a fitted model, whatever its kind.
fn coefficients(m: &FittedModel) -> (Vec<f64>, f64) {
    match m {
        FittedModel::Linear(g) => (g.coef_f64().to_vec(), g.intercept_f64()),
        FittedModel::Logistic(g) => (g.coef_f64().to_vec(), g.intercept_f64()),
        FittedModel::Poisson(g) => (g.coef_f64().to_vec(), g.intercept_f64()),
    }
}

/// What an accepted model must be.
fn check_accepted(saved: &SavedModel) -> Result<(), String> {
    if !(1..=MODEL_VERSION).contains(&saved.version) {
        return Err(format!("accepted version {}", saved.version));
    }
    let (coef, b) = coefficients(&saved.model);
    if let Some(n) = saved.n_features.filter(|&n| n != coef.len()) {
        return Err(format!(
            "accepted n_features {n} with {} coefficients",
            coef.len()
        ));
    }
    if !b.is_finite() || coef.iter().any(|c| !c.is_finite()) {
        return Err("accepted a non-finite coefficient".into());
    }
    let text = serde_json::to_string(saved).map_err(|e| format!("cannot write back: {e}"))?;
    match SavedModel::from_json(&text) {
        Ok(back) if &back == saved => Ok(()),
        Ok(_) => Err("reads back as another model".into()),
        Err(e) => Err(format!("its own text is refused: {e}")),
    }
}

/// A CSV of three rows and `p` columns (header `c0,c1,...`).
fn data_csv(p: usize) -> Vec<u8> {
    let header: Vec<String> = (0..p).map(|j| format!("c{j}")).collect();
    let mut text = header.join(",") + "\n";
    for i in 0..3 {
        let row: Vec<String> = (0..p).map(|j| format!("{}", (i * p + j) % 5)).collect();
        text += &(row.join(",") + "\n");
    }
    text.into_bytes()
}

/// How a model input ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Read as a model, and predicted (or refused to, with one error line).
    Accepted(Ending),
    /// Refused by the reader with a typed error.
    Refused,
}

/// Reads `bytes` as a model file, then predicts with it through the command line.
pub fn check(bytes: &[u8], sandbox: &Sandbox) -> Result<Verdict, String> {
    let read: Option<Result<SavedModel, ModelError>> =
        std::str::from_utf8(bytes).ok().map(SavedModel::from_json);
    let width = match &read {
        Some(Ok(saved)) => {
            check_accepted(saved)?;
            Some(saved.model.n_features())
        }
        Some(Err(e)) if e.to_string().is_empty() => return Err("an empty error".into()),
        _ => None,
    };
    let p = width.unwrap_or(3);
    if p == 0 || p > MAX_PREDICT_WIDTH {
        return Ok(if width.is_some() {
            Verdict::Accepted(Ending::Ok)
        } else {
            Verdict::Refused
        });
    }
    let model = sandbox.path("fuzz.json").display().to_string();
    let data = sandbox.path("data.csv").display().to_string();
    let args: Vec<String> = ["duckml", "predict", "--model", &model, "--x", &data]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let csv = data_csv(p);
    let ending = check_with(&args, sandbox, &[("fuzz.json", bytes), ("data.csv", &csv)])?;
    match (width, ending) {
        (Some(_), Ending::Usage) => Err("a model that reads predicts with a usage error".into()),
        (Some(_), e) => Ok(Verdict::Accepted(e)),
        (None, Ending::Input) => Ok(Verdict::Refused),
        (None, e) => Err(format!(
            "a refused model file ended in {e:?} through predict"
        )),
    }
}
