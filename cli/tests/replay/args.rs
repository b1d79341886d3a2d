//! The command line on arbitrary argument vectors: `duckml_cli::run` must return an
//! exit status (0, 1 or 2) for every one, never panic, and keep its promises about
//! what it prints and writes. Shared by the replay (`main.rs`) and the cargo-fuzz
//! target `cli_args`, which include this file.
//!
//! An input is text: whitespace-separated arguments, `@name` standing for the sandbox
//! file `name`. Arguments that could reach outside the sandbox are dropped before the
//! run: anything with a path separator, `..`, and `--peers` (it starts an external
//! Python). The replay sets `DUCKML_MAX_MEMORY` low, so sizes the arguments ask for
//! are bounded by it rather than by the machine.

use super::sandbox::Sandbox;
use std::time::{Duration, Instant};

/// Every flag of every subcommand, and a few that are not.
pub const FLAGS: &[&str] = &[
    "--model",
    "--solver",
    "--alpha",
    "--l1-ratio",
    "--no-intercept",
    "--max-iter",
    "--tol",
    "--array",
    "--dtype",
    "--x",
    "--format",
    "--target",
    "--header",
    "--no-header",
    "--y",
    "--pm1-labels",
    "--save",
    "--history",
    "--proba",
    "--out",
    "--k",
    "--init",
    "--n-init",
    "--seed",
    "--labels-out",
    "--kinds",
    "--n",
    "--p",
    "--nnz-per-row",
    "--centers",
    "--csv",
    "--quick",
    "--solvers",
    "--arrays",
    "--max-n",
    "--repeats",
    "--budget",
    "--chunk-rows",
    "--keep-data",
    "--help",
    "-h",
    "--version",
    "--frobnicate",
    "-",
    "--",
];

/// Values: numbers at and beyond every range's edges, names every enumerated flag
/// takes and some it does not, sandbox files. Iteration counts stay small or beyond
/// their maximum: a fit the user asks to run a million iterations is long, not hung.
pub const VALUES: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "5",
    "20",
    "21",
    "50",
    "-1",
    "-5",
    "-0",
    "-0.1",
    "0.5",
    "1.5",
    "1e-300",
    "1e-3",
    "1e308",
    "-1e308",
    "1e309",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "",
    " ",
    "1001",
    "1000001",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775808",
    "4294967296",
    "1e3",
    "0x10",
    "abc",
    "linear",
    "logistic",
    "poisson",
    "probit",
    "lbfgs",
    "newton",
    "gd",
    "proximal",
    "admm",
    "fista",
    "sgd",
    "dense",
    "sparse",
    "chunked",
    "chunked:1",
    "chunked:7",
    "chunked:0",
    "chunked:-1",
    "chunked:18446744073709551615",
    "f32",
    "f64",
    "f16",
    "npy",
    "csv",
    "tsv",
    "svmlight",
    "auto",
    "k-means++",
    "k-means||",
    "random",
    "blobs",
    "dense,sparse,blobs",
    "dense,dense",
    "lbfgs,admm",
    "10,20",
    "1,0",
    "y",
    "a",
    "-1",
    "99",
    "@x.npy",
    "@y.npy",
    "@counts.npy",
    "@big.npy",
    "@short.npy",
    "@x.csv",
    "@x.tsv",
    "@nohead.csv",
    "@named.csv",
    "@typo.csv",
    "@nan.csv",
    "@empty.csv",
    "@y.csv",
    "@x.svm",
    "@z.svm",
    "@pm1.svm",
    "@wide.svm",
    "@m.json",
    "@logit.json",
    "@bad.json",
    "@junk.bin",
    "@missing.npy",
    "out.json",
    "out.npy",
    "labels.npy",
    "outdir",
];

/// Subcommands, and one that is not.
pub const COMMANDS: &[&str] = &[
    "fit",
    "predict",
    "kmeans",
    "datasets",
    "bench",
    "frobnicate",
];

/// The arguments of input `text`, with sandbox paths filled in and unsafe ones dropped.
pub fn arguments(text: &str, sandbox: &Sandbox) -> Vec<String> {
    let fill = |t: &str| -> Option<String> {
        let (flag, value) = match (t.starts_with("--"), t.split_once('=')) {
            (true, Some((f, v))) => (Some(f), v),
            _ => (None, t),
        };
        let value = match value.strip_prefix('@') {
            Some(name) if !name.contains(['/', '\\']) && !name.contains("..") => {
                sandbox.path(name).display().to_string()
            }
            Some(_) => return None,
            None if value.contains(['/', '\\']) || value.contains("..") => return None,
            None => value.to_string(),
        };
        if flag.unwrap_or(t) == "--peers" {
            return None;
        }
        Some(match flag {
            Some(f) => format!("{f}={value}"),
            None => value,
        })
    };
    let mut out = vec!["duckml".to_string()];
    out.extend(text.split_whitespace().filter_map(fill));
    out
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Exit status 0.
    Ok,
    /// Exit status 1: bad input or a failed fit.
    Input,
    /// Exit status 2: a usage error.
    Usage,
}

/// Longest one run may take.
pub const PER_RUN: Duration = Duration::from_secs(20);

/// Whether a successful run's stdout is a JSON document: fit, kmeans, datasets,
/// predict without --out; not the benchmark's tables.
fn prints_json(args: &[String]) -> bool {
    let sub = args.get(1).map(String::as_str);
    matches!(sub, Some("fit" | "kmeans" | "datasets" | "predict"))
}

