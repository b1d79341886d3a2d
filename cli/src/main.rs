//! The `duckml` command line: fit and predict GLMs on files, k-means, a solver
//! benchmark with plots and peer comparison, and the synthetic data sets.
//!
//! ```text
//! duckml fit --model logistic --solver lbfgs --x x.npy --y y.npy --save model.json
//! duckml predict --model model.json --x x_test.npy --proba
//! duckml bench --quick --out bench-results
//! duckml datasets --out data --n 100000
//! ```
//!
//! Run `duckml <command> --help` for every option. Exit status: 0 on success, 2 for a
//! usage error, 1 for bad input files or a failed fit (one `error: ...` line on stderr,
//! nothing on stdout).

fn main() {
    std::process::exit(duckml_cli::main());
}
