//! One test per class of the reliability issue: the binary never aborts on a size it
//! cannot allocate, never prints `null` for an overflowed number, uses no model or data
//! file that contradicts itself, names the flag, file, row and column that fix a
//! problem, and never writes an output over one of its inputs.

use super::*;

/// A small cap on planned memory, so the tests do not depend on the machine's.
const SMALL: (&str, &str) = ("DUCKML_MAX_MEMORY", "64M");

/// A value clap's parser refuses: exit 2, nothing on stdout, `needle` in clap's message.
fn refused_value(args: &[String], needle: &str) {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.starts_with("error: invalid value"), "{stderr}");
    assert!(
        stderr.contains(needle),
        "{args:?}: '{needle}' not in {stderr}"
    );
}

#[test]
fn sizes_from_flags_or_files_are_checked_before_allocating() {
    let dir = TempDir::new("alloc");
    // The example: 8e16 bytes. Exit 2, the options named, nothing written.
    run_fails(
        &dir.cmd("datasets --out @d --n 10000000000000 --p 1000"),
        2,
        "the dense data set of 10000000000000 samples x 1000 features needs 8.0e16 bytes",
    );
    assert!(
        !dir.path("d").exists(),
        "nothing is created before the check"
    );
    // A product beyond u128.
    run_fails(
        &dir.cmd("datasets --out @d --n 18446744073709551615 --p 18446744073709551615"),
        2,
        "over 2^128 bytes",
    );
    // Under a set limit, a set that would fit the machine is refused too, naming it.
    run_fails_env(
        &dir.cmd("datasets --out @d --n 100000 --p 100 --kinds blobs"),
        &[SMALL],
        2,
        "the limit DUCKML_MAX_MEMORY sets",
    );
    run_fails_env(
        &dir.cmd("datasets --out @d --n 10"),
        &[("DUCKML_MAX_MEMORY", "lots")],
        2,
        "DUCKML_MAX_MEMORY=lots is not a size",
    );
    // The benchmark checks its largest size before the first.
    run_fails(
        &dir.cmd("bench --n 1000,1000000000000 --p 100000 --out @b"),
        2,
        "lower --n",
    );
    assert!(!dir.path("b").exists());
    // Counts with a documented maximum; chunk rows of 0.
    run_fails(
        &dir.cmd("bench --repeats 100000000000 --out @b"),
        2,
        "is larger than the maximum, 1000",
    );
    run_fails(
        &dir.cmd("bench --chunk-rows 0 --out @b"),
        2,
        "0 must be >= 1",
    );

    // k-means centres: k x p from --k and the file.
    let x = Array2::from_shape_fn((40, 3), |(i, j)| (i * 3 + j) as f64);
    write_npy_matrix(dir.path("x.npy"), &x).unwrap();
    run_fails(
        &dir.cmd("kmeans --k 10000000000 --x @x.npy"),
        2,
        "--k 10000000000 is larger than the number of samples",
    );
    refused_value(
        &dir.cmd("kmeans --k 2 --n-init 1000000 --x @x.npy"),
        "1000000 is larger than the maximum, 1000",
    );

    // One svmlight index sets 50 million features: the solver's state for them is
    // checked, not allocated.
    std::fs::write(dir.path("wide.svm"), "1 1:1\n0 50000000:1\n1 2:1\n").unwrap();
    run_fails_env(
        &dir.cmd("fit --model logistic --x @wide.svm"),
        &[SMALL],
        2,
        "the lbfgs solver's state for 50000000 features",
    );
    run_fails_env(
        &dir.cmd("kmeans --k 2 --x @wide.svm"),
        &[SMALL],
        2,
        "k-means with --k 2 on 50000000 features",
    );
    // A model of 200,000 features predicts on the sparse file; made dense it would
    // take 4.8 MB, over a 1 MB cap.
    std::fs::write(dir.path("w.svm"), "1 1:1\n0 200000:1\n1 2:1\n").unwrap();
    let fitted = run(&dir.cmd("fit --model linear --alpha 1 --x @w.svm --save @w.json"));
    assert!(
        fitted.status.success(),
        "{}",
        String::from_utf8_lossy(&fitted.stderr)
    );
    let sparse = run_env(
        &dir.cmd("predict --model @w.json --x @w.svm"),
        &[("DUCKML_MAX_MEMORY", "1M")],
    );
    assert!(
        sparse.status.success(),
        "{}",
        String::from_utf8_lossy(&sparse.stderr)
    );
    run_fails_env(
        &dir.cmd("predict --model @w.json --x @w.svm --array dense"),
        &[("DUCKML_MAX_MEMORY", "1M")],
        2,
        "held as a dense 3 x 200000 matrix needs 4.8e6 bytes (4.6 MiB), more than the limit",
    );
}

