//! Running `benches/peers/cli_peers.py` (embedded in the binary) with the user's
//! Python on the very files the benchmark fitted, and reading its rows back.

use super::results::read_csv;
use crate::error::{io_error, CliError};
use crate::output::atomic::write_text;
use crate::schema::Row;
use indicatif::ProgressBar;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// The peer script, so the binary works outside the source tree.
pub const SCRIPT: &str = include_str!("../../../../benches/peers/cli_peers.py");

/// What the peer run produced.
#[derive(Debug, Default)]
pub struct PeerRun {
    /// Whether Python could be started at all.
    pub started: bool,
    /// The script's rows, in the shared schema.
    pub rows: Vec<Row>,
    /// One-line notices (missing Python or packages, a failed script).
    pub notices: Vec<String>,
    /// The script's `versions:` line (Python and package versions, BLAS).
    pub versions: Vec<String>,
}

/// Runs the script on `manifest` (written by the caller) and returns its rows; `tag`
/// names this run's row and log files in `dir`. The script's progress lines advance
/// `bar` (its fits are added to the bar's length). A missing Python, missing packages
/// or a failing script give notices, not errors.
pub fn run(
    python: &str,
    dir: &Path,
    manifest: &Path,
    tag: &str,
    bar: &ProgressBar,
) -> Result<PeerRun, CliError> {
    let mut out = PeerRun::default();
    let script = dir.join("cli_peers.py");
    write_text(&script, SCRIPT)?;
    let csv = dir.join(format!("rows_{tag}.csv"));
    let _ = std::fs::remove_file(&csv);
    let log_path = dir.join(format!("log_{tag}.txt"));
    let log = std::fs::File::create(&log_path).map_err(|e| io_error(&log_path, e))?;
    let child = Command::new(python)
        .arg(&script)
        .arg("--manifest")
        .arg(manifest)
        .arg("--out")
        .arg(&csv)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            out.notices
                .push(format!("peers skipped: cannot run '{python}': {e}"));
            return Ok(out);
        }
    };
    out.started = true;
    let mut seen: u64 = 0;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("progress ") {
                // progress DONE TOTAL LABEL
                let mut it = rest.splitn(3, ' ');
                let done = it.next().and_then(|v| v.parse::<u64>().ok());
                let total = it.next().and_then(|v| v.parse::<u64>().ok());
                if let (Some(d), Some(t)) = (done, total) {
                    if d == 0 && seen == 0 {
                        bar.inc_length(t);
                    }
                    if d > seen {
                        bar.inc(d - seen);
                        seen = d;
                    }
                }
                let label = it.next().unwrap_or("").to_string();
                if !bar.is_hidden() {
                    bar.set_message(format!("peers: {label}"));
                } else if !label.is_empty() {
                    eprintln!("bench: peers {label}");
                }
            } else if let Some(rest) = line.strip_prefix("notice: ") {
                out.notices.push(format!("peers: {rest}"));
            } else if let Some(rest) = line.strip_prefix("versions: ") {
                out.versions.push(rest.to_string());
            } else if let Some(rest) = line.strip_prefix("blas: ") {
                out.versions.push(format!("BLAS: {rest}"));
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| CliError::Input(format!("waiting for the peer script: {e}")))?;
    if !status.success() {
        out.notices.push(format!(
            "peers: the script exited with {status} (its log: {})",
            log_path.display()
        ));
    }
    if csv.exists() {
        match read_csv(&csv) {
            Ok(rows) => out.rows = rows,
            Err(e) => out
                .notices
                .push(format!("peers: cannot read '{}': {e}", csv.display())),
        }
    }
    Ok(out)
}
