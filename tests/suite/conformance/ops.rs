//! Every contract operation of one array type against the dense CPU backend (and, for
//! `X C^T`, against ndarray's own product): vector maps and reductions, the core
//! products, the GLM, clustering and graph families, and blocks of sample vectors.

use duckml::arrays::prelude::*;
use duckml::arrays::{BinaryOp, ColumnsOf, ElementCheck, PairReduction, Reduction, UnaryOp};
use ndarray::{array, Array1, Array2, ArrayView2};

const FAMILIES: [GlmFamily; 3] = [
    GlmFamily::Gaussian,
    GlmFamily::Bernoulli,
    GlmFamily::Poisson,
];

/// Collects mismatches of `got` against `want`, relative to the largest `|want|`.
pub struct Cmp {
    tol: f64,
    fails: Vec<String>,
    checked: usize,
}

impl Cmp {
    fn slice(&mut self, what: &str, got: &[f64], want: &[f64]) {
        self.checked += 1;
        if got.len() != want.len() {
            self.fails
                .push(format!("{what}: length {} vs {}", got.len(), want.len()));
            return;
        }
        let scale = want.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        let err = got
            .iter()
            .zip(want)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        if err.is_nan() || err > self.tol * scale {
            self.fails
                .push(format!("{what}: max error {err:.2e} (scale {scale:.2e})"));
        }
    }
    fn num(&mut self, what: &str, got: f64, want: f64) {
        self.slice(what, &[got], &[want]);
    }
    fn vec<F: Float>(&mut self, what: &str, got: Array1<F>, want: Array1<F>) {
        let g: Vec<f64> = got.iter().map(|v| v.as_f64()).collect();
        let w: Vec<f64> = want.iter().map(|v| v.as_f64()).collect();
        self.slice(what, &g, &w);
    }
    fn mat(&mut self, what: &str, got: ArrayView2<f64>, want: ArrayView2<f64>) {
        if got.dim() != want.dim() {
            self.fails
                .push(format!("{what}: shape {:?} vs {:?}", got.dim(), want.dim()));
            return;
        }
        let g: Vec<f64> = got.iter().copied().collect();
        let w: Vec<f64> = want.iter().copied().collect();
        self.slice(what, &g, &w);
    }
    fn finish(self, name: &str, min_checks: usize) {
        assert!(
            self.checked >= min_checks,
            "{name}: only {} checks",
            self.checked
        );
        assert!(
            self.fails.is_empty(),
            "{name}: {} of {} checks failed:\n{}",
            self.fails.len(),
            self.checked,
            self.fails.join("\n")
        );
    }
}

pub fn data<F: Float>(n: usize, p: usize) -> Array2<F> {
    Array2::from_shape_fn((n, p), |(i, j)| {
        F::of(((i * 31 + j * 17) % 23) as f64 / 23.0 - 0.5 + if j == 0 { 0.1 } else { 0.0 })
    })
}

