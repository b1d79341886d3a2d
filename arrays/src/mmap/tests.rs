//! The mapped arrays against the same data in memory, and every typed error.

use super::*;
use crate::contract::{ClusterOps, GlmOps, Linear, MatrixCore, SampleVector};
use crate::element::GlmFamily;
use crate::npy::encode_header;
use ndarray::{array, Array1, Array2};
use sprs::CsMat;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder under the temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let k = COUNTER.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("duckml_mmap_test_{}_{k}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `.npy` with this header and these data bytes.
fn write_raw(path: &Path, descr: &str, fortran: bool, shape: &[usize], data: &[u8]) {
    let mut bytes = encode_header(descr, fortran, shape, 0);
    bytes.extend_from_slice(data);
    std::fs::write(path, bytes).unwrap();
}

fn le_f64(v: impl IntoIterator<Item = f64>) -> Vec<u8> {
    v.into_iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn le_i64(v: impl IntoIterator<Item = i64>) -> Vec<u8> {
    v.into_iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn le_i32(v: impl IntoIterator<Item = i32>) -> Vec<u8> {
    v.into_iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn data(n: usize, p: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, p), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 0.25 - 1.0)
}

fn same(a: &Array1<f64>, b: &Array1<f64>) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= 1e-12 * (1.0 + y.abs()), "{a} vs {b}");
    }
}

/// The GLM pass, `X^T r` and a k-means step agree with the in-memory matrix.
fn check_against<X: crate::DataMatrix<f64, Vector = crate::ChunkedVector<Array1<f64>>>>(
    x: &X,
    dense: &Array2<f64>,
) {
    let (n, p) = dense.dim();
    assert_eq!((x.n_rows(), x.n_cols()), (n, p));
    let y = Array1::from_shape_fn(n, |i| (i % 2) as f64);
    let coef = Array1::from_shape_fn(p, |j| 0.1 * j as f64 - 0.2);
    let lin = Linear {
        coef: coef.view(),
        intercept: 0.3,
    };
    let yv = x.vector_from_host(y.view()).unwrap();
    let a = x.glm_loss_grad(GlmFamily::Bernoulli, &yv, lin);
    let b = dense.glm_loss_grad(GlmFamily::Bernoulli, &y, lin);
    assert!((a.loss - b.loss).abs() < 1e-10 * b.loss.abs());
    same(&a.grad, &b.grad);
    same(
        &x.linear_predictor(lin).to_host(),
        &dense.linear_predictor(lin),
    );
    let centers = dense.slice(ndarray::s![0..3, ..]).to_owned();
    let mut la = x.vector_from_host(Array1::zeros(n).view()).unwrap();
    let mut lb = Array1::zeros(n);
    let sa = x.kmeans_step(centers.view(), &mut la);
    let sb = dense.kmeans_step(centers.view(), &mut lb);
    assert_eq!(la.to_host(), lb);
    assert!((sa.inertia - sb.inertia).abs() < 1e-9 * (1.0 + sb.inertia));
}

#[test]
fn c_and_fortran_order_files_agree_with_memory() {
    let d = TempDir::new();
    let x = data(37, 5);
    let c = d.join("c.npy");
    write_raw(&c, "<f8", false, &[37, 5], &le_f64(x.iter().copied()));
    let f = d.join("f.npy");
    write_raw(&f, "<f8", true, &[37, 5], &le_f64(x.t().iter().copied()));
    for (path, rows) in [(&c, Some(8)), (&f, Some(8)), (&c, None), (&f, Some(100))] {
        let m = open_npy::<f64>(path, rows).unwrap();
        assert_eq!(
            m.chunks().len(),
            37usize.div_ceil(rows.unwrap_or(37).min(37))
        );
        check_against(&m, &x);
        let back = m.chunks()[1 % m.chunks().len()].view().to_owned();
        let first = m.chunks()[1 % m.chunks().len()].rows();
        assert_eq!(back, x.slice(ndarray::s![first, ..]));
    }
    // The map outlives the file's name: the blocks hold it open.
    let m = open_npy::<f64>(&c, Some(10)).unwrap();
    std::fs::remove_file(&c).unwrap();
    check_against(&m, &x);
    assert!(m.describe().contains("mmap dense f64"), "{}", m.describe());
}

#[test]
fn f32_files_map_as_f32() {
    let d = TempDir::new();
    let path = d.join("x32.npy");
    let vals = [1.5f32, -2.0, 0.25, 4.0];
    let bytes: Vec<u8> = vals.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_raw(&path, "<f4", false, &[2, 2], &bytes);
    let m = open_npy::<f32>(&path, None).unwrap();
    assert_eq!(m.chunks()[0].view(), array![[1.5f32, -2.0], [0.25, 4.0]]);
    // f64 asked of an f32 file: the dtype error names both.
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(matches!(e, MmapError::Dtype { .. }), "{e}");
    assert!(
        e.to_string().contains("float32") && e.to_string().contains("float64"),
        "{e}"
    );
}

