//! KMeans refuses bad input with typed errors, never a panic, on every array type.

use duckml::arrays::Chunked;
use duckml::estimators::{Error, Init, KMeans};
use ndarray::{array, Array2};
use sprs::CsMat;

fn small() -> Array2<f64> {
    array![[0.0, 0.0], [0.1, 0.2], [5.0, 5.0], [5.2, 4.9], [9.0, 0.0]]
}

#[test]
fn zero_clusters_and_too_many_clusters_are_refused() {
    let x = small();
    let err = KMeans::new(0).fit(&x).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParameter {
                name: "n_clusters",
                ..
            }
        ),
        "{err}"
    );
    let err = KMeans::new(6).fit(&x).unwrap_err();
    assert_eq!(
        err,
        Error::TooManyClusters {
            n_clusters: 6,
            n_samples: 5
        }
    );
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    assert!(matches!(
        KMeans::new(6).fit(&csr).unwrap_err(),
        Error::TooManyClusters { .. }
    ));
    // k = n is allowed: every point its own cluster.
    let m = KMeans::new(5).fit(&x).unwrap();
    assert_eq!(m.inertia(), 0.0);
}

#[test]
fn non_finite_and_empty_data_are_refused() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut x = small();
        x[[3, 1]] = bad;
        assert_eq!(KMeans::new(2).fit(&x).unwrap_err(), Error::NonFinite("x"));
        let c = Chunked::from_array(&x, 2).unwrap();
        assert_eq!(KMeans::new(2).fit(&c).unwrap_err(), Error::NonFinite("x"));
        // csr_from_dense would drop the NaN (it keeps |v| > eps): build the triplets.
        let mut tri = sprs::TriMat::new((5, 2));
        for ((i, j), &v) in x.indexed_iter() {
            tri.add_triplet(i, j, v);
        }
        let csr: CsMat<f64> = tri.to_csr();
        assert_eq!(KMeans::new(2).fit(&csr).unwrap_err(), Error::NonFinite("x"));
    }
    let empty = Array2::<f64>::zeros((0, 3));
    assert!(matches!(
        KMeans::new(1).fit(&empty).unwrap_err(),
        Error::EmptyData(_)
    ));
    let no_features = Array2::<f64>::zeros((4, 0));
    assert!(matches!(
        KMeans::new(1).fit(&no_features).unwrap_err(),
        Error::EmptyData(_)
    ));
}

#[test]
fn bad_parameters_and_initial_centres_are_refused() {
    let x = small();
    let param = |e: Error| match e {
        Error::InvalidParameter { name, .. } => name,
        other => panic!("unexpected {other}"),
    };
    assert_eq!(
        param(KMeans::new(2).max_iter(0).fit(&x).unwrap_err()),
        "max_iter"
    );
    assert_eq!(param(KMeans::new(2).tol(-1.0).fit(&x).unwrap_err()), "tol");
    assert_eq!(
        param(KMeans::new(2).tol(f64::NAN).fit(&x).unwrap_err()),
        "tol"
    );
    assert_eq!(
        param(KMeans::new(2).n_init(0).fit(&x).unwrap_err()),
        "n_init"
    );
    assert_eq!(
        param(
            KMeans::new(2)
                .init(Init::KMeansParallel {
                    rounds: 3,
                    oversampling: 0.0
                })
                .fit(&x)
                .unwrap_err()
        ),
        "oversampling"
    );
    let err = KMeans::new(2)
        .init_centers(array![[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
        .fit(&x)
        .unwrap_err();
    assert_eq!(
        err,
        Error::InitShape {
            expected: (2, 2),
            found: (2, 3)
        }
    );
    let err = KMeans::new(2)
        .init_centers(array![[0.0, f64::NAN], [1.0, 1.0]])
        .fit(&x)
        .unwrap_err();
    assert_eq!(err, Error::NonFinite("initial centres"));
}

#[test]
fn predict_and_transform_check_the_features() {
    let m = KMeans::new(2).fit(&small()).unwrap();
    let wrong = Array2::<f64>::zeros((3, 5));
    let want = Error::FeatureMismatch {
        expected: 2,
        found: 5,
    };
    assert_eq!(m.predict(&wrong).unwrap_err(), want);
    assert_eq!(m.transform(&wrong).unwrap_err(), want);
    let nan = array![[f64::NAN, 0.0]];
    assert_eq!(m.predict(&nan).unwrap_err(), Error::NonFinite("x"));
    assert!(matches!(
        m.predict(&Array2::<f64>::zeros((0, 2))).unwrap_err(),
        Error::EmptyData(_)
    ));
}

#[test]
fn duplicate_points_fewer_than_k_distinct_do_not_panic() {
    // Three distinct points, four clusters: every init still returns a model.
    let x = array![
        [1.0, 1.0],
        [1.0, 1.0],
        [2.0, 2.0],
        [2.0, 2.0],
        [3.0, 3.0],
        [3.0, 3.0]
    ];
    for init in [Init::KMeansPlusPlus, Init::K_MEANS_PARALLEL, Init::Random] {
        let m = KMeans::new(4).init(init.clone()).fit(&x).unwrap();
        assert_eq!(m.inertia(), 0.0, "{init:?}");
        assert_eq!(m.labels().len(), 6);
        assert!(m.labels().iter().all(|&l| l < 4));
    }
    // All rows identical.
    let same = Array2::<f64>::ones((10, 3));
    let m = KMeans::new(3).fit(&same).unwrap();
    assert_eq!(m.inertia(), 0.0);
    assert!(m.centers().iter().all(|&c| c == 1.0));
}
