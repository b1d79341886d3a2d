//! What one input is put through, per loader, and what must come out of it.
//!
//! Shared by the replay (`main.rs`) and the cargo-fuzz targets (`fuzz/`
//! includes this file by path), so both hold the readers to the same promise:
//! `Ok` with finite, consistent data, or a typed error that names the input.
//! The readers get small limits here, so that hostile inputs stay cheap.

use std::io::Read;

use duckml_datasets::*;

/// The name every input is read under: every error must mention it.
pub const NAME: &str = "fuzz-input";
/// The readers' limits: 64 KiB lines, 1 MiB claimed `.npy` data, 2^20 features.
pub const MAX_LINE: usize = 1 << 16;
pub const MAX_STREAM: u64 = 1 << 20;
pub const MAX_FEATURES: usize = 1 << 20;

/// A fresh reader over the same input, for each read.
pub type Open<'a> = &'a dyn Fn() -> Box<dyn Read + 'a>;

/// Whether a result keeps the promise: `Ok` passing `valid`, or an error naming
/// the input.
fn check<T>(r: Result<T, DatasetError>, valid: impl FnOnce(&T) -> bool) -> Result<(), String> {
    match r {
        Ok(t) if valid(&t) => Ok(()),
        Ok(_) => Err("Ok with non-finite or inconsistent data".into()),
        Err(e) if e.to_string().contains(NAME) => Ok(()),
        Err(e) => Err(format!("error does not name the input: {e}")),
    }
}

fn all_finite<'a>(v: impl IntoIterator<Item = &'a f64>) -> bool {
    v.into_iter().all(|x| x.is_finite())
}

/// The `.npy` readers, as a matrix and as a vector; returns the number of reads.
pub fn npy(open: Open) -> Result<usize, String> {
    let opts = NpyOptions {
        max_stream_bytes: MAX_STREAM,
    };
    check(read_npy_matrix_from(open(), NAME, &opts), |x| all_finite(x))?;
    check(read_npy_vector_from(open(), NAME, &opts), |y| all_finite(y))?;
    Ok(2)
}

/// The CSV reader, detecting the header, and with a header and a target.
pub fn csv(open: Open) -> Result<usize, String> {
    let base = CsvOptions {
        max_line_bytes: MAX_LINE,
        ..CsvOptions::default()
    };
    let with_target = CsvOptions {
        header: HeaderMode::Present,
        target: Some(TargetColumn::Last),
        ..base.clone()
    };
    for opts in [base, with_target] {
        check(read_csv_from(open(), NAME, &opts), |t: &Table| {
            all_finite(&t.x)
                && t.feature_names.len() == t.x.ncols()
                && t.y
                    .as_ref()
                    .is_none_or(|y| y.len() == t.x.nrows() && all_finite(y))
        })?;
    }
    Ok(2)
}

/// The svmlight reader, with detected, zero-based (8 features) and one-based
/// numbering.
pub fn svmlight(open: Open) -> Result<usize, String> {
    let base = SvmlightOptions {
        max_line_bytes: MAX_LINE,
        max_features: MAX_FEATURES,
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
        check(
            read_svmlight_from(open(), NAME, &opts),
            |t: &SparseTable| {
                t.x.is_csr()
                    && t.x.cols() <= MAX_FEATURES
                    && t.y.len() == t.x.rows()
                    && all_finite(t.x.data())
                    && all_finite(&t.y)
            },
        )?;
    }
    Ok(3)
}
