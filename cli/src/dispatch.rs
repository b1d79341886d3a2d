//! Building the array type the user asked for, then handing it to code written once
//! over the array contract. This is the only place that names the array types and the
//! element types: commands describe their work as an [`ArrayTask`] and call
//! [`dispatch`] (or [`with_array`] when the work exists for `f64` only).

use crate::error::CliError;
use crate::flags::{default_chunk_rows, ArraySpec, Dtype};
use crate::input::Design;
use crate::mapped::{dtype_mismatch, MappedOf, MappedX};
use crate::memory;
use duckml::arrays::{Chunked, DataMatrix, Float, MapElement, MatrixCore};
use duckml::datasets::{csr_to_f32, matrix_to_f32, vector_to_f32};
use ndarray::{Array1, Array2};
use sprs::CsMat;
use std::borrow::Cow;

/// Element types the command line can hold data in: converts the loaders' `f64` data,
/// borrowing it when no conversion is needed, and reads mapped files of its own type.
/// `name` is where the data came from, for the message when a value does not fit the
/// element type.
pub trait CliFloat: Float + MapElement {
    /// `--dtype`'s name for this type.
    const DTYPE: Dtype;
    /// A dense matrix in this element type.
    fn dense<'a>(x: &'a Array2<f64>, name: &str) -> Result<Cow<'a, Array2<Self>>, CliError>;
    /// A CSR matrix in this element type.
    fn sparse<'a>(x: &'a CsMat<f64>, name: &str) -> Result<Cow<'a, CsMat<Self>>, CliError>;
    /// A host vector in this element type.
    fn vector<'a>(y: &'a Array1<f64>, name: &str) -> Result<Cow<'a, Array1<Self>>, CliError>;
    /// A mapped x, when its file holds this element type.
    fn mapped(x: &MappedX) -> Option<MappedOf<'_, Self>>;
}

impl CliFloat for f64 {
    const DTYPE: Dtype = Dtype::F64;
    fn dense<'a>(x: &'a Array2<f64>, _: &str) -> Result<Cow<'a, Array2<f64>>, CliError> {
        Ok(Cow::Borrowed(x))
    }
    fn sparse<'a>(x: &'a CsMat<f64>, _: &str) -> Result<Cow<'a, CsMat<f64>>, CliError> {
        Ok(Cow::Borrowed(x))
    }
    fn vector<'a>(y: &'a Array1<f64>, _: &str) -> Result<Cow<'a, Array1<f64>>, CliError> {
        Ok(Cow::Borrowed(y))
    }
    fn mapped(x: &MappedX) -> Option<MappedOf<'_, f64>> {
        match x {
            MappedX::DenseF64(m) => Some(MappedOf::Dense(m)),
            MappedX::CsrF64(m) => Some(MappedOf::Csr(m)),
            _ => None,
        }
    }
}

/// A value beyond `f32`'s range is an error naming the file, row and column (and
/// `--dtype f64`), not an infinity that the fit would report as "x contains NaN or
/// infinite values".
impl CliFloat for f32 {
    const DTYPE: Dtype = Dtype::F32;
    fn dense<'a>(x: &'a Array2<f64>, name: &str) -> Result<Cow<'a, Array2<f32>>, CliError> {
        Ok(Cow::Owned(matrix_to_f32(x, name)?))
    }
    fn sparse<'a>(x: &'a CsMat<f64>, name: &str) -> Result<Cow<'a, CsMat<f32>>, CliError> {
        Ok(Cow::Owned(csr_to_f32(x, name)?))
    }
    fn vector<'a>(y: &'a Array1<f64>, name: &str) -> Result<Cow<'a, Array1<f32>>, CliError> {
        Ok(Cow::Owned(vector_to_f32(y, name)?))
    }
    fn mapped(x: &MappedX) -> Option<MappedOf<'_, f32>> {
        match x {
            MappedX::DenseF32(m) => Some(MappedOf::Dense(m)),
            MappedX::CsrF32(m) => Some(MappedOf::Csr(m)),
            _ => None,
        }
    }
}

