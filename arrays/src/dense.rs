//! The contract for ndarray's dense matrices (owned arrays and views) with `Array1`
//! as the sample vector.
//!
//! Row-major (standard layout) matrices take a fused single-pass path over contiguous
//! rows, in parallel over cache-sized row ranges; other layouts fall back to ndarray's
//! own products on row ranges.

use crate::dense_glm::dense_glm_pass;
use crate::kernels::{axpy, dot, fold_row_ranges};
use crate::pass::{coef_as, elem_bytes, to_f64_vec};
use crate::{
    finite_from_pass, ArrayError, BinaryOp, DataMatrix, ElementCheck, Float, GlmFamily,
    GlmLossGrad, KMeansStep, Linear, Nearest, PairReduction, Reduction, SampleVector, UnaryOp,
};
use ndarray::{s, Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Axis, Data, Ix2};
use rayon::prelude::*;

impl<F: Float> SampleVector<F> for Array1<F> {
    type Columns = Array2<F>;

    fn len(&self) -> usize {
        Array1::len(self)
    }

    fn to_host(&self) -> Array1<F> {
        self.clone()
    }

    fn all(&self, check: ElementCheck) -> bool {
        self.iter().all(|&v| check.holds(v))
    }

    fn map(&self, op: UnaryOp) -> Self {
        self.mapv(|v| op.apply(v))
    }

    fn reduce(&self, op: Reduction) -> f64 {
        self.iter().map(|&v| op.term(v)).sum()
    }

    fn reduce_pair(&self, other: &Self, op: PairReduction) -> f64 {
        assert_eq!(Array1::len(self), Array1::len(other), "reduce_pair lengths");
        self.iter().zip(other).map(|(&a, &b)| op.term(a, b)).sum()
    }

    fn zip_map(&self, other: &Self, op: BinaryOp) -> Self {
        assert_eq!(Array1::len(self), Array1::len(other), "zip_map lengths");
        ndarray::Zip::from(self)
            .and(other)
            .map_collect(|&a, &b| op.apply(a, b))
    }

    fn top_k(&self, m: usize) -> Vec<(usize, f64)> {
        match self.as_slice() {
            Some(v) => crate::cluster::top_k_host(v, m),
            None => crate::cluster::top_k_host(&self.to_vec(), m),
        }
    }

    fn search_cumulative(&self, targets: &[f64]) -> Vec<usize> {
        match self.as_slice() {
            Some(v) => crate::cluster::search_cumulative_host(v, targets),
            None => crate::cluster::search_cumulative_host(&self.to_vec(), targets),
        }
    }

    fn bernoulli_indices(&self, scale: f64, seed: u64, first_index: usize) -> Vec<usize> {
        match self.as_slice() {
            Some(v) => crate::cluster::bernoulli_host(v, scale, seed, first_index),
            None => crate::cluster::bernoulli_host(&self.to_vec(), scale, seed, first_index),
        }
    }
}

