//! `Chunked<A>` constructors and the row split they keep.

use duckml::arrays::prelude::*;
use duckml::arrays::Chunked;
use ndarray::{array, Array2};
use sprs::CsMat;

#[test]
fn from_array_splits_rows_in_order() {
    let x = Array2::from_shape_fn((10, 3), |(i, j)| (i * 3 + j) as f64);
    let c = Chunked::from_array(&x, 4).unwrap();
    assert_eq!(c.offsets(), &[0, 4, 8, 10]);
    assert_eq!(c.chunks()[2], x.slice(ndarray::s![8.., ..]));
    let y = c
        .vector_from_host(ndarray::Array1::linspace(0.0, 9.0, 10).view())
        .unwrap();
    assert_eq!(y.to_host(), ndarray::Array1::linspace(0.0, 9.0, 10));
    assert_eq!(y.chunks()[1].len(), 4);
}

#[test]
fn chunks_may_differ_in_length_and_type_of_storage() {
    let a = array![[1.0, 2.0]];
    let b = array![[3.0, 4.0], [5.0, 6.0], [7.0, 8.0]];
    let c = Chunked::from_chunks(vec![a, b]).unwrap();
    assert_eq!((c.n_rows(), c.n_cols()), (4, 2));
    let csr = CsMat::csr_from_dense(array![[0.0, 1.0], [2.0, 0.0], [0.0, 0.0]].view(), 0.0);
    let cs = Chunked::from_array(&csr, 2).unwrap();
    assert_eq!(cs.chunks()[1].rows(), 1);
    assert_eq!(cs.chunks()[0].nnz(), 2);
    // CSC is split by rows too (converted per chunk, never densified).
    let csc = csr.to_csc();
    let cc = Chunked::from_array(&csc, 2).unwrap();
    assert!(cc.chunks().iter().all(|m| m.is_csr()));
    assert_eq!(cc.chunks()[0].nnz(), 2);
}

#[test]
fn bad_chunk_lists_are_errors_not_panics() {
    let none: Vec<Array2<f64>> = vec![];
    assert!(Chunked::from_chunks(none).is_err());
    let mismatch = vec![Array2::<f64>::zeros((2, 3)), Array2::zeros((2, 4))];
    assert!(Chunked::from_chunks(mismatch).is_err());
    let empty_chunk = vec![Array2::<f64>::zeros((2, 3)), Array2::zeros((0, 3))];
    assert!(Chunked::from_chunks(empty_chunk).is_err());
    let x = Array2::<f64>::zeros((5, 2));
    assert!(Chunked::from_array(&x, 0).is_err());
    assert!(Chunked::from_array(&Array2::<f64>::zeros((0, 2)), 3).is_err());
    let c = Chunked::from_array(&x, 2).unwrap();
    assert!(c
        .vector_from_host(ndarray::Array1::zeros(4).view())
        .is_err());
}
