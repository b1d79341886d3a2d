//! The conformance suite: the same fits on every array type, checked against the
//! dense `f64` result and the scikit-learn/glum reference fixtures.
//!
//! Adding an array type is one line at the bottom: a name, a conversion from the
//! dense `f64` fixture data, and the tolerances for its element type. Each line makes
//! a module with the GLM suite (`glm`) and the KMeans suite (`kmeans`).

mod common;

use common::kmeans::{ari, check_lloyd_cases, check_separated_blobs, km_fixtures};
use common::spectral_knn::knn_fixture;
use common::{fit_case, fixtures, rel, Case, Fit};
use duckml::arrays::{Chunked, DataMatrix, Float};
use duckml::estimators::{Affinity, AssignLabels, KMeans, SpectralClustering};
use ndarray::{Array1, Array2};
use sprs::CsMat;
use std::sync::OnceLock;

/// Tolerances for one element type.
struct Tolerance {
    /// Relative objective agreement with the dense f64 fit and the reference.
    objective: f64,
    /// Coefficient agreement with the reference, relative to the largest reference
    /// coefficient when that exceeds 1 (diabetes' reach 700) (None: not checked).
    coef: Option<f64>,
    /// Solver tolerance, relative to the objective's scale.
    solver_tol: f64,
    /// KMeans tolerances.
    kmeans: KMeansTolerance,
    /// Spectral clustering: eigenpair residual asked for, and the largest eigenvalue
    /// difference allowed against the dense f64 fit.
    eigen: f64,
}

const F64: Tolerance = Tolerance {
    objective: 1e-6,
    coef: Some(1e-4),
    solver_tol: 1e-10,
    kmeans: KMeansTolerance {
        inertia: 1e-8,
        centers: 1e-8,
        exact_labels: true,
    },
    eigen: 1e-9,
};
const F32: Tolerance = Tolerance {
    objective: 1e-3,
    coef: None,
    solver_tol: 1e-5,
    kmeans: KMeansTolerance {
        inertia: 1e-5,
        centers: 1e-4,
        exact_labels: false,
    },
    eigen: 1e-4,
};

/// KMeans agreement with scikit-learn's Lloyd runs from the same initial centres.
struct KMeansTolerance {
    /// Relative inertia.
    inertia: f64,
    /// Largest absolute centre difference.
    centers: f64,
    /// Whether labels and iteration counts must be identical.
    exact_labels: bool,
}

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
fn run_spectral_suite<F, X, C>(type_name: &str, convert: C, tol: &Tolerance)
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

/// KMeans on one array type: every scikit-learn Lloyd fixture case, k-means++ and
/// k-means|| on the separated blobs, and `predict`/`transform` equal to dense f64's.
fn run_kmeans_suite<F, X, C>(type_name: &str, convert: C, tol: &Tolerance)
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

/// Dense f64 fits of every case and solver, the baseline every type is compared with.
fn baseline() -> &'static Vec<(String, String, Fit)> {
    static BASE: OnceLock<Vec<(String, String, Fit)>> = OnceLock::new();
    BASE.get_or_init(|| {
        let fx = fixtures();
        let mut out = Vec::new();
        for case in &fx.cases {
            let d = &fx.datasets[&case.dataset];
            for solver in case.solvers() {
                let tol = F64.solver_tol * case.objective.abs().max(1.0);
                let fit = fit_case(case, solver, &d.x(), &d.y(), tol);
                out.push((case.name.clone(), solver.name().to_string(), fit));
            }
        }
        out
    })
}

