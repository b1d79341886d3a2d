//! `--array` / `--arrays`: which array type the data is held in.

use super::Listed;
use crate::input::Design;
use clap::builder::PossibleValue;
use std::fmt;
use std::str::FromStr;

/// Which array type the data is held in during a fit or prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArraySpec {
    /// `ndarray::Array2` (row-major).
    Dense,
    /// `sprs::CsMat` in CSR layout.
    Sparse,
    /// `Chunked<A>` of row blocks, `A` the input's own storage (dense or CSR);
    /// `None` rows: the default, `ceil(n / (2 * threads))`, at least 1000.
    Chunked(Option<usize>),
    /// The x file mapped from disk, not loaded (`.npy` or a CSR folder), in row
    /// blocks of the given rows (`None`: about 32 MiB each).
    Mmap(Option<usize>),
    /// `Distributed` rows over the processes of an MPI job (feature `mpi`; run under
    /// `mpirun`): each process reads its own rows (`cli/src/mpi/`).
    Mpi,
}

impl ArraySpec {
    /// The array type's name in tables and JSON: `dense`, `sparse`, `chunked`.
    pub fn name(self) -> &'static str {
        match self {
            ArraySpec::Dense => "dense",
            ArraySpec::Sparse => "sparse",
            ArraySpec::Chunked(_) => "chunked",
            ArraySpec::Mmap(_) => "mmap",
            ArraySpec::Mpi => "mpi",
        }
    }

    /// The array type a command runs on: `given` (`--array`), else the input's own
    /// storage; `chunked` without ROWS gets the default rows, so the rows are known
    /// (and reported) before any array is built.
    pub(crate) fn resolve(given: Option<ArraySpec>, x: &Design) -> ArraySpec {
        let n = x.shape().0;
        match given {
            Some(ArraySpec::Chunked(None)) => ArraySpec::Chunked(Some(default_chunk_rows(n))),
            // More rows per chunk than x has is one chunk of all of them: say so.
            Some(ArraySpec::Chunked(Some(rows))) => ArraySpec::Chunked(Some(rows.min(n.max(1)))),
            Some(spec) => spec,
            None => match x {
                Design::Dense(_) => ArraySpec::Dense,
                Design::Sparse(_) => ArraySpec::Sparse,
                Design::Mapped(_) => ArraySpec::Mmap(None),
            },
        }
    }

    /// Rows per chunk, for a chunked array.
    pub fn chunk_rows(self) -> Option<usize> {
        match self {
            ArraySpec::Chunked(rows) | ArraySpec::Mmap(rows) => rows,
            _ => None,
        }
    }

    /// The value parser of `--array` and `--arrays`.
    pub(crate) fn parser() -> Listed<ArraySpec> {
        Listed::new(|s| s.parse(), possible_arrays)
    }
}

fn possible_arrays() -> Vec<PossibleValue> {
    vec![
        PossibleValue::new("dense").help("ndarray::Array2, row-major"),
        PossibleValue::new("sparse").help("sprs CSR matrix"),
        PossibleValue::new("chunked").help(
            "row blocks of the input's storage, processed in parallel; \
             ceil(n / (2 * threads)) rows each, at least 1000",
        ),
        PossibleValue::new("chunked:ROWS").help("row blocks of ROWS rows"),
        PossibleValue::new("mmap").help(
            "map x from disk instead of loading it (.npy, or a CSR folder written by \
             duckml convert); row blocks of about 32 MiB",
        ),
        PossibleValue::new("mmap:ROWS").help("mapped, in row blocks of ROWS rows"),
        PossibleValue::new("mpi").help(
            "rows spread over the processes of an MPI job (run under mpirun; each process \
             reads its own rows; needs a build with --features mpi)",
        ),
    ]
}

impl fmt::Display for ArraySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArraySpec::Chunked(Some(rows)) => write!(f, "chunked:{rows}"),
            ArraySpec::Mmap(Some(rows)) => write!(f, "mmap:{rows}"),
            other => f.write_str(other.name()),
        }
    }
}

