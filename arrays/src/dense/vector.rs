//! `Array1` as the sample vector of dense (and sparse) CPU matrices: host arrays, so
//! the selections run directly on their slices.

use crate::contract::{host, SampleVector};
use crate::element::{BinaryOp, ElementCheck, Float, PairReduction, Reduction, UnaryOp};
use ndarray::{Array1, Array2};

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
            Some(v) => host::top_k(v, m),
            None => host::top_k(&self.to_vec(), m),
        }
    }

    fn search_cumulative(&self, targets: &[f64]) -> Vec<usize> {
        match self.as_slice() {
            Some(v) => host::search_cumulative(v, targets),
            None => host::search_cumulative(&self.to_vec(), targets),
        }
    }

    fn bernoulli_indices(&self, scale: f64, seed: u64, first_index: usize) -> Vec<usize> {
        match self.as_slice() {
            Some(v) => host::bernoulli(v, scale, seed, first_index),
            None => host::bernoulli(&self.to_vec(), scale, seed, first_index),
        }
    }
}
