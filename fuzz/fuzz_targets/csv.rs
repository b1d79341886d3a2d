//! CSV reader: any bytes, under the default options and with an explicit header
//! and target, must end in `Ok` with finite data or a typed error.
#![no_main]

use duckml_datasets::{read_csv_from, CsvOptions, HeaderMode, TargetColumn};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = CsvOptions {
        max_line_bytes: 1 << 16,
        ..CsvOptions::default()
    };
    let with_target = CsvOptions {
        header: HeaderMode::Present,
        target: Some(TargetColumn::Last),
        ..base.clone()
    };
    for opts in [base, with_target] {
        if let Ok(t) = read_csv_from(data, "fuzz", &opts) {
            assert!(t.x.iter().all(|v| v.is_finite()));
            assert_eq!(t.feature_names.len(), t.x.ncols());
            if let Some(y) = &t.y {
                assert_eq!(y.len(), t.x.nrows());
            }
        }
    }
});