/// Values that fit `flag`'s kind, for mutations that keep a command well-formed.
pub fn values_for(flag: &str) -> &'static [&'static str] {
    match flag {
        "--model" => &[
            "linear",
            "logistic",
            "poisson",
            "@m.json",
            "@logit.json",
            "@bad.json",
        ],
        "--solver" | "--solvers" => &["lbfgs", "newton", "gd", "proximal", "admm", "fista"],
        "--array" | "--arrays" => &["dense", "sparse", "chunked", "chunked:1", "chunked:7"],
        "--dtype" => &["f32", "f64"],
        "--format" => &["auto", "npy", "csv", "tsv", "svmlight"],
        "--init" => &["auto", "k-means++", "k-means||", "random"],
        "--kinds" => &["dense", "sparse", "blobs", "dense,sparse,blobs"],
        "--target" => &["y", "-1", "0", "3", "a", "99"],
        "--x" | "--y" => &[
            "@x.npy",
            "@y.npy",
            "@counts.npy",
            "@big.npy",
            "@short.npy",
            "@x.csv",
            "@x.tsv",
            "@nohead.csv",
            "@named.csv",
            "@typo.csv",
            "@nan.csv",
            "@empty.csv",
            "@y.csv",
            "@x.svm",
            "@z.svm",
            "@pm1.svm",
            "@wide.svm",
            "@junk.bin",
            "@missing.npy",
        ],
        "--save" | "--out" | "--labels-out" => &[
            "out.json",
            "out.npy",
            "labels.npy",
            "outdir",
            "@x.npy",
            "@m.json",
        ],
        "--alpha" | "--tol" | "--budget" | "--l1-ratio" => &[
            "0", "1e-3", "0.5", "1", "1e-300", "1e308", "-0.1", "inf", "nan",
        ],
        _ => &[
            "0",
            "1",
            "2",
            "3",
            "5",
            "20",
            "21",
            "-1",
            "1001",
            "1000001",
            "18446744073709551615",
            "18446744073709551616",
            "4294967296",
        ],
    }
}

/// `null` anywhere in a JSON value: a success never holds one (a non-finite number is
/// an error, an absent option is an absent key).
fn has_null(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Array(a) => a.iter().any(has_null),
        serde_json::Value::Object(o) => o.values().any(has_null),
        _ => false,
    }
}

/// The input files this command reads (`--x`, `--y`, predict's `--model`).
fn read_inputs(args: &[String], sandbox: &Sandbox) -> Vec<String> {
    let mut names = Vec::new();
    let predict = args.get(1).is_some_and(|s| s == "predict");
    for (i, a) in args.iter().enumerate() {
        let (flag, value) = match a.split_once('=') {
            Some((f, v)) if a.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), args.get(i + 1).cloned()),
        };
        let reads = matches!(flag, "--x" | "--y") || (predict && flag == "--model");
        if let (true, Some(v)) = (reads, value) {
            for name in sandbox.input_names() {
                if sandbox.path(name).display().to_string() == v {
                    names.push(name.to_string());
                }
            }
        }
    }
    names
}

/// Runs `args` (after [`Sandbox::refresh`]) and checks every promise; returns how the
/// run ended, or what it broke.
pub fn check(args: &[String], sandbox: &Sandbox) -> Result<Ending, String> {
    check_with(args, sandbox, &[])
}

/// [`check`] with `extra` files written into the sandbox before the run.
pub fn check_with(
    args: &[String],
    sandbox: &Sandbox,
    extra: &[(&str, &[u8])],
) -> Result<Ending, String> {
    sandbox
        .refresh()
        .map_err(|e| format!("cannot lay out the sandbox: {e}"))?;
    for (name, bytes) in extra {
        std::fs::write(sandbox.path(name), bytes)
            .map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let t0 = Instant::now();
    let code = duckml_cli::run(args.iter().cloned(), &mut out, &mut err);
    let took = t0.elapsed();
    let stdout = String::from_utf8_lossy(&out);
    let stderr = String::from_utf8_lossy(&err);
    let ending = match code {
        0 => Ending::Ok,
        1 => Ending::Input,
        2 => Ending::Usage,
        other => return Err(format!("exit status {other}; stderr: {stderr}")),
    };
    if took > PER_RUN {
        return Err(format!("took {took:?}"));
    }
    match ending {
        Ending::Ok => {
            // A document, or clap's help (`-h` in any spelling), or nothing (`--out`).
            let doc = stdout.trim_start().starts_with(['{', '[']);
            if doc {
                let v: serde_json::Value = serde_json::from_str(&stdout)
                    .map_err(|e| format!("stdout is not JSON ({e}): {stdout}"))?;
                if has_null(&v) {
                    return Err(format!("a success printed null: {stdout}"));
                }
            } else if prints_json(args) && !stdout.is_empty() && !stdout.contains("Usage:") {
                return Err(format!("stdout is neither JSON nor help: {stdout}"));
            }
        }
        Ending::Input | Ending::Usage => {
            if !stdout.is_empty() {
                return Err(format!("a failure printed to stdout: {stdout}"));
            }
            if !stderr.starts_with("error: ") {
                return Err(format!("a failure without an error line: {stderr}"));
            }
            // The command line's own errors are one line; clap's end with its hint.
            let clap = stderr.contains("try '--help'");
            if !clap && stderr.lines().count() != 1 {
                return Err(format!("an error of several lines: {stderr}"));
            }
            if stderr.contains("internal error") || stderr.contains("panicked") {
                return Err(format!("an internal error: {stderr}"));
            }
        }
    }
    let left = sandbox.leftover_temporaries();
    if !left.is_empty() {
        return Err(format!("temporary files left behind: {left:?}"));
    }
    for name in read_inputs(args, sandbox) {
        let now = std::fs::read(sandbox.path(&name)).unwrap_or_default();
        if Some(&now[..]) != sandbox.original(&name) {
            return Err(format!("the input {name} was changed"));
        }
    }
    Ok(ending)
}
