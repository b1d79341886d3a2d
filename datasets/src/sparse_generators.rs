//! Seeded synthetic generators for sparse (CSR) design matrices.
//!
//! Like the dense generators in [`crate::generators`], every generator here
//! draws from the stable ChaCha12 stream described there, so the same arguments
//! always give the same data on every platform, and the order of the draws is part of the
//! contract: first the design matrix `X` row by row (for each row, its column
//! indices and then its values), then the true coefficients, then the response.
//!
//! The CSR arrays are built directly, each allocated once with its exact final
//! length, so generating `n` rows with `k` non-zeros each needs
//! `8 (n + 1) + 16 n k` bytes for `X` plus `8 n` for `y` and `8 p` for `coef`,
//! and nothing else of size `n` or `n k`: for example about 177 MB for
//! `n = 10^6`, `p = 10^5`, `k = 10`.

use std::collections::HashSet;

use ndarray::Array1;
use rand::Rng;
use rand_distr::StandardNormal;
use sprs::CsMat;

use crate::error::{DatasetError, Result};
use crate::generators::{
    normal_vector, sigmoid, stream, Stream, CLASSIFICATION_INTERCEPT, REGRESSION_INTERCEPT,
};

/// A supervised synthetic problem with a sparse design matrix, together with
/// the parameters that generated it.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseRegression {
    /// Design matrix, `n_samples x n_features`, CSR, with sorted distinct
    /// column indices in every row.
    pub x: CsMat<f64>,
    /// Response, length `n_samples`.
    pub y: Array1<f64>,
    /// True coefficients, length `n_features`.
    pub coef: Array1<f64>,
    /// True intercept.
    pub intercept: f64,
}

/// Rows with at most this many non-zeros test membership by a linear scan of
/// the row; longer rows use a reused hash set.
const LINEAR_SCAN_MAX: usize = 64;

/// Checks the parameters shared by the sparse generators and returns the total
/// number of non-zeros `n_samples * nnz_per_row`.
fn check_sparse_shape(n_samples: usize, n_features: usize, nnz_per_row: usize) -> Result<usize> {
    if n_samples == 0 {
        return Err(DatasetError::InvalidParameter(
            "n_samples must be at least 1".into(),
        ));
    }
    if n_features == 0 {
        return Err(DatasetError::InvalidParameter(
            "n_features must be at least 1".into(),
        ));
    }
    if nnz_per_row == 0 {
        return Err(DatasetError::InvalidParameter(
            "nnz_per_row must be at least 1".into(),
        ));
    }
    if nnz_per_row > n_features {
        return Err(DatasetError::InvalidParameter(format!(
            "nnz_per_row ({nnz_per_row}) must not exceed n_features ({n_features})"
        )));
    }
    let nnz = n_samples.checked_mul(nnz_per_row).ok_or_else(|| {
        DatasetError::InvalidParameter(format!(
            "n_samples * nnz_per_row ({n_samples} * {nnz_per_row}) overflows usize"
        ))
    })?;
    // The data array holds nnz f64 values; its size in bytes must fit in isize.
    if nnz > isize::MAX as usize / std::mem::size_of::<f64>() {
        return Err(DatasetError::InvalidParameter(format!(
            "n_samples * nnz_per_row ({nnz}) non-zeros cannot be stored"
        )));
    }
    Ok(nnz)
}

/// An empty vector with room for exactly `len` elements, or an error (rather
/// than an abort) if that much memory cannot be had.
fn vec_with_exact_capacity<T>(len: usize, what: &str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|e| {
        DatasetError::InvalidParameter(format!("cannot allocate {what} of {len} elements: {e}"))
    })?;
    Ok(v)
}

