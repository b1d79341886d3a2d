//! The benchmark's outputs: `results.csv`, `results.md`, `results.json`, the two
//! figures, and the summary on stdout.

use super::{machine, plot, results};
use crate::error::CliError;
use crate::output::atomic::write_text;
use crate::output::{json_text, Layout, Printed};
use crate::schema::BenchGrid;
use crate::schema::{BenchReport, BenchSettings, LoadAverage, Row, Trace};
use crate::synthetic::{generator_name, DataKind};
use std::path::{Path, PathBuf};

/// What the run observed besides its rows, for the report's notes.
pub struct Circumstances {
    /// The machine's load before, after and during the run.
    pub load: LoadAverage,
    /// Seconds of duckml's part of the run (data generation and fits).
    pub duckml_seconds: f64,
    /// Seconds in the peer script.
    pub peer_seconds: f64,
    /// `--peers`.
    pub peers: Option<String>,
    /// The peers' Python and package versions.
    pub peer_versions: Vec<String>,
    /// Everything left out or gone wrong, one line each.
    pub notices: Vec<String>,
}

/// Writes every output to `out` (each file atomically); returns the summary table to
/// print.
pub fn write(
    out: &Path,
    plan: &BenchGrid,
    mut rows: Vec<Row>,
    mut traces: Vec<Trace>,
    mut c: Circumstances,
) -> Result<Printed, CliError> {
    // A diverged fit's infinite objective would make the whole report unwritable:
    // it is left out, with a notice, before and after the derived columns.
    let mut dropped = results::drop_non_finite(&mut rows, &mut traces);
    results::derive_columns(&mut rows);
    dropped.extend(results::drop_non_finite(&mut rows, &mut traces));
    for d in &dropped {
        eprintln!("notice: {d}");
    }
    c.notices.extend(dropped);
    results::sort_rows(&mut rows);
    let title = format!(
        "duckml bench: {} regression, {}, tol {:e}, p = {}",
        plan.model,
        plan.penalty_text(),
        plan.tol,
        plan.p
    );
    let about = about(plan, &c);
    let md = results::markdown(&rows, &title, &about);
    let write = |name: &str, text: &str| -> Result<PathBuf, CliError> {
        let path = out.join(name);
        write_text(&path, text)?;
        Ok(path)
    };
    results::write_csv(&out.join("results.csv"), &rows)?;
    write("results.md", &md)?;
    let report = BenchReport {
        title,
        about,
        settings: BenchSettings {
            grid: plan.clone(),
            peers: c.peers,
        },
        machine: machine::describe(),
        load_average: c.load,
        rows,
        traces,
    };
    write(
        "results.json",
        &json_text(&report, Layout::Pretty, "the benchmark report")?,
    )?;
    draw_figures(out, plan, &report.rows, &report.traces)?;
    let summary = md.split("### All rows").next().unwrap_or(&md).trim_end();
    Ok(Printed::text(format!(
        "{summary}\n\nwrote {0}/results.csv, results.json, results.md, time_vs_n.{{svg,png}}, gap_vs_time.{{svg,png}}",
        out.display()
    )))
}

/// The report's notes: data, timing rules, column meanings, machine, load, versions.
fn about(plan: &BenchGrid, c: &Circumstances) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let peer_time = if c.peers.is_some() {
        format!(
            ", the peers {:.0} s (each size's peers run right after duckml's fits of that size)",
            c.peer_seconds
        )
    } else {
        String::new()
    };
    let dense = generator_name(DataKind::Dense, plan.model);
    let sparse = generator_name(DataKind::Sparse, plan.model);
    let load = &c.load;
    let mut about = vec![
        format!(
            "Data: seed {}, dense `{dense}` (standard-normal X), sparse `{sparse}` ({} non-zeros per row); chunked = row blocks of the dense data.",
            plan.seed,
            plan.nnz_per_row
        ),
        format!(
            "Each case: one untimed warm-up fit, then {} timed fit(s) (1 when the warm-up took over {:.1} s); median reported. A solver is skipped at a size where its time extrapolated linearly from the previous size exceeds {} s (never when it took under {:.1} s there).",
            plan.repeats,
            plan.budget / 3.0,
            plan.budget,
            (plan.budget / 2.0).min(1.0)
        ),
        "gap: objective minus the best objective of any fit (any library) on the same array type and n; ratio: time / duckml's fastest converged fit on the same array type and n.".into(),
        format!("Machine: {}", machine::describe()),
        format!(
            "Load average (1, 5, 15 min): {} before, {} after; 1-min load during the run (every 10 s): {}. The {threads} threads of this run alone make about {threads}. duckml fits took {:.0} s{peer_time}.",
            load.before, load.after, load.during_1min, c.duckml_seconds
        ),
        format!("duckml {} ({}), data {}", env!("CARGO_PKG_VERSION"), machine::build_profile(), plan.dtype),
    ];
    about.extend(c.peer_versions.iter().map(|v| format!("Peers: {v}")));
    about.extend(c.notices.iter().map(|n| format!("Notice: {n}")));
    about
}

/// `time_vs_n.{svg,png}` and `gap_vs_time.{svg,png}`.
fn draw_figures(
    out: &Path,
    plan: &BenchGrid,
    rows: &[Row],
    traces: &[Trace],
) -> Result<(), CliError> {
    let figures = [
        ("time_vs_n", "Fit time vs n", plot::time_vs_n(rows)),
        (
            "gap_vs_time",
            "Objective gap vs time",
            plot::gap_vs_time(rows, traces),
        ),
    ];
    let colors = plot::color_map(rows);
    for (stem, what, panels) in figures {
        let fig_title = format!("{what}: {} regression, {}", plan.model, plan.penalty_text());
        if let Err(e) = plot::save_figure(&out.join(stem), &fig_title, &panels, &colors) {
            return Err(CliError::Input(format!("cannot draw {stem}: {e}")));
        }
    }
    Ok(())
}
