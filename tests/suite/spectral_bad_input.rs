//! SpectralClustering refuses bad input with typed errors and fits disconnected graphs
//! (with a warning, as scikit-learn), never panicking.

use duckml::estimators::{Affinity, AssignLabels, EigenSolver, Error, SpectralClustering};
use ndarray::{array, Array2};
use sprs::CsMat;

fn two_triangles() -> Array2<f64> {
    let mut a = Array2::<f64>::zeros((6, 6));
    for (i, j) in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)] {
        a[[i, j]] = 1.0;
        a[[j, i]] = 1.0;
    }
    a
}

fn pre(k: usize) -> SpectralClustering {
    SpectralClustering::new(k).affinity(Affinity::Precomputed)
}

#[test]
fn cluster_and_component_counts_are_checked() {
    let a = two_triangles();
    assert!(matches!(
        pre(0).fit(&a).unwrap_err(),
        Error::InvalidParameter {
            name: "n_clusters",
            ..
        }
    ));
    assert_eq!(
        pre(7).fit(&a).unwrap_err(),
        Error::TooManyClusters {
            n_clusters: 7,
            n_samples: 6
        }
    );
    assert_eq!(
        pre(2).n_components(7).fit(&a).unwrap_err(),
        Error::TooManyComponents {
            n_components: 7,
            n_samples: 6
        }
    );
    assert!(matches!(
        pre(2).n_components(0).fit(&a).unwrap_err(),
        Error::InvalidParameter {
            name: "n_components",
            ..
        }
    ));
}

#[test]
fn bad_values_and_shapes_are_refused() {
    let mut a = two_triangles();
    a[[0, 1]] = f64::NAN;
    assert_eq!(pre(2).fit(&a).unwrap_err(), Error::NonFinite("x"));
    let x = array![[0.0, 1.0], [f64::INFINITY, 0.0], [1.0, 1.0]];
    assert_eq!(
        SpectralClustering::new(2).fit(&x).unwrap_err(),
        Error::NonFinite("x")
    );
    assert!(matches!(
        pre(1).fit(&Array2::<f64>::zeros((0, 0))).unwrap_err(),
        Error::EmptyData(_)
    ));
    assert_eq!(
        pre(2).fit(&Array2::<f64>::zeros((4, 3))).unwrap_err(),
        Error::NotSquare { rows: 4, cols: 3 }
    );
    let param = |e: Error| match e {
        Error::InvalidParameter { name, .. } => name,
        other => panic!("unexpected {other}"),
    };
    let a = two_triangles();
    assert_eq!(
        param(pre(2).eigen_tol(0.0).fit(&a).unwrap_err()),
        "eigen_tol"
    );
    assert_eq!(param(pre(2).n_init(0).fit(&a).unwrap_err()), "n_init");
    let x = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    assert_eq!(
        param(
            SpectralClustering::new(2)
                .affinity(Affinity::Rbf { gamma: -1.0 })
                .fit(&x)
                .unwrap_err()
        ),
        "gamma"
    );
}

#[test]
fn disconnected_graphs_are_fitted_with_a_warning() {
    // Two components plus an isolated node, dense and sparse, every solver and method.
    let mut a = Array2::<f64>::zeros((7, 7));
    a.slice_mut(ndarray::s![..6, ..6]).assign(&two_triangles());
    let csr = CsMat::csr_from_dense(a.view(), 0.0);
    for how in [
        AssignLabels::KMeans,
        AssignLabels::Discretize,
        AssignLabels::ClusterQr,
    ] {
        for solver in [EigenSolver::Auto, EigenSolver::Chebyshev] {
            for m in [
                pre(3)
                    .assign_labels(how)
                    .eigen_solver(solver)
                    .fit(&a)
                    .unwrap(),
                pre(3)
                    .assign_labels(how)
                    .eigen_solver(solver)
                    .fit(&csr)
                    .unwrap(),
            ] {
                let l = m.labels();
                assert_eq!(l.len(), 7);
                assert!(m.eigenvalues().iter().filter(|v| v.abs() < 1e-8).count() >= 2);
                // Each triangle stays together.
                assert!(l[0] == l[1] && l[1] == l[2], "{how:?} {solver:?}: {l:?}");
                assert!(l[3] == l[4] && l[4] == l[5], "{how:?} {solver:?}: {l:?}");
            }
        }
    }
}