/// Sparse design matrix: `n` rows, each with `k` distinct column indices drawn
/// uniformly from `0..p` (Floyd's algorithm, then sorted) and iid N(0, 1)
/// values.
fn sparse_design(rng: &mut Stream, n: usize, p: usize, k: usize, nnz: usize) -> Result<CsMat<f64>> {
    let mut indptr: Vec<usize> = vec_with_exact_capacity(n + 1, "the CSR row pointer")?;
    let mut indices: Vec<usize> = vec_with_exact_capacity(nnz, "the CSR column indices")?;
    let mut data: Vec<f64> = vec_with_exact_capacity(nnz, "the CSR values")?;
    // Membership test for long rows; reused across rows (clear keeps capacity).
    let mut seen: HashSet<usize> = HashSet::new();
    if k > LINEAR_SCAN_MAX {
        seen.try_reserve(k).map_err(|e| {
            DatasetError::InvalidParameter(format!("cannot allocate a set of {k} indices: {e}"))
        })?;
    }

    indptr.push(0);
    for _ in 0..n {
        let start = indices.len();
        // Floyd's algorithm: a uniformly random k-subset of 0..p in k draws.
        // Draws are made as u64 so that the stream does not depend on the
        // platform's pointer width.
        seen.clear();
        for j in (p - k)..p {
            let t = rng.gen_range(0..=j as u64) as usize;
            let present = if k <= LINEAR_SCAN_MAX {
                indices[start..].contains(&t)
            } else {
                !seen.insert(t)
            };
            let pick = if present { j } else { t };
            if present && k > LINEAR_SCAN_MAX {
                seen.insert(j);
            }
            indices.push(pick);
        }
        indices[start..].sort_unstable();
        for _ in 0..k {
            data.push(rng.sample::<f64, _>(StandardNormal));
        }
        indptr.push(indices.len());
    }

    CsMat::try_new((n, p), indptr, indices, data).map_err(|(_, _, _, e)| {
        DatasetError::InvalidParameter(format!("internal error: invalid CSR structure: {e}"))
    })
}

/// Writes `X coef + intercept` into a new vector of length `n`.
fn sparse_linear_predictor(x: &CsMat<f64>, coef: &Array1<f64>, intercept: f64) -> Result<Vec<f64>> {
    let mut eta: Vec<f64> = vec_with_exact_capacity(x.rows(), "the response")?;
    for row in x.outer_iterator() {
        let dot: f64 = row.iter().map(|(j, &v)| v * coef[j]).sum();
        eta.push(dot + intercept);
    }
    Ok(eta)
}

/// Draws the design matrix and the true coefficients shared by the sparse
/// generators; returns them with the linear predictor `X coef + intercept`.
fn sparse_problem(
    rng: &mut Stream,
    n_samples: usize,
    n_features: usize,
    nnz_per_row: usize,
    intercept: f64,
) -> Result<(CsMat<f64>, Array1<f64>, Vec<f64>)> {
    let nnz = check_sparse_shape(n_samples, n_features, nnz_per_row)?;
    let x = sparse_design(rng, n_samples, n_features, nnz_per_row, nnz)?;
    let coef = normal_vector(rng, n_features, (1.0 / nnz_per_row as f64).sqrt());
    let eta = sparse_linear_predictor(&x, &coef, intercept)?;
    Ok((x, coef, eta))
}

/// Binary classification data from a logistic model on a sparse design matrix.
///
/// Every row of `X` has exactly `nnz_per_row` non-zeros, in distinct columns
/// drawn uniformly at random from `0..n_features` and stored in increasing
/// order; the non-zero values are iid N(0, 1). The true coefficients are iid
/// N(0, 1/nnz_per_row), so the linear predictor `eta_i = x_i . coef +
/// intercept` has unit variance about the intercept
/// [`CLASSIFICATION_INTERCEPT`] (0.25), and
/// `y_i ~ Bernoulli(sigmoid(eta_i))`, coded as `0.0` / `1.0`.
///
/// Memory: the CSR arrays are allocated once at their exact size (see the
/// [module documentation](self)); no dense or triplet intermediate is built.
///
/// # Errors
///
/// [`DatasetError::InvalidParameter`] if `n_samples`, `n_features` or
/// `nnz_per_row` is zero, if `nnz_per_row > n_features`, or if the matrix is
/// too large to allocate.
///
/// # Example
///
/// ```
/// use duckml_datasets::make_sparse_classification;
///
/// let data = make_sparse_classification(1_000, 50, 5, 7)?;
/// assert_eq!(data.x.shape(), (1_000, 50));
/// assert!(data.x.is_csr());
/// assert_eq!(data.x.nnz(), 5_000);
/// assert_eq!(data.intercept, 0.25);
/// assert!(data.y.iter().all(|&v| v == 0.0 || v == 1.0));
/// // Same seed, same data.
/// assert_eq!(data, make_sparse_classification(1_000, 50, 5, 7)?);
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn make_sparse_classification(
    n_samples: usize,
    n_features: usize,
    nnz_per_row: usize,
    seed: u64,
) -> Result<SparseRegression> {
    let mut rng = stream(seed);
    let intercept = CLASSIFICATION_INTERCEPT;
    let (x, coef, mut y) = sparse_problem(&mut rng, n_samples, n_features, nnz_per_row, intercept)?;
    for yi in y.iter_mut() {
        let p = sigmoid(*yi);
        *yi = if rng.gen::<f64>() < p { 1.0 } else { 0.0 };
    }
    Ok(SparseRegression {
        x,
        y: Array1::from_vec(y),
        coef,
        intercept,
    })
}

