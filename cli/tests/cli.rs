//! The `duckml` binary, run as a user would: fits on `.npy`, CSV and svmlight files
//! agree with the library, a saved model predicts what the library predicts, bad files
//! give one `error:` line and a non-zero exit (never a panic, never partial JSON), and
//! the bench and datasets commands write what they promise.
//!
//! `reliability` holds one test per class of the reliability issue (allocations sized
//! by the input, overflow, inconsistent inputs, messages, outputs onto inputs);
//! `atomic` kills the binary while it writes.

#[path = "cli/atomic.rs"]
mod atomic;
#[path = "cli/reliability.rs"]
mod reliability;

use duckml::arrays::Chunked;
use duckml::prelude::*;
use duckml_cli::schema::{BenchReport, DatasetsManifest, FitOutput, KmeansOutput, SavedModel};
use ndarray::{Array1, Array2};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sprs::CsMat;
use std::ffi::OsStr;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_duckml");

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let k = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("duckml_cli_{tag}_{}_{k}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
    /// A command line split on spaces, with every `@name` replaced by the path of
    /// `name` in this directory: `dir.cmd("fit --x @x.npy")`.
    fn cmd(&self, line: &str) -> Vec<String> {
        line.split_whitespace()
            .map(|w| match w.strip_prefix('@') {
                Some(name) => self.arg(name),
                None => w.to_string(),
            })
            .collect()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run<S: AsRef<OsStr> + Debug>(args: &[S]) -> Output {
    run_env(args, &[])
}

/// Runs the binary with extra environment variables.
fn run_env<S: AsRef<OsStr> + Debug>(args: &[S], env: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("the duckml binary runs")
}

/// Runs a command that must succeed; returns its stdout parsed as JSON.
fn run_json<S: AsRef<OsStr> + Debug>(args: &[S]) -> Value {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "duckml {args:?} failed: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout of {args:?} is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Checks that `json` is exactly a `T` of the command line's schema: it reads as a `T`
/// and writes back to the same JSON (no field missing from the schema, none unknown
/// to it).
fn assert_schema<T: Serialize + DeserializeOwned>(json: &Value) {
    let typed: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("not a {}: {e}: {json}", std::any::type_name::<T>()));
    assert_eq!(&serde_json::to_value(&typed).unwrap(), json);
}

/// Runs a command that must fail with `code`, nothing on stdout and exactly one
/// `error: ...` line on stderr that contains `needle`.
fn run_fails<S: AsRef<OsStr> + Debug>(args: &[S], code: i32, needle: &str) {
    run_fails_env(args, &[], code, needle)
}

/// [`run_fails`] with extra environment variables.
fn run_fails_env<S: AsRef<OsStr> + Debug>(
    args: &[S],
    env: &[(&str, &str)],
    code: i32,
    needle: &str,
) {
    let out = run_env(args, env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "duckml {args:?}: stderr {stderr}"
    );
    assert!(
        stdout.is_empty(),
        "duckml {args:?} printed to stdout: {stdout}"
    );
    assert!(
        !stderr.contains("panicked"),
        "duckml {args:?} panicked: {stderr}"
    );
    // clap's own usage errors end with a blank line and a pointer to --help.
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("For more information, try '--help'"))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "duckml {args:?}: want one line, got {stderr}"
    );
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(
        lines[0].to_lowercase().contains(&needle.to_lowercase()),
        "duckml {args:?}: '{needle}' not in {stderr}"
    );
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn assert_close(a: &[f64], b: &[f64], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * (1.0 + y.abs()),
            "{what}[{i}]: {x} vs {y}"
        );
    }
}

/// Checks a fit's JSON against a library model fitted on the same data.
fn assert_matches<K: GlmKind>(json: &Value, model: &FittedGlm<K>, tol: f64) {
    assert_close(
        &floats(&json["coef"]),
        model.coef_f64().as_slice().unwrap(),
        tol,
        "coef",
    );
    assert_close(
        &[json["intercept"].as_f64().unwrap()],
        &[model.intercept_f64()],
        tol,
        "intercept",
    );
    assert_close(
        &[json["objective"].as_f64().unwrap()],
        &[model.objective()],
        tol,
        "objective",
    );
    assert_eq!(json["converged"].as_bool(), Some(model.converged()));
}

