//! The contract's clustering operations: every backend's fused override equals the
//! default written with the primitives, and split vectors sample like whole ones.

use approx::assert_relative_eq;
use duckml::arrays::{BinaryOp, Chunked};
use duckml::prelude::*;
use ndarray::{array, s, Array1, Array2};

use crate::common::primitives::PrimitivesOnly;
use sprs::CsMat;

fn data() -> (Array2<f64>, Array2<f64>) {
    let b = make_blobs(20_000, 8, 7, 1.5, 3).unwrap();
    // Sparsify half the entries so the CSR path has real structure.
    let mut x = b.x;
    for ((i, j), v) in x.indexed_iter_mut() {
        if (i + j) % 2 == 0 {
            *v = 0.0;
        }
    }
    let centers = x.slice(s![..7, ..]).to_owned() + 0.25;
    (x, centers)
}

fn close(a: &Array1<f64>, b: &Array1<f64>, tol: f64) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_relative_eq!(x, y, max_relative = tol, epsilon = tol);
    }
}

#[test]
fn fused_overrides_equal_the_defaults() {
    let (x, c) = data();
    let prim = PrimitivesOnly(x.clone());
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let chunked = Chunked::from_array(&x, 3_000).unwrap();
    let fortran = x.t().as_standard_layout().t().to_owned();
    let n = x.nrows();
    let start = Array1::from_elem(n, -1.0);

    let mut l0 = start.clone();
    let want = prim.kmeans_step(c.view(), &mut l0);
    let near0 = prim.nearest_center(c.view());
    let d0 = prim.sq_distances(c.slice(s![..3, ..]), Some(&near0.sq_dist));
    assert_eq!(want.n_changed, n as u64);
    assert_eq!(want.counts.iter().sum::<u64>(), n as u64);

    let check = |name: &str,
                 step: duckml::arrays::KMeansStep,
                 labels: Array1<f64>,
                 near: (Array1<f64>, Array1<f64>),
                 d: Vec<Array1<f64>>,
                 norms: Array1<f64>,
                 rows: Array2<f64>| {
        assert_eq!(step.counts, want.counts, "{name}");
        assert_eq!(step.n_changed, want.n_changed, "{name}");
        assert_relative_eq!(step.inertia, want.inertia, max_relative = 1e-10);
        for (a, b) in step.sums.iter().zip(&want.sums) {
            assert_relative_eq!(a, b, max_relative = 1e-10, epsilon = 1e-9);
        }
        assert_eq!(labels, l0, "{name}");
        assert_eq!(near.0, near0.labels, "{name}");
        close(&near.1, &near0.sq_dist, 1e-9);
        assert_eq!(d.len(), 3);
        for (a, b) in d.iter().zip(&d0) {
            close(a, b, 1e-9);
        }
        close(&norms, &prim.row_sq_norms(), 1e-12);
        assert_eq!(rows, x.select(ndarray::Axis(0), &[5, 0, 19_999]), "{name}");
    };

    let mut l = start.clone();
    let st = x.kmeans_step(c.view(), &mut l);
    let nr = x.nearest_center(c.view());
    check(
        "dense",
        st,
        l,
        (nr.labels, nr.sq_dist.clone()),
        x.sq_distances(c.slice(s![..3, ..]), Some(&nr.sq_dist)),
        x.row_sq_norms(),
        x.rows_to_host(&[5, 0, 19_999]).unwrap(),
    );
    let mut l = start.clone();
    let st = fortran.kmeans_step(c.view(), &mut l);
    let nr = fortran.nearest_center(c.view());
    check(
        "column-major",
        st,
        l,
        (nr.labels, nr.sq_dist.clone()),
        fortran.sq_distances(c.slice(s![..3, ..]), Some(&nr.sq_dist)),
        fortran.row_sq_norms(),
        fortran.rows_to_host(&[5, 0, 19_999]).unwrap(),
    );
    let mut l = start.clone();
    let st = csr.kmeans_step(c.view(), &mut l);
    let nr = csr.nearest_center(c.view());
    check(
        "csr",
        st,
        l,
        (nr.labels, nr.sq_dist.clone()),
        csr.sq_distances(c.slice(s![..3, ..]), Some(&nr.sq_dist)),
        csr.row_sq_norms(),
        csr.rows_to_host(&[5, 0, 19_999]).unwrap(),
    );
    let mut l = chunked.vector_from_host(start.view()).unwrap();
    let st = chunked.kmeans_step(c.view(), &mut l);
    let nr = chunked.nearest_center(c.view());
    check(
        "chunked",
        st,
        l.to_host(),
        (nr.labels.to_host(), nr.sq_dist.to_host()),
        chunked
            .sq_distances(c.slice(s![..3, ..]), Some(&nr.sq_dist))
            .iter()
            .map(|v| v.to_host())
            .collect(),
        chunked.row_sq_norms().to_host(),
        chunked.rows_to_host(&[5, 0, 19_999]).unwrap(),
    );
    // A second pass from the labels of the first changes only what moved.
    let mut l = l0.clone();
    assert_eq!(x.kmeans_step(c.view(), &mut l).n_changed, 0);
    assert!(x.rows_to_host(&[n]).is_err());
    assert!(chunked.rows_to_host(&[n]).is_err());
}

