//! One module per subcommand: its options (a clap `Args` struct) and its `run`.

pub mod bench;
pub mod convert;
pub mod datasets;
pub mod fit;
pub mod kmeans;
pub mod predict;
