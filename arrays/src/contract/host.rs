//! Host algorithms behind the sample vectors' default selections ([`top_k`],
//! [`search_cumulative`], [`bernoulli`]); CPU backends whose vectors are host arrays
//! call them directly on their slices.

use crate::element::{hash_uniform, Float};
use ndarray::Array1;
use std::borrow::Cow;

/// The elements of a host vector as one slice (borrowed when contiguous).
pub fn contiguous<F: Float>(v: &Array1<F>) -> Cow<'_, [F]> {
    match v.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(v.to_vec()),
    }
}

/// The `m` largest values of a host slice with their indices, largest first; ties go
/// to the lower index. NaN values are never selected.
pub fn top_k<F: Float>(v: &[F], m: usize) -> Vec<(usize, f64)> {
    let mut idx: Vec<usize> = (0..v.len()).filter(|&i| !v[i].is_nan()).collect();
    let m = m.min(idx.len());
    if m == 0 {
        return Vec::new();
    }
    let cmp = |a: &usize, b: &usize| v[*b].partial_cmp(&v[*a]).unwrap().then(a.cmp(b));
    if m < idx.len() {
        idx.select_nth_unstable_by(m - 1, cmp);
        idx.truncate(m);
    }
    idx.sort_by(cmp);
    idx.into_iter().map(|i| (i, v[i].as_f64())).collect()
}

/// For each target `t`, the first index whose running sum of `v` exceeds `t` (the last
/// index when none does): sampling proportional to `v` from uniform draws in
/// `[0, sum v)`, as `searchsorted(cumsum(v), t)`.
pub fn search_cumulative<F: Float>(v: &[F], targets: &[f64]) -> Vec<usize> {
    if v.is_empty() {
        return vec![0; targets.len()];
    }
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by(|&a, &b| targets[a].total_cmp(&targets[b]));
    let mut out = vec![v.len() - 1; targets.len()];
    let (mut i, mut cum) = (0usize, 0.0f64);
    for &t in &order {
        while i < v.len() {
            let next = cum + v[i].as_f64();
            if next > targets[t] {
                break;
            }
            cum = next;
            i += 1;
        }
        out[t] = i.min(v.len() - 1);
    }
    out
}

/// Indices `first_index + i` where `hash_uniform(seed, first_index + i) < scale * v_i`.
pub fn bernoulli<F: Float>(v: &[F], scale: f64, seed: u64, first_index: usize) -> Vec<usize> {
    v.iter()
        .enumerate()
        .filter(|(i, &x)| hash_uniform(seed, (first_index + i) as u64) < scale * x.as_f64())
        .map(|(i, _)| first_index + i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_orders_by_value_then_index() {
        let v = [1.0, 5.0, 3.0, 5.0, f64::NAN, 0.0];
        assert_eq!(top_k(&v, 3), vec![(1, 5.0), (3, 5.0), (2, 3.0)]);
        assert_eq!(top_k(&v, 10).len(), 5);
        assert!(top_k(&v, 0).is_empty());
    }

    #[test]
    fn search_cumulative_samples_by_weight() {
        let v = [0.0, 2.0, 0.0, 1.0];
        assert_eq!(
            search_cumulative(&v, &[0.0, 1.9, 2.0, 2.5, 9.0]),
            vec![1, 1, 3, 3, 3]
        );
    }
}
