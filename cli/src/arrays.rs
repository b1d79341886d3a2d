//! Building the array type the user asked for, then handing it to code written once
//! over the array contract. This is the only place that names the array types.

use super::input::Design;
use super::CliError;
use clap::ValueEnum;
use duckml::arrays::{Chunked, DataMatrix, Float};
use ndarray::{Array1, Array2};
use sprs::CsMat;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// Which array type the data is held in during the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArraySpec {
    /// `ndarray::Array2` (row-major).
    Dense,
    /// `sprs::CsMat` in CSR layout.
    Sparse,
    /// `Chunked<A>` of row blocks, `A` the input's own storage (dense or CSR);
    /// `None` rows: [`default_chunk_rows`].
    Chunked(Option<usize>),
}

impl ArraySpec {
    /// The array type's name in tables: `dense`, `sparse`, `chunked`.
    pub fn name(self) -> &'static str {
        match self {
            ArraySpec::Dense => "dense",
            ArraySpec::Sparse => "sparse",
            ArraySpec::Chunked(_) => "chunked",
        }
    }
}

impl fmt::Display for ArraySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArraySpec::Chunked(Some(rows)) => write!(f, "chunked:{rows}"),
            other => f.write_str(other.name()),
        }
    }
}

impl FromStr for ArraySpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("unknown array type '{s}' (expected dense, sparse, chunked or chunked:ROWS)")
        };
        match s.to_ascii_lowercase().as_str() {
            "dense" => Ok(ArraySpec::Dense),
            "sparse" | "csr" => Ok(ArraySpec::Sparse),
            "chunked" => Ok(ArraySpec::Chunked(None)),
            other => {
                let rows = other.strip_prefix("chunked:").ok_or_else(bad)?;
                match rows.parse::<usize>() {
                    Ok(r) if r > 0 => Ok(ArraySpec::Chunked(Some(r))),
                    _ => Err(format!(
                        "bad chunk size in '{s}': ROWS must be a positive integer"
                    )),
                }
            }
        }
    }
}

/// Rows per chunk when none is given: enough chunks to keep every core busy twice
/// over (`ceil(n / (2 * threads))`), at least 1000 rows (dask's advice: chunks large
/// enough that the per-chunk overhead does not dominate).
pub fn default_chunk_rows(n: usize) -> usize {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    n.div_ceil(2 * threads).max(1000).min(n.max(1))
}

/// The element type the data is held in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dtype {
    /// Double precision.
    F64,
    /// Single precision (the solvers still work in double precision).
    F32,
}

impl Dtype {
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F64 => "f64",
            Dtype::F32 => "f32",
        }
    }
}

/// Element types the command line can hold data in: converts the loaders' `f64` data,
/// borrowing it when no conversion is needed.
pub trait CliFloat: Float {
    fn dense(x: &Array2<f64>) -> Cow<'_, Array2<Self>>;
    fn sparse(x: &CsMat<f64>) -> Cow<'_, CsMat<Self>>;
    fn vector(y: &Array1<f64>) -> Cow<'_, Array1<Self>>;
}

impl CliFloat for f64 {
    fn dense(x: &Array2<f64>) -> Cow<'_, Array2<f64>> {
        Cow::Borrowed(x)
    }
    fn sparse(x: &CsMat<f64>) -> Cow<'_, CsMat<f64>> {
        Cow::Borrowed(x)
    }
    fn vector(y: &Array1<f64>) -> Cow<'_, Array1<f64>> {
        Cow::Borrowed(y)
    }
}

impl CliFloat for f32 {
    fn dense(x: &Array2<f64>) -> Cow<'_, Array2<f32>> {
        Cow::Owned(x.mapv(|v| v as f32))
    }
    fn sparse(x: &CsMat<f64>) -> Cow<'_, CsMat<f32>> {
        Cow::Owned(x.map(|&v| v as f32))
    }
    fn vector(y: &Array1<f64>) -> Cow<'_, Array1<f32>> {
        Cow::Owned(y.mapv(|v| v as f32))
    }
}

/// Work written once over the array contract, run on whichever array type was built.
pub trait ArrayTask<F: Float> {
    type Output;
    /// `y` is the targets beside `x` (when the task was given any).
    fn run<X: DataMatrix<F>>(
        &mut self,
        x: &X,
        y: Option<&X::Vector>,
    ) -> Result<Self::Output, CliError>;
}

/// Builds `spec`'s array type from `x` (and the matching vector from `y`) and runs the
/// task on it. Conversions (dense <-> CSR, chunking, f32) happen here, before any
/// timing the task does.
pub fn with_array<F: CliFloat, T: ArrayTask<F>>(
    x: &Design,
    y: Option<&Array1<f64>>,
    spec: ArraySpec,
    task: &mut T,
) -> Result<T::Output, CliError> {
    let y = y.map(|y| F::vector(y));
    let y = y.as_deref();
    match (spec, x) {
        (ArraySpec::Dense, Design::Dense(x)) => task.run(F::dense(x).as_ref(), y),
        (ArraySpec::Dense, Design::Sparse(x)) => task.run(&F::sparse(x).to_dense(), y),
        (ArraySpec::Sparse, Design::Dense(x)) => {
            let csr = CsMat::csr_from_dense(x.view(), 0.0);
            task.run(F::sparse(&csr).as_ref(), y)
        }
        (ArraySpec::Sparse, Design::Sparse(x)) => task.run(F::sparse(x).as_ref(), y),
        (ArraySpec::Chunked(rows), Design::Dense(x)) => {
            let rows = rows.unwrap_or_else(|| default_chunk_rows(x.nrows()));
            let chunked = Chunked::from_array(F::dense(x).as_ref(), rows)?;
            run_chunked(&chunked, y, task)
        }
        (ArraySpec::Chunked(rows), Design::Sparse(x)) => {
            let rows = rows.unwrap_or_else(|| default_chunk_rows(x.rows()));
            let chunked = Chunked::from_array(F::sparse(x).as_ref(), rows)?;
            run_chunked(&chunked, y, task)
        }
    }
}

/// A chunked matrix needs its `y` split the same way.
fn run_chunked<F: Float, A, T: ArrayTask<F>>(
    x: &Chunked<A>,
    y: Option<&Array1<F>>,
    task: &mut T,
) -> Result<T::Output, CliError>
where
    Chunked<A>: DataMatrix<F>,
{
    let y = y.map(|y| x.vector_from_host(y.view())).transpose()?;
    task.run(x, y.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn default_chunks_are_at_least_1000_rows_and_at_most_n() {
        assert_eq!(default_chunk_rows(10), 10);
        assert!(default_chunk_rows(100_000) >= 1000);
        assert!(default_chunk_rows(100_000) <= 50_000);
    }
}
