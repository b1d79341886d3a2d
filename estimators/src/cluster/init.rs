//! Initial centres: greedy k-means++, k-means||, random rows, or given centres.
//!
//! Every method touches the data only through the contract: `rows_to_host` (the rows
//! chosen as centres), `sq_distances` (distances to a few candidates, floored by the
//! current closest distance, one pass), sampling proportional to a sample vector
//! (`search_cumulative`, `bernoulli_indices`) and reductions. Only O(k p) numbers and
//! the chosen indices reach the host.

use crate::error::{Error, Result};
use duckml_arrays::{BinaryOp, DataMatrix, Float, Reduction, SampleVector};
use ndarray::{Array1, Array2, ArrayView2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// How [`KMeans`](super::KMeans) chooses its initial centres.
///
/// ```
/// use duckml_estimators::{Init, KMeans};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [0.2, 0.1], [9.0, 9.0], [9.1, 8.8], [0.1, 9.0], [0.0, 9.2]];
/// for init in [Init::KMeansPlusPlus, Init::K_MEANS_PARALLEL, Init::Random] {
///     let m = KMeans::new(3).init(init).seed(1).fit(&x)?;
///     assert!(m.inertia() < 0.2);
/// }
/// # Ok::<(), duckml_estimators::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum Init {
    /// k-means++ on a single block of at most [`Init::AUTO_PARALLEL_ROWS`] rows,
    /// k-means|| (5 rounds, oversampling `2 k`) on larger or multi-block data.
    #[default]
    Auto,
    /// Greedy k-means++ (Arthur and Vassilvitskii 2007) with `2 + ln k` local trials
    /// per centre, as scikit-learn: one pass over X per centre.
    KMeansPlusPlus,
    /// k-means|| (Bahmani et al. 2012): `rounds` passes, each drawing every row
    /// independently with probability `oversampling * d^2 / sum d^2`; the candidates,
    /// weighted by how many rows they attract, are clustered on the host by weighted
    /// k-means++ and Lloyd. Few passes over X, whatever k.
    KMeansParallel {
        /// Oversampling rounds (passes over X), 5 by default.
        rounds: usize,
        /// Expected draws per round, in units of `k`: 2 by default.
        oversampling: f64,
    },
    /// `k` distinct rows chosen uniformly at random.
    Random,
    /// These centres (`n_clusters x n_features`).
    Centers(Array2<f64>),
}

impl Init {
    /// Above this many rows, [`Init::Auto`] uses k-means||.
    pub const AUTO_PARALLEL_ROWS: usize = 100_000;

    /// k-means|| with its default settings.
    pub const K_MEANS_PARALLEL: Init = Init::KMeansParallel {
        rounds: 5,
        oversampling: 2.0,
    };

    /// The number of runs scikit-learn's `n_init="auto"` makes: 10 for random
    /// initialisation, 1 otherwise.
    pub(crate) fn auto_runs(&self) -> usize {
        match self {
            Init::Random => 10,
            _ => 1,
        }
    }
}

/// The initial centres for one run.
pub(crate) fn initial_centers<F: Float, X: DataMatrix<F>>(
    x: &X,
    k: usize,
    init: &Init,
    rng: &mut StdRng,
) -> Result<Array2<f64>> {
    match init {
        Init::Centers(c) => Ok(c.clone()),
        Init::Random => {
            let rows = rand::seq::index::sample(rng, x.n_rows(), k).into_vec();
            Ok(x.rows_to_host(&rows)?)
        }
        Init::KMeansPlusPlus => kmeans_plus_plus(x, k, rng),
        Init::KMeansParallel {
            rounds,
            oversampling,
        } => kmeans_parallel(x, k, *rounds, *oversampling, rng),
        Init::Auto => {
            if x.n_rows() > Init::AUTO_PARALLEL_ROWS || x.blocks().len() > 1 {
                initial_centers(x, k, &Init::K_MEANS_PARALLEL, rng)
            } else {
                kmeans_plus_plus(x, k, rng)
            }
        }
    }
}

/// Greedy k-means++ as scikit-learn's `_kmeans_plusplus`: per new centre, draw
/// `2 + ln k` candidates proportionally to the current squared distances, keep the
/// one that lowers the potential most.
fn kmeans_plus_plus<F: Float, X: DataMatrix<F>>(
    x: &X,
    k: usize,
    rng: &mut StdRng,
) -> Result<Array2<f64>> {
    let p = x.n_cols();
    let trials = 2 + (k as f64).ln() as usize;
    let mut centers = Array2::zeros((k, p));
    let first = x.rows_to_host(&[rng.gen_range(0..x.n_rows())])?;
    centers.row_mut(0).assign(&first.row(0));
    let mut closest = x
        .sq_distances(first.view(), None)
        .pop()
        .expect("one point, one vector");
    let mut pot = closest.reduce(Reduction::Sum);
    for c in 1..k {
        let targets: Vec<f64> = (0..trials).map(|_| rng.gen::<f64>() * pot).collect();
        let ids = closest.search_cumulative(&targets);
        let cand = x.rows_to_host(&ids)?;
        let mut dists = x.sq_distances(cand.view(), Some(&closest));
        let pots: Vec<f64> = dists.iter().map(|d| d.reduce(Reduction::Sum)).collect();
        let best = first_min(&pots);
        pot = pots[best];
        closest = dists.swap_remove(best);
        centers.row_mut(c).assign(&cand.row(best));
    }
    Ok(centers)
}