/// A linear model `y = 2 x`, saved as `lin.json`; a Poisson model with coefficient
/// about 1, saved as `pois.json`.
fn overflow_models(dir: &TempDir) {
    std::fs::write(dir.path("lin.csv"), "x,y\n1,2\n2,4\n3,6\n4,8\n").unwrap();
    let out = run(&dir.cmd("fit --model linear --x @lin.csv --target y --save @lin.json"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.path("counts.csv"), "x,y\n0,1\n1,3\n2,7\n3,20\n").unwrap();
    let out =
        run(&dir.cmd("fit --model poisson --alpha 0 --x @counts.csv --target y --save @pois.json"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn overflowed_results_are_errors_never_null() {
    let dir = TempDir::new("overflow");
    overflow_models(&dir);
    // 2 x 1.5e308 overflows: an error naming the row and the file, on stdout and to
    // --out alike (no file is written).
    std::fs::write(dir.path("big.csv"), "x\n1\n1.5e308\n").unwrap();
    for extra in ["", " --out @p.npy"] {
        run_fails(
            &dir.cmd(&format!("predict --model @lin.json --x @big.csv{extra}")),
            1,
            "the prediction for row 1 (0-based) of '",
        );
    }
    assert!(!dir.path("p.npy").exists());
    std::fs::write(dir.path("far.csv"), "x\n2\n1000\n").unwrap();
    run_fails(
        &dir.cmd("predict --model @pois.json --x @far.csv"),
        1,
        "exp of the linear predictor overflows float64",
    );
    // Finite rows still predict, as numbers.
    let ok = floats(&run_json(
        &dir.cmd("predict --model @lin.json --x @lin.csv --target y"),
    ));
    assert_close(&ok, &[2.0, 4.0, 6.0, 8.0], 1e-3, "y = 2x");

    // k-means whose squared distances overflow: inertia would be inf ("null").
    std::fs::write(dir.path("huge.csv"), "a,b\n1e200,1\n-1e200,2\n3e200,1\n").unwrap();
    let out = run(&dir.cmd("kmeans --k 2 --x @huge.csv --labels-out @l.npy"));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: k-means on '") && stderr.contains("overflowed float64"),
        "{stderr}"
    );
    assert!(!dir.path("l.npy").exists());
}

/// The linear fixture model as JSON, edited by `edit`, written to `name` in `dir`.
fn edited_model(dir: &TempDir, name: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("v1_linear_model.json")).unwrap())
            .unwrap();
    edit(&mut v);
    std::fs::write(dir.path(name), v.to_string()).unwrap();
    dir.arg(name)
}

/// An edit to a model file's JSON.
type ModelEdit = Box<dyn FnOnce(&mut Value)>;

#[test]
fn model_files_are_checked_in_full_before_use() {
    let dir = TempDir::new("models");
    let data = fixture("v1_data.csv");
    let cases: Vec<(ModelEdit, &str)> = vec![
        (
            Box::new(|v| v["model"] = "poisson".into()),
            "its \"model\" is poisson but its \"fitted\" model is of the Gaussian family",
        ),
        (
            Box::new(|v| v["n_features"] = 7.into()),
            "\"n_features\" is 7 but it has 3 coefficients",
        ),
        (
            Box::new(|v| v["version"] = 9.into()),
            "version 9 (this duckml reads versions 1 to 2)",
        ),
        (
            Box::new(|v| v["dtype"] = "f32".into()),
            "coefficients of element type \"f32\" (this duckml reads f64)",
        ),
        (
            Box::new(|v| {
                v["fitted"]["fit_intercept"] = false.into();
            }),
            "fitted without an intercept (\"fit_intercept\": false) but its intercept is",
        ),
        (
            Box::new(|v| v["fitted"]["coef"]["data"][1] = "NaN".into()),
            "invalid type: string",
        ),
    ];
    for (i, (edit, needle)) in cases.into_iter().enumerate() {
        let model = edited_model(&dir, &format!("m{i}.json"), edit);
        let args = ["predict", "--model", &model, "--x", &data, "--target", "y"];
        run_fails(&args, 1, needle);
        run_fails(&args, 1, "is not a valid duckml model file");
    }
}

#[test]
fn svmlight_numbering_is_saved_with_the_model_and_used_to_predict() {
    let dir = TempDir::new("numbering");
    // Zero-based training file; the test file's column 0 happens to be empty, so
    // detection alone would read it one-based and shift every feature.
    std::fs::write(
        dir.path("train.svm"),
        "1 0:1 2:0.5\n0 1:2 2:-1\n1 0:0.5 1:-1\n0 2:3\n1 0:2\n0 1:1 2:1\n",
    )
    .unwrap();
    std::fs::write(dir.path("test.svm"), "1 2:0.5\n0 1:2\n").unwrap();
    let fit = run_json(&dir.cmd("fit --model linear --alpha 0.1 --x @train.svm --save @m.json"));
    let (coef, b) = (floats(&fit["coef"]), fit["intercept"].as_f64().unwrap());
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("m.json")).unwrap()).unwrap();
    assert_eq!(saved["svmlight_numbering"], "zero-based");
    assert_eq!(saved["version"], 2);
    assert_schema::<SavedModel>(&saved);
    let got = floats(&run_json(&dir.cmd("predict --model @m.json --x @test.svm")));
    assert_close(
        &got,
        &[b + 0.5 * coef[2], b + 2.0 * coef[1]],
        1e-12,
        "zero-based",
    );

    // A version-1 file (no numbering) keeps the old behaviour: detected per file,
    // here one-based, which shifts the features.
    let mut v1 = saved.clone();
    v1.as_object_mut().unwrap().remove("svmlight_numbering");
    v1["version"] = 1.into();
    std::fs::write(dir.path("v1.json"), v1.to_string()).unwrap();
    let old = floats(&run_json(
        &dir.cmd("predict --model @v1.json --x @test.svm"),
    ));
    assert_close(
        &old,
        &[b + 0.5 * coef[1], b + 2.0 * coef[0]],
        1e-12,
        "one-based",
    );

    // A one-based model refuses an index 0 instead of reading the file differently.
    std::fs::write(
        dir.path("train1.svm"),
        "1 1:1 3:0.5\n0 2:2\n1 1:0.5 3:1\n0 2:1\n",
    )
    .unwrap();
    run_json(&dir.cmd("fit --model linear --alpha 0.1 --x @train1.svm --save @m1.json"));
    let saved1 = std::fs::read_to_string(dir.path("m1.json")).unwrap();
    assert!(
        saved1.contains("\"svmlight_numbering\": \"one-based\""),
        "{saved1}"
    );
    std::fs::write(dir.path("test1.svm"), "1 0:1 2:1\n").unwrap();
    run_fails(
        &dir.cmd("predict --model @m1.json --x @test1.svm"),
        1,
        "line 1",
    );
    // Models fitted on other formats record no numbering and stay version 1.
    classification(&dir, 30, 2);
    run_json(&dir.cmd("fit --model logistic --x @x.npy --y @y.npy --save @npy.json"));
    let npy: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("npy.json")).unwrap()).unwrap();
    assert_eq!(npy["version"], 1);
    assert!(npy.get("svmlight_numbering").is_none());
}