#[test]
fn bad_dense_files_are_typed_errors() {
    let d = TempDir::new();
    let path = d.join("bad.npy");
    // Missing.
    assert!(matches!(
        open_npy::<f64>(d.join("missing.npy"), None),
        Err(MmapError::Io { .. })
    ));
    // A header that claims 10^12 x 10^3 over 64 bytes: refused before mapping.
    write_raw(&path, "<f8", false, &[1_000_000_000_000, 1000], &[0u8; 64]);
    match open_npy::<f64>(&path, None).unwrap_err() {
        MmapError::Truncated {
            needed, available, ..
        } => {
            assert_eq!((needed, available), (8_000_000_000_000_000, 64))
        }
        e => panic!("{e}"),
    }
    // A shape whose byte count overflows.
    write_raw(&path, "<f8", false, &[usize::MAX, 2], &[0u8; 8]);
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(e.to_string().contains("too large"), "{e}");
    // Cut inside the data, and bytes after it.
    let full = le_f64((0..6).map(f64::from));
    write_raw(&path, "<f8", false, &[3, 2], &full[..40]);
    assert!(matches!(
        open_npy::<f64>(&path, None),
        Err(MmapError::Truncated { .. })
    ));
    let mut longer = full.clone();
    longer.extend_from_slice(&[1, 2, 3]);
    write_raw(&path, "<f8", false, &[3, 2], &longer);
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(e.to_string().contains("3 unexpected bytes"), "{e}");
    // Cut inside the header; not a .npy at all.
    let whole = std::fs::read(&path).unwrap();
    std::fs::write(&path, &whole[..20]).unwrap();
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(
        matches!(e, MmapError::Header { .. }) && e.to_string().contains("truncated"),
        "{e}"
    );
    std::fs::write(&path, b"a,b\n1,2\n").unwrap();
    assert!(matches!(
        open_npy::<f64>(&path, None),
        Err(MmapError::Header { .. })
    ));
    // Wrong dtype, other byte order, wrong ndim, no elements.
    write_raw(&path, "<i8", false, &[3, 2], &full);
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(
        matches!(e, MmapError::Dtype { .. }) && e.to_string().contains("int64"),
        "{e}"
    );
    write_raw(&path, ">f8", false, &[3, 2], &full);
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(e.to_string().contains("byte order"), "{e}");
    write_raw(&path, "<f8", false, &[6], &full);
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(e.to_string().contains("2-D"), "{e}");
    write_raw(&path, "<f8", false, &[0, 2], &[]);
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(e.to_string().contains("no elements"), "{e}");
    // Zero rows per block.
    write_raw(&path, "<f8", false, &[3, 2], &full);
    assert!(matches!(
        open_npy::<f64>(&path, Some(0)),
        Err(MmapError::Array(_))
    ));
    // A data start that is not 8-byte aligned (a header padded to 124 bytes).
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    let mut text = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }".to_string();
    text.push_str(&" ".repeat(124 - 10 - text.len() - 1));
    text.push('\n');
    bytes.extend_from_slice(&(text.len() as u16).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    assert_ne!(bytes.len() % 8, 0);
    bytes.extend_from_slice(&full);
    std::fs::write(&path, bytes).unwrap();
    let e = open_npy::<f64>(&path, None).unwrap_err();
    assert!(e.to_string().contains("not a multiple of 8"), "{e}");
}

/// Writes `x` as a CSR folder with the given index types.
fn write_csr(dir: &Path, x: &CsMat<f64>, wide_ptr: bool, wide_idx: bool) {
    let ip: Vec<i64> = x.indptr().raw_storage().iter().map(|&v| v as i64).collect();
    let ix: Vec<i64> = x.indices().iter().map(|&v| v as i64).collect();
    let ints = |v: &[i64], wide: bool| -> (&str, Vec<u8>) {
        if wide {
            ("<i8", le_i64(v.iter().copied()))
        } else {
            ("<i4", le_i32(v.iter().map(|&k| k as i32)))
        }
    };
    let (d, b) = ints(&ip, wide_ptr);
    write_raw(&dir.join("indptr.npy"), d, false, &[ip.len()], &b);
    let (d, b) = ints(&ix, wide_idx);
    write_raw(&dir.join("indices.npy"), d, false, &[ix.len()], &b);
    write_raw(
        &dir.join("data.npy"),
        "<f8",
        false,
        &[x.nnz()],
        &le_f64(x.data().iter().copied()),
    );
    let shape = [x.rows() as i64, x.cols() as i64];
    write_raw(&dir.join("shape.npy"), "<i8", false, &[2], &le_i64(shape));
}

fn sparse_data(n: usize, p: usize) -> Array2<f64> {
    data(n, p).mapv(|v| if v > 0.0 { v } else { 0.0 })
}

#[test]
fn csr_folders_agree_with_memory_for_every_index_type() {
    let x = sparse_data(41, 6);
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    for (wide_ptr, wide_idx) in [(false, false), (false, true), (true, false), (true, true)] {
        let d = TempDir::new();
        write_csr(&d.0, &csr, wide_ptr, wide_idx);
        for rows in [Some(5), None] {
            let m = open_csr::<f64>(&d.0, rows).unwrap();
            check_against(&m, &x);
            assert!(m.describe().contains("mmap sparse CSR"), "{}", m.describe());
        }
    }
}

