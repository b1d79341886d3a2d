//! Spectral clustering: a normalised-Laplacian embedding of an affinity graph, then
//! k-means, Yu-Shi discretisation or CPQR on the embedding, with scikit-learn's
//! parameters and results.

mod assign;
mod eigen;
mod lanczos;
mod laplacian;
mod small;

pub use eigen::EigenSolver;

use super::init::{run_rng, Init};
use super::kmeans::KMeans;
use super::model::labels_to_host;
use crate::error::{Error, Result};
use crate::validate::{check_param, check_x};
use duckml_arrays::{ColumnsOf, DataMatrix, Float, SampleBlock, SampleVector, UnaryOp};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// How the affinity (graph) is obtained from the input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Affinity {
    /// `exp(-gamma |x_i - x_j|^2)` over the rows of the input: a dense `n x n` kernel
    /// beside the data (for moderate n).
    Rbf {
        /// Kernel coefficient (scikit-learn's default is 1).
        gamma: f64,
    },
    /// The k-nearest-neighbour graph of the rows of the input, scikit-learn's
    /// `affinity="nearest_neighbors"`: `0.5 (C + C^T)` where `C_ij = 1` when row `j` is
    /// among the `n_neighbors` rows nearest to row `i` (Euclidean, row `i` itself
    /// included), a sparse symmetric graph of at most `2 n n_neighbors` entries (never
    /// `n x n` dense) whose Laplacian is factorised for the shift-invert eigensolver.
    /// The neighbours are found by batches of rows through the array contract
    /// ([`GraphOps::kneighbors`](duckml_arrays::GraphOps::kneighbors)), so any array type works.
    ///
    /// ```
    /// use duckml_estimators::{Affinity, SpectralClustering};
    /// use ndarray::Array2;
    ///
    /// // Two concentric rings: not separable by distance to a centre (k-means), but
    /// // each ring is a chain of near neighbours.
    /// let x = Array2::from_shape_fn((80, 2), |(i, j)| {
    ///     let (r, t) = (if i < 40 { 1.0 } else { 3.0 }, i as f64 * 0.157);
    ///     if j == 0 { r * t.cos() } else { r * t.sin() }
    /// });
    /// let model = SpectralClustering::new(2)
    ///     .affinity(Affinity::NearestNeighbors { n_neighbors: 5 })
    ///     .fit(&x)?;
    /// let l = model.labels();
    /// assert!(l[..40].iter().all(|&c| c == l[0]) && l[40..].iter().all(|&c| c == l[40]));
    /// assert_ne!(l[0], l[40]);
    /// # Ok::<(), duckml_estimators::Error>(())
    /// ```
    NearestNeighbors {
        /// Neighbours per sample, itself included (scikit-learn's default is 10).
        n_neighbors: usize,
    },
    /// The input is the affinity itself: a square, symmetric, non-negative matrix of
    /// any array type (a sparse graph, e.g. from `img_to_graph`, or a dense kernel).
    Precomputed,
}

/// How labels are read off the embedding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignLabels {
    /// k-means (k-means++ init, `n_init` runs) on the embedding's rows.
    KMeans,
    /// Yu and Shi's discretisation (scikit-learn's `discretize`).
    Discretize,
    /// Column-pivoted QR of the embedding (scikit-learn's `cluster_qr`).
    ClusterQr,
}

/// Spectral clustering (scikit-learn's `SpectralClustering` / `spectral_clustering`).
///
/// The embedding is the `n_components` eigenvectors of the smallest eigenvalues of
/// the normalised Laplacian `I - D^{-1/2} A D^{-1/2}` (diagonal of A ignored), divided
/// by `sqrt(degree)` and sign-normalised as scikit-learn's `spectral_embedding`. The
/// eigenpairs come from a thick-restart block Lanczos method on `(L + tau I)^{-1}`
/// where the graph's backend can factorise its Laplacian (sparse graphs), else from a
/// Chebyshev-filtered subspace iteration that only multiplies the graph with blocks of
/// vectors beside the data.
///
/// ```
/// use duckml_estimators::{Affinity, AssignLabels, SpectralClustering};
/// use ndarray::Array2;
///
/// // Two cliques joined by one weak edge.
/// let mut a = Array2::<f64>::zeros((6, 6));
/// for (i, j) in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)] {
///     a[[i, j]] = 1.0;
///     a[[j, i]] = 1.0;
/// }
/// a[[2, 3]] = 0.01;
/// a[[3, 2]] = 0.01;
/// let model = SpectralClustering::new(2)
///     .affinity(Affinity::Precomputed)
///     .assign_labels(AssignLabels::ClusterQr)
///     .fit(&a)?;
/// let l = model.labels();
/// assert!(l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[4] == l[5] && l[0] != l[3]);
/// assert!(model.eigenvalues()[0].abs() < 1e-10);
/// # Ok::<(), duckml_estimators::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpectralClustering {
    n_clusters: usize,
    n_components: Option<usize>,
    affinity: Affinity,
    assign_labels: AssignLabels,
    eigen_tol: f64,
    max_products: usize,
    eigen_solver: EigenSolver,
    n_init: usize,
    seed: u64,
}

