//! Default implementations of the contract's graph operations (products of a square
//! matrix with a block of sample vectors, its diagonal, an RBF kernel, the k nearest
//! rows), written with the primitives.

use super::block::SampleBlock;
use super::cluster::ClusterOps;
use super::core::{ColumnsOf, Linear, MatrixCore};
use super::error::ArrayError;
use super::vector::SampleVector;
use crate::element::{Float, UnaryOp};
use ndarray::{Array1, Array2};
use sprs::CsMat;

/// Solves `(L + shift I) X = B` for blocks `B` beside the data, with `L` a graph's
/// normalised Laplacian, from a factorisation computed once
/// ([`GraphOps::laplacian_solver`]): the inner step of shift-invert eigensolvers.
pub trait BlockSolve<C>: Send + Sync {
    /// `(L + shift I)^{-1} B`.
    fn solve(&self, b: &C) -> C;
}

/// The graph operation family that spectral clustering needs: a square affinity matrix
/// times a block of vectors, its diagonal, a Laplacian solver, and the kernels that
/// build an affinity from data rows (RBF, k nearest neighbours). Every method has a
/// default written on the core and [`ClusterOps`]; backends override what they can do
/// beside the data.
pub trait GraphOps<F: Float>: ClusterOps<F> {
    /// Whether this array type offers graph operations over its rows (spectral
    /// clustering checks before it starts): `Ok` by default; an array type whose rows
    /// cannot meet (a distributed matrix, whose affinities would need every process's
    /// rows) returns [`ArrayError::Unsupported`] naming the types that can.
    fn supports_graphs(&self) -> Result<(), ArrayError> {
        Ok(())
    }

    /// `X V` for a block `V` of `n_cols` rows (a graph times a block of vectors, for a
    /// square `X` split like `V`). The default copies `V` to the host and makes one
    /// `X v` per column; backends multiply beside the data.
    fn block_product(&self, v: &ColumnsOf<F, Self>) -> ColumnsOf<F, Self> {
        default_block_product(self, v)
    }

    /// `X[i, first_col + i]` for every row `i` (the diagonal of a square matrix when
    /// `first_col = 0`; a row block of one passes its first row's index). The default
    /// copies the rows to the host.
    fn diagonal_from(&self, first_col: usize) -> Self::Vector {
        default_diagonal_from(self, first_col)
    }

    /// A direct solver for `(L + shift I) X = B`, where `L = I - D^{-1/2} (A - diag A)
    /// D^{-1/2}` is the normalised Laplacian of this square affinity `A` (row sums as
    /// degrees; isolated nodes get `L_ii = 1`) and `shift > 0`; `None` when the backend
    /// has no factorisation (the default), and then eigensolvers use products only.
    /// The CSR backend factorises with a nested-dissection sparse Cholesky.
    fn laplacian_solver(&self, shift: f64) -> Option<Box<dyn BlockSolve<ColumnsOf<F, Self>>>> {
        let _ = shift;
        None
    }

    /// The RBF kernel `exp(-gamma |x_i - x_j|^2)` of the rows, an `n x n` block beside
    /// the data (for moderate n: O(n^2) memory). The default computes it by row batches
    /// through [`ClusterOps::sq_distances`].
    fn rbf_kernel(&self, gamma: f64) -> ColumnsOf<F, Self> {
        default_rbf_kernel(self, gamma)
    }

    /// Each row's `k` nearest rows by Euclidean distance, the row itself first (at
    /// distance 0), then by increasing distance (ties: lower index first), as n x k
    /// host arrays ([`Neighbors`], O(n k)); its [`affinity`](Neighbors::affinity) is
    /// scikit-learn's k-nearest-neighbour graph `0.5 (C + C^T)` as sparse CSR. Errors
    /// when `k` is 0 or above `n_rows`, or a row has fewer than `k` rows at a finite
    /// distance. The default works on batches of rows: [`ClusterOps::rows_to_host`],
    /// [`ClusterOps::sq_distances`] of every row to the batch, then
    /// [`SampleVector::top_k`] of each negated distance vector (O(batch * n) memory
    /// beside the data, never `n x n`).
    fn kneighbors(&self, k: usize) -> Result<Neighbors, ArrayError> {
        default_kneighbors(self, k)
    }
}

