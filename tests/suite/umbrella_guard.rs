//! The umbrella crate is what Rust users depend on: it pulls in none of the command
//! line's crates (argument parsing, progress bars, plots, CSV and JSON output), which
//! live with the `duckml` binary in `cli/`.

use std::path::Path;

/// The names of the dependencies declared in `section` (`[dependencies]`) of `manifest`.
fn dependency_names<'a>(manifest: &'a str, section: &str) -> Vec<&'a str> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == section;
        } else if inside && !line.is_empty() && !line.starts_with('#') {
            // `name = ...` or `name.workspace = true`.
            let name = line.split(['=', '.', ' ']).next().unwrap_or("");
            names.push(name);
        }
    }
    names
}

#[test]
fn the_umbrella_depends_on_no_cli_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let deps = dependency_names(&manifest, "[dependencies]");
    assert!(deps.contains(&"duckml-estimators"), "parsed {deps:?}");
    for cli_crate in [
        "clap",
        "indicatif",
        "plotters",
        "csv",
        "serde_json",
        "env_logger",
        "duckml-cli",
    ] {
        assert!(
            !deps.contains(&cli_crate),
            "the umbrella crate depends on {cli_crate}"
        );
    }
    assert!(!manifest.contains("[[bin]]"), "the binary lives in cli/");
    assert!(!root.join("src/main.rs").exists() && !root.join("src/cli").exists());
}
