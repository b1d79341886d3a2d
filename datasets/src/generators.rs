//! Seeded synthetic data generators.
//!
//! # The random stream
//!
//! Every generator (here and in [`crate::sparse_generators`]) draws from
//! [`ChaCha12Rng`] seeded with [`SeedableRng::seed_from_u64`]: `rand_chacha`
//! documents ChaCha's output as a stable, portable stream, whereas rand's
//! `StdRng` may change algorithm between rand versions. ChaCha12 is the
//! algorithm behind rand 0.8's `StdRng`, which the generators used before, so
//! the data are bit for bit what they were (the `generator_stream` test pins
//! them). The same arguments therefore give the same data on every platform and
//! across dependency upgrades that keep `rand_chacha` 0.3 and `rand_distr` 0.4
//! (which turn the stream into normal, uniform and Poisson draws).
//!
//! The order in which random numbers are drawn is part of the contract: first
//! the design matrix `X` row by row, then the true parameters, then the
//! response. Data matrices are returned in standard (row-major) layout.

use ndarray::{Array1, Array2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;
use rand_distr::{Distribution, Poisson, StandardNormal};

use crate::error::{DatasetError, Result};

/// The generators' random stream (see the [module documentation](self)).
pub(crate) type Stream = ChaCha12Rng;

/// The stream for `seed`.
pub(crate) fn stream(seed: u64) -> Stream {
    Stream::seed_from_u64(seed)
}

/// A supervised synthetic problem together with the parameters that generated it.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    /// Design matrix, `n_samples x n_features`, standard layout.
    pub x: Array2<f64>,
    /// Response, length `n_samples`.
    pub y: Array1<f64>,
    /// True coefficients, length `n_features`.
    pub coef: Array1<f64>,
    /// True intercept.
    pub intercept: f64,
}

/// Isotropic Gaussian clusters produced by [`make_blobs`].
#[derive(Debug, Clone, PartialEq)]
pub struct Blobs {
    /// Samples, `n_samples x n_features`, standard layout.
    pub x: Array2<f64>,
    /// Index of the centre each sample was drawn around (`i % n_centers`).
    pub labels: Array1<usize>,
    /// The true centres, `n_centers x n_features`.
    pub centers: Array2<f64>,
}

/// Intercept used by [`make_regression`].
pub const REGRESSION_INTERCEPT: f64 = 0.5;
/// Intercept used by [`make_classification`].
pub const CLASSIFICATION_INTERCEPT: f64 = 0.25;
/// Intercept used by [`make_poisson`].
pub const POISSON_INTERCEPT: f64 = 0.5;

fn check_shape(n_samples: usize, n_features: usize) -> Result<usize> {
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
    n_samples.checked_mul(n_features).ok_or_else(|| {
        DatasetError::InvalidParameter(format!(
            "n_samples * n_features ({n_samples} * {n_features}) overflows usize"
        ))
    })
}

/// `n x p` matrix of iid N(0, 1) draws, generated row by row into one allocation.
fn standard_normal_matrix(rng: &mut Stream, n: usize, p: usize, len: usize) -> Result<Array2<f64>> {
    let data: Vec<f64> = (0..len).map(|_| rng.sample(StandardNormal)).collect();
    Array2::from_shape_vec((n, p), data)
        .map_err(|e| DatasetError::InvalidParameter(format!("cannot shape data: {e}")))
}

/// Vector of iid N(0, sd^2) draws.
pub(crate) fn normal_vector(rng: &mut Stream, len: usize, sd: f64) -> Array1<f64> {
    (0..len)
        .map(|_| sd * rng.sample::<f64, _>(StandardNormal))
        .collect()
}

/// Linear predictor `X coef + intercept`.
fn linear_predictor(x: &Array2<f64>, coef: &Array1<f64>, intercept: f64) -> Array1<f64> {
    let mut eta = x.dot(coef);
    eta += intercept;
    eta
}