/// A fitted [`SpectralClustering`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpectralModel {
    labels: Vec<usize>,
    embedding: Array2<f64>,
    eigenvalues: Vec<f64>,
    n_iter: usize,
    converged: bool,
    residual: f64,
}

impl SpectralModel {
    /// The cluster of each sample (graph node).
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The spectral embedding, `n x n_components` (eigenvectors divided by
    /// `sqrt(degree)`, signs as scikit-learn's), brought to the host at the end of the fit.
    pub fn embedding(&self) -> &Array2<f64> {
        &self.embedding
    }

    /// The smallest eigenvalues of the normalised Laplacian, ascending.
    pub fn eigenvalues(&self) -> &[f64] {
        &self.eigenvalues
    }

    /// Steps of the eigensolver: block solves of the shift-invert Lanczos method, or
    /// Rayleigh-Ritz steps of subspace iteration.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether every eigenpair reached `eigen_tol`.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The largest eigenpair residual norm `|L v - lambda v|` reached.
    pub fn residual(&self) -> f64 {
        self.residual
    }
}

impl SpectralClustering {
    /// `n_clusters` clusters; defaults as scikit-learn: `n_components = n_clusters`,
    /// affinity `Rbf { gamma: 1 }`, labels by k-means with `n_init = 10`; eigenpair
    /// residual tolerance `1e-7`, seed 0.
    pub fn new(n_clusters: usize) -> Self {
        SpectralClustering {
            n_clusters,
            n_components: None,
            affinity: Affinity::Rbf { gamma: 1.0 },
            assign_labels: AssignLabels::KMeans,
            eigen_tol: 1e-7,
            max_products: 1_000_000,
            eigen_solver: EigenSolver::Auto,
            n_init: 10,
            seed: 0,
        }
    }

    /// Number of eigenvectors in the embedding (default `n_clusters`).
    pub fn n_components(mut self, n_components: usize) -> Self {
        self.n_components = Some(n_components);
        self
    }

    /// How the affinity is obtained.
    pub fn affinity(mut self, affinity: Affinity) -> Self {
        self.affinity = affinity;
        self
    }

    /// How labels are assigned.
    pub fn assign_labels(mut self, how: AssignLabels) -> Self {
        self.assign_labels = how;
        self
    }

    /// Residual norm `|L v - lambda v|` each eigenpair must reach.
    pub fn eigen_tol(mut self, tol: f64) -> Self {
        self.eigen_tol = tol;
        self
    }

    /// Cap on graph-vector products and shift-invert solves (counted per column) of the
    /// eigensolver (then `converged()` is false).
    pub fn max_products(mut self, max_products: usize) -> Self {
        self.max_products = max_products;
        self
    }

    /// The eigensolver (default [`EigenSolver::Auto`]: shift-invert with a sparse
    /// factorisation where the graph's backend has one).
    pub fn eigen_solver(mut self, solver: EigenSolver) -> Self {
        self.eigen_solver = solver;
        self
    }

    /// k-means runs for [`AssignLabels::KMeans`].
    pub fn n_init(mut self, n_init: usize) -> Self {
        self.n_init = n_init;
        self
    }

    /// Seed of the eigensolver's start block and of the label assignment.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    fn check<F: Float, X: DataMatrix<F>>(&self, x: &X) -> Result<usize> {
        check_x(x)?;
        let n = x.n_rows();
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
        let m = self.n_components.unwrap_or(self.n_clusters);
        check_param("n_components", m as f64, m >= 1, "must be at least 1")?;
        if m > n {
            return Err(Error::TooManyComponents {
                n_components: m,
                n_samples: n,
            });
        }
        check_param(
            "eigen_tol",
            self.eigen_tol,
            self.eigen_tol > 0.0,
            "must be positive",
        )?;
        check_param(
            "n_init",
            self.n_init as f64,
            self.n_init >= 1,
            "must be at least 1",
        )?;
        if let Affinity::Rbf { gamma } = self.affinity {
            check_param("gamma", gamma, gamma > 0.0, "must be positive")?;
        }
        if let Affinity::NearestNeighbors { n_neighbors } = self.affinity {
            check_param(
                "n_neighbors",
                n_neighbors as f64,
                n_neighbors >= 1,
                "must be at least 1",
            )?;
            if n_neighbors > n {
                return Err(Error::TooManyNeighbors {
                    n_neighbors,
                    n_samples: n,
                });
            }
        }
        if self.affinity == Affinity::Precomputed && x.n_cols() != n {
            return Err(Error::NotSquare {
                rows: n,
                cols: x.n_cols(),
            });
        }
        Ok(m)
    }