/// k-means||: oversample candidates in a few passes, weight them by the rows they
/// attract, and reduce them to `k` centres on the host.
fn kmeans_parallel<F: Float, X: DataMatrix<F>>(
    x: &X,
    k: usize,
    rounds: usize,
    oversampling: f64,
    rng: &mut StdRng,
) -> Result<Array2<f64>> {
    let n = x.n_rows();
    let mut cand = x.rows_to_host(&[rng.gen_range(0..n)])?;
    let mut closest = x
        .sq_distances(cand.view(), None)
        .pop()
        .expect("one point, one vector");
    let ell = oversampling * k as f64;
    for _ in 0..rounds {
        let phi = closest.reduce(Reduction::Sum);
        if phi <= 0.0 {
            break;
        }
        let ids = closest.bernoulli_indices(ell / phi, rng.gen(), 0);
        if ids.is_empty() {
            continue;
        }
        let new = x.rows_to_host(&ids)?;
        let near = x.nearest_center(new.view());
        closest = closest.zip_map(&near.sq_dist, BinaryOp::Min);
        cand = ndarray::concatenate![ndarray::Axis(0), cand, new];
    }
    if cand.nrows() < k {
        // Too few candidates (tiny or degenerate data): top up with random rows.
        let extra = rand::seq::index::sample(rng, n, k - cand.nrows()).into_vec();
        let more = x.rows_to_host(&extra)?;
        cand = ndarray::concatenate![ndarray::Axis(0), cand, more];
    }
    // Weight each candidate by the rows closest to it (one fused pass).
    let mut labels = x.vector_from_host(Array1::from_elem(n, F::zero()).view())?;
    let step = x.kmeans_step(cand.view(), &mut labels);
    let weights: Vec<f64> = step.counts.iter().map(|&c| c as f64).collect();
    Ok(weighted_kmeans_host(cand.view(), &weights, k, rng))
}

/// Index of the first minimum.
pub(crate) fn first_min(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x < v[best] {
            best = i;
        }
    }
    best
}

fn sq_dist(a: ndarray::ArrayView1<f64>, b: ndarray::ArrayView1<f64>) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Weighted k-means++ then weighted Lloyd on a small host point set (the k-means||
/// candidates): model-sized work, done on the host.
pub(crate) fn weighted_kmeans_host(
    pts: ArrayView2<f64>,
    w: &[f64],
    k: usize,
    rng: &mut StdRng,
) -> Array2<f64> {
    let (m, p) = pts.dim();
    let trials = 2 + (k as f64).ln() as usize;
    let total: f64 = w.iter().sum();
    // First centre drawn by weight.
    let pick = |rng: &mut StdRng, v: &[f64], tot: f64| -> usize {
        let t = rng.gen::<f64>() * tot;
        let mut cum = 0.0;
        for (i, &x) in v.iter().enumerate() {
            cum += x;
            if cum > t {
                return i;
            }
        }
        v.len() - 1
    };
    let mut centers = Array2::zeros((k, p));
    let c0 = pick(rng, w, total);
    centers.row_mut(0).assign(&pts.row(c0));
    let mut closest: Vec<f64> = (0..m).map(|i| sq_dist(pts.row(i), pts.row(c0))).collect();
    for c in 1..k {
        let wd: Vec<f64> = closest.iter().zip(w).map(|(d, w)| d * w).collect();
        let pot: f64 = wd.iter().sum();
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let id = pick(rng, &wd, pot);
            let d: Vec<f64> = (0..m)
                .map(|i| closest[i].min(sq_dist(pts.row(i), pts.row(id))))
                .collect();
            let cp: f64 = d.iter().zip(w).map(|(d, w)| d * w).sum();
            if best.as_ref().is_none_or(|b| cp < b.0) {
                best = Some((cp, id, d));
            }
        }
        let (_, id, d) = best.expect("at least two trials");
        closest = d;
        centers.row_mut(c).assign(&pts.row(id));
    }
    // Weighted Lloyd.
    let mut labels = vec![usize::MAX; m];
    for _ in 0..300 {
        let mut changed = false;
        for (i, label) in labels.iter_mut().enumerate() {
            let d: Vec<f64> = (0..k)
                .map(|j| sq_dist(pts.row(i), centers.row(j)))
                .collect();
            let j = first_min(&d);
            changed |= *label != j;
            *label = j;
        }
        if !changed {
            break;
        }
        let mut sums = Array2::<f64>::zeros((k, p));
        let mut wsum = vec![0.0; k];
        for i in 0..m {
            sums.row_mut(labels[i]).scaled_add(w[i], &pts.row(i));
            wsum[labels[i]] += w[i];
        }
        for (mut c, (s, &ws)) in centers
            .rows_mut()
            .into_iter()
            .zip(sums.rows().into_iter().zip(&wsum))
        {
            if ws > 0.0 {
                c.assign(&(&s / ws));
            }
        }
    }
    centers
}

/// Checks explicit centres against the data's shape.
pub(crate) fn check_centers(c: &Array2<f64>, k: usize, p: usize) -> Result<()> {
    if c.dim() != (k, p) {
        return Err(Error::InitShape {
            expected: (k, p),
            found: c.dim(),
        });
    }
    if c.iter().any(|v| !v.is_finite()) {
        return Err(Error::NonFinite("initial centres"));
    }
    Ok(())
}

/// A generator for run `run` of a fit seeded with `seed`.
pub(crate) fn run_rng(seed: u64, run: usize) -> StdRng {
    StdRng::seed_from_u64(seed ^ (run as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}
