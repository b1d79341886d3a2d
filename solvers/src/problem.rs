//! What a solver minimises: a smooth data term and the elastic-net regulariser.
//! Everything here lives in model space: host `f64` vectors of the model's size,
//! never data arrays.

use ndarray::{Array1, Array2, ArrayView1};
use serde::{Deserialize, Serialize};

/// The smooth data term `f(w)` of an objective `f(w) + g(w)`.
///
/// Estimators implement it by calling the array contract; solvers only see numbers.
pub trait Objective {
    /// Number of coordinates of `w`.
    fn dim(&self) -> usize;

    /// `f(w)`.
    fn value(&self, w: ArrayView1<f64>) -> f64 {
        self.value_grad(w).0
    }

    /// `f(w)` and its gradient, computed together (one pass over the data).
    fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>);

    /// The Hessian of `f` at `w`, when the objective can form it (needed by Newton).
    fn hessian(&self, _w: ArrayView1<f64>) -> Option<Array2<f64>> {
        None
    }

    /// Relative accuracy of computed objective values: differences below
    /// `precision * |f|` are rounding. `f32` data needs a far larger allowance than
    /// `f64`; line searches and restarts use it to stop trusting comparisons.
    fn precision(&self) -> f64 {
        1e-12
    }

    /// Number of separable blocks: `f = sum_b f_b` (row blocks of the data).
    fn n_blocks(&self) -> usize {
        1
    }

    /// `f_b(w)` and its gradient for one block; blocks sum to [`Objective::value_grad`].
    fn block_value_grad(&self, _block: usize, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        self.value_grad(w)
    }
}

/// The elastic-net regulariser over the first `n_penalised` coordinates `P` (an
/// intercept, stored last, stays unpenalised), with optional per-coordinate weights
/// `d_j >= 0`:
///
/// `g(w) = l1 sum_{j in P} d_j |w_j| + l2/2 sum_{j in P} (d_j w_j)^2`
///
/// (`d_j = 1` without weights). The weights let a solver work in rescaled coordinates
/// `w_j = s_j b_j` while the penalty keeps its meaning on the original `b`: with
/// `d_j = 1 / s_j`, `g(w) = l1 |b|_1 + l2/2 |b|_2^2`. A zero weight leaves its
/// coordinate unpenalised.
///
/// ```
/// use duckml_solvers::ElasticNet;
/// use ndarray::array;
///
/// let plain = ElasticNet::new(1.0, 2.0, 2);
/// assert_eq!(plain.value(array![3.0, -1.0, 5.0].view()), 4.0 + 10.0);
/// // The same penalty on b = (3, -1) seen through w = (30, -1): d = (1/10, 1).
/// let scaled = plain.clone().with_weights(array![0.1, 1.0]);
/// assert!((scaled.value(array![30.0, -1.0, 5.0].view()) - 14.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticNet {
    /// Weight of the L1 norm (`alpha * l1_ratio`).
    pub l1: f64,
    /// Weight of the squared L2 norm (`alpha * (1 - l1_ratio)`).
    pub l2: f64,
    /// How many leading coordinates are penalised.
    pub n_penalised: usize,
    /// Per-coordinate weights `d_j` of the penalised coordinates (`None`: all 1).
    /// Callers keep them finite and `>= 0`, with at least `n_penalised` entries.
    pub weights: Option<Array1<f64>>,
}

impl ElasticNet {
    /// `l1 |w_P|_1 + l2/2 |w_P|_2^2` over the first `n_penalised` coordinates.
    pub fn new(l1: f64, l2: f64, n_penalised: usize) -> Self {
        ElasticNet {
            l1,
            l2,
            n_penalised,
            weights: None,
        }
    }

    /// The same penalty acting on `d_j w_j` instead of `w_j`.
    pub fn with_weights(mut self, weights: Array1<f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// The weight `d_j` of penalised coordinate `j`.
    #[inline]
    pub fn weight(&self, j: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |d| d[j])
    }

