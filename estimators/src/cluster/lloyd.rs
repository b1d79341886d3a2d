//! Lloyd's iterations, as scikit-learn's `_kmeans_single_lloyd`: one fused
//! assign-and-accumulate pass per iteration, the centre update and empty-cluster
//! relocation on the host, and a final assignment to the final centres.

use crate::error::Result;
use duckml_arrays::{DataMatrix, Float, KMeansStep, SampleVector};
use ndarray::{Array1, Array2};

/// One run's outcome; the labels are still beside the data.
pub(crate) struct Run<V> {
    pub(crate) centers: Array2<f64>,
    pub(crate) labels: V,
    pub(crate) inertia: f64,
    pub(crate) n_iter: usize,
    pub(crate) converged: bool,
}

/// Lloyd from `centers` until the labels stop changing, the total squared centre
/// shift is at most `tol` (absolute), or `max_iter` iterations.
pub(crate) fn lloyd<F: Float, X: DataMatrix<F>>(
    x: &X,
    mut centers: Array2<f64>,
    max_iter: usize,
    tol: f64,
) -> Result<Run<X::Vector>> {
    // -1: no row has a label yet, so the first pass changes every one.
    let mut labels = x.vector_from_host(Array1::from_elem(x.n_rows(), F::of(-1.0)).view())?;
    let mut converged = false;
    let mut strict = false;
    let mut inertia = f64::NAN;
    let mut n_iter = 0;
    for it in 0..max_iter {
        let step = x.kmeans_step(centers.view(), &mut labels);
        let new = update_centers(x, &centers, step.clone())?;
        let shift: f64 = (&new - &centers).mapv(|v| v * v).sum();
        centers = new;
        n_iter = it + 1;
        if step.n_changed == 0 {
            // Same labels as the previous pass: the centres did not move either.
            strict = true;
            converged = true;
            inertia = step.inertia;
            break;
        }
        if shift <= tol {
            converged = true;
            break;
        }
    }
    if !strict {
        // Labels and inertia for the final centres.
        inertia = x.kmeans_step(centers.view(), &mut labels).inertia;
    }
    Ok(Run {
        centers,
        labels,
        inertia,
        n_iter,
        converged,
    })
}

/// New centres `sums / counts`; an empty cluster takes the row farthest from its
/// centre (scikit-learn's `_relocate_empty_clusters`: the `m` farthest rows for `m`
/// empty clusters, each removed from the cluster it was in).
fn update_centers<F: Float, X: DataMatrix<F>>(
    x: &X,
    old: &Array2<f64>,
    mut step: KMeansStep,
) -> Result<Array2<f64>> {
    let empty: Vec<usize> = (0..step.counts.len())
        .filter(|&j| step.counts[j] == 0)
        .collect();
    if !empty.is_empty() {
        let near = x.nearest_center(old.view());
        let far = near.sq_dist.top_k(empty.len());
        let ids: Vec<usize> = far.iter().map(|&(i, _)| i).collect();
        let rows = x.rows_to_host(&ids)?;
        for (&new_id, row) in empty.iter().zip(rows.rows()) {
            // The cluster the row was in: its nearest old centre (computed on the host).
            let d: Vec<f64> = old
                .rows()
                .into_iter()
                .map(|c| c.iter().zip(&row).map(|(a, b)| (a - b) * (a - b)).sum())
                .collect();
            let from = super::init::first_min(&d);
            if step.counts[from] > 1 {
                step.sums.row_mut(from).scaled_add(-1.0, &row);
                step.counts[from] -= 1;
            }
            step.sums.row_mut(new_id).assign(&row);
            step.counts[new_id] = 1;
        }
        log::debug!("k-means: relocated {} empty clusters", empty.len());
    }
    let mut centers = step.sums;
    for (mut c, &n) in centers.rows_mut().into_iter().zip(&step.counts) {
        if n > 0 {
            c /= n as f64;
        }
    }
    // A cluster that stayed empty (fewer distinct rows than clusters) keeps its centre.
    for (j, &n) in step.counts.iter().enumerate() {
        if n == 0 {
            centers.row_mut(j).assign(&old.row(j));
        }
    }
    Ok(centers)
}