/// Logistic-regression data, written as `x.npy` and `y.npy` in `dir`.
fn classification(dir: &TempDir, n: usize, p: usize) -> (Array2<f64>, Array1<f64>) {
    let d = make_classification(n, p, 7).unwrap();
    write_npy_matrix(dir.path("x.npy"), &d.x).unwrap();
    write_npy_vector(dir.path("y.npy"), &d.y).unwrap();
    (d.x, d.y)
}

#[test]
fn fit_on_npy_prints_the_library_fit_as_json() {
    let dir = TempDir::new("npy");
    let (x, y) = classification(&dir, 300, 4);
    let json = run_json(
        &dir.cmd("fit --model logistic --solver newton --alpha 0.01 --x @x.npy --y @y.npy"),
    );
    let model = LogisticRegression::new()
        .solver(Newton)
        .alpha(0.01)
        .fit(&x, &y)
        .unwrap();
    assert_matches(&json, &model, 1e-10);
    for key in [
        "model",
        "solver",
        "array",
        "n_samples",
        "n_features",
        "coef",
        "intercept",
        "objective",
        "n_iter",
        "converged",
        "stop_reason",
        "seconds",
    ] {
        assert!(json.get(key).is_some(), "missing key {key} in {json}");
    }
    assert_eq!(json["model"], "logistic");
    assert_eq!(json["solver"], "newton");
    assert_eq!(json["array"], "dense");
    assert_eq!(json["n_samples"], 300);
    assert_eq!(json["n_features"], 4);
    assert_eq!(json["n_iter"].as_u64(), Some(model.n_iter() as u64));
    assert_eq!(json["stop_reason"], "converged");
    assert!(json["seconds"].as_f64().unwrap() >= 0.0);
    assert_schema::<FitOutput>(&json);
}

#[test]
fn fit_on_csv_with_a_target_column_or_a_y_file() {
    let dir = TempDir::new("csv");
    let d = make_regression(200, 3, 0.5, 3).unwrap();
    // Header and y as the last column, picked by name.
    write_csv(dir.path("xy.csv"), &d.x, Some(&d.y), None).unwrap();
    let json = run_json(&dir.cmd("fit --model linear --alpha 0.1 --x @xy.csv --target y"));
    let model = LinearRegression::new().alpha(0.1).fit(&d.x, &d.y).unwrap();
    assert_matches(&json, &model, 1e-10);
    // The same by index (-1: last column).
    let by_index = run_json(&dir.cmd("fit --model linear --alpha 0.1 --x @xy.csv --target -1"));
    assert_eq!(by_index["coef"], json["coef"]);
    // No header, y in its own one-column CSV file.
    let mut xs = String::new();
    let mut ys = String::new();
    for (row, yi) in d.x.rows().into_iter().zip(&d.y) {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        xs.push_str(&(cells.join(",") + "\n"));
        ys.push_str(&format!("{yi:?}\n"));
    }
    std::fs::write(dir.path("x.csv"), xs).unwrap();
    std::fs::write(dir.path("y.csv"), ys).unwrap();
    let plain = run_json(&dir.cmd("fit --model linear --alpha 0.1 --x @x.csv --y @y.csv"));
    assert_matches(&plain, &model, 1e-10);
}

