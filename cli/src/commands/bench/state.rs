//! What a benchmark run has gathered so far.

use super::budget::Budget;
use super::progress::Progress;
use crate::schema::{Row, Trace};

/// The rows and traces measured so far (duckml's and the peers'), each solver's last
/// time for the budget, and the progress display.
pub struct State {
    /// One row per fit, skipped or failed ones included.
    pub rows: Vec<Row>,
    /// The objective per iteration of duckml's fits.
    pub traces: Vec<Trace>,
    /// Each (array type, solver)'s last time.
    pub budget: Budget,
    /// The bar or log lines.
    pub progress: Progress,
}
