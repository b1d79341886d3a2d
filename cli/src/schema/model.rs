//! The saved model (`duckml fit --save`, read by `duckml predict`):
//!
//! ```json
//! {"fitted": <FittedGlm's serde form>, "format": "duckml-glm", "model": "logistic",
//!  "n_features": 3, "version": 1, "dtype": "f64"}
//! ```
//!
//! Version 2 adds `"svmlight_numbering": "zero-based"` or `"one-based"`: how the
//! svmlight file the model was fitted on numbered its features, so that `predict` reads
//! its svmlight files the same way (a test file whose column 0 happens to be empty
//! would otherwise be read one-based and every feature shifted). A file is written as
//! the lowest version whose readers understand all of it: version 1 unless it records
//! a numbering, which a version-1 reader would ignore. Files without the field (every
//! version-1 file) keep the old behaviour: the numbering is detected per file.
//!
//! `dtype` is the element type of the stored coefficients, always `f64` (models fitted
//! on `--dtype f32` data keep `f64` coefficients); version-1 readers ignore it, and a
//! file without it is `f64`.
//!
//! [`SavedModel::from_json`] checks a file fully before it is used: format, version,
//! element type, that the `fitted` form is of the family its `model` field names, that
//! `n_features` agrees with the coefficients, and that every coefficient is finite.

use crate::flags::ModelKind;
use duckml::arrays::GlmFamily;
use duckml::estimators::glm::{Bernoulli, Gaussian, GlmKind, Poisson};
use duckml::estimators::FittedGlm;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The saved-model file's format tag.
pub const MODEL_FORMAT: &str = "duckml-glm";
/// The newest saved-model version this command line reads and writes; a change of
/// [`SavedModel`]'s meaning needs a new one.
pub const MODEL_VERSION: u64 = 2;
/// The element type of saved coefficients.
pub const MODEL_DTYPE: &str = "f64";

/// How the svmlight file a model was fitted on numbered its features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SvmlightNumbering {
    /// Index `j` is column `j`.
    ZeroBased,
    /// Index `j` is column `j - 1`.
    OneBased,
}

/// A saved model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedModel {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// 1, or 2 when the file records an svmlight numbering.
    pub version: u64,
    /// The model: its kind under `"model"`, the library's serde form under `"fitted"`.
    #[serde(flatten)]
    pub model: FittedModel,
    /// Columns of the x it was fitted on. Every file has it; a file without it still
    /// loads (as it always did), the width then being the coefficients'.
    #[serde(default)]
    pub n_features: Option<usize>,
    /// The coefficients' element type, [`MODEL_DTYPE`] (absent in files written before
    /// it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtype: Option<String>,
    /// The numbering of the svmlight file the model was fitted on (version 2; absent
    /// when the model was fitted on another format, or written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub svmlight_numbering: Option<SvmlightNumbering>,
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

/// Why a model file cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// Not JSON, or a field of the wrong shape (serde's reason).
    Json(String),
    /// No `"format": "duckml-glm"`.
    Format,
    /// A version this command line does not read.
    Version(String),
    /// Coefficients of an element type other than `f64`.
    ElementType(String),
    /// A `model` name that is not a GLM this command line fits.
    UnknownModel(String),
    /// The `fitted` form is of another family than the `model` field names.
    FamilyMismatch {
        /// The `model` field.
        model: ModelKind,
        /// The family the `fitted` form holds.
        family: GlmFamily,
    },
    /// `n_features` disagrees with the number of coefficients.
    Width {
        /// The `n_features` field.
        n_features: usize,
        /// Coefficients in `fitted`.
        coefficients: usize,
    },
    /// A coefficient or the intercept is not a finite number.
    NonFinite(String),
    /// A model without an intercept whose intercept is not 0.
    Intercept(f64),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Json(why) => f.write_str(why),
            ModelError::Format => write!(f, "no \"format\": \"{MODEL_FORMAT}\" field"),
            ModelError::Version(v) => write!(
                f,
                "version {v} (this duckml reads versions 1 to {MODEL_VERSION})"
            ),
            ModelError::ElementType(t) => write!(
                f,
                "coefficients of element type {t} (this duckml reads {MODEL_DTYPE})"
            ),
            ModelError::UnknownModel(m) => write!(f, "unknown model {m}"),
            ModelError::FamilyMismatch { model, family } => write!(
                f,
                "its \"model\" is {model} but its \"fitted\" model is of the {family:?} family"
            ),
            ModelError::Width {
                n_features,
                coefficients,
            } => write!(
                f,
                "\"n_features\" is {n_features} but it has {coefficients} coefficients"
            ),
            ModelError::NonFinite(what) => write!(f, "{what} is not a finite number"),
            ModelError::Intercept(b) => write!(
                f,
                "it was fitted without an intercept (\"fit_intercept\": false) but its \
                 intercept is {b}"
            ),
        }
    }
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

    /// Checks that the library's form agrees with itself and with the tag.
    fn check(&self) -> Result<(), ModelError> {
        match self {
            FittedModel::Linear(m) => check_glm(self.kind(), m),
            FittedModel::Logistic(m) => check_glm(self.kind(), m),
            FittedModel::Poisson(m) => check_glm(self.kind(), m),
        }
    }
}

