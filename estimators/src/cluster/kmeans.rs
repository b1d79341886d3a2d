//! The k-means estimator's parameters and fit.

use super::init::{check_centers, initial_centers, run_rng, Init};
use super::lloyd::{lloyd, Run};
use super::model::{labels_to_host, KMeansModel};
use crate::error::{Error, Result};
use crate::validate::{check_param, check_x};
use duckml_arrays::{DataMatrix, Float, Reduction, SampleVector};
use ndarray::Array1;
use serde::{Deserialize, Serialize};

/// K-means clustering by Lloyd's algorithm, with scikit-learn's parameters.
///
/// Runs on any array type of the contract (dense, sparse CSR/CSC, chunked); the fit
/// reads X once per iteration through the fused
/// [`kmeans_step`](duckml_arrays::ClusterOps::kmeans_step) pass and keeps only the
/// k x p centres on the host.
///
/// ```
/// use duckml_estimators::{Init, KMeans};
/// use ndarray::array;
///
/// let x = array![[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [10.0, 2.0], [10.0, 4.0], [10.0, 0.0]];
/// let model = KMeans::new(2).seed(0).fit(&x)?;
/// let l = model.labels();
/// assert!(l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[4] == l[5] && l[0] != l[3]);
/// assert!((model.inertia() - 16.0).abs() < 1e-12);
/// // From given centres:
/// let m2 = KMeans::new(2).init(Init::Centers(array![[0.0, 0.0], [9.0, 9.0]])).fit(&x)?;
/// assert_eq!(m2.centers()[[1, 0]], 10.0);
/// # Ok::<(), duckml_estimators::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeans {
    n_clusters: usize,
    init: Init,
    n_init: Option<usize>,
    max_iter: usize,
    tol: f64,
    seed: u64,
}

impl KMeans {
    /// `k` clusters; `init` [`Init::Auto`], `n_init` automatic (10 runs for random
    /// initialisation, else 1), `max_iter = 300`, `tol = 1e-4`, `seed = 0`.
    pub fn new(n_clusters: usize) -> Self {
        KMeans {
            n_clusters,
            init: Init::Auto,
            n_init: None,
            max_iter: 300,
            tol: 1e-4,
            seed: 0,
        }
    }

    /// How the initial centres are chosen.
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Shorthand for `init(Init::Centers(centers))`.
    pub fn init_centers(self, centers: ndarray::Array2<f64>) -> Self {
        self.init(Init::Centers(centers))
    }

    /// Number of runs from different initial centres; the run with the lowest inertia
    /// is kept. Explicit centres always make one run.
    pub fn n_init(mut self, n_init: usize) -> Self {
        self.n_init = Some(n_init);
        self
    }