/// Numerically stable logistic function.
pub(crate) fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// Linear regression data: `y = X coef + 0.5 + noise * e`.
///
/// `X`, `coef` and `e` are iid standard normal; the intercept is
/// [`REGRESSION_INTERCEPT`] (0.5).
///
/// # Errors
///
/// [`DatasetError::InvalidParameter`] if `n_samples` or `n_features` is zero, or
/// `noise` is negative or not finite.
///
/// # Example
///
/// ```
/// use duckml_datasets::make_regression;
///
/// let data = make_regression(100, 3, 0.1, 42)?;
/// assert_eq!(data.x.dim(), (100, 3));
/// assert_eq!(data.y.len(), 100);
/// assert_eq!(data.coef.len(), 3);
/// assert_eq!(data.intercept, 0.5);
/// // Same seed, same data.
/// assert_eq!(data, make_regression(100, 3, 0.1, 42)?);
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn make_regression(
    n_samples: usize,
    n_features: usize,
    noise: f64,
    seed: u64,
) -> Result<Regression> {
    let len = check_shape(n_samples, n_features)?;
    if !noise.is_finite() || noise < 0.0 {
        return Err(DatasetError::InvalidParameter(format!(
            "noise must be finite and non-negative, got {noise}"
        )));
    }
    let mut rng = stream(seed);
    let x = standard_normal_matrix(&mut rng, n_samples, n_features, len)?;
    let coef = normal_vector(&mut rng, n_features, 1.0);
    let intercept = REGRESSION_INTERCEPT;
    let mut y = linear_predictor(&x, &coef, intercept);
    if noise > 0.0 {
        for yi in y.iter_mut() {
            *yi += noise * rng.sample::<f64, _>(StandardNormal);
        }
    }
    Ok(Regression {
        x,
        y,
        coef,
        intercept,
    })
}

/// Binary classification data from a logistic model.
///
/// `X` is iid N(0, 1), `coef` iid N(0, 1/n_features) (so the linear predictor
/// has roughly unit variance), the intercept is [`CLASSIFICATION_INTERCEPT`]
/// (0.25), and `y_i ~ Bernoulli(sigmoid(x_i . coef + intercept))`, coded as
/// `0.0` / `1.0`.
///
/// # Errors
///
/// [`DatasetError::InvalidParameter`] if `n_samples` or `n_features` is zero.
///
/// # Example
///
/// ```
/// use duckml_datasets::make_classification;
///
/// let data = make_classification(500, 4, 7)?;
/// assert_eq!(data.x.dim(), (500, 4));
/// assert!(data.y.iter().all(|&v| v == 0.0 || v == 1.0));
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn make_classification(n_samples: usize, n_features: usize, seed: u64) -> Result<Regression> {
    let len = check_shape(n_samples, n_features)?;
    let mut rng = stream(seed);
    let x = standard_normal_matrix(&mut rng, n_samples, n_features, len)?;
    let coef = normal_vector(&mut rng, n_features, (1.0 / n_features as f64).sqrt());
    let intercept = CLASSIFICATION_INTERCEPT;
    let mut y = linear_predictor(&x, &coef, intercept);
    for yi in y.iter_mut() {
        let p = sigmoid(*yi);
        *yi = if rng.gen::<f64>() < p { 1.0 } else { 0.0 };
    }
    Ok(Regression {
        x,
        y,
        coef,
        intercept,
    })
}

