//! The smallest eigenpairs of the normalised graph Laplacian (`laplacian.rs`): by shift-invert block Lanczos (the `lanczos` module) when the
//! graph's backend factorises the Laplacian, else by Chebyshev-filtered subspace
//! iteration (Zhou and Saad 2007); subspace iteration with the factorisation for
//! graphs too small for a Krylov basis.
//!
//! Everything n-sized goes through the contract: one `block_product` (graph times a
//! block) and a few elementwise block updates per filter degree; Gram matrices of the
//! block (b x b) and the Rayleigh-Ritz problem are the only host work.
//!
//! Why a polynomial filter: a block Rayleigh-Ritz step costs about `b` products with the
//! graph (b = block size), so applying a degree-d Chebyshev polynomial that damps the
//! unwanted end of the spectrum `[a, 2]` between Rayleigh-Ritz steps spends the time in
//! cheap products instead of repeated orthogonalisation.

use super::lanczos;
use super::laplacian::{rayleigh_ritz, Laplacian};
use duckml_arrays::{ColumnsOf, DataMatrix, Float, Reduction, SampleBlock, SampleVector, UnaryOp};
use ndarray::{Array1, Array2};
use rand::rngs::StdRng;
use rand::Rng;

/// The outcome of the eigensolver.
pub(crate) struct Eigen<C> {
    /// The smallest eigenvalues, ascending.
    pub(crate) values: Vec<f64>,
    /// Their eigenvectors (orthonormal columns).
    pub(crate) vectors: C,
    /// Eigensolver steps (block solves of the Lanczos method, else Rayleigh-Ritz steps).
    pub(crate) n_iter: usize,
    /// Whether every wanted residual norm reached the tolerance.
    pub(crate) converged: bool,
    /// Largest residual norm `|L v - lambda v|` of the wanted pairs.
    pub(crate) residual: f64,
}

/// Applies the degree-`d` Chebyshev polynomial that is small on `[a, upper]` and 1 at
/// `low` (Zhou and Saad's scaled three-term recurrence, which cannot overflow).
fn chebyshev_filter<F: Float, X: DataMatrix<F>>(
    op: &Laplacian<'_, F, X>,
    x: &ColumnsOf<F, X>,
    d: usize,
    a: f64,
    upper: f64,
    low: f64,
) -> ColumnsOf<F, X> {
    let e = (upper - a) / 2.0;
    let c = (upper + a) / 2.0;
    let mut sigma = e / (low - c);
    let tau = 2.0 / sigma;
    // Y1 = (L X - c X) sigma / e
    let mut prev = x.clone();
    let mut cur = op.apply(x).axpby(sigma / e, x, -c * sigma / e);
    for _ in 1..d {
        let sigma_new = 1.0 / (tau - sigma);
        // Y_{k+1} = 2 sigma_new / e (L Y_k - c Y_k) - sigma sigma_new Y_{k-1}
        let f = 2.0 * sigma_new / e;
        let lk = op.apply(&cur).axpby(f, &cur, -c * f);
        let next = lk.axpby(1.0, &prev, -sigma * sigma_new);
        prev = cur;
        cur = next;
        sigma = sigma_new;
    }
    cur
}

/// Which eigensolver the spectral embedding (`smallest_eigenpairs`, crate-internal) uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EigenSolver {
    /// Shift-invert thick-restart block Lanczos when the graph's backend can factorise
    /// its Laplacian ([`GraphOps::laplacian_solver`](duckml_arrays::GraphOps::laplacian_solver): CSR and CSC graphs), else
    /// [`EigenSolver::Chebyshev`].
    Auto,
    /// Chebyshev-filtered subspace iteration: products with the graph only.
    Chebyshev,
}

/// The exact eigenvector of eigenvalue 0, `sqrt(degree)` normalised, when the graph
/// has no isolated node: locked from the start (the blocks are kept orthogonal to it).
struct Deflation<C> {
    v0: C,
}

/// One subspace-iteration step: the next block from the current one, its Ritz values
/// and the number of wanted pairs in it.
type Step<'a, C> = dyn FnMut(&C, &[f64], usize) -> C + 'a;

