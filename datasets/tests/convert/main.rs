//! The conversions to mapped files: what they write is what the in-memory readers
//! read; their memory is bounded by `chunk_rows`, not by the input's length (a
//! counting allocator measures the peak of live bytes, for inputs of 4,000 and
//! 64,000 rows); a failed conversion leaves nothing behind; nothing is replaced.
//!
//! No test harness: the allocation counter must see this thread only.

#[path = "../replay/alloc.rs"]
mod alloc;

use duckml_arrays::mmap::{open_csr, open_npy};
use duckml_arrays::npy::Scalar;
use duckml_arrays::prelude::*;
use duckml_datasets::{
    csv_to_npy, npy_to_npy, read_csv, read_npy_matrix, read_npy_vector, read_svmlight,
    svmlight_to_csr, ConvertOptions, CsvOptions, DatasetError, SvmlightOptions, TargetColumn,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

/// A fresh folder, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("duckml_convert_{tag}_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn join(&self, s: &str) -> PathBuf {
        self.0.join(s)
    }
    /// Names in the folder (temporaries included: they start with '.').
    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const P: usize = 20;

fn value(i: usize, j: usize) -> f64 {
    ((i * 31 + j * 17) % 97) as f64 / 8.0 - 6.0
}

/// A CSV of n rows, P features and a last target column, with a header.
fn write_csv(path: &Path, n: usize) {
    let mut s = String::new();
    let names: Vec<String> = (0..P).map(|j| format!("f{j}")).collect();
    writeln!(s, "{},y", names.join(",")).unwrap();
    for i in 0..n {
        for j in 0..P {
            write!(s, "{},", value(i, j)).unwrap();
        }
        writeln!(s, "{}", i % 2).unwrap();
    }
    std::fs::write(path, s).unwrap();
}

