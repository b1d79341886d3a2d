//! Reading a data set across the processes of an MPI job (feature `mpi`): each process
//! reads only its own rows and wraps them as a [`Distributed`] array. Every step that
//! can fail on one process is agreed on with a collective before any process goes on,
//! so a missing, truncated or mismatched file on one process ends every process with
//! the same error, naming the rank and the file ([`ArrayError::Rank`]).
//!
//! | format | what a process reads |
//! |---|---|
//! | `.npy` (2-D X, 1-D y) | the header, then its balanced row range by seeking |
//! | svmlight | its byte range of the file, aligned to line starts ([`read_text_part`]) |
//! | CSV | its byte range, aligned to line starts, plus the file's first line (so every process makes the same header decision) |

use crate::error::DatasetError;
use crate::{
    npy_shape, read_csv_str, read_npy_matrix_rows, read_npy_vector_rows, read_svmlight_str,
    read_text_part, CsvOptions, SvmlightOptions, ZeroBased,
};
use duckml_arrays::{ArrayError, Comm, DistVector, Distributed};
use ndarray::{Array1, Array2};
use sprs::CsMat;
use std::ops::Range;
use std::path::Path;

/// A distributed data set: this process's rows of X and y.
pub type DistData<A, V> = (Distributed<A>, DistVector<V>);

/// A distributed dense table: X, and y when a target column was named.
pub type DistTable = (Distributed<Array2<f64>>, Option<DistVector<Array1<f64>>>);

/// Rows `n r / P .. n (r + 1) / P` of `n`: process `r`'s share of `P` (balanced; the
/// parts differ by at most one row when `P` does not divide `n`).
///
/// ```
/// use duckml_datasets::distributed::balanced_rows;
/// assert_eq!(balanced_rows(10, 0, 3), 0..3);
/// assert_eq!(balanced_rows(10, 2, 3), 6..10);
/// ```
pub fn balanced_rows(n: usize, part: usize, parts: usize) -> Range<usize> {
    let at = |r: usize| (n as u128 * r as u128 / parts as u128) as usize;
    at(part)..at(part + 1)
}

/// Agrees on the shapes every process read from its copy of `path` (on several
/// machines each has its own copy): an error naming the first rank whose copy differs
/// from rank 0's.
fn same_shape(comm: &Comm, path: &Path, shape: &[usize]) -> Result<(), ArrayError> {
    let mine = [
        shape.len() as u64,
        shape.first().copied().unwrap_or(0) as u64,
        shape.get(1).copied().unwrap_or(0) as u64,
    ];
    let all = comm.gather_fixed(&mine);
    match (1..comm.size()).find(|&r| all[3 * r..3 * r + 3] != all[0..3]) {
        None => Ok(()),
        Some(r) => Err(ArrayError::Rank {
            rank: r,
            message: format!(
                "'{}' has shape {:?} there but {:?} on rank 0 (copies differ?)",
                path.display(),
                &all[3 * r + 1..3 * r + 1 + all[3 * r] as usize],
                &all[1..1 + all[0] as usize],
            ),
        }),
    }
}

/// Reads X (a 2-D `.npy`) across the processes: each reads its balanced row range by
/// seeking. A collective.
///
/// # Errors
///
/// The same [`ArrayError::Rank`] on every process when any process cannot read its
/// rows (file missing, truncated, not 2-D, another shape than rank 0's copy,
/// non-finite values in its rows).
pub fn read_npy_x_distributed(
    comm: &Comm,
    x_path: &Path,
) -> Result<Distributed<Array2<f64>>, ArrayError> {
    let xs = comm.agree(npy_shape(x_path))?;
    same_shape(comm, x_path, &xs)?;
    if xs.len() != 2 {
        return Err(ArrayError::Invalid(format!(
            "'{}' has shape {xs:?}: expected a 2-D array (n, p)",
            x_path.display()
        )));
    }
    let rows = balanced_rows(xs[0], comm.rank(), comm.size());
    Distributed::agree(comm, read_npy_matrix_rows(x_path, rows))
}

/// Reads X (a 2-D `.npy`) and y (a 1-D `.npy` of as many rows) across the processes:
/// each reads its balanced row range of both by seeking. A collective.
///
/// # Errors
///
/// As [`read_npy_x_distributed`], for either file, and when y's length differs from
/// X's rows.
pub fn read_npy_distributed(
    comm: &Comm,
    x_path: &Path,
    y_path: &Path,
) -> Result<DistData<Array2<f64>, Array1<f64>>, ArrayError> {
    let x = read_npy_x_distributed(comm, x_path)?;
    let ys = comm.agree(npy_shape(y_path))?;
    same_shape(comm, y_path, &ys)?;
    let n = duckml_arrays::MatrixCore::<f64>::n_rows(&x);
    if ys != [n] {
        return Err(ArrayError::Invalid(format!(
            "'{}' has shape {ys:?}: expected ({n},), one target per row of '{}'",
            y_path.display(),
            x_path.display()
        )));
    }
    let y = comm.agree(read_npy_vector_rows(y_path, x.row_range()))?;
    let y = x.local_vector(y.view())?;
    Ok((x, y))
}

