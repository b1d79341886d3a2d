//! The fixture data written to temporary files and mapped, for the `mmap_*` rows:
//! a `.npy` (C or Fortran order, f64 or f32) or a CSR folder. Each file is removed
//! as soon as it is mapped (the map keeps it alive), so nothing is left behind.

use duckml::arrays::mmap::{open_csr, open_npy, MapElement, MmapCsr, MmapMatrix};
use duckml::arrays::npy::encode_header;
use ndarray::Array2;
use sprs::CsMat;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn temp_path(tag: &str) -> PathBuf {
    let k = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("duckml_suite_{tag}_{}_{k}", std::process::id()))
}

/// `values` as a 1- or 2-D `.npy` at `path`, little-endian (NaN allowed: the finite
/// checks write some).
fn write_npy<T: MapElement>(path: &PathBuf, fortran: bool, shape: &[usize], values: &[T]) {
    let mut bytes = encode_header(T::SCALAR.descr(), fortran, shape, 0);
    bytes.extend_from_slice(bytemuck::cast_slice(values));
    std::fs::write(path, bytes).unwrap();
}

/// `x` converted to `T`, written as a `.npy` in C (or Fortran) order, mapped in
/// blocks of `rows`.
pub fn mapped<T: MapElement>(x: &Array2<f64>, fortran: bool, rows: usize) -> MmapMatrix<T> {
    let path = temp_path("npy");
    let xt = x.mapv(T::of);
    let values: Vec<T> = if fortran {
        xt.t().iter().copied().collect()
    } else {
        xt.iter().copied().collect()
    };
    write_npy(&path, fortran, &[x.nrows(), x.ncols()], &values);
    let m = open_npy::<T>(&path, Some(rows)).unwrap();
    std::fs::remove_file(&path).unwrap();
    m
}

/// `x` as a CSR folder (int32 indices, int64 indptr, as `duckml convert` writes),
/// mapped in blocks of `rows`.
pub fn mapped_csr(x: &CsMat<f64>, rows: usize) -> MmapCsr<f64> {
    let dir = temp_path("csr");
    std::fs::create_dir(&dir).unwrap();
    let indptr: Vec<i64> = x.indptr().raw_storage().iter().map(|&v| v as i64).collect();
    let indices: Vec<i32> = x.indices().iter().map(|&v| v as i32).collect();
    let shape = [x.rows() as i64, x.cols() as i64];
    let ints = |name: &str, bytes: &[u8], descr: &str, len: usize| {
        let mut out = encode_header(descr, false, &[len], 0);
        out.extend_from_slice(bytes);
        std::fs::write(dir.join(name), out).unwrap();
    };
    ints(
        "indptr.npy",
        bytemuck::cast_slice(&indptr),
        "<i8",
        indptr.len(),
    );
    ints(
        "indices.npy",
        bytemuck::cast_slice(&indices),
        "<i4",
        indices.len(),
    );
    ints("shape.npy", bytemuck::cast_slice(&shape), "<i8", 2);
    write_npy(&dir.join("data.npy"), false, &[x.nnz()], x.data());
    let m = open_csr::<f64>(&dir, Some(rows)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    m
}