/// Default [`GraphOps::block_product`]: `V` to the host, one `X v` per column.
pub fn default_block_product<F: Float, M: MatrixCore<F>>(
    m: &M,
    v: &ColumnsOf<F, M>,
) -> ColumnsOf<F, M> {
    let host = v.block_to_host();
    let cols: Vec<M::Vector> = host
        .columns()
        .into_iter()
        .map(|c| {
            let coef: Array1<f64> = c.mapv(F::as_f64);
            m.linear_predictor(Linear {
                coef: coef.view(),
                intercept: 0.0,
            })
        })
        .collect();
    <ColumnsOf<F, M>>::from_columns(&cols)
}

/// Default [`GraphOps::diagonal_from`]: rows copied to the host in batches.
pub fn default_diagonal_from<F: Float, M: ClusterOps<F>>(m: &M, first_col: usize) -> M::Vector {
    let n = m.n_rows();
    let mut diag = Array1::<F>::zeros(n);
    let batch = 1024;
    for b0 in (0..n).step_by(batch) {
        let ids: Vec<usize> = (b0..(b0 + batch).min(n)).collect();
        let rows = m.rows_to_host(&ids).expect("rows in range");
        for (k, &i) in ids.iter().enumerate() {
            if first_col + i < m.n_cols() {
                diag[i] = F::of(rows[[k, first_col + i]]);
            }
        }
    }
    m.vector_from_host(diag.view())
        .expect("a vector of n_rows elements")
}

/// Default [`GraphOps::rbf_kernel`]: per batch of rows, the squared distances of
/// every row to them (one pass), mapped to `exp(-gamma d)`.
pub fn default_rbf_kernel<F: Float, M: ClusterOps<F>>(m: &M, gamma: f64) -> ColumnsOf<F, M> {
    let n = m.n_rows();
    let mut cols = Vec::with_capacity(n);
    for b0 in (0..n).step_by(256) {
        let ids: Vec<usize> = (b0..(b0 + 256).min(n)).collect();
        let pts = m.rows_to_host(&ids).expect("rows in range");
        for d in m.sq_distances(pts.view(), None) {
            cols.push(
                d.map(UnaryOp::Affine {
                    scale: -gamma,
                    shift: 0.0,
                })
                .map(UnaryOp::Exp),
            );
        }
    }
    <ColumnsOf<F, M>>::from_columns(&cols)
}

/// Rows of the distance block computed at once by [`default_kneighbors`]: about 4
/// million distances (so O(block * n) memory), at most 256 rows.
fn kneighbors_batch(n: usize) -> usize {
    ((1usize << 22) / n.max(1)).clamp(1, 256)
}

/// Each row's `k` nearest rows of a matrix (Euclidean distance, the row itself
/// included as its own nearest neighbour), as scikit-learn's
/// `NearestNeighbors().fit(X).kneighbors(X, k)` on the same data with
/// `kneighbors_graph(..., include_self=True)`'s convention: n x k host arrays, O(n k).
///
/// ```
/// use duckml_arrays::prelude::*;
/// use ndarray::array;
///
/// let x = array![[0.0], [1.0], [3.0], [7.0]];
/// let nb = x.kneighbors(2).unwrap();
/// assert_eq!(nb.indices, array![[0, 1], [1, 0], [2, 1], [3, 2]]);
/// assert_eq!(nb.sq_dist, array![[0.0, 1.0], [0.0, 1.0], [0.0, 4.0], [0.0, 16.0]]);
/// // 0.5 (C + C^T) of the binary connectivity C, a sparse symmetric graph.
/// let g = nb.affinity::<f64>();
/// assert_eq!(g.to_dense(), array![
///     [1.0, 1.0, 0.0, 0.0],
///     [1.0, 1.0, 0.5, 0.0],
///     [0.0, 0.5, 1.0, 0.5],
///     [0.0, 0.0, 0.5, 1.0],
/// ]);
/// assert_eq!(nb.n_connected_components(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbors {
    /// `indices[[i, r]]`: the row index of the `r`-th nearest neighbour of row `i`
    /// (`r = 0` is row `i` itself; then by increasing distance, ties to the lower index).
    pub indices: Array2<usize>,
    /// The matching squared Euclidean distances (0 for the row itself).
    pub sq_dist: Array2<f64>,
}

impl Neighbors {
    /// Number of rows (graph nodes).
    pub fn n_rows(&self) -> usize {
        self.indices.nrows()
    }

    /// Neighbours per row.
    pub fn k(&self) -> usize {
        self.indices.ncols()
    }