#[test]
fn bad_csr_folders_are_typed_errors() {
    let x = sparse_data(20, 4);
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    let d = TempDir::new();
    let msg = |e: MmapError| match e {
        MmapError::Csr { message, .. } => message,
        other => panic!("expected a CSR error, got {other}"),
    };
    let ip: Vec<i64> = csr
        .indptr()
        .raw_storage()
        .iter()
        .map(|&v| v as i64)
        .collect();
    let ix: Vec<i64> = csr.indices().iter().map(|&v| v as i64).collect();
    let nnz = ix.len();

    write_csr(&d.0, &csr, true, true);
    open_csr::<f64>(&d.0, None).unwrap();
    // indptr decreasing.
    let mut bad = ip.clone();
    bad[5] = bad[6] + 1;
    write_raw(
        &d.join("indptr.npy"),
        "<i8",
        false,
        &[bad.len()],
        &le_i64(bad),
    );
    assert!(msg(open_csr::<f64>(&d.0, None).unwrap_err()).contains("decreases at row"));
    // indptr not starting at 0, not ending at nnz, wrong length.
    let mut bad = ip.clone();
    bad[0] = 1;
    write_raw(
        &d.join("indptr.npy"),
        "<i8",
        false,
        &[bad.len()],
        &le_i64(bad),
    );
    assert!(msg(open_csr::<f64>(&d.0, None).unwrap_err()).contains("starts at 1"));
    let mut bad = ip.clone();
    *bad.last_mut().unwrap() -= 1;
    write_raw(
        &d.join("indptr.npy"),
        "<i8",
        false,
        &[bad.len()],
        &le_i64(bad),
    );
    assert!(msg(open_csr::<f64>(&d.0, None).unwrap_err()).contains("ends at"));
    let short = &ip[..ip.len() - 1];
    write_raw(
        &d.join("indptr.npy"),
        "<i8",
        false,
        &[short.len()],
        &le_i64(short.iter().copied()),
    );
    assert!(msg(open_csr::<f64>(&d.0, None).unwrap_err()).contains("needs 21"));
    write_raw(
        &d.join("indptr.npy"),
        "<i8",
        false,
        &[ip.len()],
        &le_i64(ip.iter().copied()),
    );
    // A column index out of range, negative, or not increasing: never read, refused.
    for (k, v, needle) in [
        (nnz - 1, 4, "out of range for 4 columns"),
        (0, -3, "column index -3 is out of range"),
        (1, 0, "strictly increasing"),
    ] {
        let mut bad = ix.clone();
        bad[k] = v;
        if needle.contains("increasing") {
            bad[0] = 1; // row 0 holds two entries; make them 1, 0
        }
        write_raw(&d.join("indices.npy"), "<i8", false, &[nnz], &le_i64(bad));
        let m = msg(open_csr::<f64>(&d.0, None).unwrap_err());
        assert!(m.contains(needle) && m.contains("row "), "{m}");
    }
    write_raw(
        &d.join("indices.npy"),
        "<i8",
        false,
        &[nnz],
        &le_i64(ix.iter().copied()),
    );
    // indices and data of different lengths.
    write_raw(
        &d.join("data.npy"),
        "<f8",
        false,
        &[nnz - 1],
        &le_f64(vec![1.0; nnz - 1]),
    );
    assert!(msg(open_csr::<f64>(&d.0, None).unwrap_err()).contains("data.npy has"));
    // A truncated part is the file's own typed error.
    let full = le_f64(csr.data().iter().copied());
    write_raw(
        &d.join("data.npy"),
        "<f8",
        false,
        &[nnz],
        &full[..full.len() - 4],
    );
    assert!(matches!(
        open_csr::<f64>(&d.0, None),
        Err(MmapError::Truncated { .. })
    ));
    write_raw(&d.join("data.npy"), "<f8", false, &[nnz], &full);
    // A bad shape; a missing part.
    write_raw(&d.join("shape.npy"), "<i8", false, &[2], &le_i64([20, 0]));
    assert!(msg(open_csr::<f64>(&d.0, None).unwrap_err()).contains("two positive"));
    write_raw(&d.join("shape.npy"), "<i8", false, &[2], &le_i64([20, 4]));
    std::fs::remove_file(d.join("indices.npy")).unwrap();
    let e = open_csr::<f64>(&d.0, None).unwrap_err();
    assert!(
        matches!(e, MmapError::Io { .. }) && e.to_string().contains("indices.npy"),
        "{e}"
    );
    // Float indices: a dtype error naming the file.
    write_raw(
        &d.join("indices.npy"),
        "<f8",
        false,
        &[nnz],
        &le_f64(vec![0.0; nnz]),
    );
    assert!(matches!(
        open_csr::<f64>(&d.0, None),
        Err(MmapError::Dtype { .. })
    ));
}