/// Reads an svmlight file across the processes: each parses its byte range of the file
/// (lines assigned by their first byte). The processes agree on the width (the largest
/// index anywhere, or `options.n_features`) and, with [`ZeroBased::Auto`], on the
/// numbering (zero-based when any process saw an index 0). A collective.
///
/// # Errors
///
/// The same [`ArrayError::Rank`] on every process when any process cannot read or
/// parse its part; its line numbers count from the start of that process's part.
pub fn read_svmlight_distributed(
    comm: &Comm,
    path: &Path,
    options: &SvmlightOptions,
) -> Result<DistData<CsMat<f64>, Array1<f64>>, ArrayError> {
    // Parse the part with explicit numbering, so the processes can agree on Auto.
    let auto = options.zero_based == ZeroBased::Auto;
    let local_opts = SvmlightOptions {
        zero_based: if auto {
            ZeroBased::Yes
        } else {
            options.zero_based
        },
        n_features: options.n_features.map(|p| p + usize::from(auto)),
        ..*options
    };
    let part = read_text_part(path, comm.rank(), comm.size()).and_then(|text| {
        if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Ok(None);
        }
        read_svmlight_str(&text, &path.display().to_string(), &local_opts)
            .map(Some)
            .map_err(|e| part_error(e, comm.rank()))
    });
    let part = comm.agree(part)?;
    let (width, saw_zero) = match &part {
        Some(t) => (t.x.cols(), t.x.indices().contains(&0)),
        None => (0, false),
    };
    let zero_based = !auto || comm.min_u64(u64::from(!saw_zero)) == 0;
    let shift = usize::from(auto && !zero_based);
    let max_width = u64::MAX - comm.min_u64(u64::MAX - width as u64);
    let p = match options.n_features {
        Some(p) => p,
        None => (max_width as usize).saturating_sub(shift),
    };
    // With a given width and detected zero-based numbering, an index may now be out
    // of range (the parts were read allowing one more, for one-based numbering).
    let too_wide = part
        .as_ref()
        .and_then(|t| t.x.indices().iter().find(|&&j| j - shift >= p).copied());
    comm.agree(match too_wide {
        Some(j) => Err(format!(
            "'{}': feature index {j} is not below n_features = {p}",
            path.display()
        )),
        None => Ok(()),
    })?;
    let (x, y) = match part {
        Some(t) => {
            let (indptr, indices, data) = t.x.into_raw_storage();
            let indices = indices.into_iter().map(|j| j - shift).collect();
            let rows = indptr.len() - 1;
            (CsMat::new((rows, p), indptr, indices, data), t.y)
        }
        None => (CsMat::zero((0, p)), Array1::zeros(0)),
    };
    let x = Distributed::new(comm, x)?;
    let y = x.local_vector(y.view())?;
    Ok((x, y))
}

/// A parse error of one process's part, saying where its line numbers count from.
fn part_error(e: DatasetError, rank: usize) -> DatasetError {
    match e {
        DatasetError::Parse {
            path,
            line,
            column,
            message,
        } => DatasetError::Parse {
            path,
            line,
            column,
            message: format!("{message} (line {line} of rank {rank}'s part of the file)"),
        },
        other => other,
    }
}

/// Reads a CSV file across the processes: each parses its byte range (lines assigned by
/// their first byte) after the file's first line, so that every process decides about
/// the header as a whole-file read would (and finds a named target column); a process
/// other than the first drops that line again when it is data. Records must not span
/// lines (no quoted line breaks). A collective.
///
/// Returns X and, when `options.target` names a column, y.
///
/// # Errors
///
/// The same [`ArrayError::Rank`] on every process when any process cannot read or
/// parse its part (its line numbers count from the start of its part, the first line
/// of the file being line 1).
pub fn read_csv_distributed(
    comm: &Comm,
    path: &Path,
    options: &CsvOptions,
) -> Result<DistTable, ArrayError> {
    let name = path.display().to_string();
    let first = comm.rank() > 0;
    let part = read_text_part(path, comm.rank(), comm.size()).and_then(|text| {
        let head = if first {
            first_line(path)?
        } else {
            String::new()
        };
        let empty = text.trim().is_empty();
        match read_csv_str(&(head + &text), &name, options) {
            Ok(t) => Ok(Some(t)),
            // A process whose part is empty under a header line holds no rows.
            Err(DatasetError::Empty { .. }) if empty => Ok(None),
            Err(e) => Err(part_error(e, comm.rank())),
        }
    });
    let mut part = comm.agree(part)?;
    if let Some(t) = part.as_mut() {
        if first && !t.header.present {
            // The first line was rank 0's first record: drop it here.
            t.x = t.x.slice(ndarray::s![1.., ..]).to_owned();
            t.y = t.y.take().map(|y| y.slice(ndarray::s![1..]).to_owned());
        }
    }
    let width = part.as_ref().map_or(0, |t| t.x.ncols() as u64);
    let p = (u64::MAX - comm.min_u64(u64::MAX - width)) as usize;
    let (x, y) = match part {
        Some(t) => (t.x, t.y),
        None => (
            Array2::zeros((0, p)),
            options.target.as_ref().map(|_| Array1::zeros(0)),
        ),
    };
    let x = Distributed::new(comm, x)?;
    let y = match y {
        Some(y) => Some(x.local_vector(y.view())?),
        None => None,
    };
    Ok((x, y))
}

/// The file's first line, with its line ending.
fn first_line(path: &Path) -> Result<String, DatasetError> {
    use std::io::BufRead;
    let io = |source| DatasetError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut line = String::new();
    std::io::BufReader::new(std::fs::File::open(path).map_err(io)?)
        .read_line(&mut line)
        .map_err(io)?;
    if !line.ends_with('\n') {
        line.push('\n');
    }
    Ok(line)
}
