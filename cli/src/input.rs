//! Reading `x` and `y` from `.npy`, CSV and svmlight files.

use crate::error::CliError;
use crate::flags::ArraySpec;
use crate::mapped::{labels_beside, MappedX};
use clap::{Args, ValueEnum};
use duckml::datasets::{
    read_csv, read_npy_matrix, read_npy_vector, read_svmlight, CsvOptions, HeaderMode,
    SvmlightOptions, TargetColumn,
};
use ndarray::{Array1, Array2};
use sprs::CsMat;
use std::path::{Path, PathBuf};

/// A file format, or `auto` to go by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// By extension: `.npy`; `.csv`, `.tsv`; `.svm`, `.svmlight`, `.libsvm`.
    Auto,
    /// NumPy `.npy`, float64 or float32.
    Npy,
    /// Comma-separated text (header optional).
    Csv,
    /// Tab-separated text (header optional).
    Tsv,
    /// svmlight / libsvm sparse text: `label index:value ...`.
    Svmlight,
}

impl Format {
    /// Resolves `auto` from the path's extension.
    pub fn resolve(self, path: &Path) -> Result<Format, CliError> {
        if self != Format::Auto {
            return Ok(self);
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("npy") => Ok(Format::Npy),
            Some("csv") => Ok(Format::Csv),
            Some("tsv") | Some("tab") => Ok(Format::Tsv),
            Some("svm") | Some("svmlight") | Some("libsvm") => Ok(Format::Svmlight),
            _ => Err(CliError::Usage(format!(
                "cannot tell the format of '{}' from its extension (expected .npy, .csv, .tsv, \
                 .svm, .svmlight or .libsvm); pass --format",
                path.display()
            ))),
        }
    }
}

/// The data-file options shared by `fit`, `predict` and `kmeans`.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Feature matrix: `.npy` (2-D, float64 or float32), CSV/TSV (header optional) or
    /// svmlight/libsvm (sparse; its labels are y).
    #[arg(long, value_name = "FILE")]
    pub x: PathBuf,
    /// The x file's format (default: by extension).
    #[arg(long, value_enum, default_value_t = Format::Auto, value_name = "FORMAT")]
    pub format: Format,
    /// For a CSV x file: the column that holds y (a header name, a 0-based index, or
    /// -1 for the last column); the other columns are the features.
    #[arg(long, value_name = "COLUMN", allow_hyphen_values = true)]
    pub target: Option<String>,
}

/// The feature matrix as read: dense (row-major) or sparse (CSR), or mapped from
/// disk without reading it (`--array mmap`).
#[derive(Debug)]
pub enum Design {
    /// From `.npy` or CSV.
    Dense(Array2<f64>),
    /// From svmlight.
    Sparse(CsMat<f64>),
    /// A `.npy` or CSR folder, mapped.
    Mapped(MappedX),
}

impl Design {
    /// `(n_samples, n_features)`.
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Design::Dense(x) => x.dim(),
            Design::Sparse(x) => x.shape(),
            Design::Mapped(x) => x.shape(),
        }
    }
}

/// x and, when the file holds one, y.
#[derive(Debug)]
pub struct Loaded {
    /// The feature matrix.
    pub x: Design,
    /// The targets, when the x file holds them.
    pub y: Option<Array1<f64>>,
}

fn target_column(spec: &str) -> TargetColumn {
    match spec.trim() {
        "-1" => TargetColumn::Last,
        s => match s.parse::<usize>() {
            Ok(i) => TargetColumn::Index(i),
            Err(_) => TargetColumn::Name(s.to_string()),
        },
    }
}

pub(crate) fn csv_options(format: Format, target: Option<&str>) -> CsvOptions {
    CsvOptions {
        header: HeaderMode::Auto,
        target: target.map(target_column),
        delimiter: if format == Format::Tsv { b'\t' } else { b',' },
        ..CsvOptions::default()
    }
}

/// Reads the x file (and y from it when it holds y: svmlight labels, a CSV `--target`).
/// `n_features` fixes the width of an svmlight matrix (for predicting). With `--array
/// mmap` the file is mapped instead, and not read.
pub fn load_x(
    args: &InputArgs,
    n_features: Option<usize>,
    array: Option<ArraySpec>,
) -> Result<Loaded, CliError> {
    let path = &args.x;
    if let Some(ArraySpec::Mmap(rows)) = array {
        return Ok(Loaded {
            x: Design::Mapped(MappedX::open(args, rows)?),
            y: None,
        });
    }
    let format = args.format.resolve(path)?;
    if args.target.is_some() && !matches!(format, Format::Csv | Format::Tsv) {
        return Err(CliError::Usage(
            "--target picks a column of a CSV file; x is not CSV".into(),
        ));
    }
    match format {
        Format::Npy => Ok(Loaded {
            x: Design::Dense(read_npy_matrix(path)?),
            y: None,
        }),
        Format::Csv | Format::Tsv => {
            let table = read_csv(path, &csv_options(format, args.target.as_deref()))?;
            Ok(Loaded {
                x: Design::Dense(table.x),
                y: table.y,
            })
        }
        Format::Svmlight => {
            let opts = SvmlightOptions {
                n_features,
                ..SvmlightOptions::default()
            };
            let table = read_svmlight(path, &opts)?;
            Ok(Loaded {
                x: Design::Sparse(table.x),
                y: Some(table.y),
            })
        }
        Format::Auto => unreachable!("resolved above"),
    }
}

