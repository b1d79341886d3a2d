//! The observer a GLM builder hands to the solver driver.

use duckml_solvers::{LogObserver, Observer};
use std::fmt;
use std::sync::Arc;

/// An observer shared by a builder and its clones. `Send + Sync` so that a builder
/// stays sendable between threads.
#[derive(Clone)]
pub(super) struct SharedObserver(pub(super) Arc<dyn Observer + Send + Sync>);

impl SharedObserver {
    /// The observer to run with: the shared one, else the default log traces.
    pub(super) fn or_default(this: &Option<SharedObserver>) -> &dyn Observer {
        match this {
            Some(shared) => &*shared.0,
            None => &LogObserver,
        }
    }
}

// By hand: `dyn Observer` has neither `Debug` nor `PartialEq`, and the builder derives
// both.
impl fmt::Debug for SharedObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedObserver(..)")
    }
}

/// Two builders observe alike when they share the same observer.
impl PartialEq for SharedObserver {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
