//! Data sets for duckml: seeded synthetic generators ([`make_regression`],
//! [`make_classification`], [`make_poisson`], [`make_blobs`]) and their sparse
//! counterparts ([`make_sparse_classification`], [`make_sparse_regression`]),
//! CSV, NPY and svmlight loaders and writers ([`read_csv`], [`read_npy_matrix`],
//! [`read_svmlight`], ...), and small real data sets bundled with the crate
//! ([`diabetes`], [`breast_cancer`], [`randhie`]).
//!
//! All data is `f64`; dense matrices are returned in standard (row-major)
//! layout and sparse ones as CSR [`sprs::CsMat`]; every loader rejects NaN and
//! infinite values and reports bad input as a [`DatasetError`] rather than
//! panicking.
//!
//! Hostile input is an error, never a panic, a hang or a runaway allocation:
//! every loader allocates only what the input justifies, under documented
//! limits ([`limits`]), and also reads from any [`std::io::Read`]
//! ([`read_csv_from`], [`read_npy_matrix_from`], [`read_svmlight_from`]). What a
//! reader decides about ambiguous input is explicit and reported: the CSV header
//! ([`Table::header`], see [`csv_io`]) and the svmlight numbering
//! ([`SparseTable::numbering`], see [`svmlight`]). Data headed for single
//! precision go through [`to_f32`], which names the value that overflows.
//! The generators draw from a stable ChaCha12 stream ([`generators`]).
//!
//! Files of any length are read row by row by the streaming readers
//! ([`stream_csv`], [`stream_svmlight`]: one line in memory), which also build
//! [`Chunked`](duckml_arrays::Chunked) arrays directly ([`read_csv_chunked`],
//! [`read_svmlight_chunked`]) and convert text to the files the memory-mapped
//! arrays read, in bounded memory ([`convert`]: [`csv_to_npy`],
//! [`svmlight_to_csr`], [`npy_to_npy`]). The `.npy` header reader is
//! `duckml_arrays::npy`, shared with the mapped arrays.
//!
//! ```
//! use duckml_datasets::{make_classification, read_csv_str, CsvOptions, TargetColumn};
//!
//! let data = make_classification(1_000, 5, 0)?;
//! assert_eq!(data.x.dim(), (1_000, 5));
//!
//! let table = read_csv_str("a,b,y\n1,2,0\n3,4,1\n", "inline", &CsvOptions::with_target(TargetColumn::Last))?;
//! assert_eq!(table.feature_names, ["a", "b"]);
//! # Ok::<(), duckml_datasets::DatasetError>(())
//! ```

#![warn(missing_docs)]

pub mod bundled;
pub mod convert;
pub mod csv_io;
#[cfg(feature = "mpi")]
pub mod distributed;
pub mod error;
pub mod generators;
pub mod image;
pub mod limits;
pub mod npy_io;
pub mod sparse_generators;
pub mod svmlight;
pub mod text_part;
pub mod to_f32;

pub use bundled::{breast_cancer, diabetes, randhie};
pub use convert::{csv_to_npy, npy_to_npy, svmlight_to_csr, ConvertOptions, Converted, NpyWriter};
pub use csv_io::{
    read_csv, read_csv_chunked, read_csv_from, read_csv_str, stream_csv, write_csv, ChunkedColumns,
    CsvOptions, CsvSummary, HeaderDecision, HeaderMode, Table, TargetColumn,
};
pub use error::DatasetError;
pub use generators::{
    make_blobs, make_classification, make_poisson, make_regression, Blobs, Regression,
    CLASSIFICATION_INTERCEPT, POISSON_INTERCEPT, REGRESSION_INTERCEPT,
};
pub use image::{
    coins, decode_png_gray, exp_affinity, gaussian_filter_u8, img_to_graph, read_png_gray,
    rescale_bilinear, write_png_rgb,
};
pub use limits::{
    DEFAULT_MAX_FEATURES, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_STREAM_BYTES, NPY_MAX_HEADER_LEN,
};
pub use npy_io::{
    npy_shape, read_npy_matrix, read_npy_matrix_from, read_npy_matrix_rows, read_npy_vector,
    read_npy_vector_from, read_npy_vector_rows, write_npy_matrix, write_npy_vector, NpyOptions,
};
pub use sparse_generators::{make_sparse_classification, make_sparse_regression, SparseRegression};
pub use svmlight::{
    read_svmlight, read_svmlight_chunked, read_svmlight_from, read_svmlight_str, stream_svmlight,
    write_svmlight, NumberingDecision, SparseTable, SvmlightOptions, SvmlightSummary, ZeroBased,
};
pub use text_part::read_text_part;
pub use to_f32::{csr_to_f32, matrix_to_f32, vector_to_f32};

#[cfg(test)]
pub(crate) mod test_util {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    /// A fresh path in the temporary directory, unique to this process and call.
    pub fn temp_path(tag: &str, ext: &str) -> PathBuf {
        let k = COUNTER.fetch_add(1, Ordering::Relaxed);
        std::env::temp_dir().join(format!(
            "duckml_datasets_test_{}_{}_{k}.{ext}",
            std::process::id(),
            tag
        ))
    }

    /// Removes the file when dropped.
    pub struct TempFile(pub PathBuf);

    impl TempFile {
        pub fn new(tag: &str, ext: &str) -> Self {
            TempFile(temp_path(tag, ext))
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}
