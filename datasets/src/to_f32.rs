//! Checked conversion of loaded `f64` data to `f32`.
//!
//! The loaders return `f64`; a caller that holds data in single precision
//! converts afterwards. A plain `as f32` turns a value beyond `f32::MAX`
//! (about 3.4e38) into infinity, which a later check reports only as "x
//! contains NaN or infinite values", without the file, the place or the cause.
//! These functions report a [`DatasetError::F32Overflow`] naming the source,
//! the 0-based row and column and the value instead. Values too small for
//! `f32` become subnormal or zero, as any rounding would; that is not an
//! error.
//!
//! ```
//! use duckml_datasets::{matrix_to_f32, DatasetError};
//! use ndarray::array;
//!
//! let x = array![[1.0, 2.5], [1e39, 0.0]];
//! let err = matrix_to_f32(&x, "big.npy").unwrap_err();
//! assert!(matches!(err, DatasetError::F32Overflow { row: 1, column: Some(0), .. }));
//! assert_eq!(
//!     err.to_string(),
//!     "'big.npy' row 1, column 0 (0-based): value 1e39 overflows float32 \
//!      (its largest finite value is 3.4028235e38)"
//! );
//! assert_eq!(matrix_to_f32(&array![[1.0, 2.5]], "ok.npy")?, array![[1.0f32, 2.5]]);
//! # Ok::<(), DatasetError>(())
//! ```

use ndarray::{Array1, Array2};
use sprs::CsMat;

use crate::error::{DatasetError, Result};

/// Checks that `v`, found at (`row`, `column`) of `source`, fits in `f32`.
fn check(v: f64, source: &str, row: usize, column: Option<usize>) -> Result<()> {
    if !v.is_finite() {
        let at = match column {
            Some(c) => format!("'{source}' (row {row}, column {c})"),
            None => format!("'{source}' (row {row})"),
        };
        return Err(DatasetError::NonFinite {
            what: at,
            index: row,
        });
    }
    if (v as f32).is_infinite() {
        return Err(DatasetError::F32Overflow {
            path: source.to_string(),
            row,
            column,
            value: v,
        });
    }
    Ok(())
}

/// Converts a dense matrix to `f32`; `source` names where it came from.
///
/// # Errors
///
/// [`DatasetError::F32Overflow`] for the first value (in row-major order) whose
/// magnitude overflows `f32`; [`DatasetError::NonFinite`] for a NaN or infinity.
pub fn matrix_to_f32(x: &Array2<f64>, source: &str) -> Result<Array2<f32>> {
    for ((i, j), &v) in x.indexed_iter() {
        check(v, source, i, Some(j))?;
    }
    Ok(x.mapv(|v| v as f32))
}

/// Converts a sparse matrix (CSR or CSC) to `f32`, keeping its structure.
///
/// # Errors
///
/// As for [`matrix_to_f32`], for the first stored value in storage order.
///
/// ```
/// use duckml_datasets::{csr_to_f32, DatasetError};
/// use sprs::CsMat;
///
/// let x = CsMat::new((2, 3), vec![0, 1, 2], vec![2, 1], vec![1.0, -4e38]);
/// let err = csr_to_f32(&x, "big.svm").unwrap_err();
/// assert!(matches!(err, DatasetError::F32Overflow { row: 1, column: Some(1), .. }));
/// ```
pub fn csr_to_f32(x: &CsMat<f64>, source: &str) -> Result<CsMat<f32>> {
    for (&v, (i, j)) in x.iter() {
        check(v, source, i, Some(j))?;
    }
    Ok(x.map(|&v| v as f32))
}

/// Converts a vector (a response, labels) to `f32`.
///
/// # Errors
///
/// As for [`matrix_to_f32`], with `column` `None`.
///
/// ```
/// use duckml_datasets::{vector_to_f32, DatasetError};
/// use ndarray::array;
///
/// let err = vector_to_f32(&array![0.0, -1e300], "y.npy").unwrap_err();
/// assert!(matches!(err, DatasetError::F32Overflow { row: 1, column: None, .. }));
/// assert!(err.to_string().starts_with("'y.npy' row 1 (0-based): value -1e300 overflows float32"));
/// ```
pub fn vector_to_f32(y: &Array1<f64>, source: &str) -> Result<Array1<f32>> {
    for (i, &v) in y.iter().enumerate() {
        check(v, source, i, None)?;
    }
    Ok(y.mapv(|v| v as f32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn edge_of_f32_range() {
        let max = f64::from(f32::MAX);
        // Values that round to f32::MAX are fine; the first that rounds to
        // infinity is the overflow.
        let ulp = max - f64::from(f32::MAX.next_down());
        let fits = max + ulp / 2.0 - 1e25;
        assert_eq!(vector_to_f32(&array![fits], "t").unwrap()[0], f32::MAX);
        let e = vector_to_f32(&array![1.0, -(max + ulp)], "t").unwrap_err();
        assert!(matches!(e, DatasetError::F32Overflow { row: 1, .. }), "{e}");
        // Tiny values round, they do not overflow.
        assert_eq!(vector_to_f32(&array![1e-50], "t").unwrap()[0], 0.0);
    }

    #[test]
    fn names_source_row_and_column() {
        let x = array![[0.0, 1.0, 2.0], [3.0, 4.0, 5e38]];
        match matrix_to_f32(&x, "x.csv").unwrap_err() {
            DatasetError::F32Overflow {
                path,
                row,
                column,
                value,
            } => assert_eq!(
                (path.as_str(), row, column, value),
                ("x.csv", 1, Some(2), 5e38)
            ),
            other => panic!("unexpected {other}"),
        }
        let x = array![[0.0, f64::NAN]];
        assert!(matches!(
            matrix_to_f32(&x, "x.csv"),
            Err(DatasetError::NonFinite { index: 0, .. })
        ));
        let csc = CsMat::new_csc((2, 2), vec![0, 1, 2], vec![1, 0], vec![1.0, 1e39]);
        assert!(matches!(
            csr_to_f32(&csc, "x"),
            Err(DatasetError::F32Overflow {
                row: 0,
                column: Some(1),
                ..
            })
        ));
        let csr = CsMat::new((1, 2), vec![0, 2], vec![0, 1], vec![1.5, -2.0]);
        assert_eq!(csr_to_f32(&csr, "x").unwrap().data(), &[1.5f32, -2.0]);
    }
}
