//! Estimators and solvers are written once over the array contract: their source must
//! not name a backend crate or type, nor branch on one.

use std::path::Path;

/// Identifiers that name a backend crate or type, or branch on one.
const FORBIDDEN: &[&str] = &[
    "sprs",
    "rayon",
    "cudarc",
    "mpi",
    "CsMat",
    "CsMatBase",
    "CsMatView",
    "Chunked",
    "ChunkedVector",
    "CudaMatrix",
    "CudaVector",
    "memmap2",
    "MmapBlock",
    "MmapCsrBlock",
    "MmapMatrix",
    "MmapCsr",
    "ndarray_npy",
    "is_gpu",
    "is_sparse",
    "is_csr",
    "is_csc",
    "describe",
];

/// The identifiers on a line (so "compile" does not match "mpi").
fn identifiers(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
}

fn flagged(line: &str) -> Vec<&'static str> {
    FORBIDDEN
        .iter()
        .copied()
        .filter(|w| identifiers(line).any(|t| t == *w))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn estimators_and_solvers_name_no_backend() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hits = Vec::new();
    let mut files = Vec::new();
    for krate in ["estimators", "solvers"] {
        rust_files(&root.join(krate).join("src"), &mut files);
        let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).unwrap();
        for word in ["sprs", "rayon", "cudarc", "mpi", "memmap2"] {
            if manifest.lines().any(|l| l.trim_start().starts_with(word)) {
                hits.push(format!("{krate}/Cargo.toml depends on {word}"));
            }
        }
    }
    assert!(files.len() >= 10, "found only {} source files", files.len());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for word in flagged(line) {
                hits.push(format!("{}:{}: {word}", file.display(), n + 1));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "backend names in generic code:\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_guard_would_catch_a_backend_name() {
    // The guard's own check, on a line it must flag.
    assert_eq!(
        flagged("use sprs::CsMat; if x.is_gpu() {}"),
        vec!["sprs", "CsMat", "is_gpu"]
    );
    assert!(flagged("at compile time, chunked by rows").is_empty());
}