#[test]
fn fit_on_svmlight_matches_the_library_on_every_array_type() {
    let dir = TempDir::new("svm");
    let d = make_sparse_classification(400, 12, 3, 5).unwrap();
    write_svmlight(dir.path("data.svm"), &d.x, &d.y).unwrap();
    let x: CsMat<f64> = d.x.clone();
    let est = LogisticRegression::new()
        .solver(Lbfgs)
        .alpha(1e-3)
        .tol(1e-8);
    let sparse_model = est.fit(&x, &d.y).unwrap();
    let file = dir.arg("data.svm");
    let base = [
        "fit", "--model", "logistic", "--alpha", "1e-3", "--tol", "1e-8", "--x", &file,
    ];
    let json = run_json(&base);
    assert_eq!(json["array"], "sparse");
    assert_matches(&json, &sparse_model, 1e-10);

    let chunked = Chunked::from_array(&x, 100).unwrap();
    let yc = chunked.vector_from_host(d.y.view()).unwrap();
    let chunked_model = est.fit(&chunked, &yc).unwrap();
    let json = run_json(&[&base[..], &["--array", "chunked:100"]].concat());
    assert_eq!(json["array"], "chunked");
    assert_eq!(json["chunk_rows"], 100);
    assert_matches(&json, &chunked_model, 1e-10);
    assert_schema::<FitOutput>(&json);

    let dense_model = est.fit(&x.to_dense(), &d.y).unwrap();
    let json = run_json(&[&base[..], &["--array", "dense"]].concat());
    assert_matches(&json, &dense_model, 1e-10);
    // And every array type reaches the same optimum.
    assert_close(
        &[sparse_model.objective()],
        &[dense_model.objective()],
        1e-9,
        "sparse vs dense objective",
    );
}

#[test]
fn poisson_fit_in_f32_and_elastic_net_with_proximal() {
    let dir = TempDir::new("pois");
    let d = make_poisson(300, 3, 11).unwrap();
    write_npy_matrix(dir.path("x.npy"), &d.x).unwrap();
    write_npy_vector(dir.path("y.npy"), &d.y).unwrap();
    let (xa, ya) = (dir.arg("x.npy"), dir.arg("y.npy"));
    let json = run_json(&[
        "fit", "--model", "poisson", "--alpha", "0.01", "--dtype", "f32", "--x", &xa, "--y", &ya,
    ]);
    let x32 = d.x.mapv(|v| v as f32);
    let y32 = d.y.mapv(|v| v as f32);
    let model = PoissonRegression::new()
        .alpha(0.01)
        .fit(&x32, &y32)
        .unwrap();
    assert_eq!(json["dtype"], "f32");
    assert_close(
        &floats(&json["coef"]),
        model.coef_f64().as_slice().unwrap(),
        1e-10,
        "coef",
    );

    let json = run_json(&[
        "fit",
        "--model",
        "poisson",
        "--solver",
        "proximal",
        "--alpha",
        "0.05",
        "--l1-ratio",
        "0.5",
        "--no-intercept",
        "--history",
        "--x",
        &xa,
        "--y",
        &ya,
    ]);
    let model = PoissonRegression::new()
        .solver(ProximalGradient)
        .alpha(0.05)
        .l1_ratio(0.5)
        .fit_intercept(false)
        .fit(&d.x, &d.y)
        .unwrap();
    assert_matches(&json, &model, 1e-10);
    assert_eq!(json["intercept"].as_f64(), Some(0.0));
    assert_eq!(floats(&json["history"]).len(), model.history().len());
    assert_schema::<FitOutput>(&json);
}

#[test]
fn predict_round_trips_through_a_saved_model() {
    let dir = TempDir::new("pred");
    let (x, y) = classification(&dir, 250, 3);
    let fit = run_json(&dir.cmd("fit --model logistic --x @x.npy --y @y.npy --save @model.json"));
    let model = LogisticRegression::new().fit(&x, &y).unwrap();
    assert_matches(&fit, &model, 1e-10);

    let labels = floats(&run_json(
        &dir.cmd("predict --model @model.json --x @x.npy"),
    ));
    assert_eq!(labels, model.predict(&x).unwrap().to_vec());
    let proba = floats(&run_json(
        &dir.cmd("predict --model @model.json --x @x.npy --proba"),
    ));
    assert_close(
        &proba,
        model.predict_proba(&x).unwrap().as_slice().unwrap(),
        1e-12,
        "proba",
    );

    // To a .npy file, on a sparse (svmlight) copy of x.
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    write_svmlight(dir.path("x.svm"), &csr, &y).unwrap();
    let out = run(&dir.cmd("predict --model @model.json --x @x.svm --proba --out @p.npy"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let back = read_npy_vector(dir.path("p.npy")).unwrap();
    assert_close(back.as_slice().unwrap(), &proba, 1e-12, "proba from npy");

    // The saved model is the library's serde form.
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("model.json")).unwrap()).unwrap();
    assert_schema::<SavedModel>(&saved);
    let restored: LogisticRegressionModel =
        serde_json::from_value(saved["fitted"].clone()).unwrap();
    assert_eq!(restored.coef_f64(), model.coef_f64());
}