    /// Fits on `x`: the affinity itself for [`Affinity::Precomputed`], else the samples.
    ///
    /// Errors: empty or non-finite input, `n_clusters` 0 or above n, `n_components`
    /// above n, `n_neighbors` 0 or above n, a non-square precomputed affinity,
    /// parameters out of range, an array type without graph operations
    /// ([`duckml_arrays::ArrayError::Unsupported`]). A graph that is not connected is fitted with a warning
    /// (as scikit-learn).
    pub fn fit<F: Float, X: DataMatrix<F>>(&self, x: &X) -> Result<SpectralModel> {
        // An array type without graph operations (a distributed matrix) says so first.
        x.supports_graphs()?;
        let m = self.check(x)?;
        match self.affinity {
            Affinity::Precomputed => self.fit_graph(x, m, false),
            Affinity::Rbf { gamma } => self.fit_graph(&x.rbf_kernel(gamma), m, false),
            Affinity::NearestNeighbors { n_neighbors } => {
                let nb = x.kneighbors(n_neighbors)?;
                let components = nb.n_connected_components();
                if components > 1 {
                    log::warn!(
                        "graph is not fully connected ({components} connected components of \
                         the {n_neighbors}-nearest-neighbour graph): spectral embedding may \
                         not work as expected"
                    );
                }
                self.fit_graph(&nb.affinity::<F>(), m, true)
            }
        }
    }

    /// The embedding and labels of the affinity `g`; `connectivity_checked` when the
    /// caller has already warned about (or ruled out) a disconnected graph.
    fn fit_graph<F: Float, G: DataMatrix<F>>(
        &self,
        g: &G,
        m: usize,
        connectivity_checked: bool,
    ) -> Result<SpectralModel> {
        let op = laplacian::Laplacian::new(g);
        if op.n_isolated > 0 && !connectivity_checked {
            log::warn!(
                "graph is not fully connected ({} isolated nodes): spectral embedding may not \
                 work as expected",
                op.n_isolated
            );
        }
        let mut rng = run_rng(self.seed, 0);
        log::debug!("spectral: laplacian ready");
        let eig = eigen::smallest_eigenpairs(
            &op,
            m,
            self.eigen_tol,
            self.max_products,
            self.eigen_solver,
            &mut rng,
        )?;
        if !eig.converged {
            log::warn!(
                "spectral eigensolver stopped at residual {:.2e} > eigen_tol {:.1e}",
                eig.residual,
                self.eigen_tol
            );
        }
        let zero_modes = eig.values.iter().filter(|&&v| v < 1e-12).count();
        if zero_modes > 1 && op.n_isolated == 0 && !connectivity_checked {
            log::warn!(
                "graph is not fully connected ({zero_modes} zero eigenvalues): spectral \
                 embedding may not work as expected"
            );
        }
        let embedding = sign_flip(&eig.vectors.scale_rows(&op.inv_sqrt_deg));
        log::debug!("spectral: embedding ready");
        let labels = match self.assign_labels {
            AssignLabels::KMeans => {
                let km = KMeans::new(self.n_clusters)
                    .init(Init::KMeansPlusPlus)
                    .n_init(self.n_init)
                    .seed(self.seed)
                    .fit(&embedding)?;
                km.labels().to_vec()
            }
            AssignLabels::Discretize => {
                let l = assign::discretize(&embedding, &mut rng)?;
                labels_to_host::<F, ColumnsOf<F, G>>(&l)
            }
            AssignLabels::ClusterQr => {
                let l = assign::cluster_qr(&embedding)?;
                labels_to_host::<F, ColumnsOf<F, G>>(&l)
            }
        };
        Ok(SpectralModel {
            labels,
            embedding: embedding.block_to_host().mapv(F::as_f64),
            eigenvalues: eig.values,
            n_iter: eig.n_iter,
            converged: eig.converged,
            residual: eig.residual,
        })
    }
}

/// scikit-learn's `_deterministic_vector_sign_flip`: each column multiplied by the sign
/// of its entry of largest absolute value.
fn sign_flip<F: Float, C: SampleBlock<F>>(v: &C) -> C {
    let k = v.n_cols();
    let mut d = Array2::<f64>::zeros((k, k));
    for j in 0..k {
        let c = v.column(j);
        let pos = c.top_k(1)[0];
        let neg = c
            .map(UnaryOp::Affine {
                scale: -1.0,
                shift: 0.0,
            })
            .top_k(1)[0];
        // The largest |v|: ties go to the lower index, as NumPy's argmax.
        let positive = pos.1 > neg.1 || (pos.1 == neg.1 && pos.0 < neg.0);
        d[[j, j]] = if positive { 1.0 } else { -1.0 };
    }
    v.mul_small(d.view())
}
