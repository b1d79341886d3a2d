//! The benchmark's rows ([`Row`], one CSV schema shared with the peer script): the
//! derived columns (objective gap, time ratio), their order, the CSV reader and writer
//! and the Markdown report.

use crate::error::{io_error, CliError};
use crate::output::atomic;
use crate::schema::{Row, Trace};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// Order of the array types in tables and plots.
pub fn array_rank(a: &str) -> usize {
    ["dense", "sparse", "chunked"]
        .iter()
        .position(|&x| x == a)
        .unwrap_or(3)
}

/// Fills `gap` and `ratio` (see [`Row`]).
pub fn derive_columns(rows: &mut [Row]) {
    let mut best: BTreeMap<(String, usize), f64> = BTreeMap::new();
    let mut fastest: BTreeMap<(String, usize), (bool, f64)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.ok()) {
        let key = (r.array.clone(), r.n);
        if let Some(obj) = r.objective.filter(|o| o.is_finite()) {
            let b = best.entry(key.clone()).or_insert(obj);
            *b = b.min(obj);
        }
        if r.library == "duckml" {
            if let Some(t) = r.median_s {
                let conv = r.converged == Some(true);
                // Prefer converged fits; among equals, the fastest.
                let e = fastest.entry(key).or_insert((conv, t));
                if (conv && !e.0) || (conv == e.0 && t < e.1) {
                    *e = (conv, t);
                }
            }
        }
    }
    for r in rows.iter_mut() {
        let key = (r.array.clone(), r.n);
        r.gap = match (r.ok(), r.objective, best.get(&key)) {
            (true, Some(o), Some(b)) if o.is_finite() => Some((o - b).max(0.0)),
            _ => None,
        };
        r.ratio = match (r.ok(), r.median_s, fastest.get(&key)) {
            (true, Some(t), Some(&(_, f))) if f > 0.0 => Some(t / f),
            _ => None,
        };
    }
}

/// Sorts rows by array type, n, library (duckml first) and solver.
pub fn sort_rows(rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        (
            array_rank(&a.array),
            a.n,
            a.library != "duckml",
            &a.library,
            &a.solver,
        )
            .cmp(&(
                array_rank(&b.array),
                b.n,
                b.library != "duckml",
                &b.library,
                &b.solver,
            ))
    });
}

/// Writes `rows` as `results.csv` (a header, then one line per row), atomically.
pub fn write_csv(path: &Path, rows: &[Row]) -> Result<(), CliError> {
    atomic::write_with(path, |out| {
        let mut w = csv::Writer::from_writer(out);
        for r in rows {
            w.serialize(r)
                .map_err(|e| CliError::Input(format!("cannot write '{}': {e}", path.display())))?;
        }
        w.flush().map_err(|e| io_error(path, e))
    })
}

/// Empties every non-finite number of `rows` and cuts `traces` before their first
/// non-finite objective (a fit that diverged), so that the report's JSON holds only
/// numbers; returns a notice for each, so nothing is dropped silently.
pub fn drop_non_finite(rows: &mut [Row], traces: &mut [Trace]) -> Vec<String> {
    let mut notices = Vec::new();
    for r in rows.iter_mut() {
        let what = format!("{} {} on {} n={}", r.library, r.solver, r.array, r.n);
        for (name, field) in [
            ("median_s", &mut r.median_s),
            ("min_s", &mut r.min_s),
            ("objective", &mut r.objective),
            ("gap", &mut r.gap),
            ("ratio", &mut r.ratio),
        ] {
            if let Some(v) = field.filter(|v| !v.is_finite()) {
                notices.push(format!("{what}: {name} was {v}; left empty"));
                *field = None;
            }
        }
    }
    for t in traces.iter_mut() {
        if let Some(i) = t.history.iter().position(|v| !v.is_finite()) {
            notices.push(format!(
                "{} on {} n={}: the objective was {} at iteration {}; its trace stops before",
                t.solver,
                t.array,
                t.n,
                t.history[i],
                i + 1
            ));
            t.history.truncate(i);
        }
    }
    notices
}

/// Reads rows in the shared schema (the peer script's output). Missing `gap`/`ratio`
/// cells are fine.
pub fn read_csv(path: &Path) -> Result<Vec<Row>, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| e.to_string())?;
    r.deserialize()
        .collect::<Result<Vec<Row>, _>>()
        .map_err(|e| e.to_string())
}

/// Seconds with three significant digits (at least the units).
fn fmt_s(v: Option<f64>) -> String {
    match v {
        Some(t) if t > 0.0 && t.is_finite() => {
            let digits = (2 - t.log10().floor() as i32).max(0) as usize;
            format!("{t:.digits$}")
        }
        Some(t) => format!("{t}"),
        None => "".into(),
    }
}

fn fmt_e(v: Option<f64>) -> String {
    match v {
        Some(0.0) => "0".into(),
        Some(g) => format!("{g:.1e}"),
        None => "".into(),
    }
}

/// `1e3`, `1e6`, `25000`: sizes as people write them.
pub fn fmt_n(n: usize) -> String {
    let mut k = 0;
    let mut m = n;
    while m >= 10 && m.is_multiple_of(10) {
        m /= 10;
        k += 1;
    }
    if m == 1 && k >= 3 {
        format!("1e{k}")
    } else {
        n.to_string()
    }
}