    /// Maximum Lloyd iterations per run.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Convergence tolerance on the total squared centre shift, relative to the mean
    /// feature variance of X (scikit-learn's `tol`). `0` iterates until the labels
    /// stop changing.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Seed of the random initialisation.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    fn check(&self, n: usize, p: usize) -> Result<usize> {
        check_param(
            "n_clusters",
            self.n_clusters as f64,
            self.n_clusters >= 1,
            "must be at least 1",
        )?;
        if self.n_clusters > n {
            return Err(Error::TooManyClusters {
                n_clusters: self.n_clusters,
                n_samples: n,
            });
        }
        check_param(
            "max_iter",
            self.max_iter as f64,
            self.max_iter >= 1,
            "must be at least 1",
        )?;
        check_param("tol", self.tol, self.tol >= 0.0, "must be >= 0 and finite")?;
        let runs = self.n_init.unwrap_or_else(|| self.init.auto_runs());
        check_param("n_init", runs as f64, runs >= 1, "must be at least 1")?;
        match &self.init {
            Init::Centers(c) => {
                check_centers(c, self.n_clusters, p)?;
                Ok(1)
            }
            Init::KMeansParallel {
                rounds,
                oversampling,
            } => {
                check_param("rounds", *rounds as f64, true, "")?;
                check_param(
                    "oversampling",
                    *oversampling,
                    *oversampling > 0.0,
                    "must be positive",
                )?;
                Ok(runs)
            }
            _ => Ok(runs),
        }
    }

    /// The initial centres the first run of [`KMeans::fit`] starts from (scikit-learn's
    /// `kmeans_plusplus` for [`Init::KMeansPlusPlus`]), after the same input checks.
    ///
    /// ```
    /// use duckml_estimators::{Init, KMeans};
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.0, 1.0], [9.0, 0.0], [9.0, 1.0]];
    /// let km = KMeans::new(2).init(Init::KMeansPlusPlus).seed(3);
    /// let c = km.initial_centers(&x)?;
    /// assert_eq!(c.dim(), (2, 2));
    /// // From those centres, a fit with explicit centres is the same fit.
    /// let a = km.fit(&x)?;
    /// let b = KMeans::new(2).init_centers(c).fit(&x)?;
    /// assert_eq!(a.labels(), b.labels());
    /// # Ok::<(), duckml_estimators::Error>(())
    /// ```
    pub fn initial_centers<F: Float, X: DataMatrix<F>>(
        &self,
        x: &X,
    ) -> Result<ndarray::Array2<f64>> {
        check_x(x)?;
        self.check(x.n_rows(), x.n_cols())?;
        mean_variance(x)?; // the range check
        initial_centers(x, self.n_clusters, &self.init, &mut run_rng(self.seed, 0))
    }

    /// Fits on `x` (n samples x p features, any array type of the contract).
    ///
    /// Errors: empty or non-finite `x`, `n_clusters` 0 or larger than n, explicit
    /// centres of the wrong shape, parameters out of range, values whose squared
    /// distances overflow or underflow the element type ([`Error::OutOfRange`]). Not
    /// converging within `max_iter` is not an error: see [`KMeansModel::converged`];
    /// fewer distinct points than clusters is not either (a `log` warning, and
    /// [`KMeansModel::n_distinct_clusters`] is below `n_clusters`).
    pub fn fit<F: Float, X: DataMatrix<F>>(&self, x: &X) -> Result<KMeansModel> {
        check_x(x)?;
        let (n, p) = (x.n_rows(), x.n_cols());
        let runs = self.check(n, p)?;
        let tol = self.tol * mean_variance(x)?;
        let mut best: Option<Run<X::Vector>> = None;
        for run in 0..runs {
            let mut rng = run_rng(self.seed, run);
            let centers = initial_centers(x, self.n_clusters, &self.init, &mut rng)?;
            let r = lloyd(x, centers, self.max_iter, tol)?;
            if best.as_ref().is_none_or(|b| r.inertia < b.inertia) {
                best = Some(r);
            }
        }
        let best = best.expect("at least one run");
        if !best.inertia.is_finite() {
            return Err(Error::OutOfRange {
                row: None,
                what: "k-means",
                detail: format!(
                    "the inertia overflowed ({}); divide X by a constant, which leaves the \
                     clustering unchanged",
                    best.inertia
                ),
            });
        }
        let labels = labels_to_host::<F, X>(&best.labels);
        let mut seen = vec![false; self.n_clusters];
        for &l in &labels {
            seen[l.min(self.n_clusters - 1)] = true;
        }
        let distinct = seen.iter().filter(|&&s| s).count();
        if distinct < self.n_clusters {
            // Not an error (scikit-learn warns too): the model says so through
            // `n_distinct_clusters`, and the empty clusters' centres are duplicates.
            log::warn!(
                "k-means found {distinct} distinct clusters, fewer than n_clusters = {} \
                 (duplicate points?)",
                self.n_clusters
            );
        }
        if !best.converged {
            log::warn!(
                "k-means did not converge in max_iter = {} iterations",
                self.max_iter
            );
        }
        Ok(KMeansModel {
            centers: best.centers,
            labels,
            inertia: best.inertia,
            n_iter: best.n_iter,
            converged: best.converged,
        })
    }
}

/// Mean over features of the (population) variance of X:
/// `sum_i |x_i|^2 / (n p) - |mean|^2 / p`, from the row norms and `X^T 1`.
///
/// Also checks that squared distances between rows and centres stay inside the element
/// type's range, since every distance is computed as `|x|^2 + |c|^2 - 2 x.c`: an
/// overflow would turn distances into NaN (one cluster, NaN inertia) and an underflow
/// of every square into zeros (one cluster, inertia 0), both wrong answers that look
/// like results. Either is an [`Error::OutOfRange`] naming the remedy: k-means is
/// unchanged by scaling X by a constant.
pub(crate) fn mean_variance<F: Float, X: DataMatrix<F>>(x: &X) -> Result<f64> {
    let (n, p) = (x.n_rows() as f64, x.n_cols() as f64);
    let total_sq = x.row_sq_norms().reduce(Reduction::Sum);
    let ones = x.vector_from_host(Array1::from_elem(x.n_rows(), F::one()).view())?;
    let mean = x.t_matvec(&ones) / n;
    let largest = F::max_value().as_f64();
    // |x - c|^2 <= 2 |x|^2 + 2 |c|^2 <= 4 max |x_i|^2 <= 4 sum |x_i|^2.
    if !(4.0 * total_sq).is_finite() || 4.0 * total_sq > largest {
        return Err(Error::OutOfRange {
            row: None,
            what: "k-means",
            detail: format!(
                "squared distances overflow {} (sum of squared row norms {total_sq:e}); \
                 divide X by a constant, which leaves the clustering unchanged",
                F::NAME
            ),
        });
    }
    // Squares below min_positive / epsilon are subnormal-range: they have lost digits
    // (and below min_positive they are zero).
    let smallest = F::min_positive_value().as_f64() / F::epsilon().as_f64();
    let nonzero = total_sq > 0.0 || mean.iter().any(|&m| m != 0.0);
    if nonzero && total_sq / n < smallest {
        return Err(Error::OutOfRange {
            row: None,
            what: "k-means",
            detail: format!(
                "squared distances underflow {} (mean squared row norm {:e}); multiply X \
                 by a constant, which leaves the clustering unchanged",
                F::NAME,
                total_sq / n
            ),
        });
    }
    Ok((total_sq / (n * p) - mean.dot(&mean) / p).max(0.0))
}