    /// The symmetric affinity `0.5 (C + C^T)` of the binary connectivity `C` (`C_ij = 1`
    /// when `j` is among the `k` nearest rows of `i`), as a sparse CSR matrix with sorted
    /// indices: scikit-learn's `SpectralClustering(affinity="nearest_neighbors")`
    /// `affinity_matrix_`. Entries are 1 (mutual neighbours, and the diagonal) or 0.5;
    /// at most `2 n k` non-zeros, never an `n x n` dense matrix.
    pub fn affinity<F: Float>(&self) -> CsMat<F> {
        let n = self.n_rows();
        // Each (i, j) of C once, and its transpose (j, i) once.
        let mut counts = vec![0usize; n + 1];
        for (i, row) in self.indices.rows().into_iter().enumerate() {
            counts[i + 1] += row.len();
            for &j in row {
                counts[j + 1] += 1;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let mut cols = vec![0usize; counts[n]];
        for (i, row) in self.indices.rows().into_iter().enumerate() {
            for &j in row {
                cols[fill[i]] = j;
                fill[i] += 1;
                cols[fill[j]] = i;
                fill[j] += 1;
            }
        }
        let half = F::of(0.5);
        let mut indptr = Vec::with_capacity(n + 1);
        let mut indices = Vec::with_capacity(cols.len());
        let mut data = Vec::with_capacity(cols.len());
        indptr.push(0);
        for i in 0..n {
            let row = &mut cols[counts[i]..counts[i + 1]];
            row.sort_unstable();
            for &j in row.iter() {
                if indices.len() > indptr[i] && indices.last() == Some(&j) {
                    let v: &mut F = data.last_mut().expect("an entry per index");
                    *v = *v + half;
                } else {
                    indices.push(j);
                    data.push(half);
                }
            }
            indptr.push(indices.len());
        }
        CsMat::new((n, n), indptr, indices, data)
    }

    /// Connected components of the neighbour graph (edges in either direction), by
    /// union-find on the host: 1 when the graph is connected.
    pub fn n_connected_components(&self) -> usize {
        let n = self.n_rows();
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut components = n;
        for (i, row) in self.indices.rows().into_iter().enumerate() {
            for &j in row {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                    components -= 1;
                }
            }
        }
        components
    }
}

/// Default [`GraphOps::kneighbors`]: per batch of rows (copied to the host), the
/// squared distances of every row to them ([`ClusterOps::sq_distances`], one pass),
/// then each distance vector's `k` smallest ([`SampleVector::top_k`] of its negation):
/// O(batch * n) memory beside the data and only `k` pairs per row on the host.
pub fn default_kneighbors<F: Float, M: ClusterOps<F>>(
    m: &M,
    k: usize,
) -> Result<Neighbors, ArrayError> {
    let n = m.n_rows();
    if k == 0 || k > n {
        return Err(ArrayError::Invalid(format!(
            "{k} nearest neighbours requested among {n} rows (need 1 <= k <= n)"
        )));
    }
    let mut indices = Array2::<usize>::zeros((n, k));
    let mut sq_dist = Array2::<f64>::zeros((n, k));
    let batch = kneighbors_batch(n);
    for b0 in (0..n).step_by(batch) {
        let ids: Vec<usize> = (b0..(b0 + batch).min(n)).collect();
        let pts = m.rows_to_host(&ids)?;
        for (&i, d) in ids.iter().zip(m.sq_distances(pts.view(), None)) {
            let near = d
                .map(UnaryOp::Affine {
                    scale: -1.0,
                    shift: 0.0,
                })
                .top_k(k);
            // The row itself first, at distance exactly 0 (rounding in |x|^2 + |c|^2 -
            // 2 x.c may leave it a hair above 0, or behind a duplicate of the row).
            let others: Vec<(usize, f64)> = near
                .into_iter()
                .filter(|&(j, _)| j != i)
                .take(k - 1)
                .collect();
            if others.len() < k - 1 {
                return Err(ArrayError::Invalid(format!(
                    "row {i} has fewer than {k} rows at a finite distance"
                )));
            }
            indices[[i, 0]] = i;
            sq_dist[[i, 0]] = 0.0;
            for (r, (j, neg)) in others.into_iter().enumerate() {
                indices[[i, r + 1]] = j;
                sq_dist[[i, r + 1]] = (-neg).max(0.0);
            }
        }
    }
    Ok(Neighbors { indices, sq_dist })
}