/// The checks of one fitted GLM of kind `K`, tagged `model`.
fn check_glm<K: GlmKind>(model: ModelKind, m: &FittedGlm<K>) -> Result<(), ModelError> {
    if m.family() != K::FAMILY {
        return Err(ModelError::FamilyMismatch {
            model,
            family: m.family(),
        });
    }
    if let Some(j) = m.coef_f64().iter().position(|c| !c.is_finite()) {
        return Err(ModelError::NonFinite(format!("coefficient {j}")));
    }
    let b = m.intercept_f64();
    if !b.is_finite() {
        return Err(ModelError::NonFinite("the intercept".into()));
    }
    // What `fit_intercept` says is in the file's `fitted` form; the library reads the
    // intercept whatever it says, so a file that contradicts itself is refused.
    let fit_intercept = serde_json::to_value(m)
        .ok()
        .and_then(|v| v["fit_intercept"].as_bool())
        .unwrap_or(true);
    if !fit_intercept && b != 0.0 {
        return Err(ModelError::Intercept(b));
    }
    Ok(())
}

impl SavedModel {
    /// A file for `model`, fitted on `n_features` columns of a file with `numbering`
    /// (svmlight only). The version is the lowest whose readers understand it all.
    pub fn new(
        model: FittedModel,
        n_features: usize,
        svmlight_numbering: Option<SvmlightNumbering>,
    ) -> Self {
        SavedModel {
            format: MODEL_FORMAT.into(),
            version: if svmlight_numbering.is_some() { 2 } else { 1 },
            model,
            n_features: Some(n_features),
            dtype: Some(MODEL_DTYPE.into()),
            svmlight_numbering,
        }
    }