/// Two triangles of points far apart (in the plane): the 3-nearest-neighbour graph has two components.
fn two_triangle_points() -> Array2<f64> {
    array![
        [0.0, 0.0],
        [0.0, 1.0],
        [1.0, 0.0],
        [5.0, 5.0],
        [5.0, 6.0],
        [6.0, 5.0]
    ]
}

fn knn(k: usize, n_neighbors: usize) -> SpectralClustering {
    SpectralClustering::new(k).affinity(Affinity::NearestNeighbors { n_neighbors })
}

#[test]
fn nearest_neighbor_counts_are_checked() {
    let x = two_triangle_points();
    assert!(matches!(
        knn(2, 0).fit(&x).unwrap_err(),
        Error::InvalidParameter {
            name: "n_neighbors",
            ..
        }
    ));
    assert_eq!(
        knn(2, 7).fit(&x).unwrap_err(),
        Error::TooManyNeighbors {
            n_neighbors: 7,
            n_samples: 6
        }
    );
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    assert!(matches!(
        knn(2, 0).fit(&csr).unwrap_err(),
        Error::InvalidParameter { .. }
    ));
    let mut bad = x.clone();
    bad[[4, 1]] = f64::NAN;
    assert_eq!(knn(2, 3).fit(&bad).unwrap_err(), Error::NonFinite("x"));
    // The contract op itself refuses k = 0 and k > n with an error, not a panic.
    use duckml::arrays::prelude::*;
    assert!(x.kneighbors(0).is_err());
    assert!(x.kneighbors(7).is_err());
    assert_eq!(x.kneighbors(6).unwrap().indices.ncols(), 6);
}

#[test]
fn degenerate_nearest_neighbor_graphs_are_fitted() {
    let x = two_triangle_points();
    // Every sample its own neighbour only: no edges, every node isolated.
    let m = knn(2, 1).fit(&x).unwrap();
    assert_eq!(m.labels().len(), 6);
    // Three neighbours: two triangles, two components, split apart.
    let l = knn(2, 3).fit(&x).unwrap().labels().to_vec();
    assert!(l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[4] == l[5] && l[0] != l[3]);
    // All samples are neighbours: one complete graph.
    assert_eq!(knn(2, 6).fit(&x).unwrap().labels().len(), 6);
    // Duplicated rows: each row still comes first in its own neighbour list.
    let dup = array![[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [4.0, 4.0], [4.0, 4.0]];
    use duckml::arrays::prelude::*;
    let nb = dup.kneighbors(2).unwrap();
    for i in 0..5 {
        assert_eq!(nb.indices[[i, 0]], i);
        assert_eq!(nb.sq_dist[[i, 1]], 0.0);
    }
    let l = knn(2, 2).fit(&dup).unwrap().labels().to_vec();
    assert!(
        l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[0] != l[3],
        "{l:?}"
    );
}

#[test]
fn many_components_exhaust_the_krylov_space_and_are_refilled() {
    // 60 disjoint 4-cliques (240 nodes, CSR: the shift-invert Lanczos path): the
    // normalised Laplacian has only the eigenvalues 0 (60 times) and 4/3, so the block
    // Krylov space becomes invariant after two steps and lost directions are replaced
    // by random ones. Any 3 vectors of the null space are a valid answer.
    let n = 240;
    let mut a = Array2::<f64>::zeros((n, n));
    for c in 0..n / 4 {
        for i in 0..4 {
            for j in 0..4 {
                if i != j {
                    a[[4 * c + i, 4 * c + j]] = 1.0;
                }
            }
        }
    }
    let csr = CsMat::csr_from_dense(a.view(), 0.0);
    let m = pre(3)
        .assign_labels(AssignLabels::ClusterQr)
        .fit(&csr)
        .unwrap();
    assert!(m.converged());
    assert!(m.residual() <= 1e-7, "{}", m.residual());
    assert_eq!(m.eigenvalues().len(), 3);
    assert!(
        m.eigenvalues().iter().all(|v| v.abs() < 1e-8),
        "{:?}",
        m.eigenvalues()
    );
    // Each clique stays together (the null space is spanned by clique indicators).
    let l = m.labels();
    for c in 0..n / 4 {
        assert!(
            (1..4).all(|i| l[4 * c + i] == l[4 * c]),
            "clique {c}: {l:?}"
        );
    }
}
