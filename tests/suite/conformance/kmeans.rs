//! KMeans on one array type: scikit-learn's Lloyd runs from the same centres, the
//! initialisations on separated blobs, and predict/transform against dense f64.

use super::Tolerance;
use crate::common::kmeans::{check_lloyd_cases, check_separated_blobs, km_fixtures};
use duckml::arrays::{DataMatrix, Float};
use duckml::estimators::KMeans;
use ndarray::{Array1, Array2};

/// KMeans on one array type: every scikit-learn Lloyd fixture case, k-means++ and
/// k-means|| on the separated blobs, and `predict`/`transform` equal to dense f64's.
pub fn run_kmeans_suite<F, X, C>(type_name: &str, convert: C, tol: &Tolerance)
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>, &Array1<f64>) -> (X, X::Vector),
{
    let only_x = |x: &Array2<f64>| convert(x, &Array1::zeros(x.nrows())).0;
    let t = &tol.kmeans;
    let mut fails = check_lloyd_cases(only_x, t.inertia, t.centers, t.exact_labels);
    fails.extend(check_separated_blobs(only_x));
    let x = km_fixtures().datasets["overlap"].x();
    let dense = KMeans::new(6).seed(3).fit(&x).unwrap();
    let xt = only_x(&x);
    if dense.predict(&xt).unwrap() != dense.labels() {
        fails.push("predict differs from the dense fit's labels".into());
    }
    let d = dense.transform(&xt).unwrap();
    let want = dense.transform(&x).unwrap();
    let err = (&d - &want).iter().fold(0.0f64, |a, v| a.max(v.abs()));
    if err > t.centers.sqrt() {
        fails.push(format!("transform differs from dense by {err:.1e}"));
    }
    assert!(fails.is_empty(), "{type_name}:\n{}", fails.join("\n"));
}
