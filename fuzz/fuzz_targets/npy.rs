//! `.npy` reader: any bytes must end in `Ok` with finite data or a typed error,
//! with memory bounded by the input (the claimed-size limit is kept small so a
//! lying header cannot make a run slow).
#![no_main]

use duckml_datasets::{read_npy_matrix_from, read_npy_vector_from, NpyOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = NpyOptions {
        max_stream_bytes: 1 << 20,
    };
    if let Ok(x) = read_npy_matrix_from(data, "fuzz", &opts) {
        assert!(x.iter().all(|v| v.is_finite()));
    }
    if let Ok(y) = read_npy_vector_from(data, "fuzz", &opts) {
        assert!(y.iter().all(|v| v.is_finite()));
    }
});
