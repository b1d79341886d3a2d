//! SpectralClustering on scikit-learn's coins example at scale 0.2
//! (`tests/fixtures/spectral_coins.json`, made by `scripts/make_spectral_fixtures.py`):
//! the same preprocessed image and graph, the same Laplacian eigenvalues, and labels
//! that agree with scikit-learn's for every assignment method.

use crate::common::kmeans::ari;
use duckml::datasets::{coins, exp_affinity, gaussian_filter_u8, img_to_graph, rescale_bilinear};
use duckml::estimators::{Affinity, AssignLabels, SpectralClustering};
use ndarray::Array2;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Fixture {
    shape: (usize, usize),
    image: Vec<f64>,
    n_clusters: usize,
    eigenvalues: Vec<f64>,
    labels: BTreeMap<String, Vec<usize>>,
}

fn fixture() -> &'static Fixture {
    static FX: OnceLock<Fixture> = OnceLock::new();
    FX.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/spectral_coins.json"
        ))
        .expect("spectral fixture");
        serde_json::from_str(&text).expect("spectral fixture JSON")
    })
}

fn image() -> Array2<f64> {
    let fx = fixture();
    Array2::from_shape_vec(fx.shape, fx.image.clone()).unwrap()
}

#[test]
fn blur_and_rescale_reproduce_scipy_and_scikit_image() {
    let ours = rescale_bilinear(&gaussian_filter_u8(&coins().unwrap(), 2.0).unwrap(), 0.2).unwrap();
    let want = image();
    assert_eq!(ours.dim(), want.dim());
    let err = (&ours - &want).iter().fold(0.0f64, |a, v| a.max(v.abs()));
    assert!(err < 1e-12, "max difference {err:e}");
}

#[test]
fn coins_graph_eigenvalues_and_labels_match_sklearn() {
    let fx = fixture();
    let mut g = img_to_graph(&image());
    exp_affinity(&mut g, 10.0, 1e-6);
    for (method, how) in [
        ("kmeans", AssignLabels::KMeans),
        ("discretize", AssignLabels::Discretize),
        ("cluster_qr", AssignLabels::ClusterQr),
    ] {
        let m = SpectralClustering::new(fx.n_clusters)
            .affinity(Affinity::Precomputed)
            .assign_labels(how)
            .seed(42)
            .fit(&g)
            .unwrap();
        assert!(m.converged(), "{method}");
        let err = m
            .eigenvalues()
            .iter()
            .zip(&fx.eigenvalues)
            .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
        assert!(err < 1e-6, "{method}: eigenvalues differ by {err:e}");
        let a = ari(m.labels(), &fx.labels[method]);
        eprintln!("{method}: eigenvalue error {err:.1e}, ARI {a:.4}");
        assert!(a >= 0.85, "{method}: ARI {a} against scikit-learn");
    }
}

#[test]
fn an_unreachable_tolerance_stops_unconverged_with_close_eigenvalues() {
    // f32 data cannot give residuals of 1e-9: the eigensolver must notice that it
    // stopped improving (not run to its product cap) and say it did not converge.
    let fx = fixture();
    let mut g = img_to_graph(&image());
    exp_affinity(&mut g, 10.0, 1e-6);
    let g32 = g.map(|&v| v as f32);
    let m = SpectralClustering::new(fx.n_clusters)
        .affinity(Affinity::Precomputed)
        .assign_labels(AssignLabels::ClusterQr)
        .eigen_tol(1e-9)
        .seed(42)
        .fit(&g32)
        .unwrap();
    assert!(!m.converged());
    assert!(m.residual() > 1e-9);
    assert!(m.n_iter() < 200, "{} steps", m.n_iter());
    let err = m
        .eigenvalues()
        .iter()
        .zip(&fx.eigenvalues)
        .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
    assert!(err < 1e-5, "eigenvalues differ by {err:e}");
}
