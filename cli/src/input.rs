//! Reading `x` and `y` from `.npy`, CSV and svmlight files.

use crate::error::CliError;
use crate::flags::ArraySpec;
use crate::mapped::{labels_beside, MappedX};
use clap::{Args, ValueEnum};
use duckml::datasets::{
    read_csv, read_npy_matrix, read_npy_vector, read_svmlight, CsvOptions, HeaderMode,
    NumberingDecision, SvmlightOptions, TargetColumn, ZeroBased,
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
    /// For CSV/TSV files (x, and a `--y` file): the first row is a header. Without
    /// `--header` or `--no-header` a first row of text is a header and a row of numbers
    /// is data; a row that mixes both is an error that asks for one of these flags.
    #[arg(long, conflicts_with = "no_header")]
    pub header: bool,
    /// For CSV/TSV files: the first row is data, not a header.
    #[arg(long)]
    pub no_header: bool,
}

impl InputArgs {
    /// How CSV files are read: `--header`, `--no-header`, or decided by the first row.
    pub fn header_mode(&self) -> HeaderMode {
        match (self.header, self.no_header) {
            (true, _) => HeaderMode::Present,
            (_, true) => HeaderMode::Absent,
            _ => HeaderMode::Auto,
        }
    }

    /// The x file's name in messages.
    pub fn x_name(&self) -> String {
        self.x.display().to_string()
    }
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
    /// How an svmlight file's features were numbered (`None` for other formats).
    pub numbering: Option<NumberingDecision>,
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

pub(crate) fn csv_options(format: Format, target: Option<&str>, header: HeaderMode) -> CsvOptions {
    CsvOptions {
        header,
        target: target.map(target_column),
        delimiter: if format == Format::Tsv { b'\t' } else { b',' },
        ..CsvOptions::default()
    }
}

fn is_csv(format: Format) -> bool {
    matches!(format, Format::Csv | Format::Tsv)
}

/// Refuses `--header` / `--no-header` when neither x nor the y file is CSV.
fn check_header_flags(args: &InputArgs, x: Format, y: Option<Format>) -> Result<(), CliError> {
    if (args.header || args.no_header) && !is_csv(x) && !y.is_some_and(is_csv) {
        let flag = if args.header {
            "--header"
        } else {
            "--no-header"
        };
        return Err(CliError::Usage(format!(
            "{flag} is for CSV/TSV files; '{}' is not one",
            args.x.display()
        )));
    }
    Ok(())
}

/// Reads the x file (and y from it when it holds y: svmlight labels, a CSV `--target`).
/// For an svmlight file, `n_features` fixes the matrix's width and `numbering` how its
/// indices count (both from a saved model, for predicting). With `--array mmap` the
/// file is mapped instead, and not read.
pub fn load_x(
    args: &InputArgs,
    n_features: Option<usize>,
    numbering: ZeroBased,
    array: Option<ArraySpec>,
) -> Result<Loaded, CliError> {
    let path = &args.x;
    if let Some(ArraySpec::Mmap(rows)) = array {
        return Ok(Loaded {
            x: Design::Mapped(MappedX::open(args, rows)?),
            y: None,
            numbering: None,
        });
    }
    let format = args.format.resolve(path)?;
    if args.target.is_some() && !is_csv(format) {
        return Err(CliError::Usage(
            "--target picks a column of a CSV file; x is not CSV".into(),
        ));
    }
    match format {
        Format::Npy => Ok(Loaded {
            x: Design::Dense(read_npy_matrix(path)?),
            y: None,
            numbering: None,
        }),
        Format::Csv | Format::Tsv => {
            let opts = csv_options(format, args.target.as_deref(), args.header_mode());
            let table = read_csv(path, &opts)?;
            Ok(Loaded {
                x: Design::Dense(table.x),
                y: table.y,
                numbering: None,
            })
        }
        Format::Svmlight => {
            let opts = SvmlightOptions {
                n_features,
                zero_based: numbering,
                ..SvmlightOptions::default()
            };
            let table = read_svmlight(path, &opts)?;
            Ok(Loaded {
                x: Design::Sparse(table.x),
                y: Some(table.y),
                numbering: Some(table.numbering),
            })
        }
        Format::Auto => unreachable!("resolved above"),
    }
}

/// Reads x alone (`predict`, `kmeans`): [`load_x`] after checking the CSV flags.
pub fn load_features(
    args: &InputArgs,
    n_features: Option<usize>,
    numbering: ZeroBased,
    array: Option<ArraySpec>,
) -> Result<Loaded, CliError> {
    // A mapped x (a .npy or a CSR folder, which has no extension) is not CSV.
    if matches!(array, Some(ArraySpec::Mmap(_))) {
        if args.header || args.no_header {
            return Err(CliError::Usage(
                "--header and --no-header are for CSV/TSV files; a mapped x is .npy or a \
                 CSR folder"
                    .into(),
            ));
        }
    } else {
        check_header_flags(args, args.format.resolve(&args.x)?, None)?;
    }
    load_x(args, n_features, numbering, array)
}

/// Reads a y file: a 1-D `.npy`, or a one-column CSV (`header` for its first row).
pub fn load_y(path: &Path, header: HeaderMode) -> Result<Array1<f64>, CliError> {
    match Format::Auto.resolve(path)? {
        Format::Npy => Ok(read_npy_vector(path)?),
        format @ (Format::Csv | Format::Tsv) => {
            let table = read_csv(path, &csv_options(format, None, header))?;
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

/// x and y for fitting.
#[derive(Debug)]
pub struct Training {
    /// The feature matrix.
    pub x: Design,
    /// The targets.
    pub y: Array1<f64>,
    /// The file y came from, for messages.
    pub y_name: String,
    /// How an svmlight x file's features were numbered.
    pub numbering: Option<NumberingDecision>,
}

/// Reads x and y for fitting: y from `--y`, from the CSV `--target` column, or the
/// svmlight labels (exactly one of them), and checks that their lengths agree. With
/// `--array mmap`, x is mapped and y is `--y` or else the CSR folder's `y.npy`.
pub fn load_xy(
    args: &InputArgs,
    y_path: Option<&Path>,
    array: Option<ArraySpec>,
) -> Result<Training, CliError> {
    if let Some(ArraySpec::Mmap(_)) = array {
        let loaded = load_x(args, None, ZeroBased::Auto, array)?;
        let y = match y_path {
            Some(p) => load_y(p, args.header_mode())?,
            None => labels_beside(args)?.ok_or_else(|| {
                CliError::Usage(
                    "no targets: pass --y FILE (a mapped .npy holds features only; a CSR \
                     folder's y.npy is used when present)"
                        .into(),
                )
            })?,
        };
        return check_lengths(args, y_path, loaded, y);
    }
    let format = args.format.resolve(&args.x)?;
    let y_format = y_path.map(|p| Format::Auto.resolve(p)).transpose()?;
    check_header_flags(args, format, y_format)?;
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
    let mut loaded = load_x(args, None, ZeroBased::Auto, array)?;
    let y = match (loaded.y.take(), y_path) {
        (Some(y), _) => y,
        (None, Some(p)) => load_y(p, args.header_mode())?,
        (None, None) => unreachable!("checked above"),
    };
    check_lengths(args, y_path, loaded, y)
}

/// x and y, once their lengths are known to agree.
fn check_lengths(
    args: &InputArgs,
    y_path: Option<&Path>,
    loaded: Loaded,
    y: Array1<f64>,
) -> Result<Training, CliError> {
    let y_name = y_path.unwrap_or(&args.x).display().to_string();
    let (n, _) = loaded.x.shape();
    if y.len() != n {
        return Err(CliError::Input(format!(
            "x ('{}') has {n} rows but y ('{y_name}') has {} values",
            args.x.display(),
            y.len()
        )));
    }
    Ok(Training {
        x: loaded.x,
        y,
        y_name,
        numbering: loaded.numbering,
    })
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