#[test]
fn an_ambiguous_csv_header_asks_for_a_flag() {
    let dir = TempDir::new("header");
    // A numeric column name makes the first row mixed: which it is, the user says.
    std::fs::write(
        dir.path("named.csv"),
        "id,2020,y\n1,2,0\n3,4,1\n5,1,0\n2,6,1\n",
    )
    .unwrap();
    run_fails(
        &dir.cmd("fit --model logistic --x @named.csv --target -1"),
        1,
        "is the first row a header? It mixes numbers and text (column 1 is \"id\"); say \
         whether the file has a header: --header if it is a header, --no-header if it is data",
    );
    let fit = run_json(&dir.cmd("fit --model logistic --x @named.csv --target y --header"));
    assert_eq!(fit["n_features"], 2);
    assert_eq!(fit["n_samples"], 4);
    // A typo in the first data row is not taken for a header.
    std::fs::write(dir.path("typo.csv"), "1,2x,0\n3,4,1\n5,1,0\n").unwrap();
    run_fails(
        &dir.cmd("fit --model logistic --x @typo.csv --target -1"),
        1,
        "column 2 is \"2x\"",
    );
    run_fails(
        &dir.cmd("fit --model logistic --x @typo.csv --target -1 --no-header"),
        1,
        "line 1, column 2: cannot parse \"2x\" as a number",
    );
    // A y file is read with the same flags; on files with no CSV they are an error.
    classification(&dir, 4, 2);
    std::fs::write(dir.path("y.csv"), "0\n1\n0\n1\n").unwrap();
    let with_y = run_json(&dir.cmd("fit --model logistic --x @x.npy --y @y.csv --no-header"));
    assert_eq!(with_y["n_samples"], 4);
    run_fails(
        &dir.cmd("fit --model logistic --x @x.npy --y @y.npy --header"),
        2,
        "--header is for CSV/TSV files",
    );
    let both = run(&dir.cmd("kmeans --k 1 --x @typo.csv --header --no-header"));
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn negative_values_reach_the_range_check() {
    let dir = TempDir::new("negative");
    classification(&dir, 20, 2);
    for (flags, needle) in [
        (
            "--l1-ratio -0.1",
            "invalid value '-0.1' for '--l1-ratio <L1_RATIO>': -0.1 must be in [0, 1]",
        ),
        ("--alpha -1e-3", "-0.001 must be finite and >= 0"),
        ("--alpha -inf", "-inf must be finite and >= 0"),
        ("--tol -1", "-1 must be finite and > 0"),
        ("--max-iter -5", "-5 must be >= 1"),
        (
            "--max-iter 1000001",
            "1000001 is larger than the maximum, 1000000",
        ),
    ] {
        let args = dir.cmd(&format!(
            "fit --model logistic --x @x.npy --y @y.npy {flags}"
        ));
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{flags}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{flags}: {stderr}");
        assert!(!stderr.contains("unexpected argument"), "{flags}: {stderr}");
    }
    let out = run(&dir.cmd("kmeans --k -3 --x @x.npy"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-3 must be >= 1"));
    let out = run(&dir.cmd("datasets --out @d --n -10"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-10 must be >= 1"));
    let out = run(&dir.cmd("bench --n 100,-5 --out @b"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-5 must be >= 1"));
}

#[test]
fn f32_overflow_names_the_file_row_column_and_dtype() {
    let dir = TempDir::new("f32");
    let (mut x, y) = classification(&dir, 20, 3);
    x[[4, 2]] = -2e39;
    write_npy_matrix(dir.path("big.npy"), &x).unwrap();
    let big = dir.arg("big.npy");
    for array in ["dense", "sparse", "chunked:7"] {
        run_fails(
            &dir.cmd(&format!(
                "fit --model logistic --x @big.npy --y @y.npy --dtype f32 --array {array}"
            )),
            1,
            &format!(
                "'{big}' row 4, column 2 (0-based): value -2e39 overflows float32 (its largest \
                 finite value is 3.4028235e38); --dtype f32 cannot hold it: use --dtype f64"
            ),
        );
    }
    // The same file fits in float64.
    run_json(&dir.cmd("fit --model logistic --x @big.npy --y @y.npy --dtype f64"));
    // svmlight files and y files are named the same way.
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    write_svmlight(dir.path("big.svm"), &csr, &y).unwrap();
    run_fails(
        &dir.cmd("kmeans --k 2 --x @big.svm --dtype f32"),
        1,
        "big.svm' row 4, column 2 (0-based)",
    );
    let mut counts = y.mapv(|v| v * 3.0);
    counts[6] = 1e40;
    write_npy_vector(dir.path("counts.npy"), &counts).unwrap();
    run_fails(
        &dir.cmd("fit --model poisson --x @x.npy --y @counts.npy --dtype f32"),
        1,
        "counts.npy' row 6 (0-based): value 1e40 overflows float32",
    );
}

#[test]
fn libsvm_pm1_labels_are_named_or_mapped_by_flag() {
    let dir = TempDir::new("pm1");
    let (x, y) = classification(&dir, 60, 3);
    let csr = CsMat::csr_from_dense(x.view(), 0.0);
    write_svmlight(dir.path("pm1.svm"), &csr, &y.mapv(|v| 2.0 * v - 1.0)).unwrap();
    run_fails(
        &dir.cmd("fit --model logistic --x @pm1.svm"),
        1,
        "holds the labels -1 and 1 (libsvm's convention) but logistic regression needs 0 and \
         1: pass --pm1-labels to read -1 as 0",
    );
    let json = run_json(&dir.cmd("fit --model logistic --x @pm1.svm --pm1-labels"));
    let model = LogisticRegression::new().fit(&csr, &y).unwrap();
    assert_matches(&json, &model, 1e-8);
    run_fails(
        &dir.cmd("fit --model linear --x @pm1.svm --pm1-labels"),
        2,
        "--pm1-labels is for --model logistic",
    );
}

#[test]
fn messages_name_solvers_as_the_flag_does() {
    let dir = TempDir::new("names");
    // Newton refuses more than 2,048 coefficients, naming the alternatives.
    std::fs::write(dir.path("wide.svm"), "1 1:1\n0 10001:1\n1 2:1\n0 3:1\n").unwrap();
    run_fails(
        &dir.cmd("fit --model logistic --solver newton --x @wide.svm"),
        2,
        "solver newton cannot handle 10002 coefficients: its 10002 x 10002 system costs \
         about 3e11 host operations per iteration (limit 2048 coefficients); use one of: \
         lbfgs, gd, proximal, admm",
    );
    // The library's warning names the solver as --solver does.
    classification(&dir, 50, 3);
    let out = run(&dir.cmd("fit --model logistic --solver gd --max-iter 2 --x @x.npy --y @y.npy"));
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("with gd did not converge"), "{stderr}");
    assert!(!stderr.contains("GradientDescent"), "{stderr}");
}

#[test]
fn outputs_never_overwrite_inputs() {
    let dir = TempDir::new("same");
    classification(&dir, 30, 2);
    run_json(&dir.cmd("fit --model logistic --x @x.npy --y @y.npy --save @m.json"));
    let before: Vec<Vec<u8>> = ["x.npy", "y.npy", "m.json"]
        .iter()
        .map(|f| std::fs::read(dir.path(f)).unwrap())
        .collect();
    std::fs::hard_link(dir.path("y.npy"), dir.path("y_hard.npy")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path("x.npy"), dir.path("x_link.npy")).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(dir.path("x.npy"), dir.path("x_link.npy")).unwrap();
    let spelled = format!(
        "{}/../{}/x.npy",
        dir.arg(""),
        dir.0.file_name().unwrap().to_string_lossy()
    );
    for (line, needle) in [
        (
            "fit --model logistic --x @x.npy --y @y.npy --save @x.npy",
            "--save '",
        ),
        (
            "fit --model logistic --x @x.npy --y @y.npy --save @y_hard.npy",
            "is the --y input file",
        ),
        (
            "predict --model @m.json --x @x.npy --out @m.json",
            "is the --model input file",
        ),
        (
            "kmeans --k 2 --x @x.npy --labels-out @x.npy",
            "--labels-out '",
        ),
    ] {
        run_fails(&dir.cmd(line), 2, needle);
    }
    #[cfg(unix)]
    run_fails(
        &dir.cmd("predict --model @m.json --x @x.npy --out @x_link.npy"),
        2,
        "is the --x input file: writing it would destroy the input; choose another path",
    );
    let mut spelled_args = dir.cmd("fit --model logistic --x @x.npy --y @y.npy --save");
    spelled_args.push(spelled);
    run_fails(&spelled_args, 2, "is the --x input file");
    for (f, old) in ["x.npy", "y.npy", "m.json"].iter().zip(&before) {
        assert_eq!(&std::fs::read(dir.path(f)).unwrap(), old, "{f} changed");
    }
}