/// The committed fixtures (see `tests/fixtures/README.md`).
fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn version_1_model_files_still_predict_bit_for_bit() {
    for (model, data, extra, expected) in [
        ("linear", "v1_data.csv", "", "v1_linear_predict.json"),
        (
            "logistic",
            "v1_data.csv",
            "--proba",
            "v1_logistic_proba.json",
        ),
        ("poisson", "v1_counts.csv", "", "v1_poisson_predict.json"),
    ] {
        let model_file = fixture(&format!("v1_{model}_model.json"));
        let mut args = vec!["predict", "--model", &model_file, "--target", "y", "--x"];
        let data_file = fixture(data);
        args.push(&data_file);
        args.extend(extra.split_whitespace());
        let got = floats(&run_json(&args));
        let want: Value =
            serde_json::from_str(&std::fs::read_to_string(fixture(expected)).unwrap()).unwrap();
        // Exact equality: the reloaded coefficients are the saved ones to the bit.
        assert_eq!(got, floats(&want), "{model}");
    }
}

/// A `.npy` file with any dtype descriptor and raw data bytes.
fn raw_npy(path: &Path, descr: &str, shape: &str, data: &[u8]) {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    std::fs::write(path, bytes).unwrap();
}

fn f64_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

#[test]
fn bad_files_give_one_error_line_and_a_nonzero_exit() {
    let dir = TempDir::new("bad");
    let (x, y) = classification(&dir, 20, 2);
    let (xa, ya) = (dir.arg("x.npy"), dir.arg("y.npy"));
    let fit = |xf: &str, yf: &str| -> Vec<String> {
        ["fit", "--model", "logistic", "--x", xf, "--y", yf]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let check = |args: Vec<String>, needle: &str| {
        let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        run_fails(&refs, 1, needle);
    };

    // Missing file.
    check(fit(&dir.arg("nope.npy"), &ya), "no such file");
    // Truncated .npy: the header promises more data than there is.
    let full = std::fs::read(dir.path("x.npy")).unwrap();
    std::fs::write(dir.path("trunc.npy"), &full[..full.len() - 13]).unwrap();
    check(fit(&dir.arg("trunc.npy"), &ya), "trunc");
    // Wrong dtype.
    raw_npy(&dir.path("int.npy"), "<i8", "(20, 2)", &[0u8; 320]);
    check(fit(&dir.arg("int.npy"), &ya), "int64");
    // Not a .npy file at all.
    std::fs::write(dir.path("junk.npy"), b"hello, world").unwrap();
    check(fit(&dir.arg("junk.npy"), &ya), "not a .npy file");
    // NaN in x.
    let mut vals = x.iter().copied().collect::<Vec<f64>>();
    vals[5] = f64::NAN;
    raw_npy(&dir.path("nan.npy"), "<f8", "(20, 2)", &f64_bytes(&vals));
    check(fit(&dir.arg("nan.npy"), &ya), "non-finite");
    // y length not matching x.
    write_npy_vector(
        dir.path("short.npy"),
        &y.slice(ndarray::s![..15]).to_owned(),
    )
    .unwrap();
    check(fit(&xa, &dir.arg("short.npy")), "has 20 rows but y");
    // A 2-D y.
    check(fit(&xa, &xa), "1-d");
    // Ragged CSV.
    std::fs::write(dir.path("ragged.csv"), "a,b,y\n1,2,0\n3,4\n").unwrap();
    check(
        dir.cmd("fit --model logistic --x @ragged.csv --target y"),
        "expected 3 fields, found 2",
    );
    // Non-numeric cell.
    std::fs::write(dir.path("text.csv"), "a,b,y\n1,2,0\n3,four,1\n").unwrap();
    check(
        dir.cmd("fit --model logistic --x @text.csv --target y"),
        "line 3",
    );
    // NaN in a CSV cell.
    std::fs::write(dir.path("nan.csv"), "a,b,y\n1,2,0\n3,NaN,1\n").unwrap();
    check(
        dir.cmd("fit --model logistic --x @nan.csv --target y"),
        "non-finite",
    );
    // A target column that does not exist.
    check(
        dir.cmd("fit --model logistic --x @ragged.csv --target label"),
        "no column",
    );
    // Broken svmlight line.
    std::fs::write(dir.path("bad.svm"), "1 1:0.5 2:1\n0 3:x\n").unwrap();
    check(dir.cmd("fit --model logistic --x @bad.svm"), "line 2");
    // Labels outside {0, 1} for logistic regression.
    write_npy_vector(dir.path("y3.npy"), &y.mapv(|v| v * 3.0)).unwrap();
    check(fit(&xa, &dir.arg("y3.npy")), "invalid target");
}

#[test]
fn predict_rejects_bad_models_and_widths() {
    let dir = TempDir::new("badpred");
    let (x, _) = classification(&dir, 30, 3);
    let out = run(&dir.cmd("fit --model linear --x @x.npy --y @y.npy --save @m.json"));
    assert!(out.status.success());
    write_npy_matrix(
        dir.path("x2.npy"),
        &x.slice(ndarray::s![.., ..2]).to_owned(),
    )
    .unwrap();
    run_fails(
        &dir.cmd("predict --model @m.json --x @x2.npy"),
        1,
        "fitted with 3 features but x has 2",
    );
    std::fs::write(dir.path("junk.json"), "{\"format\": \"other\"}").unwrap();
    run_fails(
        &dir.cmd("predict --model @junk.json --x @x.npy"),
        1,
        "not a valid duckml model file",
    );
    std::fs::write(dir.path("broken.json"), "{\"format\": ").unwrap();
    run_fails(
        &dir.cmd("predict --model @broken.json --x @x.npy"),
        1,
        "not a valid duckml model file",
    );
    // --proba on a linear model is a usage error.
    run_fails(
        &dir.cmd("predict --model @m.json --x @x.npy --proba"),
        2,
        "logistic",
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new("usage");
    classification(&dir, 20, 2);
    let (xa, ya) = (dir.arg("x.npy"), dir.arg("y.npy"));
    // Our own checks: one line.
    run_fails(
        &[
            "fit",
            "--model",
            "logistic",
            "--l1-ratio",
            "0.5",
            "--x",
            &xa,
            "--y",
            &ya,
        ],
        2,
        "use one of: proximal, admm",
    );
    run_fails(&["fit", "--model", "logistic", "--x", &xa], 2, "--y");
    run_fails(
        &[
            "fit",
            "--model",
            "logistic",
            "--x",
            &dir.arg("x.dat"),
            "--y",
            &ya,
        ],
        2,
        "--format",
    );
    // clap's: exit 2, a message on stderr, nothing on stdout.
    for args in [
        vec!["fit", "--model", "probit", "--x", &xa, "--y", &ya],
        vec![
            "fit", "--model", "logistic", "--solver", "sgd", "--x", &xa, "--y", &ya,
        ],
        vec![
            "fit", "--model", "logistic", "--alpha", "-1", "--x", &xa, "--y", &ya,
        ],
        vec![
            "fit", "--model", "logistic", "--array", "gpu", "--x", &xa, "--y", &ya,
        ],
        vec!["frobnicate"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("error"));
    }
}

#[test]
fn help_lists_the_values_of_every_enumerated_flag() {
    let models = ["linear", "logistic", "poisson"];
    let solvers = ["lbfgs", "newton", "gd", "proximal", "admm"];
    let arrays = ["dense", "sparse", "chunked", "chunked:ROWS"];
    let dtypes = ["f64", "f32"];
    let formats = ["auto", "npy", "csv", "tsv", "svmlight"];
    let inits = ["auto", "k-means++", "k-means||", "random"];
    let kinds = ["dense", "sparse", "blobs"];
    let cases: [(&str, Vec<&[&str]>); 5] = [
        ("fit", vec![&models, &solvers, &arrays, &dtypes, &formats]),
        ("predict", vec![&arrays, &formats]),
        ("kmeans", vec![&arrays, &dtypes, &formats, &inits]),
        ("bench", vec![&models, &solvers, &arrays, &dtypes]),
        ("datasets", vec![&kinds, &models]),
    ];
    for (command, flags) in cases {
        let out = run(&[command, "--help"]);
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        for values in flags {
            for v in values {
                // `--help` lists each value as `- name: what it is`.
                assert!(
                    help.contains(&format!("- {v}:")),
                    "{command} --help does not list {v}:\n{help}"
                );
            }
        }
    }
}

#[test]
fn library_warnings_reach_stderr_and_stdout_stays_json() {
    let dir = TempDir::new("warn");
    classification(&dir, 50, 3);
    let args = dir.cmd("fit --model logistic --max-iter 2 --x @x.npy --y @y.npy");
    let out = run(&args);
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is the JSON alone");
    assert_eq!(json["converged"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("warning: ") && lines[0].contains("did not converge"),
        "{stderr}"
    );
    // RUST_LOG overrides the default level.
    let quiet = Command::new(BIN)
        .args(&args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    let quiet_json: Value = serde_json::from_slice(&quiet.stdout).unwrap();
    assert_eq!(quiet_json["coef"], json["coef"]);
}

#[test]
fn datasets_writes_files_that_fit() {
    let dir = TempDir::new("datasets");
    let manifest = run_json(&dir.cmd("datasets --out @d --n 150 --p 4 --csv --seed 3"));
    assert_eq!(manifest["datasets"].as_array().unwrap().len(), 3);
    assert_schema::<DatasetsManifest>(&manifest);
    let x = read_npy_matrix(dir.path("d/dense_x.npy")).unwrap();
    assert_eq!(x, make_classification(150, 4, 3).unwrap().x);
    let blobs = read_npy_matrix(dir.path("d/blobs_x.npy")).unwrap();
    assert_eq!(blobs.dim(), (150, 4));
    let from_csv = run_json(&dir.cmd("fit --model logistic --x @d/dense.csv --target y"));
    let from_npy = run_json(&dir.cmd("fit --model logistic --x @d/dense_x.npy --y @d/dense_y.npy"));
    assert_eq!(from_csv["coef"], from_npy["coef"]);
    let sparse = run_json(&dir.cmd("fit --model logistic --x @d/sparse.svm"));
    assert_eq!(sparse["n_samples"], 150);
}

#[test]
fn bench_writes_tables_and_plots_and_survives_a_missing_python() {
    let dir = TempDir::new("bench");
    let out =
        run(&dir.cmd("bench --n 200,400 --p 5 --repeats 1 --out @b --peers /nonexistent/python"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("notice: peers skipped: cannot run '/nonexistent/python'"),
        "{stderr}"
    );
    let csv = std::fs::read_to_string(dir.path("b/results.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "library,solver,array,dtype,model,n,p,nnz,alpha,l1_ratio,tol,runs,median_s,min_s,n_iter,converged,objective,gap,ratio,status,note"
    );
    // 5 solvers x 3 array types x 2 sizes.
    assert_eq!(lines.count(), 30);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("b/results.json")).unwrap())
            .unwrap();
    assert_schema::<BenchReport>(&json);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 30);
    for r in rows {
        assert_eq!(r["status"], "ok", "{r}");
        // Every solver reaches the best objective of its case closely.
        assert!(r["gap"].as_f64().unwrap() < 1e-6, "{r}");
        assert!(r["ratio"].as_f64().unwrap() > 0.0);
    }
    // The data the bench fitted is make_classification's: duckml's objective there.
    let d = make_classification(200, 5, 42).unwrap();
    let m = LogisticRegression::new().tol(1e-6).fit(&d.x, &d.y).unwrap();
    let dense_lbfgs = rows
        .iter()
        .find(|r| r["array"] == "dense" && r["solver"] == "lbfgs" && r["n"] == 200)
        .unwrap();
    assert_close(
        &[dense_lbfgs["objective"].as_f64().unwrap()],
        &[m.objective()],
        1e-12,
        "objective",
    );
    for f in [
        "results.md",
        "time_vs_n.svg",
        "time_vs_n.png",
        "gap_vs_time.svg",
        "gap_vs_time.png",
    ] {
        let meta = std::fs::metadata(dir.path(&format!("b/{f}"))).unwrap();
        assert!(meta.len() > 500, "{f} is too small");
    }
    let svg = std::fs::read_to_string(dir.path("b/time_vs_n.svg")).unwrap();
    assert!(svg.contains("sparse arrays") && svg.contains("duckml admm"));
    let md = std::fs::read_to_string(dir.path("b/results.md")).unwrap();
    assert!(md.contains("| chunked | duckml | lbfgs |"));
}

#[test]
fn kmeans_prints_the_library_fit() {
    let dir = TempDir::new("kmeans");
    let b = make_blobs(90, 2, 3, 0.5, 1).unwrap();
    write_npy_matrix(dir.path("x.npy"), &b.x).unwrap();
    let json = run_json(&dir.cmd("kmeans --k 3 --seed 4 --x @x.npy --labels-out @labels.npy"));
    let model = duckml::estimators::KMeans::new(3)
        .seed(4)
        .fit(&b.x)
        .unwrap();
    let centers: Vec<f64> = json["centers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(floats)
        .collect();
    assert_close(
        &centers,
        model.centers().as_slice().unwrap(),
        1e-12,
        "centers",
    );
    assert_close(
        &[json["inertia"].as_f64().unwrap()],
        &[model.inertia()],
        1e-12,
        "inertia",
    );
    assert_eq!(json["n_iter"].as_u64(), Some(model.n_iter() as u64));
    assert_schema::<KmeansOutput>(&json);
    let mut counts = [0u64; 3];
    for &l in model.labels() {
        counts[l] += 1;
    }
    assert_eq!(json["labels_count"], serde_json::json!(counts));
    let labels = read_npy_vector(dir.path("labels.npy")).unwrap();
    assert_eq!(
        labels.to_vec(),
        model.labels().iter().map(|&l| l as f64).collect::<Vec<_>>()
    );
    // Chunked, the same clusters (blobs this well separated leave no doubt).
    let chunked = run_json(&dir.cmd("kmeans --k 3 --seed 4 --x @x.npy --array chunked:40"));
    assert_eq!(chunked["array"], "chunked");
    assert_schema::<KmeansOutput>(&chunked);
    let mut a = floats(&json["labels_count"]);
    let mut c = floats(&chunked["labels_count"]);
    a.sort_by(f64::total_cmp);
    c.sort_by(f64::total_cmp);
    assert_eq!(a, c);
    // More clusters than samples: one error line, naming the flag.
    run_fails(
        &dir.cmd("kmeans --k 100 --x @x.npy"),
        2,
        "--k 100 is larger than the number of samples",
    );
}

#[test]
fn convert_then_fit_predict_and_kmeans_on_mapped_files() {
    let dir = TempDir::new("mmap");
    // svmlight -> CSR folder (with y.npy), fitted mapped: the library's chunked fit.
    let d = make_sparse_classification(400, 12, 3, 5).unwrap();
    write_svmlight(dir.path("data.svm"), &d.x, &d.y).unwrap();
    let conv = run_json(&dir.cmd("convert --x @data.svm --out @csr --chunk-rows 37"));
    assert_eq!(
        (conv["n_samples"].as_u64(), conv["nnz"].as_u64()),
        (Some(400), Some(d.x.nnz() as u64))
    );
    let est = LogisticRegression::new()
        .solver(Lbfgs)
        .alpha(1e-3)
        .tol(1e-8);
    let chunked = Chunked::from_array(&d.x, 100).unwrap();
    let yc = chunked.vector_from_host(d.y.view()).unwrap();
    let model = est.fit(&chunked, &yc).unwrap();
    let json = run_json(&dir.cmd(
        "fit --model logistic --alpha 1e-3 --tol 1e-8 --x @csr --array mmap:100 --save @m.json",
    ));
    assert_eq!(json["array"], "mmap");
    assert_eq!(json["chunk_rows"], 100);
    assert_matches(&json, &model, 1e-10);
    assert_schema::<FitOutput>(&json);
    // Predict on the mapped folder: the library's predictions.
    let pred: Vec<f64> = serde_json::from_value(run_json(
        &dir.cmd("predict --model @m.json --x @csr --array mmap --proba"),
    ))
    .unwrap();
    let want = model.predict_proba(&chunked).unwrap().to_host();
    assert_close(
        &pred,
        want.as_slice().unwrap(),
        1e-12,
        "mapped predict_proba",
    );

    // CSV with a target -> .npy + y.npy; fitted and clustered mapped, as loaded.
    let (x, y) = classification(&dir, 300, 4);
    write_csv(dir.path("xy.csv"), &x, Some(&y), None).unwrap();
    run_json(
        &dir.cmd("convert --x @xy.csv --target y --out @cx.npy --y-out @cy.npy --chunk-rows 50"),
    );
    assert_eq!(read_npy_matrix(dir.path("cx.npy")).unwrap(), x);
    let loaded =
        run_json(&dir.cmd("fit --model logistic --x @x.npy --y @y.npy --array chunked:64"));
    let mapped = run_json(&dir.cmd("fit --model logistic --x @cx.npy --y @cy.npy --array mmap:64"));
    assert_eq!(loaded["coef"], mapped["coef"]);
    let km_loaded = run_json(&dir.cmd("kmeans --k 3 --seed 1 --x @x.npy --array chunked:64"));
    let km_mapped = run_json(&dir.cmd("kmeans --k 3 --seed 1 --x @cx.npy --array mmap:64"));
    assert_eq!(km_loaded["centers"], km_mapped["centers"]);
    assert_schema::<KmeansOutput>(&km_mapped);
    // f32: convert writes float32; mapping it needs --dtype f32.
    run_json(&dir.cmd("convert --x @x.npy --out @x32.npy --dtype f32"));
    run_json(&dir.cmd("fit --model logistic --x @x32.npy --y @y.npy --array mmap --dtype f32"));
    run_fails(
        &dir.cmd("fit --model logistic --x @x32.npy --y @y.npy --array mmap"),
        2,
        "--dtype f32",
    );
}

#[test]
fn mapped_and_converted_files_fail_with_one_error_line() {
    let dir = TempDir::new("mmap_bad");
    let (_, _) = classification(&dir, 50, 3);
    // A header that claims more than the file holds, mapped: refused, not read.
    raw_npy(
        &dir.path("lie.npy"),
        "<f8",
        "(1000000000, 1000)",
        &f64_bytes(&[1.0; 6]),
    );
    run_fails(
        &dir.cmd("fit --model linear --x @lie.npy --y @y.npy --array mmap"),
        1,
        "truncated",
    );
    run_fails(
        &dir.cmd("kmeans --k 2 --x @missing.npy --array mmap"),
        1,
        "missing.npy",
    );
    // Text input cannot be mapped: convert it first.
    std::fs::write(dir.path("x.csv"), "1,2\n3,4\n").unwrap();
    run_fails(
        &dir.cmd("kmeans --k 1 --x @x.csv --array mmap"),
        2,
        "duckml convert",
    );
    // A mapped .npy has no y of its own.
    run_fails(
        &dir.cmd("fit --model linear --x @x.npy --array mmap"),
        2,
        "--y",
    );
    // A CSR folder with an index out of range.
    std::fs::write(dir.path("a.svm"), "1 1:1 3:2\n0 2:1\n").unwrap();
    run_json(&dir.cmd("convert --x @a.svm --out @csr"));
    let mut idx = std::fs::read(dir.path("csr/indices.npy")).unwrap();
    let n = idx.len();
    idx[n - 4..].copy_from_slice(&7i32.to_le_bytes());
    std::fs::write(dir.path("csr/indices.npy"), idx).unwrap();
    run_fails(
        &dir.cmd("kmeans --k 1 --x @csr --array mmap"),
        1,
        "out of range",
    );
    // convert never replaces a file; its own input is refused before anything is read.
    run_fails(
        &dir.cmd("convert --x @x.csv --out @x.csv"),
        2,
        "is the --x input file",
    );
    assert_eq!(
        std::fs::read_to_string(dir.path("x.csv")).unwrap(),
        "1,2\n3,4\n"
    );
    run_fails(
        &dir.cmd("convert --x @x.csv --out @o.npy --target 0"),
        2,
        "--y-out",
    );
}
