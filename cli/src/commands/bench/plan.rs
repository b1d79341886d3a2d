//! The benchmark's grid ([`BenchGrid`], a schema type: `results.json` records it),
//! resolved from its options, and what it implies: which data sets each size needs,
//! which array types run on them, chunk rows and penalties.

use super::args::BenchArgs;
use crate::error::CliError;
use crate::flags::{default_chunk_rows, ArraySpec, ModelKind};
use crate::schema::BenchGrid;
use crate::synthetic::{check_data_memory, DataKind};
use duckml::solvers::SolverChoice;

impl BenchGrid {
    /// The grid `a` asks for, and notices about what was left out of it.
    pub(crate) fn from_args(a: &BenchArgs) -> Result<(BenchGrid, Vec<String>), CliError> {
        let mut notices = Vec::new();
        let has_l1 = a.l1_ratio > 0.0 && a.alpha.is_none_or(|x| x > 0.0);
        let mut solvers = if a.solvers.is_empty() {
            SolverChoice::ALL.to_vec()
        } else {
            a.solvers.clone()
        };
        solvers.dedup();
        if has_l1 {
            let before = solvers.len();
            solvers.retain(|s| s.handles_l1());
            if solvers.len() < before {
                notices.push("an L1 term: only proximal and admm are run".to_string());
            }
            if solvers.is_empty() {
                return Err(CliError::Usage(
                    "no chosen solver handles an L1 penalty (use proximal or admm)".into(),
                ));
            }
        }
        let mut ns = if !a.n.is_empty() {
            a.n.clone()
        } else if a.quick {
            vec![1_000, 10_000, 100_000]
        } else {
            vec![1_000, 10_000, 100_000, 1_000_000]
        };
        if let Some(max) = a.max_n {
            ns.retain(|&n| n <= max);
        }
        ns.sort_unstable();
        ns.dedup();
        if ns.is_empty() || ns[0] == 0 {
            return Err(CliError::Usage(
                "no sample sizes left to run (check --n and --max-n)".into(),
            ));
        }
        let mut arrays: Vec<ArraySpec> = Vec::new();
        for s in &a.arrays {
            if !arrays.iter().any(|x| x.name() == s.name()) {
                arrays.push(*s);
            }
        }
        if a.model == ModelKind::Poisson && arrays.contains(&ArraySpec::Sparse) {
            arrays.retain(|s| *s != ArraySpec::Sparse);
            notices.push("no sparse Poisson data generator: sparse arrays left out".into());
        }
        if arrays.is_empty() {
            return Err(CliError::Usage("no array types left to run".into()));
        }
        let p = a.p;
        let nnz_per_row = a.nnz_per_row.unwrap_or(p.min(10));
        if p == 0 || nnz_per_row == 0 || nnz_per_row > p {
            return Err(CliError::Usage(format!(
                "need p >= 1 and 1 <= --nnz-per-row <= p (got p = {p}, nnz-per-row = {nnz_per_row})"
            )));
        }
        let chunk_rows = a.chunk_rows.or(arrays.iter().find_map(|s| s.chunk_rows()));
        let grid = BenchGrid {
            model: a.model,
            solvers,
            arrays,
            ns,
            p,
            nnz_per_row,
            alpha: a.alpha,
            l1_ratio: a.l1_ratio,
            tol: a.tol,
            max_iter: a.max_iter as usize,
            repeats: a.repeats as usize,
            budget: a.budget.unwrap_or(if a.quick { 2.0 } else { 60.0 }),
            chunk_rows,
            dtype: a.dtype,
            seed: a.seed,
        };
        grid.check_memory()?;
        Ok((grid, notices))
    }

    /// Refuses a grid whose largest data set would not fit in memory, before any is
    /// generated (the largest size comes last, after every smaller size has run).
    fn check_memory(&self) -> Result<(), CliError> {
        let n = self.ns.last().copied().unwrap_or(0) as u64;
        for kind in self.data_kinds() {
            check_data_memory(kind, n, self.p as u64, self.nnz_per_row as u64, 0)?;
        }
        Ok(())
    }

    /// Rows per chunk of the chunked arrays at size `n`.
    pub(crate) fn chunk_rows_for(&self, n: usize) -> usize {
        self.chunk_rows
            .unwrap_or_else(|| default_chunk_rows(n))
            .min(n)
    }

    /// The penalty at size `n`.
    pub(crate) fn alpha_for(&self, n: usize) -> f64 {
        self.alpha.unwrap_or_else(|| self.model.default_alpha(n))
    }

    /// The data sets each size needs: dense for the dense and chunked arrays, sparse
    /// for the sparse ones.
    pub(crate) fn data_kinds(&self) -> Vec<DataKind> {
        let mut kinds = Vec::new();
        if self.arrays.iter().any(|s| *s != ArraySpec::Sparse) {
            kinds.push(DataKind::Dense);
        }
        if self.arrays.contains(&ArraySpec::Sparse) {
            kinds.push(DataKind::Sparse);
        }
        kinds
    }

    /// The array types that run on data set `kind`.
    pub(crate) fn arrays_on(&self, kind: DataKind) -> Vec<ArraySpec> {
        self.arrays
            .iter()
            .copied()
            .filter(|s| (*s == ArraySpec::Sparse) == (kind == DataKind::Sparse))
            .collect()
    }

    /// The penalty in words, for titles.
    pub(crate) fn penalty_text(&self) -> String {
        let alpha = match self.alpha {
            Some(a) => format!("alpha = {a:e}"),
            None => match self.model {
                ModelKind::Logistic => "alpha = 1/n (scikit-learn's C = 1)".into(),
                ModelKind::Poisson => "alpha = 1".into(),
                ModelKind::Linear => "alpha = 0".into(),
            },
        };
        let kind = if self.l1_ratio == 0.0 {
            "L2".to_string()
        } else if self.l1_ratio == 1.0 {
            "L1".to_string()
        } else {
            format!("elastic net (l1_ratio = {})", self.l1_ratio)
        };
        format!("{kind}, {alpha}")
    }
}
