//! svmlight reader: any bytes, under detected, zero-based and one-based
//! numbering, must end in `Ok` with a valid CSR matrix of bounded width or a
//! typed error.
#![no_main]

use duckml_datasets::{read_svmlight_from, SvmlightOptions, ZeroBased};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = SvmlightOptions {
        max_line_bytes: 1 << 16,
        max_features: 1 << 20,
        ..SvmlightOptions::default()
    };
    let fixed = SvmlightOptions {
        n_features: Some(8),
        zero_based: ZeroBased::Yes,
        ..base
    };
    let one_based = SvmlightOptions {
        zero_based: ZeroBased::No,
        ..base
    };
    for opts in [base, fixed, one_based] {
        if let Ok(t) = read_svmlight_from(data, "fuzz", &opts) {
            assert!(t.x.is_csr() && t.x.cols() <= 1 << 20);
            assert_eq!(t.y.len(), t.x.rows());
            assert!(t.x.data().iter().chain(t.y.iter()).all(|v| v.is_finite()));
        }
    }
});