/// The `m` smallest eigenpairs of the normalised Laplacian, to residual norm `tol`, in
/// at most `max_products` products of the graph with a vector.
pub(crate) fn smallest_eigenpairs<F: Float, X: DataMatrix<F>>(
    op: &Laplacian<'_, F, X>,
    m: usize,
    tol: f64,
    max_products: usize,
    solver: EigenSolver,
    rng: &mut StdRng,
) -> crate::error::Result<Eigen<ColumnsOf<F, X>>> {
    let n = op.graph.n_rows();
    // Guard vectors beyond the wanted ones speed up convergence of the last wanted.
    let b = (m + (m / 2).max(8)).min(n);
    let deflation = (op.n_isolated == 0 && b < n && m > 1).then(|| {
        let norm = op.sqrt_deg.reduce(Reduction::SquaredDeviation(0.0)).sqrt();
        Deflation {
            v0: <ColumnsOf<F, X>>::from_columns(&[op.sqrt_deg.map(UnaryOp::Affine {
                scale: 1.0 / norm,
                shift: 0.0,
            })]),
        }
    });
    let factor = match solver {
        EigenSolver::Auto => factorise(op),
        EigenSolver::Chebyshev => None,
    };
    log::debug!("spectral eigensolver: factorised");
    let m_free = m - usize::from(deflation.is_some());
    let n_free = n - usize::from(deflation.is_some());
    if let (Some((s, tau)), Some(shape)) = (&factor, lanczos::Shape::for_problem(m_free, n_free)) {
        return shift_invert(
            op,
            s.as_ref(),
            *tau,
            m,
            tol,
            max_products,
            deflation,
            shape,
            rng,
        );
    }
    let bb = if deflation.is_some() { b - 1 } else { b };
    let mut cols = Vec::with_capacity(bb);
    if deflation.is_none() {
        cols.push(op.sqrt_deg.clone());
    }
    while cols.len() < bb {
        let v: Array1<F> = (0..n).map(|_| F::of(rng.gen_range(-1.0..1.0))).collect();
        cols.push(op.graph.vector_from_host(v.view())?);
    }
    let start = <ColumnsOf<F, X>>::from_columns(&cols);
    let mut step: Box<Step<'_, ColumnsOf<F, X>>> = match factor {
        // Subspace iteration with (L + tau I)^{-1} (graphs too small for a Krylov basis).
        Some((s, _tau)) => Box::new(move |x, _, _| s.solve(x)),
        None => Box::new(|x, theta, need| chebyshev_step(op, x, theta, need)),
    };
    // Locked (converged) eigenpairs: the exact zero mode first when deflating; the
    // active block is kept orthogonal to them and shrinks as they converge, so later
    // steps solve and orthogonalise only what is still moving.
    let mut locked: Option<ColumnsOf<F, X>> = deflation.map(|d| d.v0);
    let mut locked_vals: Vec<f64> = locked.iter().map(|_| 0.0).collect();
    let mut locked_res: Vec<f64> = locked_vals.clone();
    let project = |y: ColumnsOf<F, X>, locked: &Option<ColumnsOf<F, X>>| match locked {
        Some(l) => {
            let c = -l.gram(&y);
            y.add_product(l, c.view())
        }
        None => y,
    };
    let (mut x, mut theta, mut res) = rayleigh_ritz(op, &project(start, &locked));
    let mut active = bb;
    let mut n_iter = 1;
    let mut converged = false;
    loop {
        let need = m.saturating_sub(locked_vals.len());
        let done = res.iter().take(need).take_while(|&&r| r <= tol).count();
        if need == 0 || (done == need && theta.len() >= need) {
            converged = true;
            break;
        }
        if done > 0 {
            let sel = |range: std::ops::Range<usize>| {
                let mut s = Array2::<f64>::zeros((theta.len(), range.len()));
                for (c, j) in range.enumerate() {
                    s[[j, c]] = 1.0;
                }
                s
            };
            let newly = x.mul_small(sel(0..done).view());
            x = x.mul_small(sel(done..theta.len()).view());
            locked = Some(match locked {
                Some(l) => l.hcat(&newly),
                None => newly,
            });
            locked_vals.extend(theta.drain(..done));
            locked_res.extend(res.drain(..done));
            active -= done;
            continue;
        }
        if op.products.get() >= max_products || theta.len() <= need {
            break;
        }
        let y = project(step(&x, &theta, need), &locked);
        (x, theta, res) = rayleigh_ritz(op, &y);
        if theta.len() < active {
            // Directions lost to rounding: top the block up with fresh random ones.
            let mut cols = Vec::with_capacity(active - theta.len());
            while cols.len() < active - theta.len() {
                let v: Array1<F> = (0..n).map(|_| F::of(rng.gen_range(-1.0..1.0))).collect();
                cols.push(op.graph.vector_from_host(v.view())?);
            }
            let more = x.hcat(&<ColumnsOf<F, X>>::from_columns(&cols));
            (x, theta, res) = rayleigh_ritz(op, &project(more, &locked));
        }
        n_iter += 1;
        log::debug!(
            "spectral eigensolver: step {n_iter}, locked {}, active {}, worst residual {:.2e}",
            locked_vals.len(),
            theta.len(),
            res.iter().take(need).copied().fold(0.0, f64::max)
        );
    }
    drop(step);
    let need = m.saturating_sub(locked_vals.len());
    let act = finish(x, theta, res, need, n_iter, converged);
    let mut values = locked_vals;
    values.extend(act.values);
    let residual = locked_res.iter().copied().fold(act.residual, f64::max);
    let vectors = match (locked, need) {
        (Some(l), 0) => l,
        (Some(l), _) => l.hcat(&act.vectors),
        (None, _) => act.vectors,
    };
    Ok(Eigen {
        values,
        vectors,
        n_iter,
        converged: act.converged,
        residual,
    })
}