impl FromStr for ArraySpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "unknown array type '{s}' (expected dense, sparse, chunked, chunked:ROWS, mmap \
                 or mmap:ROWS)"
            )
        };
        match s.to_ascii_lowercase().as_str() {
            "dense" => Ok(ArraySpec::Dense),
            "sparse" | "csr" => Ok(ArraySpec::Sparse),
            "chunked" => Ok(ArraySpec::Chunked(None)),
            "mmap" => Ok(ArraySpec::Mmap(None)),
            "mpi" if cfg!(feature = "mpi") => Ok(ArraySpec::Mpi),
            "mpi" => Err("--array mpi needs a duckml built with --features mpi".into()),
            other => {
                let (make, rows): (fn(Option<usize>) -> ArraySpec, _) =
                    match other.strip_prefix("mmap:") {
                        Some(rows) => (ArraySpec::Mmap, rows),
                        None => (
                            ArraySpec::Chunked,
                            other.strip_prefix("chunked:").ok_or_else(bad)?,
                        ),
                    };
                match rows.parse::<usize>() {
                    Ok(r) if r > 0 => Ok(make(Some(r))),
                    _ => Err(format!(
                        "bad chunk size in '{s}': ROWS must be a positive integer"
                    )),
                }
            }
        }
    }
}

/// serde for a list of array types under their names (`dense`, `sparse`, `chunked`;
/// chunk rows are not kept), for `#[serde(with = "crate::flags::array_names")]`.
pub mod array_names {
    use super::ArraySpec;
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the names.
    pub fn serialize<S: Serializer>(arrays: &[ArraySpec], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(arrays.iter().map(|a| a.name()))
    }

    /// Reads the names (any value `--array` takes).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ArraySpec>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| s.parse().map_err(D::Error::custom))
            .collect()
    }
}

/// Rows per chunk when none is given: enough chunks to keep every core busy twice
/// over (`ceil(n / (2 * threads))`), at least 1000 rows (dask's advice: chunks large
/// enough that the per-chunk overhead does not dominate).
pub fn default_chunk_rows(n: usize) -> usize {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    n.div_ceil(2 * threads).max(1000).min(n.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn array_specs_parse_and_print() {
        assert_eq!("dense".parse(), Ok(ArraySpec::Dense));
        assert_eq!("Sparse".parse(), Ok(ArraySpec::Sparse));
        assert_eq!("chunked".parse(), Ok(ArraySpec::Chunked(None)));
        assert_eq!("chunked:500".parse(), Ok(ArraySpec::Chunked(Some(500))));
        assert!("chunked:0".parse::<ArraySpec>().is_err());
        assert!("gpu".parse::<ArraySpec>().is_err());
        assert_eq!(ArraySpec::Chunked(Some(7)).to_string(), "chunked:7");
        assert_eq!(ArraySpec::Chunked(Some(7)).name(), "chunked");
        assert_eq!("mmap".parse(), Ok(ArraySpec::Mmap(None)));
        assert_eq!("mmap:64".parse(), Ok(ArraySpec::Mmap(Some(64))));
        assert!("mmap:0".parse::<ArraySpec>().is_err());
        assert_eq!(ArraySpec::Mmap(Some(64)).to_string(), "mmap:64");
    }

    #[test]
    fn every_listed_value_parses() {
        for v in possible_arrays() {
            let text = v.get_name().replace("ROWS", "10");
            if text == "mpi" && !cfg!(feature = "mpi") {
                assert!(text.parse::<ArraySpec>().is_err());
                continue;
            }
            assert!(text.parse::<ArraySpec>().is_ok(), "{text}");
        }
    }

    #[test]
    fn resolve_defaults_to_the_input_storage_and_fills_chunk_rows() {
        let x = Design::Dense(Array2::zeros((10, 2)));
        assert_eq!(ArraySpec::resolve(None, &x), ArraySpec::Dense);
        let csr = sprs::CsMat::csr_from_dense(Array2::<f64>::zeros((10, 2)).view(), 0.0);
        assert_eq!(
            ArraySpec::resolve(None, &Design::Sparse(csr)),
            ArraySpec::Sparse
        );
        let chunked = ArraySpec::resolve(Some(ArraySpec::Chunked(None)), &x);
        assert_eq!(chunked, ArraySpec::Chunked(Some(default_chunk_rows(10))));
        assert_eq!(chunked.chunk_rows(), Some(10));
        let huge = ArraySpec::resolve(Some(ArraySpec::Chunked(Some(usize::MAX))), &x);
        assert_eq!(huge, ArraySpec::Chunked(Some(10)));
    }

    #[test]
    fn default_chunks_are_at_least_1000_rows_and_at_most_n() {
        assert_eq!(default_chunk_rows(10), 10);
        assert!(default_chunk_rows(100_000) >= 1000);
        assert!(default_chunk_rows(100_000) <= 50_000);
    }
}