fn run_suite<F, X, C>(type_name: &str, convert: C, tol: &Tolerance)
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>, &Array1<f64>) -> (X, X::Vector),
{
    let fx = fixtures();
    let base = baseline();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &fx.cases {
        let d = &fx.datasets[&case.dataset];
        let (x, y) = convert(&d.x(), &d.y());
        for solver in case.solvers() {
            let fit = fit_case(
                case,
                solver,
                &x,
                &y,
                tol.solver_tol * case.objective.abs().max(1.0),
            );
            let dense = &base
                .iter()
                .find(|(c, s, _)| c == &case.name && s == solver.name())
                .expect("baseline fit")
                .2;
            checked += 1;
            check(case, solver.name(), &fit, dense, tol, &mut failures);
        }
    }
    assert!(checked >= 150, "{type_name}: only {checked} fits");
    assert!(
        failures.is_empty(),
        "{type_name}: {} of {checked} fits disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check(
    case: &Case,
    solver: &str,
    fit: &Fit,
    dense: &Fit,
    tol: &Tolerance,
    out: &mut Vec<String>,
) {
    let vs_dense = rel(fit.objective, dense.objective);
    let vs_ref = rel(fit.objective, case.objective);
    let coef_err = fit
        .coef
        .iter()
        .zip(&case.coef)
        .map(|(a, b)| (a - b).abs())
        .fold((fit.intercept - case.intercept).abs(), f64::max);
    let scale = case.coef.iter().fold(1.0f64, |m, c| m.max(c.abs()));
    let coef_bad = tol.coef.is_some_and(|t| coef_err > t * scale);
    if vs_dense > tol.objective || vs_ref > tol.objective || coef_bad || !fit.converged {
        out.push(format!(
            "{} {solver}: vs dense {vs_dense:.1e}, vs reference {vs_ref:.1e}, coef {coef_err:.1e}, converged {}",
            case.name, fit.converged
        ));
    }
}

/// CSR with every non-zero of `x` stored, NaN included (`csr_from_dense` drops NaN,
/// since it keeps `|v| > 0`).
fn csr(x: &Array2<f64>) -> CsMat<f64> {
    let mut t = sprs::TriMat::new(x.dim());
    for ((i, j), &v) in x.indexed_iter() {
        if v != 0.0 {
            t.add_triplet(i, j, v);
        }
    }
    t.to_csr()
}

/// Every array type learns from its first GLM pass that X holds a NaN or an infinity
/// (`glm_loss_grad_checked`), for every family, at the zero start and elsewhere, and
/// the GLM fit reports it; finite X gives the plain pass's result.
fn run_finite_suite<F, X, C>(convert: C)
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>, &Array1<f64>) -> (X, X::Vector),
{
    use duckml::arrays::{GlmFamily, Linear};
    let clean = Array2::from_shape_fn((11, 5), |(i, j)| ((i * 3 + j * 7) % 5) as f64 * 0.4 - 0.7);
    let y = Array1::from_shape_fn(11, |i| (i % 2) as f64);
    let zero = Array1::zeros(5);
    let some = Array1::from_shape_fn(5, |j| 0.3 - 0.1 * j as f64);
    let families = [
        GlmFamily::Gaussian,
        GlmFamily::Bernoulli,
        GlmFamily::Poisson,
    ];
    let (xc, yc) = convert(&clean, &y);
    for family in families {
        let lin = Linear {
            coef: some.view(),
            intercept: 0.2,
        };
        let checked = xc
            .glm_loss_grad_checked(family, &yc, lin)
            .expect("finite X");
        let plain = xc.glm_loss_grad(family, &yc, lin);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
        assert!(close(checked.loss, plain.loss), "{family:?}");
        assert!(
            close(checked.grad_intercept, plain.grad_intercept),
            "{family:?}"
        );
        assert!(checked
            .grad
            .iter()
            .zip(&plain.grad)
            .all(|(&a, &b)| close(a, b)));
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for (i, j) in [(0, 0), (4, 2), (9, 4), (10, 1)] {
            let mut x = clean.clone();
            x[[i, j]] = bad;
            let (xb, yb) = convert(&x, &y);
            for family in families {
                for (coef, b0) in [(&zero, 0.0), (&some, -0.4)] {
                    let lin = Linear {
                        coef: coef.view(),
                        intercept: b0,
                    };
                    assert!(
                        xb.glm_loss_grad_checked(family, &yb, lin).is_none(),
                        "{bad} at ({i}, {j}), {family:?}, coef {coef}"
                    );
                }
            }
            let err = duckml::prelude::LinearRegression::new()
                .fit(&xb, &yb)
                .unwrap_err();
            assert_eq!(err, duckml::estimators::Error::NonFinite("x"));
        }
    }
}

/// Rows per chunk: uneven chunk lengths (the fixture sets have 300 to 2000 rows).
const CHUNK_ROWS: usize = 128;

macro_rules! conformance {
    ($($name:ident: $tol:expr, |$x:ident, $y:ident| $convert:expr;)*) => {$(
        mod $name {
            use super::*;

            #[test]
            fn glm() {
                run_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
            }

            #[test]
            fn finite_check() {
                run_finite_suite(|$x: &Array2<f64>, $y: &Array1<f64>| $convert);
            }

            #[test]
            fn kmeans() {
                run_kmeans_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
            }

            #[test]
            fn spectral() {
                run_spectral_suite(stringify!($name), |$x: &Array2<f64>, $y: &Array1<f64>| $convert, &$tol);
            }
        }
    )*};
}

conformance! {
    dense_f64: F64, |x, y| (x.clone(), y.clone());
    dense_f32: F32, |x, y| (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
    csr_f64: F64, |x, y| (csr(x), y.clone());
    csc_f64: F64, |x, y| (csr(x).to_csc(), y.clone());
    chunked_dense_f64: F64, |x, y| {
        let c = Chunked::from_array(x, CHUNK_ROWS).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
    chunked_csr_f64: F64, |x, y| {
        let c = Chunked::from_array(&csr(x), CHUNK_ROWS).unwrap();
        let v = c.vector_from_host(y.view()).unwrap();
        (c, v)
    };
}

// The GPU arrays (feature `cuda`): CudaMatrix f64/f32 and Chunked<CudaMatrix>, skipped
// with a printed reason when no GPU is present.
#[cfg(feature = "cuda")]
#[path = "cuda/conformance_cases.rs"]
mod cuda_cases;