#[test]
fn split_vectors_sample_like_whole_ones() {
    let v = Array1::from_iter((0..10_000).map(|i| ((i * 37) % 101) as f64));
    let x = Array2::<f64>::zeros((10_000, 1));
    let chunked = Chunked::from_array(&x, 777).unwrap();
    let cv = chunked.vector_from_host(v.view()).unwrap();
    let total: f64 = v.sum();
    let targets: Vec<f64> = (0..50).map(|i| total * (i as f64 + 0.37) / 50.0).collect();
    let whole = v.search_cumulative(&targets);
    assert_eq!(cv.search_cumulative(&targets), whole);
    // Each drawn index is where the running sum crosses its target.
    let cum: Vec<f64> = v
        .iter()
        .scan(0.0, |s, &x| {
            *s += x;
            Some(*s)
        })
        .collect();
    for (&t, &i) in targets.iter().zip(&whole) {
        assert!(cum[i] > t && (i == 0 || cum[i - 1] <= t));
    }
    assert_eq!(cv.top_k(25), v.top_k(25));
    // Ties at the largest value come in index order.
    let first_max: Vec<usize> = (0..v.len()).filter(|&i| v[i] == 100.0).take(2).collect();
    assert_eq!(
        v.top_k(2),
        vec![(first_max[0], 100.0), (first_max[1], 100.0)]
    );
    let b = v.bernoulli_indices(1.0 / 500.0, 9, 0);
    assert_eq!(cv.bernoulli_indices(1.0 / 500.0, 9, 0), b);
    // Expected sum(v) / 500 = 1000 draws (sd about 31), every one with v > 0.
    assert!((900..1100).contains(&b.len()), "{}", b.len());
    assert!(b.iter().all(|&i| v[i] > 0.0));
    assert_eq!(
        cv.zip_map(&cv, BinaryOp::Add).to_host(),
        v.zip_map(&v, BinaryOp::Add)
    );
    assert_eq!(
        array![1.0, 5.0].zip_map(&array![3.0, 2.0], BinaryOp::Less),
        array![1.0, 0.0]
    );
}

#[test]
fn a_fit_through_the_defaults_equals_the_fused_fit() {
    let (x, _) = data();
    let x = x.slice(s![..3000, ..]).to_owned();
    for init in [Init::KMeansPlusPlus, Init::K_MEANS_PARALLEL, Init::Random] {
        let a = KMeans::new(7).init(init.clone()).seed(4).fit(&x).unwrap();
        let b = KMeans::new(7)
            .init(init.clone())
            .seed(4)
            .fit(&PrimitivesOnly(x.clone()))
            .unwrap();
        assert_eq!(a.labels(), b.labels(), "{init:?}");
        assert_relative_eq!(a.inertia(), b.inertia(), max_relative = 1e-10);
    }
}