/// Count data from a Poisson log-linear model.
///
/// `X` is iid N(0, 1), `coef` iid N(0, 0.25/n_features), the intercept is
/// [`POISSON_INTERCEPT`] (0.5), and `y_i ~ Poisson(exp(x_i . coef + intercept))`,
/// stored as `f64`.
///
/// # Errors
///
/// [`DatasetError::InvalidParameter`] if `n_samples` or `n_features` is zero.
///
/// # Example
///
/// ```
/// use duckml_datasets::make_poisson;
///
/// let data = make_poisson(200, 5, 3)?;
/// assert!(data.y.iter().all(|&v| v >= 0.0 && v.fract() == 0.0));
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn make_poisson(n_samples: usize, n_features: usize, seed: u64) -> Result<Regression> {
    let len = check_shape(n_samples, n_features)?;
    let mut rng = stream(seed);
    let x = standard_normal_matrix(&mut rng, n_samples, n_features, len)?;
    let coef = normal_vector(&mut rng, n_features, (0.25 / n_features as f64).sqrt());
    let intercept = POISSON_INTERCEPT;
    let mut y = linear_predictor(&x, &coef, intercept);
    for (i, yi) in y.iter_mut().enumerate() {
        let lambda = yi.exp();
        *yi = if lambda > 0.0 {
            let dist = Poisson::new(lambda).map_err(|_| DatasetError::NonFinite {
                what: "Poisson mean exp(x . coef + intercept)".into(),
                index: i,
            })?;
            dist.sample(&mut rng)
        } else {
            // exp underflowed: the count is 0 with probability 1 - O(lambda).
            0.0
        };
    }
    Ok(Regression {
        x,
        y,
        coef,
        intercept,
    })
}