/// The data a task runs on, with the names of the files it came from.
#[derive(Debug, Clone, Copy)]
pub struct Data<'a> {
    /// The feature matrix.
    pub x: &'a Design,
    /// Where x came from.
    pub x_name: &'a str,
    /// The targets and where they came from.
    pub y: Option<(&'a Array1<f64>, &'a str)>,
}

/// Work written once over the array contract, run on whichever array type was built.
pub trait ArrayTask<F: Float> {
    /// What the work produces.
    type Output;
    /// `y` is the targets beside `x` (when the task was given any).
    fn run<X: DataMatrix<F>>(
        &mut self,
        x: &X,
        y: Option<&X::Vector>,
    ) -> Result<Self::Output, CliError>;
}

/// Runs `task` on `x` (and `y`) held as `spec`'s array type in `dtype`: the `--array`
/// and `--dtype` choice, made here once for every command.
pub fn dispatch<T, O>(
    dtype: Dtype,
    data: Data<'_>,
    spec: ArraySpec,
    task: &mut T,
) -> Result<O, CliError>
where
    T: ArrayTask<f64, Output = O> + ArrayTask<f32, Output = O>,
{
    match dtype {
        Dtype::F64 => with_array::<f64, T>(data, spec, task),
        Dtype::F32 => with_array::<f32, T>(data, spec, task),
    }
}