impl<F, S> DataMatrix<F> for ArrayBase<S, Ix2>
where
    F: Float,
    S: Data<Elem = F> + Sync,
{
    type Vector = Array1<F>;
    type Block = Self;

    fn n_rows(&self) -> usize {
        self.nrows()
    }

    fn n_cols(&self) -> usize {
        self.ncols()
    }

    fn describe(&self) -> String {
        format!("dense {} {}x{}", F::NAME, self.nrows(), self.ncols())
    }

    fn vector_from_host(&self, v: ArrayView1<F>) -> Result<Array1<F>, ArrayError> {
        crate::pass::host_vector(self.nrows(), v)
    }

    fn all_finite(&self) -> bool {
        // This check reads all of X once per fit, so it should cost no more than a GLM
        // pass: branch-free per block, blocks in parallel.
        let finite = |c: &[F]| c.iter().fold(true, |ok, v| ok & v.is_finite());
        match self.as_slice_memory_order() {
            Some(all) => all.par_chunks(1 << 16).all(finite),
            None => self.iter().all(|v| v.is_finite()),
        }
    }

    fn linear_predictor(&self, lin: Linear<'_>) -> Array1<F> {
        let coef: Array1<F> = coef_as::<F>(&lin).into();
        let b0 = F::of(lin.intercept);
        let mut eta = Array1::from_elem(self.nrows(), b0);
        let x = self.view();
        let work = |out: &mut [F], first_row: usize| {
            let rows = x.slice(s![first_row..first_row + out.len(), ..]);
            for (e, row) in out.iter_mut().zip(rows.rows()) {
                *e = *e + row_dot(row, coef.view());
            }
        };
        let out = eta.as_slice_mut().expect("fresh array is contiguous");
        if self.len() < crate::kernels::PARALLEL_MIN_ELEMENTS {
            work(out, 0);
        } else {
            let chunk = crate::kernels::rows_per_chunk(self.ncols(), elem_bytes::<F>());
            out.par_chunks_mut(chunk)
                .enumerate()
                .for_each(|(c, part)| work(part, c * chunk));
        }
        eta
    }

    fn t_matvec(&self, r: &Array1<F>) -> Array1<f64> {
        let p = self.ncols();
        let x = self.view();
        let acc = fold_row_ranges(
            self.nrows(),
            p,
            elem_bytes::<F>(),
            || vec![F::zero(); p],
            |mut acc, range| {
                let rows = x.slice(s![range.clone(), ..]);
                for (row, &ri) in rows.rows().into_iter().zip(r.slice(s![range]).iter()) {
                    row_axpy(ri, row, &mut acc);
                }
                acc
            },
            |mut a, b| {
                axpy(F::one(), &b, &mut a);
                a
            },
        );
        to_f64_vec(acc)
    }

    fn weighted_gram(&self, w: &Array1<F>) -> Array2<f64> {
        let p = self.ncols();
        let x = self.view();
        let acc = fold_row_ranges(
            self.nrows(),
            p,
            elem_bytes::<F>(),
            || Array2::<F>::zeros((p, p)),
            |mut acc, range| {
                let rows = x.slice(s![range.clone(), ..]);
                let wr = w.slice(s![range]);
                // One GEMM per row range: X_r^T (diag(w_r) X_r).
                let scaled = &rows * &wr.insert_axis(Axis(1));
                acc = acc + rows.t().dot(&scaled);
                acc
            },
            |a, b| a + b,
        );
        acc.mapv(F::as_f64)
    }

    fn glm_weights(&self, family: GlmFamily, eta: &Array1<F>) -> Array1<F> {
        crate::pass::glm_weights(family, eta)
    }

    fn glm_residuals(&self, family: GlmFamily, y: &Array1<F>, eta: &Array1<F>) -> Array1<F> {
        crate::pass::glm_residuals(family, y, eta)
    }

    fn blocks(&self) -> Vec<&Self> {
        vec![self]
    }

    fn vector_blocks<'v>(&self, v: &'v Array1<F>) -> Vec<&'v Array1<F>> {
        vec![v]
    }

    // Clustering: GEMM on row blocks, fused argmin and sums (dense_cluster.rs).
    fn row_sq_norms(&self) -> Array1<F> {
        crate::dense_cluster::row_sq_norms(self)
    }

    fn rows_to_host(&self, rows: &[usize]) -> Result<Array2<f64>, ArrayError> {
        crate::dense_cluster::rows_to_host(self, rows)
    }

    fn sq_distances(&self, points: ArrayView2<f64>, floor: Option<&Array1<F>>) -> Vec<Array1<F>> {
        crate::dense_cluster::sq_distances(self, points, floor)
    }

    fn nearest_center(&self, centers: ArrayView2<f64>) -> Nearest<Array1<F>> {
        crate::dense_cluster::nearest_center(self, centers)
    }

    fn kmeans_step(&self, centers: ArrayView2<f64>, labels: &mut Array1<F>) -> KMeansStep {
        crate::dense_cluster::kmeans_step(self, centers, labels)
    }

    fn block_product(&self, v: &Array2<F>) -> Array2<F> {
        crate::dense_cluster::block_product(self, v)
    }

    fn diagonal_from(&self, first_col: usize) -> Array1<F> {
        (0..self.nrows())
            .map(|i| {
                if first_col + i < self.ncols() {
                    self[[i, first_col + i]]
                } else {
                    F::zero()
                }
            })
            .collect()
    }

    fn glm_loss_grad(&self, family: GlmFamily, y: &Array1<F>, lin: Linear<'_>) -> GlmLossGrad {
        dense_glm_pass::<F, true>(self.view(), family, y, lin)
    }

    /// The fused pass multiplies every element into its row's `eta`.
    fn glm_loss_grad_checked(
        &self,
        family: GlmFamily,
        y: &Array1<F>,
        lin: Linear<'_>,
    ) -> Option<GlmLossGrad> {
        finite_from_pass(self, family, y, lin)
    }

    fn glm_loss(&self, family: GlmFamily, y: &Array1<F>, lin: Linear<'_>) -> f64 {
        dense_glm_pass::<F, false>(self.view(), family, y, lin).loss
    }
}

/// `row . coef` for a row that may or may not be contiguous.
#[inline(always)]
fn row_dot<F: Float>(row: ArrayView1<F>, coef: ArrayView1<F>) -> F {
    match (row.as_slice(), coef.as_slice()) {
        (Some(r), Some(c)) => dot(r, c),
        _ => row.dot(&coef),
    }
}

/// `acc += alpha * row` for a row that may or may not be contiguous.
#[inline(always)]
fn row_axpy<F: Float>(alpha: F, row: ArrayView1<F>, acc: &mut [F]) {
    match row.as_slice() {
        Some(r) => axpy(alpha, r, acc),
        None => {
            for (a, &x) in acc.iter_mut().zip(row.iter()) {
                *a = *a + alpha * x;
            }
        }
    }
}
