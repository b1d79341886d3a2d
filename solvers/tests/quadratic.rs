//! Solvers on problems with known solutions: a least-squares problem split into
//! blocks, with and without an L1 term.

use duckml_solvers::{
    soft_threshold, ElasticNet, Objective, SolveOptions, SolverChoice, SolverError,
};
use ndarray::{array, s, Array1, Array2, ArrayView1};

/// `f(w) = 1/(2n) |A w - b|^2` with rows split into `blocks` blocks.
struct LeastSquares {
    a: Array2<f64>,
    b: Array1<f64>,
    blocks: usize,
}

impl LeastSquares {
    fn rows(&self, block: usize) -> std::ops::Range<usize> {
        let n = self.a.nrows();
        let per = n.div_ceil(self.blocks);
        block * per..((block + 1) * per).min(n)
    }
}

impl Objective for LeastSquares {
    fn dim(&self) -> usize {
        self.a.ncols()
    }
    fn value_grad(&self, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let n = self.a.nrows() as f64;
        let r = self.a.dot(&w) - &self.b;
        (0.5 * r.dot(&r) / n, self.a.t().dot(&r) / n)
    }
    fn hessian(&self, _w: ArrayView1<f64>) -> Option<Array2<f64>> {
        Some(self.a.t().dot(&self.a) / self.a.nrows() as f64)
    }
    fn n_blocks(&self) -> usize {
        self.blocks
    }
    fn block_value_grad(&self, block: usize, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
        let n = self.a.nrows() as f64;
        let rows = self.rows(block);
        let a = self.a.slice(s![rows.clone(), ..]);
        let r = a.dot(&w) - self.b.slice(s![rows]);
        (0.5 * r.dot(&r) / n, a.t().dot(&r) / n)
    }
}

/// A design with `A^T A / n = I`, so the elastic-net solution is soft-thresholding
/// of `A^T b / n`, known in closed form.
fn orthogonal_problem() -> LeastSquares {
    let n = 8;
    let mut a = Array2::zeros((n, 4));
    for j in 0..4 {
        a[[2 * j, j]] = 2.0;
        a[[2 * j + 1, j]] = 2.0;
    }
    let b = array![3.0, 1.0, -0.5, -0.1, 0.2, 0.1, 5.0, 4.0];
    LeastSquares { a, b, blocks: 3 }
}

fn max_abs_diff(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    (a - b).mapv(f64::abs).fold(0.0f64, |m, &v| m.max(v))
}

#[test]
fn every_solver_finds_the_least_squares_solution() {
    let prob = orthogonal_problem();
    let exact = prob.a.t().dot(&prob.b) / 8.0;
    let reg = ElasticNet::new(0.0, 0.0, 4);
    let opts = SolveOptions {
        max_iter: 5000,
        tol: 1e-10,
    };
    for s in SolverChoice::ALL {
        let res = s.minimize(&prob, &reg, Array1::zeros(4), &opts).unwrap();
        assert!(res.converged, "{s}: {:?}", res.stop_reason);
        let err = max_abs_diff(&res.w, &exact);
        assert!(err < 1e-8, "{s}: error {err}");
    }
}

#[test]
fn l1_solvers_find_the_soft_thresholded_solution() {
    let prob = orthogonal_problem();
    let (l1, l2) = (0.3, 0.5);
    // Minimiser per coordinate: soft(c, l1) / (1 + l2) with c = A^T b / n.
    let exact = (prob.a.t().dot(&prob.b) / 8.0).mapv(|c| soft_threshold(c, l1) / (1.0 + l2));
    assert_eq!(exact[1], 0.0, "the problem should zero a coefficient");
    let reg = ElasticNet::new(l1, l2, 4);
    let opts = SolveOptions {
        max_iter: 5000,
        tol: 1e-10,
    };
    for s in [SolverChoice::ProximalGradient, SolverChoice::Admm] {
        let res = s.minimize(&prob, &reg, Array1::zeros(4), &opts).unwrap();
        assert!(res.converged, "{s}");
        let err = max_abs_diff(&res.w, &exact);
        assert!(err < 1e-8, "{s}: error {err}");
        assert_eq!(res.w[1], 0.0, "{s}: the zero must be exact");
    }
}

#[test]
fn the_unpenalised_coordinate_is_not_shrunk() {
    let prob = orthogonal_problem();
    // Only the first 3 coordinates are penalised: the 4th keeps the plain solution.
    let reg = ElasticNet::new(100.0, 0.0, 3);
    let opts = SolveOptions {
        max_iter: 5000,
        tol: 1e-10,
    };
    let plain = (prob.a.t().dot(&prob.b) / 8.0)[3];
    for s in [SolverChoice::ProximalGradient, SolverChoice::Admm] {
        let res = s.minimize(&prob, &reg, Array1::zeros(4), &opts).unwrap();
        assert!(res.w.slice(s![..3]).iter().all(|&v| v == 0.0), "{s}");
        assert!((res.w[3] - plain).abs() < 1e-8, "{s}");
    }
}

#[test]
fn optimality_is_zero_exactly_at_the_lasso_solution() {
    let reg = ElasticNet::new(1.0, 0.0, 2);
    // w = (0, 2): the zero coordinate's gradient lies inside [-1, 1], the other
    // coordinate's gradient is -sign(w) * l1.
    let w = array![0.0, 2.0];
    assert_eq!(reg.optimality(w.view(), array![0.4, -1.0].view()), 0.0);
    assert!((reg.optimality(w.view(), array![1.5, -1.0].view()) - 0.5).abs() < 1e-15);
}

#[test]
fn smooth_solvers_refuse_l1_and_every_solver_a_wrong_start() {
    let prob = orthogonal_problem();
    let reg = ElasticNet::new(0.1, 0.0, 4);
    let opts = SolveOptions {
        max_iter: 10,
        tol: 1e-6,
    };
    for s in [
        SolverChoice::Lbfgs,
        SolverChoice::Newton,
        SolverChoice::GradientDescent,
    ] {
        let err = s
            .minimize(&prob, &reg, Array1::zeros(4), &opts)
            .unwrap_err();
        assert!(matches!(err, SolverError::Unsupported { .. }), "{s}");
    }
    for s in SolverChoice::ALL {
        let err = s
            .minimize(&prob, &reg, Array1::zeros(3), &opts)
            .unwrap_err();
        assert_eq!(
            err,
            SolverError::DimensionMismatch {
                expected: 4,
                found: 3
            },
            "{s}"
        );
    }
}

#[test]
fn solver_names_parse() {
    for s in SolverChoice::ALL {
        assert_eq!(s.name().parse::<SolverChoice>().unwrap(), s);
    }
    assert_eq!(
        "gd".parse::<SolverChoice>().unwrap(),
        SolverChoice::GradientDescent
    );
    assert!("sgd".parse::<SolverChoice>().is_err());
}
