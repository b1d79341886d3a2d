//! SpectralClustering on one array type: rbf, precomputed and nearest-neighbour
//! affinities with every label assignment, against the true partitions and the dense
//! f64 fit's eigenvalues.

use super::Tolerance;
use crate::common::kmeans::{ari, km_fixtures};
use crate::common::spectral_knn::knn_fixture;
use duckml::arrays::{DataMatrix, Float, GraphOps};
use duckml::estimators::{Affinity, AssignLabels, SpectralClustering};
use ndarray::{Array1, Array2};
use std::sync::OnceLock;

/// A 24 x 24 image of four flat quadrants (intensities 0.1, 0.4, 0.7, 1.0) with a
/// little deterministic texture, its grid graph with the coins example's weights
/// (dense, to be converted to each array type), and the quadrant of every pixel.
fn quadrant_graph() -> (Array2<f64>, Vec<usize>) {
    let side = 24;
    let img = Array2::from_shape_fn((side, side), |(i, j)| {
        let q = 2 * (i / (side / 2)) + j / (side / 2);
        0.1 + 0.3 * q as f64 + 0.01 * (((i * 7 + j * 13) % 5) as f64)
    });
    let truth = (0..side * side)
        .map(|p| 2 * ((p / side) / (side / 2)) + (p % side) / (side / 2))
        .collect();
    let mut g = duckml::datasets::img_to_graph(&img);
    duckml::datasets::exp_affinity(&mut g, 10.0, 1e-6);
    (g.to_dense(), truth)
}

/// Dense f64 spectral fits, the baseline: (eigenvalues of the rbf fit on the blobs,
/// eigenvalues of the precomputed quadrant graph, eigenvalues of the nearest-neighbour
/// fit on the moons and blobs).
fn spectral_baseline() -> &'static (Vec<f64>, Vec<f64>, Vec<f64>) {
    static BASE: OnceLock<(Vec<f64>, Vec<f64>, Vec<f64>)> = OnceLock::new();
    BASE.get_or_init(|| {
        let blobs = km_fixtures().datasets["blobs"].x();
        let rbf = SpectralClustering::new(5)
            .affinity(Affinity::Rbf { gamma: 0.1 })
            .eigen_tol(1e-9)
            .fit(&blobs)
            .unwrap();
        let (g, _) = quadrant_graph();
        let pre = SpectralClustering::new(4)
            .affinity(Affinity::Precomputed)
            .eigen_tol(1e-9)
            .fit(&g)
            .unwrap();
        let knn = &knn_fixture().datasets["blobs_moons"];
        let nn = SpectralClustering::new(knn.n_clusters)
            .affinity(Affinity::NearestNeighbors {
                n_neighbors: knn.n_neighbors,
            })
            .eigen_tol(1e-9)
            .fit(&knn.x())
            .unwrap();
        (
            rbf.eigenvalues().to_vec(),
            pre.eigenvalues().to_vec(),
            nn.eigenvalues().to_vec(),
        )
    })
}

/// SpectralClustering on one array type: an rbf affinity over the separated fixture
/// blobs, a precomputed grid graph and a nearest-neighbour graph of moons and blobs
/// (the same neighbours as dense f64, hence scikit-learn's graph), with every label
/// assignment: the true partition (ARI = 1) and the dense f64 fit's eigenvalues.
pub fn run_spectral_suite<F, X, C>(type_name: &str, convert: C, tol: &Tolerance)
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>, &Array1<f64>) -> (X, X::Vector),
{
    let only_x = |x: &Array2<f64>| convert(x, &Array1::zeros(x.nrows())).0;
    let (base_rbf, base_pre, base_knn) = spectral_baseline();
    let d = &km_fixtures().datasets["blobs"];
    let blobs = only_x(&d.x());
    let (g, truth) = quadrant_graph();
    let graph = only_x(&g);
    let knn = &knn_fixture().datasets["blobs_moons"];
    let knn_x = only_x(&knn.x());
    let mut fails = Vec::new();
    let nb = knn_x.kneighbors(knn.n_neighbors).unwrap();
    if nb.indices != knn.x().kneighbors(knn.n_neighbors).unwrap().indices {
        fails.push("kneighbors differ from dense f64's".into());
    }
    let close = |a: &[f64], b: &[f64]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= tol.eigen.max(1e-7))
    };
    for how in [
        AssignLabels::KMeans,
        AssignLabels::Discretize,
        AssignLabels::ClusterQr,
    ] {
        let m = SpectralClustering::new(5)
            .affinity(Affinity::Rbf { gamma: 0.1 })
            .assign_labels(how)
            .eigen_tol(tol.eigen)
            .fit(&blobs)
            .unwrap();
        if ari(m.labels(), &d.truth) != 1.0 || !close(m.eigenvalues(), base_rbf) {
            fails.push(format!(
                "rbf {how:?}: ARI {}, eigenvalues {:?} vs {:?}",
                ari(m.labels(), &d.truth),
                m.eigenvalues(),
                base_rbf
            ));
        }
        let m = SpectralClustering::new(4)
            .affinity(Affinity::Precomputed)
            .assign_labels(how)
            .eigen_tol(tol.eigen)
            .fit(&graph)
            .unwrap();
        if ari(m.labels(), &truth) != 1.0 || !close(m.eigenvalues(), base_pre) || !m.converged() {
            fails.push(format!(
                "precomputed {how:?}: ARI {}, eigenvalues {:?} vs {:?}",
                ari(m.labels(), &truth),
                m.eigenvalues(),
                base_pre
            ));
        }
        let m = SpectralClustering::new(knn.n_clusters)
            .affinity(Affinity::NearestNeighbors {
                n_neighbors: knn.n_neighbors,
            })
            .assign_labels(how)
            .eigen_tol(tol.eigen)
            .fit(&knn_x)
            .unwrap();
        if ari(m.labels(), &knn.truth) != 1.0 || !close(m.eigenvalues(), base_knn) || !m.converged()
        {
            fails.push(format!(
                "nearest_neighbors {how:?}: ARI {}, converged {}, residual {:.1e}, eigenvalues {:?} vs {:?}",
                ari(m.labels(), &knn.truth),
                m.converged(),
                m.residual(),
                m.eigenvalues(),
                base_knn
            ));
        }
    }
    assert!(fails.is_empty(), "{type_name}:\n{}", fails.join("\n"));
}
