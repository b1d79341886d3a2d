//! Splitting a matrix into row ranges: what [`Chunked::from_array`](crate::Chunked::from_array)
//! needs from the array it splits.

/// Array types that can be split into row chunks.
pub trait SplitRows: Sized {
    /// Copies rows `start..end` into a new array.
    fn row_range(&self, start: usize, end: usize) -> Self;
    /// Number of rows.
    fn rows_count(&self) -> usize;
}