/// Linear regression data on a sparse design matrix:
/// `y = X coef + 0.5 + noise * e`.
///
/// `X` is drawn as in [`make_sparse_classification`] (`nnz_per_row` distinct
/// uniformly drawn columns per row, sorted, N(0, 1) values), `coef` is iid
/// N(0, 1/nnz_per_row) (so `X coef` has unit variance), the intercept is
/// [`REGRESSION_INTERCEPT`] (0.5) and `e` is iid N(0, 1).
///
/// # Errors
///
/// [`DatasetError::InvalidParameter`] if `n_samples`, `n_features` or
/// `nnz_per_row` is zero, if `nnz_per_row > n_features`, if `noise` is
/// negative or not finite, or if the matrix is too large to allocate.
///
/// # Example
///
/// ```
/// use duckml_datasets::make_sparse_regression;
///
/// let data = make_sparse_regression(200, 30, 3, 0.0, 1)?;
/// assert_eq!(data.x.shape(), (200, 30));
/// assert_eq!(data.x.nnz(), 600);
/// // Without noise, y is exactly X coef + intercept.
/// let row = data.x.outer_view(0).unwrap();
/// let eta0: f64 = row.iter().map(|(j, v)| v * data.coef[j]).sum::<f64>() + data.intercept;
/// assert!((data.y[0] - eta0).abs() < 1e-12);
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn make_sparse_regression(
    n_samples: usize,
    n_features: usize,
    nnz_per_row: usize,
    noise: f64,
    seed: u64,
) -> Result<SparseRegression> {
    if !noise.is_finite() || noise < 0.0 {
        return Err(DatasetError::InvalidParameter(format!(
            "noise must be finite and non-negative, got {noise}"
        )));
    }
    let mut rng = stream(seed);
    let intercept = REGRESSION_INTERCEPT;
    let (x, coef, mut y) = sparse_problem(&mut rng, n_samples, n_features, nnz_per_row, intercept)?;
    if noise > 0.0 {
        for yi in y.iter_mut() {
            *yi += noise * rng.sample::<f64, _>(StandardNormal);
        }
    }
    Ok(SparseRegression {
        x,
        y: Array1::from_vec(y),
        coef,
        intercept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_rows(x: &CsMat<f64>, k: usize) {
        let (n, p) = x.shape();
        assert!(x.is_csr());
        assert_eq!(x.indptr().len(), n + 1);
        for (i, row) in x.outer_iterator().enumerate() {
            assert_eq!(row.nnz(), k, "row {i}");
            let idx = row.indices();
            assert!(idx.windows(2).all(|w| w[0] < w[1]), "row {i}: {idx:?}");
            assert!(idx.iter().all(|&j| j < p), "row {i}: {idx:?}");
        }
    }

    #[test]
    fn classification_shape_nnz_and_reproducibility() {
        let d = make_sparse_classification(300, 40, 7, 3).unwrap();
        assert_eq!(d.x.shape(), (300, 40));
        assert_eq!(d.x.nnz(), 2100);
        assert_eq!(d.y.len(), 300);
        assert_eq!(d.coef.len(), 40);
        assert_eq!(d.intercept, CLASSIFICATION_INTERCEPT);
        check_rows(&d.x, 7);
        assert!(d.x.data().iter().all(|v| v.is_finite() && *v != 0.0));
        assert_eq!(d, make_sparse_classification(300, 40, 7, 3).unwrap());
        let other = make_sparse_classification(300, 40, 7, 4).unwrap();
        assert_ne!(d.x, other.x);
        // Capacities are exact: nothing was over-allocated.
        let (indptr, indices, data) = d.x.into_raw_storage();
        assert_eq!(indptr.capacity(), 301);
        assert_eq!(indices.capacity(), 2100);
        assert_eq!(data.capacity(), 2100);
    }

    #[test]
    fn full_rows_and_long_rows() {
        // k == p: every row holds every column.
        let d = make_sparse_classification(20, 6, 6, 0).unwrap();
        check_rows(&d.x, 6);
        for row in d.x.outer_iterator() {
            assert_eq!(row.indices(), &[0, 1, 2, 3, 4, 5]);
        }
        // Rows longer than LINEAR_SCAN_MAX use the hash-set path.
        let k = LINEAR_SCAN_MAX + 36;
        let d = make_sparse_classification(50, 150, k, 1).unwrap();
        check_rows(&d.x, k);
        let d = make_sparse_classification(5, k, k, 1).unwrap();
        for row in d.x.outer_iterator() {
            assert!(row.indices().iter().copied().eq(0..k));
        }
    }

    #[test]
    fn columns_are_uniform() {
        // 20_000 rows x 3 of 10 columns: each column is hit with probability
        // 0.3, so its count has mean 6000 and sd ~65.
        let d = make_sparse_classification(20_000, 10, 3, 5).unwrap();
        let mut counts = [0usize; 10];
        for &j in d.x.indices() {
            counts[j] += 1;
        }
        for (j, &c) in counts.iter().enumerate() {
            assert!((5700..6300).contains(&c), "column {j}: {c}");
        }
        // Values are standard normal.
        let n = d.x.nnz() as f64;
        let mean = d.x.data().iter().sum::<f64>() / n;
        let var = d.x.data().iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "var {var}");
    }

    #[test]
    fn classification_label_mean() {
        let n = 40_000;
        let k = 10;
        let d = make_sparse_classification(n, 1_000, k, 11).unwrap();
        assert!(d.y.iter().all(|&v| v == 0.0 || v == 1.0));
        let eta = sparse_linear_predictor(&d.x, &d.coef, d.intercept).unwrap();
        let p_mean = eta.iter().map(|&t| sigmoid(t)).sum::<f64>() / n as f64;
        let y_mean = d.y.sum() / n as f64;
        // sd of y_mean - p_mean is at most sqrt(0.25 / n) = 0.0025.
        assert!((y_mean - p_mean).abs() < 0.01, "{y_mean} vs {p_mean}");
        // Unit-variance predictor around 0.25: positive rate ~ 0.55.
        assert!((0.51..0.60).contains(&y_mean), "label mean {y_mean}");
        let var = eta.iter().map(|t| (t - 0.25).powi(2)).sum::<f64>() / n as f64;
        assert!((0.7..1.4).contains(&var), "eta variance {var}");
        // The true coefficients have variance 1 / k.
        let cvar = d.coef.iter().map(|c| c * c).sum::<f64>() / d.coef.len() as f64;
        assert!((cvar * k as f64 - 1.0).abs() < 0.15, "coef variance {cvar}");
    }

    #[test]
    fn regression_noise() {
        let n = 20_000;
        let d = make_sparse_regression(n, 500, 4, 0.5, 2).unwrap();
        check_rows(&d.x, 4);
        assert_eq!(d.intercept, REGRESSION_INTERCEPT);
        let eta = sparse_linear_predictor(&d.x, &d.coef, d.intercept).unwrap();
        let rvar =
            d.y.iter()
                .zip(&eta)
                .map(|(y, e)| (y - e).powi(2))
                .sum::<f64>()
                / n as f64;
        assert!((rvar - 0.25).abs() < 0.015, "residual variance {rvar}");
        let exact = make_sparse_regression(100, 20, 2, 0.0, 2).unwrap();
        let eta = sparse_linear_predictor(&exact.x, &exact.coef, exact.intercept).unwrap();
        assert_eq!(exact.y.to_vec(), eta);
        assert_eq!(d, make_sparse_regression(n, 500, 4, 0.5, 2).unwrap());
    }

    #[test]
    fn invalid_parameters() {
        let bad = |r: Result<SparseRegression>, word: &str| match r {
            Err(DatasetError::InvalidParameter(msg)) => assert!(msg.contains(word), "{msg}"),
            other => panic!("expected InvalidParameter, got {other:?}"),
        };
        bad(make_sparse_classification(0, 10, 2, 0), "n_samples");
        bad(make_sparse_classification(10, 0, 2, 0), "n_features");
        bad(make_sparse_classification(10, 10, 0, 0), "nnz_per_row");
        bad(make_sparse_classification(10, 10, 11, 0), "exceed");
        bad(
            make_sparse_classification(usize::MAX, 10, 2, 0),
            "overflows",
        );
        bad(
            make_sparse_classification(usize::MAX / 4, 10, 2, 0),
            "cannot",
        );
        bad(make_sparse_regression(10, 10, 2, -1.0, 0), "noise");
        bad(make_sparse_regression(10, 10, 2, f64::NAN, 0), "noise");
        bad(make_sparse_regression(10, 0, 2, 0.1, 0), "n_features");
    }
}
