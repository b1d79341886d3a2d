//! Label assignment from a spectral embedding: Yu and Shi's discretisation and Damle,
//! Minden and Ying's CPQR (`cluster_qr`), as scikit-learn's `discretize` and
//! `cluster_qr`, over the contract (the embedding stays beside the data; only k x k
//! rotations, k chosen rows and argmin indices reach the host).

use super::small::svd;
use crate::error::Result;
use duckml_arrays::{BinaryOp, Float, SampleBlock, SampleVector, UnaryOp};
use ndarray::{Array1, Array2};
use rand::rngs::StdRng;
use rand::Rng;

fn column_matrix(v: &Array1<f64>) -> Array2<f64> {
    v.clone().insert_axis(ndarray::Axis(1))
}

/// Index of the smallest element (first on ties).
fn argmin<F: Float, V: SampleVector<F>>(v: &V) -> usize {
    v.map(UnaryOp::Affine {
        scale: -1.0,
        shift: 0.0,
    })
    .top_k(1)[0]
        .0
}

/// scikit-learn's `discretize(vectors, max_svd_restarts=30, n_iter_max=20)`.
pub(crate) fn discretize<F: Float, C: SampleBlock<F>>(
    vectors: &C,
    rng: &mut StdRng,
) -> Result<C::Vector> {
    let (n, k) = (vectors.n_rows(), vectors.n_cols());
    // Columns scaled to norm sqrt(n), pointing away from the first row's sign.
    let g = vectors.gram(vectors);
    let first = vectors.rows_to_host(&[0])?;
    let mut scale = Array2::<f64>::zeros((k, k));
    for j in 0..k {
        let norm = g[[j, j]].sqrt();
        let sign = if first[[0, j]] != 0.0 {
            -first[[0, j]].signum()
        } else {
            1.0
        };
        scale[[j, j]] = if norm > 0.0 {
            (n as f64).sqrt() / norm * sign
        } else {
            sign
        };
    }
    let v = vectors.mul_small(scale.view()).normalize_rows();
    let eps = f64::EPSILON;
    let mut labels = v.column(0);
    for _restart in 0..30 {
        let mut rotation = Array2::<f64>::zeros((k, k));
        let r0 = v.rows_to_host(&[rng.gen_range(0..n)])?;
        rotation.column_mut(0).assign(&r0.row(0));
        let mut c = v.column(0).map(UnaryOp::Affine {
            scale: 0.0,
            shift: 0.0,
        });
        for j in 1..k {
            let prev = column_matrix(&rotation.column(j - 1).to_owned());
            let proj = v.mul_small(prev.view()).column(0).map(UnaryOp::Abs);
            c = c.zip_map(&proj, BinaryOp::Add);
            let row = v.rows_to_host(&[argmin(&c)])?;
            rotation.column_mut(j).assign(&row.row(0));
        }
        let mut last = 0.0;
        let mut n_iter = 0;
        loop {
            n_iter += 1;
            // argmax_j (v . r_j) over unit columns r_j is the nearest of the points
            // r_j: one fused pass gives the labels and vectors_discrete^T v.
            let centres = rotation.t().to_owned();
            let step = v.kmeans_step(centres.view(), &mut labels);
            let (u, s, vt) = svd(&step.sums);
            if s.iter().any(|x| !x.is_finite()) {
                break; // randomise and restart, as scikit-learn does on an SVD failure
            }
            let ncut = 2.0 * (n as f64 - s.iter().sum::<f64>());
            if (ncut - last).abs() < eps || n_iter > 20 {
                return Ok(labels);
            }
            last = ncut;
            rotation = vt.t().dot(&u.t());
        }
    }
    Ok(labels)
}

/// scikit-learn's `cluster_qr`: the k rows picked by QR with column pivoting of
/// `vectors^T` (greedy largest residual norm), an orthogonal rotation from their SVD,
/// and per row the largest absolute rotated coordinate.
pub(crate) fn cluster_qr<F: Float, C: SampleBlock<F>>(vectors: &C) -> Result<C::Vector> {
    let k = vectors.n_cols();
    let mut norms = vectors.row_sq_norms();
    let mut basis: Vec<Array1<f64>> = Vec::with_capacity(k);
    let mut piv = Vec::with_capacity(k);
    for _ in 0..k {
        let i = norms.top_k(1)[0].0;
        piv.push(i);
        let row = vectors.rows_to_host(&[i])?.row(0).to_owned();
        let mut q = row.clone();
        for _ in 0..2 {
            for b in &basis {
                let d = q.dot(b);
                q.scaled_add(-d, b);
            }
        }
        let nq = q.dot(&q).sqrt();
        if nq == 0.0 {
            break;
        }
        q /= nq;
        let proj = vectors.mul_small(column_matrix(&q).view()).column(0);
        let sq = proj.zip_map(&proj, BinaryOp::Mul).map(UnaryOp::Affine {
            scale: -1.0,
            shift: 0.0,
        });
        norms = norms.zip_map(&sq, BinaryOp::Add);
        basis.push(q);
    }
    let m = vectors.rows_to_host(&piv)?.t().to_owned();
    let (u, _, vt) = svd(&m);
    let rot = u.dot(&vt);
    Ok(vectors.mul_small(rot.view()).argmax_abs_rows())
}