/// Isotropic Gaussian clusters.
///
/// `n_centers` centres are drawn uniformly in `[-10, 10]^n_features`; sample
/// `i` belongs to centre `i % n_centers` (so cluster sizes differ by at most
/// one) and equals its centre plus `cluster_std * N(0, I)`.
///
/// # Errors
///
/// [`DatasetError::InvalidParameter`] if `n_samples`, `n_features` or
/// `n_centers` is zero, or `cluster_std` is negative or not finite.
///
/// # Example
///
/// ```
/// use duckml_datasets::make_blobs;
///
/// let blobs = make_blobs(90, 2, 3, 0.5, 1)?;
/// assert_eq!(blobs.x.dim(), (90, 2));
/// assert_eq!(blobs.centers.dim(), (3, 2));
/// assert_eq!(blobs.labels[4], 1);
/// # Ok::<(), duckml_datasets::DatasetError>(())
/// ```
pub fn make_blobs(
    n_samples: usize,
    n_features: usize,
    n_centers: usize,
    cluster_std: f64,
    seed: u64,
) -> Result<Blobs> {
    let len = check_shape(n_samples, n_features)?;
    if n_centers == 0 {
        return Err(DatasetError::InvalidParameter(
            "centers must be at least 1".into(),
        ));
    }
    if !cluster_std.is_finite() || cluster_std < 0.0 {
        return Err(DatasetError::InvalidParameter(format!(
            "cluster_std must be finite and non-negative, got {cluster_std}"
        )));
    }
    let mut rng = stream(seed);
    let mut x = standard_normal_matrix(&mut rng, n_samples, n_features, len)?;
    let centers_len = n_centers.checked_mul(n_features).ok_or_else(|| {
        DatasetError::InvalidParameter("centers * n_features overflows usize".into())
    })?;
    let centers_data: Vec<f64> = (0..centers_len)
        .map(|_| rng.gen_range(-10.0..=10.0))
        .collect();
    let centers = Array2::from_shape_vec((n_centers, n_features), centers_data)
        .map_err(|e| DatasetError::InvalidParameter(format!("cannot shape centres: {e}")))?;
    for (i, mut row) in x.axis_iter_mut(Axis(0)).enumerate() {
        let c = centers.row(i % n_centers);
        row.zip_mut_with(&c, |v, &ci| *v = ci + cluster_std * *v);
    }
    let labels = (0..n_samples).map(|i| i % n_centers).collect();
    Ok(Blobs { x, labels, centers })
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // index loops read naturally in numeric tests
mod tests {
    use super::*;

    /// Solves the small dense system `a x = b` by Gaussian elimination with
    /// partial pivoting.
    fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
        let n = b.len();
        for k in 0..n {
            let piv = (k..n)
                .max_by(|&i, &j| a[i][k].abs().total_cmp(&a[j][k].abs()))
                .unwrap();
            a.swap(k, piv);
            b.swap(k, piv);
            for i in k + 1..n {
                let f = a[i][k] / a[k][k];
                for j in k..n {
                    a[i][j] -= f * a[k][j];
                }
                b[i] -= f * b[k];
            }
        }
        let mut x = vec![0.0; n];
        for k in (0..n).rev() {
            let s: f64 = (k + 1..n).map(|j| a[k][j] * x[j]).sum();
            x[k] = (b[k] - s) / a[k][k];
        }
        x
    }

    #[test]
    fn regression_shapes_and_reproducibility() {
        let a = make_regression(50, 4, 0.3, 9).unwrap();
        assert_eq!(a.x.dim(), (50, 4));
        assert!(a.x.is_standard_layout());
        assert_eq!(a.y.len(), 50);
        assert_eq!(a.coef.len(), 4);
        assert_eq!(a.intercept, 0.5);
        let b = make_regression(50, 4, 0.3, 9).unwrap();
        assert_eq!(a, b);
        let c = make_regression(50, 4, 0.3, 10).unwrap();
        assert_ne!(a.x, c.x);
        assert!(a.x.iter().chain(a.y.iter()).all(|v| v.is_finite()));
    }

    #[test]
    fn regression_noise_free_is_exact() {
        let d = make_regression(20, 3, 0.0, 1).unwrap();
        let pred = d.x.dot(&d.coef) + d.intercept;
        for (p, y) in pred.iter().zip(d.y.iter()) {
            assert!((p - y).abs() < 1e-12);
        }
    }

    #[test]
    fn regression_least_squares_recovers_coef() {
        let d = make_regression(2000, 3, 1e-3, 5).unwrap();
        // Normal equations with an intercept column appended: [X 1].
        let p = 4;
        let mut a = vec![vec![0.0; p]; p];
        let mut b = vec![0.0; p];
        for (row, &y) in d.x.rows().into_iter().zip(d.y.iter()) {
            let z = [row[0], row[1], row[2], 1.0];
            for i in 0..p {
                b[i] += z[i] * y;
                for j in 0..p {
                    a[i][j] += z[i] * z[j];
                }
            }
        }
        let beta = solve(a, b);
        for j in 0..3 {
            assert!(
                (beta[j] - d.coef[j]).abs() < 1e-3,
                "coef {j}: {} vs {}",
                beta[j],
                d.coef[j]
            );
        }
        assert!((beta[3] - 0.5).abs() < 1e-3, "intercept {}", beta[3]);
    }

    #[test]
    fn regression_moments() {
        let d = make_regression(20_000, 2, 1.0, 3).unwrap();
        let n = d.x.len() as f64;
        let mean = d.x.sum() / n;
        let var = d.x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "var {var}");
        // Residual variance = noise^2.
        let resid = &d.y - &(d.x.dot(&d.coef) + d.intercept);
        let rvar = resid.iter().map(|r| r * r).sum::<f64>() / resid.len() as f64;
        assert!((rvar - 1.0).abs() < 0.05, "residual variance {rvar}");
    }

    #[test]
    fn classification_label_mean() {
        let n = 20_000;
        let d = make_classification(n, 10, 11).unwrap();
        assert_eq!(d.x.dim(), (n, 10));
        assert_eq!(d.intercept, 0.25);
        assert!(d.y.iter().all(|&v| v == 0.0 || v == 1.0));
        let eta = d.x.dot(&d.coef) + d.intercept;
        let p_mean = eta.iter().map(|&t| sigmoid(t)).sum::<f64>() / n as f64;
        let y_mean = d.y.sum() / n as f64;
        // sd of y_mean - p_mean is at most sqrt(0.25 / n) ~= 0.0035.
        assert!((y_mean - p_mean).abs() < 0.015, "{y_mean} vs {p_mean}");
        // With an intercept of 0.25 and a roughly unit-variance predictor the
        // positive rate is about sigmoid(0.25 / sqrt(1 + pi/8)) ~= 0.55.
        assert!((0.5..0.62).contains(&y_mean), "label mean {y_mean}");
        // Linear predictor has roughly unit variance.
        let var = eta.iter().map(|t| (t - 0.25).powi(2)).sum::<f64>() / n as f64;
        assert!((0.3..3.0).contains(&var), "eta variance {var}");
        assert_eq!(d, make_classification(n, 10, 11).unwrap());
    }

    #[test]
    fn poisson_counts() {
        let n = 20_000;
        let d = make_poisson(n, 8, 2).unwrap();
        assert_eq!(d.intercept, 0.5);
        assert!(d.y.iter().all(|&v| v >= 0.0 && v.fract() == 0.0));
        let mu_mean = (d.x.dot(&d.coef) + d.intercept).mapv(f64::exp).sum() / n as f64;
        let y_mean = d.y.sum() / n as f64;
        assert!((y_mean - mu_mean).abs() < 0.05, "{y_mean} vs {mu_mean}");
        assert!((1.4..2.2).contains(&y_mean), "count mean {y_mean}");
        assert_eq!(d, make_poisson(n, 8, 2).unwrap());
    }

    #[test]
    fn blobs_balanced_and_centered() {
        let b = make_blobs(3001, 3, 4, 0.5, 8).unwrap();
        assert_eq!(b.x.dim(), (3001, 3));
        assert_eq!(b.centers.dim(), (4, 3));
        assert!(b.centers.iter().all(|c| (-10.0..=10.0).contains(c)));
        let mut counts = [0usize; 4];
        for (i, &l) in b.labels.iter().enumerate() {
            assert_eq!(l, i % 4);
            counts[l] += 1;
        }
        assert_eq!(counts, [751, 750, 750, 750]);
        for k in 0..4 {
            for j in 0..3 {
                let mean =
                    b.x.rows()
                        .into_iter()
                        .zip(b.labels.iter())
                        .filter(|(_, &l)| l == k)
                        .map(|(r, _)| r[j])
                        .sum::<f64>()
                        / counts[k] as f64;
                assert!((mean - b.centers[[k, j]]).abs() < 0.1);
            }
        }
        assert_eq!(b, make_blobs(3001, 3, 4, 0.5, 8).unwrap());
        let tight = make_blobs(10, 2, 2, 0.0, 1).unwrap();
        for i in 0..10 {
            assert_eq!(tight.x.row(i), tight.centers.row(i % 2));
        }
    }

    #[test]
    fn invalid_parameters() {
        let bad = |r: Result<Regression>| matches!(r, Err(DatasetError::InvalidParameter(_)));
        assert!(bad(make_regression(0, 3, 0.1, 0)));
        assert!(bad(make_regression(3, 0, 0.1, 0)));
        assert!(bad(make_regression(3, 3, -0.1, 0)));
        assert!(bad(make_regression(3, 3, f64::NAN, 0)));
        assert!(bad(make_regression(usize::MAX, 3, 0.1, 0)));
        assert!(bad(make_classification(0, 3, 0)));
        assert!(bad(make_poisson(3, 0, 0)));
        let bad_b = |r: Result<Blobs>| matches!(r, Err(DatasetError::InvalidParameter(_)));
        assert!(bad_b(make_blobs(10, 2, 0, 1.0, 0)));
        assert!(bad_b(make_blobs(10, 2, 2, -1.0, 0)));
        assert!(bad_b(make_blobs(10, 2, 2, f64::INFINITY, 0)));
        assert!(bad_b(make_blobs(0, 2, 2, 1.0, 0)));
        let msg = make_regression(3, 3, -1.0, 0).unwrap_err().to_string();
        assert!(msg.contains("noise"), "{msg}");
    }
}