/// The Markdown report: settings, machine, a pivot of median times, the full table.
pub fn markdown(rows: &[Row], title: &str, about: &[String]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## {title}\n");
    for line in about {
        let _ = writeln!(s, "- {line}");
    }
    let ns: BTreeSet<usize> = rows.iter().map(|r| r.n).collect();
    let _ = writeln!(
        s,
        "\n### Median fit time (seconds); in brackets the objective gap to the best fit of the same array and n\n"
    );
    let _ = write!(s, "| array | library | solver |");
    for n in &ns {
        let _ = write!(s, " n = {} |", fmt_n(*n));
    }
    let _ = write!(s, "\n|---|---|---|");
    for _ in &ns {
        let _ = write!(s, "---:|");
    }
    s.push('\n');
    let mut series: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.array.clone(), r.library.clone(), r.solver.clone()))
        .collect();
    series.sort_by(|a, b| {
        (array_rank(&a.0), a.1 != "duckml", &a.1, &a.2).cmp(&(
            array_rank(&b.0),
            b.1 != "duckml",
            &b.1,
            &b.2,
        ))
    });
    series.dedup();
    for (array, library, solver) in &series {
        let _ = write!(s, "| {array} | {library} | {solver} |");
        for n in &ns {
            let cell = rows.iter().find(|r| {
                &r.array == array && &r.library == library && &r.solver == solver && r.n == *n
            });
            let text = match cell {
                Some(r) if r.ok() => {
                    let mut t = fmt_s(r.median_s);
                    if r.converged == Some(false) {
                        t.push('*');
                    }
                    format!("{t} ({})", fmt_e(r.gap))
                }
                Some(r) if r.status == "skipped" => "skipped".into(),
                Some(_) => "error".into(),
                None => "".into(),
            };
            let _ = write!(s, " {text} |");
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "\n`*`: stopped before meeting its tolerance (iteration limit or line search). \
         `skipped`: its extrapolated time exceeded the budget.\n"
    );
    let _ = writeln!(s, "### All rows\n");
    let _ = writeln!(
        s,
        "| array | n | library | solver | runs | median s | min s | iters | converged | objective | gap | ratio | note |"
    );
    let _ = writeln!(
        s,
        "|---|---:|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.array,
            fmt_n(r.n),
            r.library,
            r.solver,
            r.runs,
            fmt_s(r.median_s),
            fmt_s(r.min_s),
            r.n_iter.map_or(String::new(), |i| i.to_string()),
            r.converged.map_or(String::new(), |c| c.to_string()),
            r.objective.map_or(String::new(), |o| format!("{o:.10}")),
            fmt_e(r.gap),
            r.ratio.map_or(String::new(), |q| format!("{q:.2}")),
            r.note.replace('|', "/"),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        library: &str,
        solver: &str,
        array: &str,
        n: usize,
        t: f64,
        obj: f64,
        conv: bool,
    ) -> Row {
        Row {
            library: library.into(),
            solver: solver.into(),
            array: array.into(),
            dtype: "f64".into(),
            model: "logistic".into(),
            n,
            p: 3,
            nnz: 3 * n,
            alpha: 1e-3,
            l1_ratio: 0.0,
            tol: 1e-6,
            runs: 3,
            median_s: Some(t),
            min_s: Some(t),
            n_iter: Some(10),
            converged: Some(conv),
            objective: Some(obj),
            gap: None,
            ratio: None,
            status: "ok".into(),
            note: String::new(),
        }
    }

    #[test]
    fn gap_and_ratio_are_per_array_and_n() {
        let mut rows = vec![
            row("duckml", "lbfgs", "dense", 100, 2.0, 0.5, true),
            row("duckml", "gd", "dense", 100, 1.0, 0.6, false),
            row("duckml", "newton", "dense", 100, 4.0, 0.5 + 1e-9, true),
            row("scikit-learn", "lbfgs", "dense", 100, 6.0, 0.4, true),
            row("duckml", "lbfgs", "sparse", 100, 3.0, 0.7, true),
        ];
        derive_columns(&mut rows);
        // Best objective of (dense, 100) is the peer's 0.4.
        assert!((rows[0].gap.unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(rows[3].gap, Some(0.0));
        // Ratio against duckml's fastest *converged* fit (lbfgs, 2 s), not gd's 1 s.
        assert_eq!(rows[0].ratio, Some(1.0));
        assert_eq!(rows[1].ratio, Some(0.5));
        assert_eq!(rows[3].ratio, Some(3.0));
        // Sparse is its own case.
        assert_eq!(rows[4].gap, Some(0.0));
        assert_eq!(rows[4].ratio, Some(1.0));
    }

    #[test]
    fn csv_round_trip_keeps_missing_cells() {
        let mut r = row("glum", "lbfgs", "dense", 10, 0.1, 0.3, true);
        r.status = "skipped".into();
        r.median_s = None;
        r.objective = None;
        let path = std::env::temp_dir().join(format!("duckml_cli_rows_{}.csv", std::process::id()));
        write_csv(&path, std::slice::from_ref(&r)).unwrap();
        let back = read_csv(&path).unwrap();
        std::fs::remove_file(&path).ok();
        assert_eq!(back, vec![r]);
    }

    #[test]
    fn seconds_keep_three_digits() {
        assert_eq!(fmt_s(Some(0.000421)), "0.000421");
        assert_eq!(fmt_s(Some(0.0123)), "0.0123");
        assert_eq!(fmt_s(Some(1.234)), "1.23");
        assert_eq!(fmt_s(Some(123.4)), "123");
        assert_eq!(fmt_s(None), "");
    }

    #[test]
    fn sizes_print_as_powers_of_ten() {
        assert_eq!(fmt_n(1000), "1e3");
        assert_eq!(fmt_n(1_000_000), "1e6");
        assert_eq!(fmt_n(30_000), "30000");
        assert_eq!(fmt_n(100), "100");
    }
}
