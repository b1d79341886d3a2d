//! Small dense linear algebra on the host (model-sized matrices: Gram matrices of a
//! block, k x k rotations), through nalgebra.

use nalgebra::DMatrix;
use ndarray::Array2;

fn to_na(a: &Array2<f64>) -> DMatrix<f64> {
    DMatrix::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

/// Eigenvalues (ascending) and eigenvectors (columns) of the symmetric part of `a`.
pub(crate) fn sym_eig(a: &Array2<f64>) -> (Vec<f64>, Array2<f64>) {
    let sym = (a + &a.t()) * 0.5;
    let e = nalgebra::SymmetricEigen::new(to_na(&sym));
    let mut order: Vec<usize> = (0..e.eigenvalues.len()).collect();
    order.sort_by(|&i, &j| e.eigenvalues[i].total_cmp(&e.eigenvalues[j]));
    let vals = order.iter().map(|&i| e.eigenvalues[i]).collect();
    let vecs = Array2::from_shape_fn((a.nrows(), order.len()), |(r, c)| {
        e.eigenvectors[(r, order[c])]
    });
    (vals, vecs)
}

/// `a = U diag(s) V^T` with singular values descending: `(U, s, V^T)`.
pub(crate) fn svd(a: &Array2<f64>) -> (Array2<f64>, Vec<f64>, Array2<f64>) {
    let d = to_na(a).svd(true, true);
    let u = d.u.expect("asked for U");
    let vt = d.v_t.expect("asked for V^T");
    let mut order: Vec<usize> = (0..d.singular_values.len()).collect();
    order.sort_by(|&i, &j| d.singular_values[j].total_cmp(&d.singular_values[i]));
    let s = order.iter().map(|&i| d.singular_values[i]).collect();
    let u = Array2::from_shape_fn((u.nrows(), order.len()), |(r, c)| u[(r, order[c])]);
    let vt = Array2::from_shape_fn((order.len(), vt.ncols()), |(r, c)| vt[(order[r], c)]);
    (u, s, vt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn eig_and_svd_reconstruct_their_matrix() {
        let a = array![[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 1.0]];
        let (vals, vecs) = sym_eig(&a);
        assert!(vals.windows(2).all(|w| w[0] <= w[1]));
        let back = vecs
            .dot(&Array2::from_diag(&ndarray::Array1::from(vals)))
            .dot(&vecs.t());
        assert!((&back - &a).iter().all(|v| v.abs() < 1e-12));
        let b = array![[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]];
        let (u, s, vt) = svd(&b);
        assert!(s[0] >= s[1]);
        let back = u
            .dot(&Array2::from_diag(&ndarray::Array1::from(s)))
            .dot(&vt);
        assert!((&back - &b).iter().all(|v| v.abs() < 1e-12));
    }
}
