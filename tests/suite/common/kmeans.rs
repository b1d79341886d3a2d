//! The k-means reference fixtures (`scripts/make_kmeans_fixtures.py`, scikit-learn)
//! and the clustering checks shared by the k-means tests and the conformance suite.

use duckml::arrays::{DataMatrix, Float};
use duckml::prelude::*;
use ndarray::Array2;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Deserialize)]
pub struct KmData {
    pub x: Vec<Vec<f64>>,
    pub truth: Vec<usize>,
    pub k: usize,
}

impl KmData {
    pub fn x(&self) -> Array2<f64> {
        let p = self.x[0].len();
        Array2::from_shape_vec((self.x.len(), p), self.x.concat()).unwrap()
    }
}

/// One scikit-learn Lloyd run from explicit centres.
#[derive(Deserialize)]
pub struct LloydCase {
    pub name: String,
    pub dataset: String,
    pub k: usize,
    pub init: Vec<Vec<f64>>,
    pub tol: f64,
    pub max_iter: usize,
    pub inertia: f64,
    pub centers: Vec<Vec<f64>>,
    pub labels: Vec<usize>,
    pub n_iter: usize,
}

impl LloydCase {
    pub fn init(&self) -> Array2<f64> {
        let p = self.init[0].len();
        Array2::from_shape_vec((self.k, p), self.init.concat()).unwrap()
    }
    pub fn centers(&self) -> Array2<f64> {
        let p = self.centers[0].len();
        Array2::from_shape_vec((self.k, p), self.centers.concat()).unwrap()
    }
}

/// scikit-learn's k-means++ labels (n_init = 10).
#[derive(Deserialize)]
pub struct PlusPlus {
    pub dataset: String,
    pub k: usize,
    pub labels: Vec<usize>,
    pub inertia: f64,
    pub ari_truth: f64,
}

#[derive(Deserialize)]
pub struct KmFixtures {
    pub datasets: BTreeMap<String, KmData>,
    pub lloyd: Vec<LloydCase>,
    pub plusplus: Vec<PlusPlus>,
}

pub fn km_fixtures() -> &'static KmFixtures {
    static FX: OnceLock<KmFixtures> = OnceLock::new();
    FX.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/kmeans_reference.json"
        ))
        .expect("k-means fixture file");
        serde_json::from_str(&text).expect("k-means fixture JSON")
    })
}

/// Adjusted Rand index of two labelings (Hubert and Arabie), as scikit-learn's
/// `adjusted_rand_score`.
pub fn ari(a: &[usize], b: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len());
    let ka = a.iter().max().map_or(0, |m| m + 1);
    let kb = b.iter().max().map_or(0, |m| m + 1);
    let mut table = vec![vec![0u64; kb]; ka];
    for (&i, &j) in a.iter().zip(b) {
        table[i][j] += 1;
    }
    let c2 = |n: u64| (n * n.saturating_sub(1)) as f64 / 2.0;
    let sum_ij: f64 = table.iter().flatten().map(|&n| c2(n)).sum();
    let sum_a: f64 = table.iter().map(|r| c2(r.iter().sum())).sum();
    let sum_b: f64 = (0..kb).map(|j| c2(table.iter().map(|r| r[j]).sum())).sum();
    let total = c2(a.len() as u64);
    let expected = sum_a * sum_b / total;
    let max = (sum_a + sum_b) / 2.0;
    if max == expected {
        return 1.0;
    }
    (sum_ij - expected) / (max - expected)
}

/// Fits every Lloyd fixture case on `x` converted by `convert`, from the fixture's
/// initial centres; returns a failure line per disagreement with scikit-learn.
pub fn check_lloyd_cases<F, X, C>(
    convert: C,
    inertia_tol: f64,
    center_tol: f64,
    exact_labels: bool,
) -> Vec<String>
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>) -> X,
{
    let fx = km_fixtures();
    let mut fails = Vec::new();
    for case in &fx.lloyd {
        let x = convert(&fx.datasets[&case.dataset].x());
        let m = KMeans::new(case.k)
            .init_centers(case.init())
            .tol(case.tol)
            .max_iter(case.max_iter)
            .fit(&x)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let rel = (m.inertia() - case.inertia).abs() / case.inertia;
        let center_err = (m.centers() - &case.centers())
            .iter()
            .fold(0.0f64, |a, v| a.max(v.abs()));
        let labels_ok = m.labels() == case.labels.as_slice();
        let iter_ok = m.n_iter() == case.n_iter;
        if rel > inertia_tol
            || center_err > center_tol
            || (exact_labels && (!labels_ok || !iter_ok))
        {
            fails.push(format!(
                "{}: inertia {} vs {} (rel {rel:.1e}), centre error {center_err:.1e}, \
                 labels equal {labels_ok}, n_iter {} vs {}",
                case.name,
                m.inertia(),
                case.inertia,
                m.n_iter(),
                case.n_iter
            ));
        }
    }
    fails
}

/// k-means++ (and k-means||) on the well-separated fixture blobs: the labels must agree
/// with scikit-learn's up to a permutation (ARI = 1).
pub fn check_separated_blobs<F, X, C>(convert: C) -> Vec<String>
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>) -> X,
{
    let fx = km_fixtures();
    let mut fails = Vec::new();
    for pp in fx.plusplus.iter().filter(|p| p.ari_truth == 1.0) {
        let x = convert(&fx.datasets[&pp.dataset].x());
        for init in [Init::KMeansPlusPlus, Init::K_MEANS_PARALLEL] {
            let m = KMeans::new(pp.k)
                .init(init.clone())
                .n_init(3)
                .seed(11)
                .fit(&x)
                .unwrap();
            let a = ari(m.labels(), &pp.labels);
            let rel = (m.inertia() - pp.inertia).abs() / pp.inertia;
            if a != 1.0 || rel > 1e-6 {
                fails.push(format!(
                    "{} {init:?}: ARI {a}, inertia {} vs {}",
                    pp.dataset,
                    m.inertia(),
                    pp.inertia
                ));
            }
        }
    }
    fails
}