/// The shift-invert path: thick-restart block Lanczos on `(L + tau I)^{-1}` (the zero
/// mode deflated), ending with one Rayleigh-Ritz step with `L` on the converged Ritz
/// vectors for the eigenvalues and the true residuals.
#[allow(clippy::too_many_arguments)]
fn shift_invert<F: Float, X: DataMatrix<F>>(
    op: &Laplacian<'_, F, X>,
    solver: &dyn duckml_arrays::BlockSolve<ColumnsOf<F, X>>,
    tau: f64,
    m: usize,
    tol: f64,
    max_products: usize,
    deflation: Option<Deflation<ColumnsOf<F, X>>>,
    shape: lanczos::Shape,
    rng: &mut StdRng,
) -> crate::error::Result<Eigen<ColumnsOf<F, X>>> {
    let n = op.graph.n_rows();
    let v0 = deflation.map(|d| d.v0);
    let m_free = m - usize::from(v0.is_some());
    let mut cols = Vec::with_capacity(shape.block);
    if v0.is_none() {
        cols.push(op.sqrt_deg.clone());
    }
    while cols.len() < shape.block {
        let v: Array1<F> = (0..n).map(|_| F::of(rng.gen_range(-1.0..1.0))).collect();
        cols.push(op.graph.vector_from_host(v.view())?);
    }
    let start = <ColumnsOf<F, X>>::from_columns(&cols);
    let budget = max_products.saturating_sub(op.products.get());
    let pairs = lanczos::lanczos(
        op,
        solver,
        tau,
        m_free,
        tol,
        budget,
        v0.as_ref(),
        start,
        shape,
        rng,
    )?;
    op.products.set(op.products.get() + pairs.solves);
    log::debug!(
        "spectral eigensolver: shift-invert block Lanczos, {} block steps, {} solves",
        pairs.steps,
        pairs.solves
    );
    let act = finish(
        pairs.vectors,
        pairs.values,
        pairs.residuals,
        m_free,
        pairs.steps,
        false,
    );
    let converged = act.values.len() == m_free && act.residual <= tol;
    let (mut values, vectors) = match v0 {
        Some(v) => (vec![0.0], v.hcat(&act.vectors)),
        None => (Vec::new(), act.vectors),
    };
    values.extend(act.values);
    Ok(Eigen {
        values,
        vectors,
        n_iter: pairs.steps,
        converged,
        residual: act.residual,
    })
}

/// A factorisation of `L + tau I`, with `tau > 0` small (the clustered small
/// eigenvalues map to well-separated large ones); a larger `tau` if the factorisation
/// fails numerically.
///
/// `tau` starts at 1e-8 but never below 100 epsilon of the graph's element type: an
/// `f32` graph's Laplacian is only known to about 1e-7, so its zero eigenvalues (one
/// per connected component) may come out slightly negative, and `L + 1e-8 I` would be
/// indefinite or nearly singular; the Lanczos iteration then diverged on a
/// four-component `f32` k-NN graph (residual 0.48).
#[allow(clippy::type_complexity)]
fn factorise<F: Float, X: DataMatrix<F>>(
    op: &Laplacian<'_, F, X>,
) -> Option<(Box<dyn duckml_arrays::BlockSolve<ColumnsOf<F, X>>>, f64)> {
    let mut tau = (100.0 * F::epsilon().as_f64()).max(1e-8);
    while tau <= 1e-2 {
        if let Some(s) = op.graph.laplacian_solver(tau) {
            return Some((s, tau));
        }
        tau *= 100.0;
    }
    None
}

/// One Chebyshev filter application, its degree chosen from the Ritz values: enough to
/// shrink the slowest wanted component by about e^4 relative to the cut-off.
fn chebyshev_step<F: Float, X: DataMatrix<F>>(
    op: &Laplacian<'_, F, X>,
    x: &ColumnsOf<F, X>,
    theta: &[f64],
    m: usize,
) -> ColumnsOf<F, X> {
    let upper = 2.0;
    let a = *theta.last().expect("non-empty block");
    let low = theta[0].min(0.0);
    let tm = ((upper + a) / 2.0 - theta[m.min(theta.len()) - 1]) / ((upper - a) / 2.0);
    let d = if tm > 1.0 {
        (4.0 / tm.acosh()).ceil().clamp(8.0, 200.0) as usize
    } else {
        8
    };
    chebyshev_filter(op, x, d, a, upper, low)
}

/// The first `m` Ritz pairs.
fn finish<F: Float, C: SampleBlock<F>>(
    x: C,
    theta: Vec<f64>,
    res: Vec<f64>,
    m: usize,
    n_iter: usize,
    converged: bool,
) -> Eigen<C> {
    let keep = theta.len().min(m);
    let mut sel = Array2::<f64>::zeros((theta.len(), keep));
    for j in 0..keep {
        sel[[j, j]] = 1.0;
    }
    Eigen {
        values: theta[..keep].to_vec(),
        vectors: x.mul_small(sel.view()),
        n_iter,
        converged,
        residual: res.iter().take(m).copied().fold(0.0, f64::max),
    }
}
