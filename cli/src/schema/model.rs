//! The saved model (`duckml fit --save`, read by `duckml predict`), version 1:
//!
//! ```json
//! {"fitted": <FittedGlm's serde form>, "format": "duckml-glm", "model": "logistic",
//!  "n_features": 3, "version": 1}
//! ```

use crate::flags::ModelKind;
use duckml::estimators::glm::{Bernoulli, Gaussian, Poisson};
use duckml::estimators::FittedGlm;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The saved-model file's format tag.
pub const MODEL_FORMAT: &str = "duckml-glm";
/// The saved-model file's version; a change of [`SavedModel`]'s shape needs a new one.
pub const MODEL_VERSION: u64 = 1;

/// A saved model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedModel {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// Always [`MODEL_VERSION`].
    pub version: u64,
    /// The model: its kind under `"model"`, the library's serde form under `"fitted"`.
    #[serde(flatten)]
    pub model: FittedModel,
    /// Columns of the x it was fitted on. Every file has it; readers take the width
    /// from the coefficients, so a file without it still loads (as it always did).
    #[serde(default)]
    pub n_features: Option<usize>,
}

/// A fitted GLM of any kind, tagged by its `--model` name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", content = "fitted", rename_all = "lowercase")]
pub enum FittedModel {
    /// `--model linear`.
    Linear(FittedGlm<Gaussian>),
    /// `--model logistic`.
    Logistic(FittedGlm<Bernoulli>),
    /// `--model poisson`.
    Poisson(FittedGlm<Poisson>),
}

impl FittedModel {
    /// Which `--model` it is.
    pub fn kind(&self) -> ModelKind {
        match self {
            FittedModel::Linear(_) => ModelKind::Linear,
            FittedModel::Logistic(_) => ModelKind::Logistic,
            FittedModel::Poisson(_) => ModelKind::Poisson,
        }
    }

    /// The number of features its coefficients expect.
    pub fn n_features(&self) -> usize {
        match self {
            FittedModel::Linear(m) => m.coef_f64().len(),
            FittedModel::Logistic(m) => m.coef_f64().len(),
            FittedModel::Poisson(m) => m.coef_f64().len(),
        }
    }
}

impl SavedModel {
    /// A file for `model`, fitted on `n_features` columns.
    pub fn new(model: FittedModel, n_features: usize) -> Self {
        SavedModel {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            model,
            n_features: Some(n_features),
        }
    }

    /// Reads a saved model's text. The format, version and model kind are checked
    /// first, so a file of another kind says what is wrong with it (not which field
    /// serde missed); the error is the reason alone, without the path.
    pub fn from_json(text: &str) -> Result<SavedModel, String> {
        let mut value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if value["format"] != MODEL_FORMAT {
            return Err(format!("no \"format\": \"{MODEL_FORMAT}\" field"));
        }
        if value["version"] != MODEL_VERSION {
            return Err(format!(
                "version {} (this duckml reads version {MODEL_VERSION})",
                value["version"]
            ));
        }
        let kind = value["model"]
            .as_str()
            .and_then(ModelKind::from_name)
            .ok_or_else(|| format!("unknown model {}", value["model"]))?;
        // Version-1 readers took the model's name in any case.
        value["model"] = Value::String(kind.to_string());
        SavedModel::deserialize(value).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{json_text, Layout};

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn version_1_files_read_and_write_back_byte_for_byte() {
        for (name, kind) in [
            ("v1_linear_model.json", ModelKind::Linear),
            ("v1_logistic_model.json", ModelKind::Logistic),
            ("v1_poisson_model.json", ModelKind::Poisson),
        ] {
            let text = fixture(name);
            let saved = SavedModel::from_json(&text).unwrap();
            assert_eq!(saved.model.kind(), kind);
            assert_eq!(saved.n_features, Some(3));
            assert_eq!(saved.model.n_features(), 3);
            // `fit --save` writes the pretty text and a newline.
            let back = json_text(&saved, Layout::Pretty).unwrap() + "\n";
            assert_eq!(back, text, "{name}");
        }
    }

    #[test]
    fn other_files_say_what_is_wrong() {
        let mut v: Value = serde_json::from_str(&fixture("v1_linear_model.json")).unwrap();
        let with = |key: &str, val: Value| {
            let mut v = v.clone();
            v[key] = val;
            SavedModel::from_json(&v.to_string())
        };
        let err = |key: &str, val: Value| with(key, val).unwrap_err();
        assert!(err("format", "other".into()).contains("no \"format\""));
        assert!(err("version", 2.into()).contains("version 2"));
        assert!(err("model", "probit".into()).contains("unknown model \"probit\""));
        // Any case, and no n_features, as version-1 readers allowed.
        assert!(with("model", "LINEAR".into()).is_ok());
        v.as_object_mut().unwrap().remove("n_features");
        let saved = SavedModel::from_json(&v.to_string()).unwrap();
        assert_eq!(saved.model.n_features(), 3);
        assert!(SavedModel::from_json("{\"format\": ").is_err());
    }
}