    /// `g(w)`.
    pub fn value(&self, w: ArrayView1<f64>) -> f64 {
        let (mut a, mut q) = (0.0, 0.0);
        for (j, &wj) in w.iter().take(self.n_penalised).enumerate() {
            let v = self.weight(j) * wj;
            a += v.abs();
            q += v * v;
        }
        self.l1 * a + 0.5 * self.l2 * q
    }

    /// Whether the problem has a non-smooth part.
    pub fn has_l1(&self) -> bool {
        self.l1 > 0.0 && (0..self.n_penalised).any(|j| self.weight(j) > 0.0)
    }

    /// Adds the smooth L2 part's value and gradient to `(f, grad)`.
    pub fn add_l2(&self, w: ArrayView1<f64>, value: &mut f64, grad: &mut Array1<f64>) {
        for j in 0..self.n_penalised {
            let c = self.l2 * self.weight(j).powi(2);
            *value += 0.5 * c * w[j] * w[j];
            grad[j] += c * w[j];
        }
    }

    /// Adds the L2 part's Hessian (`l2 d_j^2` on the penalised diagonal).
    pub fn add_l2_hessian(&self, h: &mut Array2<f64>) {
        for j in 0..self.n_penalised {
            h[[j, j]] += self.l2 * self.weight(j).powi(2);
        }
    }

    /// Proximal operator of `step * l1 sum d_j |.|` only (the L2 part handled as
    /// smooth).
    pub fn prox_l1(&self, v: &mut Array1<f64>, step: f64) {
        for (j, x) in v.iter_mut().take(self.n_penalised).enumerate() {
            *x = soft_threshold(*x, step * self.l1 * self.weight(j));
        }
    }

    /// Proximal operator of `step * g` (L1 and L2 together), in place.
    pub fn prox(&self, v: &mut Array1<f64>, step: f64) {
        for (j, x) in v.iter_mut().take(self.n_penalised).enumerate() {
            let d = self.weight(j);
            *x = soft_threshold(*x, step * self.l1 * d) / (1.0 + step * self.l2 * d * d);
        }
    }

    /// The 2-norm of the minimum-norm subgradient of `f + g` at `w`, given the
    /// gradient of the smooth part `f + l2/2 |D w_P|^2`: zero exactly at the optimum.
    /// Every solver stops when it falls below `tol`.
    pub fn optimality(&self, w: ArrayView1<f64>, smooth_grad: ArrayView1<f64>) -> f64 {
        let mut sq = 0.0;
        for (j, (&wj, &g)) in w.iter().zip(smooth_grad.iter()).enumerate() {
            let d = if j < self.n_penalised {
                let t = self.l1 * self.weight(j);
                if wj != 0.0 {
                    g + t * wj.signum()
                } else {
                    soft_threshold(g, t)
                }
            } else {
                g
            };
            sq += d * d;
        }
        sq.sqrt()
    }
}

/// `sign(x) max(|x| - t, 0)`.
pub fn soft_threshold(x: f64, t: f64) -> f64 {
    if x > t {
        x - t
    } else if x < -t {
        x + t
    } else {
        0.0
    }
}

/// The problem `min_w f(w) + g(w)` a solver steps on: the data term `f` and the
/// regulariser `g`, borrowed for one run of the [`Driver`](crate::Driver).
#[derive(Debug)]
pub struct Problem<'a, O> {
    /// The smooth data term `f`.
    pub objective: &'a O,
    /// The regulariser `g`.
    pub reg: &'a ElasticNet,
}

// Not derived: a derive would ask `O: Clone`, but only the references are copied.
impl<O> Clone for Problem<'_, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O> Copy for Problem<'_, O> {}

impl<'a, O: Objective> Problem<'a, O> {
    /// `f + g` with data term `objective` and regulariser `reg`.
    pub fn new(objective: &'a O, reg: &'a ElasticNet) -> Self {
        Problem { objective, reg }
    }

    /// The smooth part `f + l2/2 |w_P|^2` and its gradient, in one pass over the data:
    /// what the smooth solvers and the proximal gradient's backtracking evaluate.
    pub fn smooth_value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let (mut v, mut g) = self.objective.value_grad(w);
        self.reg.add_l2(w, &mut v, &mut g);
        (v, g)
    }
}