    /// Reads a saved model's text and checks it fully (see the module documentation).
    /// The format, version and model kind are checked first, so a file of another kind
    /// says what is wrong with it (not which field serde missed).
    ///
    /// # Errors
    ///
    /// The [`ModelError`] that says what is wrong (without the path).
    pub fn from_json(text: &str) -> Result<SavedModel, ModelError> {
        let mut value: Value =
            serde_json::from_str(text).map_err(|e| ModelError::Json(e.to_string()))?;
        if !value.is_object() {
            return Err(ModelError::Format);
        }
        if value["format"] != MODEL_FORMAT {
            return Err(ModelError::Format);
        }
        match value["version"].as_u64() {
            Some(1..=MODEL_VERSION) => {}
            _ => return Err(ModelError::Version(value["version"].to_string())),
        }
        match &value["dtype"] {
            Value::Null => {}
            Value::String(t) if t == MODEL_DTYPE => {}
            other => return Err(ModelError::ElementType(other.to_string())),
        }
        let kind = value["model"]
            .as_str()
            .and_then(ModelKind::from_name)
            .ok_or_else(|| ModelError::UnknownModel(value["model"].to_string()))?;
        // Version-1 readers took the model's name in any case.
        value["model"] = Value::String(kind.to_string());
        let saved = SavedModel::deserialize(value).map_err(|e| ModelError::Json(e.to_string()))?;
        saved.model.check()?;
        let coefficients = saved.model.n_features();
        match saved.n_features {
            Some(n_features) if n_features != coefficients => Err(ModelError::Width {
                n_features,
                coefficients,
            }),
            _ => Ok(saved),
        }
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
            assert_eq!(saved.svmlight_numbering, None);
            // `fit --save` writes the pretty text and a newline.
            let back = json_text(&saved, Layout::Pretty, "m").unwrap() + "\n";
            assert_eq!(back, text, "{name}");
        }
    }

    #[test]
    fn new_files_take_the_lowest_version_that_holds_them() {
        let saved = SavedModel::from_json(&fixture("v1_linear_model.json")).unwrap();
        let plain = SavedModel::new(saved.model.clone(), 3, None);
        assert_eq!(plain.version, 1);
        let svm = SavedModel::new(saved.model, 3, Some(SvmlightNumbering::ZeroBased));
        assert_eq!(svm.version, 2);
        let text = json_text(&svm, Layout::Pretty, "m").unwrap();
        assert!(
            text.contains("\"svmlight_numbering\": \"zero-based\""),
            "{text}"
        );
        assert!(text.contains("\"dtype\": \"f64\""), "{text}");
        assert_eq!(SavedModel::from_json(&text).unwrap(), svm);
    }

    fn edited(name: &str, edit: impl FnOnce(&mut Value)) -> Result<SavedModel, ModelError> {
        let mut v: Value = serde_json::from_str(&fixture(name)).unwrap();
        edit(&mut v);
        SavedModel::from_json(&v.to_string())
    }

    #[test]
    fn other_files_say_what_is_wrong() {
        let lin = "v1_linear_model.json";
        let err = |edit: &dyn Fn(&mut Value)| edited(lin, |v| edit(v)).unwrap_err().to_string();
        assert_eq!(
            err(&|v| v["format"] = "other".into()),
            "no \"format\": \"duckml-glm\" field"
        );
        assert_eq!(
            err(&|v| v["version"] = 3.into()),
            "version 3 (this duckml reads versions 1 to 2)"
        );
        assert!(err(&|v| v["version"] = "1".into()).starts_with("version \"1\""));
        assert_eq!(
            err(&|v| v["dtype"] = "f32".into()),
            "coefficients of element type \"f32\" (this duckml reads f64)"
        );
        assert_eq!(
            err(&|v| v["model"] = "probit".into()),
            "unknown model \"probit\""
        );
        // The inner family disagrees with the tag.
        assert_eq!(
            err(&|v| v["model"] = "logistic".into()),
            "its \"model\" is logistic but its \"fitted\" model is of the Gaussian family"
        );
        assert_eq!(
            err(&|v| v["n_features"] = 5.into()),
            "\"n_features\" is 5 but it has 3 coefficients"
        );
        assert_eq!(
            err(&|v| v["fitted"]["intercept"] = "x".into())
                .split(':')
                .next(),
            Some("invalid type")
        );
        assert_eq!(
            err(&|v| {
                v["fitted"]["fit_intercept"] = false.into();
                v["fitted"]["intercept"] = 0.5.into();
            }),
            "it was fitted without an intercept (\"fit_intercept\": false) but its intercept is 0.5"
        );
        // Numbers beyond f64 do not parse; a coefficient array of the wrong length does
        // not either (ndarray checks `dim` against `data`).
        assert!(err(&|v| v["fitted"]["coef"]["dim"] = serde_json::json!([4])).contains("dim"));
        assert!(matches!(
            SavedModel::from_json("{\"format\": \"duckml-glm\", \"version\": 1, \"model\": \"linear\", \"fitted\": {\"coef\": 1e999}}"),
            Err(ModelError::Json(_))
        ));
        assert_eq!(SavedModel::from_json("[1]"), Err(ModelError::Format));
        // Any case, and no n_features or dtype, as version-1 readers allowed.
        assert!(edited(lin, |v| v["model"] = "LINEAR".into()).is_ok());
        let saved = edited(lin, |v| {
            v.as_object_mut().unwrap().remove("n_features");
        })
        .unwrap();
        assert_eq!(saved.model.n_features(), 3);
        assert!(matches!(
            SavedModel::from_json("{\"format\": "),
            Err(ModelError::Json(_))
        ));
    }
}
