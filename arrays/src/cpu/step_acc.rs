//! The per-task accumulator of the CPU backends' fused k-means passes (dense GEMM
//! blocks and CSR rows share it).

use crate::contract::KMeansStep;
use crate::element::Float;
use ndarray::Array2;

/// One task's share of a fused k-means assignment pass on a CPU backend: per-centre
/// sums of the rows (`k x p`, row-major; empty when the pass does not want them),
/// counts, inertia and label changes; merged across tasks, then a [`KMeansStep`].
pub(crate) struct StepAcc {
    sums: Vec<f64>,
    counts: Vec<u64>,
    inertia: f64,
    changed: u64,
    p: usize,
}

impl StepAcc {
    pub(crate) fn new(k: usize, p: usize, with_sums: bool) -> Self {
        StepAcc {
            sums: if with_sums {
                vec![0.0; k * p]
            } else {
                Vec::new()
            },
            counts: vec![0; k],
            inertia: 0.0,
            changed: 0,
            p,
        }
    }

    /// Books a row assigned to centre `j` at squared distance `d`: inertia, count, and
    /// its label (counting a change); `dist` gets `d` when the pass writes distances.
    #[inline(always)]
    pub(crate) fn record<F: Float>(
        &mut self,
        j: usize,
        d: f64,
        label: &mut F,
        dist: Option<&mut F>,
    ) {
        self.inertia += d;
        self.counts[j] += 1;
        let lj = F::of(j as f64);
        if *label != lj {
            self.changed += 1;
            *label = lj;
        }
        if let Some(out) = dist {
            *out = F::of(d);
        }
    }

    /// Centre `j`'s running sum of rows, when the pass keeps sums.
    #[inline(always)]
    pub(crate) fn sum_mut(&mut self, j: usize) -> Option<&mut [f64]> {
        let p = self.p;
        (!self.sums.is_empty()).then(|| &mut self.sums[j * p..(j + 1) * p])
    }

    pub(crate) fn merge(mut self, o: Self) -> Self {
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            *a += b;
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.inertia += o.inertia;
        self.changed += o.changed;
        self
    }

    /// The pass's result; the accumulator must have kept sums.
    pub(crate) fn into_step(self) -> KMeansStep {
        let k = self.counts.len();
        KMeansStep {
            sums: Array2::from_shape_vec((k, self.p), self.sums).expect("k x p sums"),
            counts: self.counts,
            inertia: self.inertia,
            n_changed: self.changed,
        }
    }
}
