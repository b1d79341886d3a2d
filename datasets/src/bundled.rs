//! Small real data sets compiled into the crate.
//!
//! The CSV files live in `datasets/data/` (see `datasets/data/README.md` for
//! sources and licences) and are embedded with `include_str!`, so loading them
//! needs no file system access. Features are the raw, unstandardised
//! measurements; the response is [`Table::y`].

use crate::csv_io::{read_csv_str, CsvOptions, HeaderMode, Table, TargetColumn};
use crate::error::Result;

const DIABETES_CSV: &str = include_str!("../data/diabetes.csv");
const BREAST_CANCER_CSV: &str = include_str!("../data/breast_cancer.csv");
const RANDHIE_CSV: &str = include_str!("../data/randhie.csv");

fn load(text: &str, name: &str) -> Result<Table> {
    let options = CsvOptions {
        header: HeaderMode::Present,
        ..CsvOptions::with_target(TargetColumn::Last)
    };
    read_csv_str(text, name, &options)
}

/// The diabetes data set (Efron et al., 2004): Gaussian regression.
///
/// 442 patients, 10 baseline features (`age`, `sex`, `bmi`, `bp`, `s1`..`s6`);
/// the response is a quantitative measure of disease progression one year later.
///
/// # Errors
///
/// Only if the embedded file were corrupt (a bug; covered by the crate's tests).
///
/// # Example
///
/// ```
/// let data = duckml_datasets::diabetes()?;
/// assert_eq!(data.x.dim(), (442, 10));
/// assert_eq!(data.feature_names[2], "bmi");
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn diabetes() -> Result<Table> {
    load(DIABETES_CSV, "diabetes.csv")
}

/// The Breast Cancer Wisconsin (Diagnostic) data set: binary classification.
///
/// 569 samples, 30 real-valued cell-nucleus features; the response is
/// `1.0` = benign (357 samples), `0.0` = malignant (212), as in scikit-learn.
///
/// # Errors
///
/// Only if the embedded file were corrupt (a bug; covered by the crate's tests).
///
/// # Example
///
/// ```
/// let data = duckml_datasets::breast_cancer()?;
/// assert_eq!(data.x.dim(), (569, 30));
/// let benign = data.y.unwrap().iter().filter(|&&v| v == 1.0).count();
/// assert_eq!(benign, 357);
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn breast_cancer() -> Result<Table> {
    load(BREAST_CANCER_CSV, "breast_cancer.csv")
}

/// The RAND Health Insurance Experiment data (first 2000 rows): Poisson regression.
///
/// 9 features (`lncoins`, `idp`, `lpi`, `fmde`, `physlm`, `disea`, `hlthg`,
/// `hlthf`, `hlthp`); the response `mdvis` is the number of outpatient visits
/// to a doctor.
///
/// # Errors
///
/// Only if the embedded file were corrupt (a bug; covered by the crate's tests).
///
/// # Example
///
/// ```
/// let data = duckml_datasets::randhie()?;
/// assert_eq!(data.x.dim(), (2000, 9));
/// assert!(data.y.unwrap().iter().all(|&v| v >= 0.0 && v.fract() == 0.0));
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn randhie() -> Result<Table> {
    load(RANDHIE_CSV, "randhie.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(t: &Table, n: usize, p: usize) {
        assert_eq!(t.x.dim(), (n, p));
        assert_eq!(t.feature_names.len(), p);
        assert!(t.x.is_standard_layout());
        let y = t.y.as_ref().expect("bundled data sets have a target");
        assert_eq!(y.len(), n);
        assert!(t.x.iter().chain(y.iter()).all(|v| v.is_finite()));
        // No feature column is constant.
        for col in t.x.columns() {
            let first = col[0];
            assert!(col.iter().any(|&v| v != first));
        }
    }

    #[test]
    fn diabetes_loads() {
        let t = diabetes().unwrap();
        check(&t, 442, 10);
        assert_eq!(
            t.feature_names,
            ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
        );
        assert_eq!(t.x.row(0).to_vec()[..3], [59.0, 2.0, 32.1]);
        let y = t.y.unwrap();
        assert_eq!(y[0], 151.0);
        assert!(y.iter().all(|&v| v > 0.0));
    }

    #[test]
    fn breast_cancer_loads() {
        let t = breast_cancer().unwrap();
        check(&t, 569, 30);
        assert_eq!(t.feature_names[0], "mean_radius");
        assert_eq!(t.feature_names[29], "worst_fractal_dimension");
        let y = t.y.unwrap();
        assert!(y.iter().all(|&v| v == 0.0 || v == 1.0));
        assert_eq!(y.iter().filter(|&&v| v == 1.0).count(), 357);
        assert_eq!(y.iter().filter(|&&v| v == 0.0).count(), 212);
    }

    #[test]
    fn randhie_loads() {
        let t = randhie().unwrap();
        check(&t, 2000, 9);
        assert_eq!(t.feature_names[0], "lncoins");
        assert_eq!(t.feature_names[8], "hlthp");
        let y = t.y.unwrap();
        assert!(y.iter().all(|&v| v >= 0.0 && v.fract() == 0.0));
        assert!(y.iter().any(|&v| v > 0.0));
    }
}