/// Builds `spec`'s array type in element type `F` from `x` (and the matching vector
/// from `y`) and runs the task on it. Conversions (dense <-> CSR, chunking, f32) happen
/// here, before any timing the task does. A mapped x (`--array mmap`) is used as it
/// is: only its own element type, only as a mapped array.
///
/// # Errors
///
/// A value that does not fit `F` (naming file, row and column); a dense copy of a
/// sparse x that would not fit in memory ([`memory`](crate::memory)); a mapped file of
/// another element type; the task's own.
pub fn with_array<F: CliFloat, T: ArrayTask<F>>(
    data: Data<'_>,
    spec: ArraySpec,
    task: &mut T,
) -> Result<T::Output, CliError> {
    let name = data.x_name;
    let y = data.y.map(|(y, y_name)| F::vector(y, y_name)).transpose()?;
    let y = y.as_deref();
    match (spec, data.x) {
        (ArraySpec::Dense, Design::Dense(x)) => task.run(F::dense(x, name)?.as_ref(), y),
        (ArraySpec::Dense, Design::Sparse(x)) => {
            let (n, p) = x.shape();
            memory::require(
                format!("'{name}' held as a dense {n} x {p} matrix"),
                memory::bytes(&[n as u128, p as u128, std::mem::size_of::<F>() as u128]),
                "use --array sparse or chunked, which keep it sparse",
            )?;
            task.run(&F::sparse(x, name)?.to_dense(), y)
        }
        (ArraySpec::Sparse, Design::Dense(x)) => {
            let csr = CsMat::csr_from_dense(x.view(), 0.0);
            task.run(F::sparse(&csr, name)?.as_ref(), y)
        }
        (ArraySpec::Sparse, Design::Sparse(x)) => task.run(F::sparse(x, name)?.as_ref(), y),
        (ArraySpec::Chunked(rows), Design::Dense(x)) => {
            let rows = rows.unwrap_or_else(|| default_chunk_rows(x.nrows()));
            let chunked = Chunked::from_array(F::dense(x, name)?.as_ref(), rows)?;
            run_chunked(&chunked, y, task)
        }
        (ArraySpec::Chunked(rows), Design::Sparse(x)) => {
            let rows = rows.unwrap_or_else(|| default_chunk_rows(x.rows()));
            let chunked = Chunked::from_array(F::sparse(x, name)?.as_ref(), rows)?;
            run_chunked(&chunked, y, task)
        }
        (ArraySpec::Mmap(_), Design::Mapped(m)) => match F::mapped(m) {
            Some(MappedOf::Dense(x)) => run_chunked(x, y, task),
            Some(MappedOf::Csr(x)) => run_chunked(x, y, task),
            None => Err(dtype_mismatch(m.dtype(), F::DTYPE)),
        },
        // Each process reads its own rows: the commands divert to `crate::mpi` first.
        (ArraySpec::Mpi, _) => Err(CliError::Usage(
            "--array mpi reads each process's rows itself; it is not built from loaded data".into(),
        )),
        (ArraySpec::Mmap(_), _) | (_, Design::Mapped(_)) => Err(CliError::Usage(
            "a mapped x is used as a mapped array only: --array mmap (and the file is \
             loaded for any other --array)"
                .into(),
        )),
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
    use duckml::arrays::SampleVector;

    /// Reports the rows, the element type's size and the sum of `y` it was given.
    struct Probe;

    impl<F: Float> ArrayTask<F> for Probe {
        type Output = (usize, usize, f64);
        fn run<X: DataMatrix<F>>(
            &mut self,
            x: &X,
            y: Option<&X::Vector>,
        ) -> Result<(usize, usize, f64), CliError> {
            let sum = y.map_or(0.0, |y| y.to_host().iter().map(|v| v.as_f64()).sum());
            Ok((x.n_rows(), std::mem::size_of::<F>(), sum))
        }
    }

    #[test]
    fn every_array_and_element_type_sees_the_same_data() {
        let x = Design::Dense(Array2::from_shape_fn((5, 2), |(i, j)| (i + j) as f64));
        let y = Array1::from(vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        for spec in [
            ArraySpec::Dense,
            ArraySpec::Sparse,
            ArraySpec::Chunked(Some(2)),
        ] {
            for (dtype, size) in [(Dtype::F64, 8), (Dtype::F32, 4)] {
                let data = Data {
                    x: &x,
                    x_name: "x",
                    y: Some((&y, "y")),
                };
                let got = dispatch(dtype, data, spec, &mut Probe).unwrap();
                assert_eq!(got, (5, size, 15.0), "{spec} {dtype}");
            }
        }
    }

    #[test]
    fn f32_overflow_names_the_file_the_place_and_the_flag() {
        let x = Design::Dense(Array2::from_shape_fn((3, 2), |(i, j)| {
            if (i, j) == (2, 1) {
                1e39
            } else {
                1.0
            }
        }));
        let y = Array1::from(vec![1.0, 2.0, 3.0]);
        let data = Data {
            x: &x,
            x_name: "big.npy",
            y: Some((&y, "y.npy")),
        };
        for spec in [
            ArraySpec::Dense,
            ArraySpec::Sparse,
            ArraySpec::Chunked(Some(2)),
        ] {
            let e = dispatch(Dtype::F32, data, spec, &mut Probe).unwrap_err();
            assert_eq!(
                e.to_string(),
                "'big.npy' row 2, column 1 (0-based): value 1e39 overflows float32 (its \
                 largest finite value is 3.4028235e38); --dtype f32 cannot hold it: use \
                 --dtype f64",
                "{spec}"
            );
        }
        assert!(dispatch(Dtype::F64, data, ArraySpec::Dense, &mut Probe).is_ok());
        let y = Array1::from(vec![1.0, -1e300, 3.0]);
        let x = Design::Dense(Array2::zeros((3, 2)));
        let data = Data {
            x: &x,
            x_name: "x.npy",
            y: Some((&y, "y.npy")),
        };
        let e = dispatch(Dtype::F32, data, ArraySpec::Dense, &mut Probe).unwrap_err();
        assert!(e.to_string().starts_with("'y.npy' row 1 (0-based)"), "{e}");
    }
}