/// Every contract operation of `x` against the dense `reference`.
pub fn check_all<F: Float, X: DataMatrix<F>>(name: &str, x: &X, reference: &Array2<F>, tol: f64) {
    let d = reference;
    let (n, p) = d.dim();
    let mut c = Cmp {
        tol,
        fails: Vec::new(),
        checked: 0,
    };
    assert_eq!((x.n_rows(), x.n_cols()), (n, p));
    let up = |v: &Array1<F>| x.vector_from_host(v.view()).unwrap();
    let coef: Array1<f64> = (0..p).map(|j| 0.3 - 0.1 * j as f64).collect();
    let lin = Linear {
        coef: coef.view(),
        intercept: 0.2,
    };
    let y01: Array1<F> = (0..n).map(|i| F::of((i % 3 == 0) as u8 as f64)).collect();
    let counts: Array1<F> = (0..n).map(|i| F::of((i % 4) as f64)).collect();
    let r: Array1<F> = (0..n).map(|i| F::of((i % 7) as f64 - 3.0)).collect();
    let w: Array1<F> = (0..n).map(|i| F::of(0.5 + (i % 5) as f64)).collect();

    assert!(x.all_finite());
    c.vec(
        "linear_predictor",
        x.linear_predictor(lin).to_host(),
        d.linear_predictor(lin),
    );
    c.vec(
        "t_matvec",
        Array1::from(x.t_matvec(&up(&r)).to_vec()),
        d.t_matvec(&r),
    );
    c.mat(
        "weighted_gram",
        x.weighted_gram(&up(&w)).view(),
        d.weighted_gram(&w).view(),
    );
    let cs = Array2::from_shape_fn((3, p), |(k, j)| 0.2 * k as f64 - 0.05 * j as f64);
    c.mat(
        "mul_small_t",
        x.mul_small_t(cs.view())
            .block_to_host()
            .mapv(F::as_f64)
            .view(),
        d.mapv(F::as_f64).dot(&cs.t()).view(),
    );
    // Column moments about a shift, against a direct sum on the host.
    let shift: Array1<f64> = (0..p).map(|j| 0.1 * j as f64 - 0.2).collect();
    let moments = x.column_sq_sums(shift.view());
    let dd = d.mapv(F::as_f64);
    let dev = |j: usize| dd.column(j).mapv(|v| v - shift[j]);
    let sums: Vec<f64> = (0..p).map(|j| dev(j).sum()).collect();
    let squares: Vec<f64> = (0..p).map(|j| dev(j).mapv(|v| v * v).sum()).collect();
    c.slice(
        "column_sq_sums sums",
        moments.sums.as_slice().unwrap(),
        &sums,
    );
    c.slice(
        "column_sq_sums squares",
        moments.sq_sums.as_slice().unwrap(),
        &squares,
    );
    let eta_d = d.linear_predictor(lin);
    let eta_x = x.linear_predictor(lin);
    for fam in FAMILIES {
        let y = if fam == GlmFamily::Poisson {
            &counts
        } else {
            &y01
        };
        let (yx, f) = (up(y), fam.name());
        c.vec(
            &format!("glm_weights {f}"),
            x.glm_weights(fam, &eta_x).to_host(),
            d.glm_weights(fam, &eta_d),
        );
        c.vec(
            &format!("glm_residuals {f}"),
            x.glm_residuals(fam, &yx, &eta_x).to_host(),
            d.glm_residuals(fam, y, &eta_d),
        );
        let (g, want) = (x.glm_loss_grad(fam, &yx, lin), d.glm_loss_grad(fam, y, lin));
        c.num(&format!("loss {f}"), g.loss, want.loss);
        c.slice(
            &format!("grad {f}"),
            g.grad.as_slice().unwrap(),
            want.grad.as_slice().unwrap(),
        );
        c.num(
            &format!("grad_intercept {f}"),
            g.grad_intercept,
            want.grad_intercept,
        );
        c.num(
            &format!("glm_loss {f}"),
            x.glm_loss(fam, &yx, lin),
            d.glm_loss(fam, y, lin),
        );
        let (h, hw) = (x.glm_hessian(fam, lin), d.glm_hessian(fam, lin));
        c.mat(&format!("hessian {f}"), h.xtwx.view(), hw.xtwx.view());
        c.slice(
            &format!("xtw {f}"),
            h.xtw.as_slice().unwrap(),
            hw.xtw.as_slice().unwrap(),
        );
        c.num(&format!("sum_w {f}"), h.sum_w, hw.sum_w);
    }

    // Vector operations.
    let (rx, wx) = (up(&r), up(&w));
    let ops = [
        UnaryOp::Mean(GlmFamily::Bernoulli),
        UnaryOp::Mean(GlmFamily::Poisson),
        UnaryOp::Threshold(0.5),
        UnaryOp::Affine {
            scale: -2.0,
            shift: 1.0,
        },
        UnaryOp::ClampMin(0.0),
        UnaryOp::EqualTo(2.0),
        UnaryOp::Abs,
        UnaryOp::Exp,
        UnaryOp::InvSqrtOrOne,
    ];
    for op in ops {
        c.vec(
            &format!("map {op:?}"),
            rx.map(op).to_host(),
            SampleVector::map(&r, op),
        );
    }
    for op in [
        Reduction::Sum,
        Reduction::SquaredDeviation(0.7),
        Reduction::DevianceFromConstant(GlmFamily::Poisson, 1.5),
    ] {
        let (v, vx) = if matches!(op, Reduction::DevianceFromConstant(..)) {
            (&w, &wx)
        } else {
            (&r, &rx)
        };
        c.num(&format!("reduce {op:?}"), vx.reduce(op), v.reduce(op));
    }
    for op in [
        PairReduction::SquaredError,
        PairReduction::CountEqual,
        PairReduction::Deviance(GlmFamily::Poisson),
    ] {
        c.num(
            &format!("reduce_pair {op:?}"),
            wx.reduce_pair(&wx.map(UnaryOp::Abs), op),
            w.reduce_pair(&SampleVector::map(&w, UnaryOp::Abs), op),
        );
        c.num(
            &format!("reduce_pair r,w {op:?}"),
            up(&counts).reduce_pair(&wx, op),
            counts.reduce_pair(&w, op),
        );
    }
    for op in [BinaryOp::Add, BinaryOp::Mul, BinaryOp::Min, BinaryOp::Less] {
        c.vec(
            &format!("zip_map {op:?}"),
            rx.zip_map(&wx, op).to_host(),
            r.zip_map(&w, op),
        );
    }
    assert!(up(&y01).all(ElementCheck::ZeroOrOne));
    assert!(!rx.all(ElementCheck::NonNegative));
    assert!(up(&counts).all(ElementCheck::NonNegative));
    let mut bad = r.clone();
    bad[n / 2] = F::nan();
    assert!(!up(&bad).all(ElementCheck::Finite));
    assert_eq!(wx.top_k(5), w.top_k(5));
    assert_eq!(
        wx.search_cumulative(&[0.0, 3.3, 100.0]),
        w.search_cumulative(&[0.0, 3.3, 100.0])
    );
    assert_eq!(
        wx.bernoulli_indices(0.1, 9, 0),
        w.bernoulli_indices(0.1, 9, 0)
    );

    // Clustering operations.
    c.vec("row_sq_norms", x.row_sq_norms().to_host(), d.row_sq_norms());
    let rows = [0, n - 1, n / 2, 3];
    c.mat(
        "rows_to_host",
        x.rows_to_host(&rows).unwrap().view(),
        d.rows_to_host(&rows).unwrap().view(),
    );
    assert!(x.rows_to_host(&[n]).is_err());
    let centres = d.rows_to_host(&[1, n / 3, n / 2, n - 2, 7]).unwrap() + 0.01;
    let floor = up(&w);
    for (j, (a, b)) in x
        .sq_distances(centres.view(), None)
        .iter()
        .zip(d.sq_distances(centres.view(), None))
        .enumerate()
    {
        c.vec(&format!("sq_distances {j}"), a.to_host(), b);
    }
    for (j, (a, b)) in x
        .sq_distances(centres.view(), Some(&floor))
        .iter()
        .zip(d.sq_distances(centres.view(), Some(&w)))
        .enumerate()
    {
        c.vec(&format!("sq_distances floored {j}"), a.to_host(), b);
    }
    let (near, near_d) = (
        x.nearest_center(centres.view()),
        d.nearest_center(centres.view()),
    );
    assert_eq!(
        near.labels.to_host(),
        near_d.labels,
        "{name}: nearest labels"
    );
    c.vec("nearest sq_dist", near.sq_dist.to_host(), near_d.sq_dist);
    let mut labels = up(&Array1::zeros(n));
    let mut labels_d = Array1::zeros(n);
    for pass in 0..2 {
        let (s, sd) = (
            x.kmeans_step(centres.view(), &mut labels),
            d.kmeans_step(centres.view(), &mut labels_d),
        );
        assert_eq!(s.counts, sd.counts, "{name}: counts, pass {pass}");
        assert_eq!(s.n_changed, sd.n_changed, "{name}: changed, pass {pass}");
        c.mat(
            &format!("kmeans sums {pass}"),
            s.sums.view(),
            sd.sums.view(),
        );
        c.num(&format!("inertia {pass}"), s.inertia, sd.inertia);
        assert_eq!(labels.to_host(), labels_d, "{name}: labels, pass {pass}");
    }
    c.vec(
        "diagonal_from 0",
        x.diagonal_from(0).to_host(),
        d.diagonal_from(0),
    );
    c.vec(
        "diagonal_from 1",
        x.diagonal_from(1).to_host(),
        d.diagonal_from(1),
    );

    // Blocks of sample vectors.
    let cols = [rx.clone(), wx.clone(), up(&counts)];
    let block = ColumnsOf::<F, X>::from_columns(&cols);
    let dense_block =
        <Array2<F> as SampleBlock<F>>::from_columns(&[r.clone(), w.clone(), counts.clone()]);
    let host = |b: &ColumnsOf<F, X>| b.block_to_host().mapv(F::as_f64);
    let dh = |b: &Array2<F>| b.mapv(F::as_f64);
    c.mat("from_columns", host(&block).view(), dh(&dense_block).view());
    c.vec("column", block.column(1).to_host(), w.clone());
    c.mat(
        "gram",
        block.gram(&block).view(),
        dense_block.gram(&dense_block).view(),
    );
    let small = array![[1.0, 0.5], [-1.0, 2.0], [0.25, 0.0]];
    c.mat(
        "mul_small",
        host(&block.mul_small(small.view())).view(),
        dh(&dense_block.mul_small(small.view())).view(),
    );
    c.mat(
        "axpby",
        host(&block.axpby(2.0, &block, -0.5)).view(),
        dh(&dense_block.axpby(2.0, &dense_block, -0.5)).view(),
    );
    c.mat(
        "scale_rows",
        host(&block.scale_rows(&wx)).view(),
        dh(&dense_block.scale_rows(&w)).view(),
    );
    let wide = block.hcat(&block);
    let wide_d = dense_block.hcat(&dense_block);
    c.mat(
        "axpby_rows",
        host(&block.axpby_rows(&wx, &block.map_block(UnaryOp::Abs), &rx)).view(),
        dh(&dense_block.axpby_rows(&w, &dense_block.map_block(UnaryOp::Abs), &r)).view(),
    );
    let c63 = Array2::from_shape_fn((6, 3), |(i, j)| (i as f64 - j as f64) * 0.25);
    c.mat(
        "add_product",
        host(&block.add_product(&wide, c63.view())).view(),
        dh(&dense_block.add_product(&wide_d, c63.view())).view(),
    );
    c.mat(
        "hcat",
        host(&block.hcat(&block)).view(),
        dh(&dense_block.hcat(&dense_block)).view(),
    );
    // Stacking blocks serves the graph operations; a type without them (a distributed
    // matrix: its rows would interleave) does not stack.
    if x.supports_graphs().is_ok() {
        c.mat(
            "vcat",
            host(&SampleBlock::vcat(&[&block, &block])).view(),
            dh(&Array2::vcat(&[&dense_block, &dense_block])).view(),
        );
    }
    c.vec(
        "argmax_abs_rows",
        block.argmax_abs_rows().to_host(),
        dense_block.argmax_abs_rows(),
    );
    c.mat(
        "normalize_rows",
        host(&block.normalize_rows()).view(),
        dh(&dense_block.normalize_rows()).view(),
    );
    c.mat(
        "map_block",
        host(&block.map_block(UnaryOp::Exp)).view(),
        dh(&dense_block.map_block(UnaryOp::Exp)).view(),
    );
    c.finish(name, 80);
}

