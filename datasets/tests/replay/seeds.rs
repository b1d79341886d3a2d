//! The committed seed corpus (`tests/corpus/`, written by its `make_corpus.py`)
//! and the answers the seeds must give.

use std::path::Path;

use duckml_datasets::*;
use ndarray::array;

/// The seed files of each format, as (label, bytes).
pub struct Corpus {
    pub npy: Vec<(String, Vec<u8>)>,
    pub csv: Vec<(String, Vec<u8>)>,
    pub svmlight: Vec<(String, Vec<u8>)>,
}

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn folder(name: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir().join(name))
        .unwrap_or_else(|e| panic!("tests/corpus/{name}: {e}"))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let label = format!(
                "{name}/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            );
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (label, bytes)
        })
        .collect()
}

pub fn load() -> Corpus {
    Corpus {
        npy: folder("npy"),
        csv: folder("csv"),
        svmlight: folder("svmlight"),
    }
}

/// Checks that each seed file reads as it should; returns what did not.
pub fn check_known_answers() -> Vec<String> {
    let mut failures = Vec::new();
    let mut expect = |what: &str, ok: bool| {
        if !ok {
            failures.push(format!("seed {what} does not give its known answer"));
        }
    };
    let d = dir();
    let m = |f: &str| read_npy_matrix(d.join("npy").join(f));
    let v = |f: &str| read_npy_vector(d.join("npy").join(f));
    expect(
        "c_f64_2x3",
        m("c_f64_2x3.npy").ok() == Some(array![[1.0, -2.5, 1e-300], [4.0, 5.0, 1.0 / 3.0]]),
    );
    expect(
        "fortran_f32_3x2",
        m("fortran_f32_3x2.npy").ok() == Some(array![[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]),
    );
    expect(
        "be_f64_vec4",
        v("be_f64_vec4.npy").ok() == Some(array![0.0, 1.0, -1.0, 2f64.powi(70)]),
    );
    expect(
        "v2_f64_1x2",
        m("v2_f64_1x2.npy").ok() == Some(array![[7.0, 8.0]]),
    );
    expect(
        "v3_f32_vec2",
        v("v3_f32_vec2.npy").ok() == Some(array![0.5, -0.25]),
    );
    expect(
        "py2_dquote_2x2",
        m("py2_dquote_2x2.npy").ok() == Some(array![[1.0, 2.0], [3.0, 4.0]]),
    );
    expect(
        "empty_0x3",
        matches!(m("empty_0x3.npy"), Err(DatasetError::Empty { .. })),
    );
    expect(
        "int64_2x2",
        matches!(m("int64_2x2.npy"), Err(DatasetError::Npy { message, .. }) if message.contains("int64")),
    );

    let c = |f: &str, o: &CsvOptions| read_csv(d.join("csv").join(f), o);
    let auto = CsvOptions::default();
    let t = c(
        "header_target.csv",
        &CsvOptions::with_target(TargetColumn::Last),
    );
    expect(
        "header_target",
        t.is_ok_and(|t| {
            t.x == array![[1.0, 2.0], [3.5, -400.0]]
                && t.y == Some(array![0.0, 1.0])
                && t.header.present
                && t.header.auto_detected
        }),
    );
    let t = c("no_header.csv", &auto);
    expect(
        "no_header",
        t.is_ok_and(|t| t.x == array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]] && !t.header.present),
    );
    let t = c("quoted_crlf_bom.csv", &auto);
    expect(
        "quoted_crlf_bom",
        t.is_ok_and(|t| t.x == array![[1.5, 2.0], [3.0, 4.0]] && t.feature_names == ["a", "b"]),
    );
    expect(
        "blank_lines",
        c("blank_lines.csv", &auto).is_ok_and(|t| t.x == array![[1.0, 2.0]]),
    );
    expect(
        "one_column",
        c("one_column.csv", &auto).is_ok_and(|t| t.feature_names == ["y"] && t.x.nrows() == 3),
    );

    let s = |f: &str| read_svmlight(d.join("svmlight").join(f), &SvmlightOptions::default());
    expect(
        "basic",
        s("basic.svm").is_ok_and(|t| {
            t.x.to_dense() == array![[0.5, 0.0, -2.25], [0.0, 7.0, 0.0]] && t.y == array![1.0, -1.0]
        }),
    );
    expect(
        "zero_based",
        s("zero_based.svm").is_ok_and(|t| {
            t.numbering.zero_based && t.numbering.auto_detected && t.x.shape() == (2, 3)
        }),
    );
    expect(
        "qid_comments",
        s("qid_comments.svm").is_ok_and(|t| t.y == array![3.0, 2.0] && t.x.nnz() == 3),
    );
    expect(
        "label_only",
        s("label_only.svm").is_ok_and(|t| t.x.shape() == (2, 0)),
    );
    expect(
        "crlf",
        s("crlf.svm").is_ok_and(|t| t.x.data() == [1.0, 2e-3]),
    );
    failures
}
