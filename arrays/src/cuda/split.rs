//! Row ranges of `CudaMatrix` on its device, for `Chunked::from_array`.

use super::device::{ok, CudaFloat, Lane};
use super::matrix::CudaMatrix;
use crate::contract::SplitRows;
use std::sync::Arc;

impl<F: CudaFloat> SplitRows for CudaMatrix<F> {
    /// Copies rows `start..end` to a new matrix on the same device with its own stream
    /// (so `Chunked::from_array` gives independent streams too).
    fn row_range(&self, start: usize, end: usize) -> Self {
        let (n, p) = (self.n_rows, self.n_cols);
        assert!(
            start <= end && end <= n,
            "row range {start}..{end} of {n} rows"
        );
        let rb = end - start;
        let lane = ok(Lane::new::<F>(self.lane.ordinal()), "creating a stream");
        let mut out = lane.alloc::<F>(rb * p);
        if rb > 0 {
            for j in 0..p {
                let src = self.data.slice(start + j * n..end + j * n);
                let mut dst = out.slice_mut(j * rb..(j + 1) * rb);
                ok(lane.stream.memcpy_dtod(&src, &mut dst), "device copy");
            }
        }
        CudaMatrix {
            data: Arc::new(out),
            n_rows: rb,
            n_cols: p,
            lane,
        }
    }

    fn rows_count(&self) -> usize {
        self.n_rows
    }
}