/// Reads a y file: a 1-D `.npy`, or a one-column CSV (header optional).
pub fn load_y(path: &Path) -> Result<Array1<f64>, CliError> {
    match Format::Auto.resolve(path)? {
        Format::Npy => Ok(read_npy_vector(path)?),
        format @ (Format::Csv | Format::Tsv) => {
            let table = read_csv(path, &csv_options(format, None))?;
            if table.n_features() != 1 {
                return Err(CliError::Input(format!(
                    "'{}' has {} columns; a y file needs exactly one",
                    path.display(),
                    table.n_features()
                )));
            }
            Ok(table.x.column(0).to_owned())
        }
        _ => Err(CliError::Usage(format!(
            "'{}': a y file must be .npy or CSV",
            path.display()
        ))),
    }
}

/// Reads x and y for fitting: y from `--y`, from the CSV `--target` column, or the
/// svmlight labels (exactly one of them), and checks that their lengths agree. With
/// `--array mmap`, x is mapped and y is `--y` or else the CSR folder's `y.npy`.
pub fn load_xy(
    args: &InputArgs,
    y_path: Option<&Path>,
    array: Option<ArraySpec>,
) -> Result<(Design, Array1<f64>), CliError> {
    if let Some(ArraySpec::Mmap(_)) = array {
        let loaded = load_x(args, None, array)?;
        let y = match y_path {
            Some(p) => load_y(p)?,
            None => labels_beside(args)?.ok_or_else(|| {
                CliError::Usage(
                    "no targets: pass --y FILE (a mapped .npy holds features only; a CSR \
                     folder's y.npy is used when present)"
                        .into(),
                )
            })?,
        };
        return check_lengths(args, y_path, loaded.x, y);
    }
    let format = args.format.resolve(&args.x)?;
    if format == Format::Svmlight && y_path.is_some() {
        return Err(CliError::Usage(
            "an svmlight file carries its own labels; drop --y".into(),
        ));
    }
    if args.target.is_some() && y_path.is_some() {
        return Err(CliError::Usage(
            "give y either as --y FILE or as --target COLUMN, not both".into(),
        ));
    }
    if format != Format::Svmlight && args.target.is_none() && y_path.is_none() {
        return Err(CliError::Usage(
            "no targets: pass --y FILE, or --target COLUMN for a CSV that holds y".into(),
        ));
    }
    let loaded = load_x(args, None, array)?;
    let y = match (loaded.y, y_path) {
        (Some(y), _) => y,
        (None, Some(p)) => load_y(p)?,
        (None, None) => unreachable!("checked above"),
    };
    check_lengths(args, y_path, loaded.x, y)
}

/// x and y, once their lengths are known to agree.
fn check_lengths(
    args: &InputArgs,
    y_path: Option<&Path>,
    x: Design,
    y: Array1<f64>,
) -> Result<(Design, Array1<f64>), CliError> {
    let (n, _) = x.shape();
    if y.len() != n {
        let y_name = y_path.unwrap_or(&args.x).display();
        return Err(CliError::Input(format!(
            "x ('{}') has {n} rows but y ('{y_name}') has {} values",
            args.x.display(),
            y.len()
        )));
    }
    Ok((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_resolve_by_extension() {
        let r = |p: &str| Format::Auto.resolve(Path::new(p)).ok();
        assert_eq!(r("a/x.NPY"), Some(Format::Npy));
        assert_eq!(r("x.csv"), Some(Format::Csv));
        assert_eq!(r("x.tsv"), Some(Format::Tsv));
        assert_eq!(r("x.libsvm"), Some(Format::Svmlight));
        assert_eq!(r("x.dat"), None);
        assert_eq!(
            Format::Csv.resolve(Path::new("x.dat")).ok(),
            Some(Format::Csv)
        );
    }

    #[test]
    fn target_columns_parse() {
        assert_eq!(target_column("-1"), TargetColumn::Last);
        assert_eq!(target_column("3"), TargetColumn::Index(3));
        assert_eq!(target_column("y"), TargetColumn::Name("y".into()));
    }
}