/// An svmlight file of n rows, one-based indices, about P/3 entries per row.
fn write_svm(path: &Path, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        write!(s, "{}", i % 2).unwrap();
        for j in 0..P {
            if (i + j) % 3 == 0 {
                write!(s, " {}:{}", j + 1, value(i, j)).unwrap();
            }
        }
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

fn opts(chunk_rows: usize) -> ConvertOptions {
    ConvertOptions {
        chunk_rows,
        dtype: Scalar::F64,
    }
}

/// Peak live bytes while `f` runs.
fn peak(f: impl FnOnce()) -> usize {
    let base = alloc::start();
    f();
    alloc::peak_since(base)
}

fn csv_matches_the_loader() {
    let d = Dir::new("csv");
    write_csv(&d.join("a.csv"), 1000);
    let csv = CsvOptions::with_target(TargetColumn::Last);
    let done = csv_to_npy(
        &d.join("a.csv"),
        &csv,
        &d.join("x.npy"),
        Some(&d.join("y.npy")),
        &opts(64),
    )
    .unwrap();
    assert_eq!((done.n_rows, done.n_features), (1000, P));
    let t = read_csv(d.join("a.csv"), &csv).unwrap();
    assert_eq!(read_npy_matrix(d.join("x.npy")).unwrap(), t.x);
    assert_eq!(Some(read_npy_vector(d.join("y.npy")).unwrap()), t.y);
    // Mapped, it is the same matrix.
    let m = open_npy::<f64>(d.join("x.npy"), Some(100)).unwrap();
    assert_eq!(m.chunks()[3].view(), t.x.slice(ndarray::s![300..400, ..]));
    // Fortran order, other dtype: rewritten in C order.
    npy_to_npy(
        &d.join("x.npy"),
        &d.join("x32.npy"),
        &ConvertOptions {
            chunk_rows: 7,
            dtype: Scalar::F32,
        },
    )
    .unwrap();
    let back = read_npy_matrix(d.join("x32.npy")).unwrap();
    assert_eq!(back, t.x.mapv(|v| f64::from(v as f32)));
    println!("csv_matches_the_loader ok");
}

fn svmlight_matches_the_loader() {
    let d = Dir::new("svm");
    write_svm(&d.join("a.svm"), 1000);
    let done = svmlight_to_csr(
        &d.join("a.svm"),
        &SvmlightOptions::default(),
        &d.join("csr"),
        &opts(64),
    )
    .unwrap();
    let t = read_svmlight(d.join("a.svm"), &SvmlightOptions::default()).unwrap();
    assert!(!t.numbering.zero_based);
    assert_eq!(
        (done.n_rows, done.n_features, done.nnz),
        (1000, t.x.cols(), t.x.nnz())
    );
    assert_eq!(read_npy_vector(d.join("csr/y.npy")).unwrap(), t.y);
    // The folder maps to the same matrix (one-based indices were shifted).
    let m = open_csr::<f64>(d.join("csr"), Some(100)).unwrap();
    let coef = ndarray::Array1::from_shape_fn(t.x.cols(), |j| j as f64 * 0.1);
    let lin = Linear {
        coef: coef.view(),
        intercept: 0.0,
    };
    assert_eq!(m.linear_predictor(lin).to_host(), t.x.linear_predictor(lin));
    println!("svmlight_matches_the_loader ok");
}

fn memory_is_bounded_by_chunk_rows() {
    let d = Dir::new("mem");
    let csv = CsvOptions::with_target(TargetColumn::Last);
    let mut peaks = Vec::new();
    for n in [4_000, 64_000] {
        write_csv(&d.join("a.csv"), n);
        write_svm(&d.join("a.svm"), n);
        let (x, y, c) = (d.join("x.npy"), d.join("y.npy"), d.join("csr"));
        let dense = peak(|| {
            csv_to_npy(&d.join("a.csv"), &csv, &x, Some(&y), &opts(100)).unwrap();
        });
        let sparse = peak(|| {
            svmlight_to_csr(
                &d.join("a.svm"),
                &SvmlightOptions::default(),
                &c,
                &opts(100),
            )
            .unwrap();
        });
        println!("n = {n}: peak live bytes {dense} (csv -> npy), {sparse} (svmlight -> csr)");
        peaks.push((dense, sparse));
        std::fs::remove_file(&x).unwrap();
        std::fs::remove_file(&y).unwrap();
        std::fs::remove_dir_all(&c).unwrap();
    }
    // 100 rows of 20 f64 are 16 kB; with the csv reader's 64 KiB buffer, the
    // writers' 1 MiB buffers and one record, the bound is a few MiB, and the
    // same for 16 times the rows (the whole 64,000-row data set is 10 MB).
    for &(dense, sparse) in &peaks {
        assert!(dense < 4 << 20, "csv -> npy peaked at {dense} bytes");
        assert!(sparse < 6 << 20, "svmlight -> csr peaked at {sparse} bytes");
    }
    let (small, large) = (peaks[0], peaks[1]);
    assert!(
        large.0 < small.0 + (256 << 10),
        "{small:?} -> {large:?}: grows with n"
    );
    assert!(
        large.1 < small.1 + (256 << 10),
        "{small:?} -> {large:?}: grows with n"
    );
    println!("memory_is_bounded_by_chunk_rows ok");
}

fn failures_leave_nothing_and_nothing_is_replaced() {
    let d = Dir::new("fail");
    write_csv(&d.join("a.csv"), 500);
    // A bad cell at the end: the conversion fails after writing chunks.
    let mut text = std::fs::read_to_string(d.join("a.csv")).unwrap();
    text.push_str(&format!("{}oops,1\n", "1,".repeat(P - 1)));
    std::fs::write(d.join("bad.csv"), text).unwrap();
    let csv = CsvOptions::with_target(TargetColumn::Last);
    let e = csv_to_npy(
        &d.join("bad.csv"),
        &csv,
        &d.join("x.npy"),
        Some(&d.join("y.npy")),
        &opts(50),
    )
    .unwrap_err();
    assert!(matches!(e, DatasetError::Parse { .. }), "{e}");
    assert_eq!(d.names(), ["a.csv", "bad.csv"]);
    std::fs::write(d.join("bad.svm"), "1 1:2\n0 3:1 2:1\n").unwrap();
    let e = svmlight_to_csr(
        &d.join("bad.svm"),
        &SvmlightOptions::default(),
        &d.join("csr"),
        &opts(1),
    )
    .unwrap_err();
    assert!(matches!(e, DatasetError::Parse { line: 2, .. }), "{e}");
    assert_eq!(d.names(), ["a.csv", "bad.csv", "bad.svm"]);
    // An existing output (the input itself, here) is refused, untouched.
    let before = std::fs::read(d.join("a.csv")).unwrap();
    let e = csv_to_npy(
        &d.join("a.csv"),
        &CsvOptions::default(),
        &d.join("a.csv"),
        None,
        &opts(50),
    )
    .unwrap_err();
    assert!(e.to_string().contains("exists"), "{e}");
    assert_eq!(std::fs::read(d.join("a.csv")).unwrap(), before);
    assert!(csv_to_npy(
        &d.join("a.csv"),
        &CsvOptions::default(),
        &d.join("z.npy"),
        None,
        &opts(0)
    )
    .is_err());
    println!("failures_leave_nothing_and_nothing_is_replaced ok");
}

fn main() {
    csv_matches_the_loader();
    svmlight_matches_the_loader();
    memory_is_bounded_by_chunk_rows();
    failures_leave_nothing_and_nothing_is_replaced();
    println!("4 passed, 0 failed");
}