/// Graph operations on a square matrix (`X V`, the RBF kernel).
pub fn check_square<F: Float, X: DataMatrix<F>>(name: &str, x: &X, d: &Array2<F>, tol: f64) {
    let n = d.nrows();
    let mut c = Cmp {
        tol,
        fails: Vec::new(),
        checked: 0,
    };
    let a: Array1<F> = (0..n).map(|i| F::of((i % 5) as f64 - 2.0)).collect();
    let b: Array1<F> = (0..n).map(|i| F::of(1.0 / (1 + i) as f64)).collect();
    let v = ColumnsOf::<F, X>::from_columns(&[
        x.vector_from_host(a.view()).unwrap(),
        x.vector_from_host(b.view()).unwrap(),
    ]);
    let vd = <Array2<F> as SampleBlock<F>>::from_columns(&[a, b]);
    c.mat(
        "block_product",
        x.block_product(&v).block_to_host().mapv(F::as_f64).view(),
        d.block_product(&vd).mapv(F::as_f64).view(),
    );
    c.mat(
        "rbf_kernel",
        x.rbf_kernel(0.5).block_to_host().mapv(F::as_f64).view(),
        d.rbf_kernel(0.5).mapv(F::as_f64).view(),
    );
    c.vec("diagonal", x.diagonal_from(0).to_host(), d.diagonal_from(0));
    c.finish(name, 3);
}

/// The conformance row's check: `check_all` on a 1037 x 13 matrix and `check_square` on
/// a 211 x 211 one, both converted by the row's conversion from `f64`.
pub fn run_ops_suite<F, X, C>(type_name: &str, convert: C, tol: f64)
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>, &Array1<f64>) -> (X, X::Vector),
{
    let d = data::<f64>(1037, 13);
    let (x, _) = convert(&d, &Array1::zeros(d.nrows()));
    check_all(type_name, &x, &d.mapv(F::of), tol);
    let sq = data::<f64>(211, 211);
    let (xs, _) = convert(&sq, &Array1::zeros(sq.nrows()));
    check_square(type_name, &xs, &sq.mapv(F::of), tol);
}
