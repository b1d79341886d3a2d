//! The benchmark's two figures, each written as SVG and PNG with plotters.
//!
//! PNG text is drawn with DejaVu Sans embedded in the binary (plotters' `ab_glyph`
//! feature): no system font or fontconfig is needed, so a fresh CI machine draws the
//! same picture. SVG text names the `sans-serif` family and is laid out with the
//! same font metrics.

use super::results::{array_rank, fmt_n};
use crate::error::CliError;
use crate::output::atomic::write_via_path;
use crate::schema::{Row, Trace};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see `assets/LICENSE-DejaVu.txt`).
static FONT: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

/// Gaps below this are drawn at this value (a log axis cannot show 0).
pub const GAP_FLOOR: f64 = 1e-12;

/// duckml's five solvers take the first five (tab10's first colours); the peers
/// the rest, ordered so that neighbours differ in hue and lightness.
const PALETTE: [(u8, u8, u8); 16] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (57, 59, 121),
    (0, 0, 0),
    (231, 186, 82),
    (27, 158, 119),
    (206, 18, 86),
    (99, 121, 57),
];

fn register_font() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
            .map_err(|_| "the bundled font could not be loaded".to_string())
    })
    .clone()
}

/// One line (or, with a single point, one marker) of a panel.
#[derive(Debug, Clone)]
pub struct Curve {
    /// The legend entry (`library solver`).
    pub label: String,
    /// `(x, y)` in data units.
    pub points: Vec<(f64, f64)>,
    /// Peers are dashed with triangles; duckml solid with circles.
    pub peer: bool,
}

/// One chart of a figure.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Above the chart.
    pub title: String,
    /// Under the x axis.
    pub x_label: String,
    /// Beside the y axis.
    pub y_label: String,
    /// The lines drawn.
    pub curves: Vec<Curve>,
}

/// Axis labels: `0.01` ... `100` in decimals, `1e3`, `1e-6` outside.
fn tick(v: f64) -> String {
    if v <= 0.0 {
        return "0".into();
    }
    if (1e-2..1e3).contains(&v) {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        return s.to_string();
    }
    let s = format!("{v:.0e}");
    s.replace("e0", "e").replace("e-0", "e-")
}

/// The colour index of every series: duckml's solvers first, in a fixed order, then
/// the peers alphabetically, so a series has the same colour in every figure.
pub fn color_map(rows: &[Row]) -> BTreeMap<String, usize> {
    const ORDER: [&str; 5] = ["lbfgs", "newton", "gd", "proximal", "admm"];
    let mut labels: Vec<(bool, usize, String)> = rows
        .iter()
        .map(|r| {
            let peer = r.library != "duckml";
            let rank = if peer {
                0
            } else {
                ORDER
                    .iter()
                    .position(|&s| s == r.solver)
                    .unwrap_or(ORDER.len())
            };
            (peer, rank, r.series())
        })
        .collect();
    labels.sort();
    labels.dedup();
    labels
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, label))| (label, i))
        .collect()
}

/// A log range around the positive values, widened a little.
fn log_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in values.filter(|v| v.is_finite() && *v > 0.0) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi <= 0.0 {
        return None;
    }
    let (lo, hi) = (lo / 1.6, hi * 1.6);
    Some(if hi / lo < 10.0 {
        (lo / 2.0, hi * 2.0)
    } else {
        (lo, hi)
    })
}

fn color_of(colors: &BTreeMap<String, usize>, label: &str) -> RGBColor {
    let (r, g, b) = PALETTE[colors.get(label).copied().unwrap_or(0) % PALETTE.len()];
    RGBColor(r, g, b)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    colors: &BTreeMap<String, usize>,
) -> Result<(), String> {
    let e = |err: DrawingAreaErrorKind<DB::ErrorType>| err.to_string();
    let xs = log_range(
        panel
            .curves
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.0)),
    );
    let ys = log_range(
        panel
            .curves
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.1)),
    );
    let (Some((x0, x1)), Some((y0, y1))) = (xs, ys) else {
        area.titled(&panel.title, ("sans-serif", 18)).map_err(e)?;
        return Ok(());
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(62)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_labels(5)
        .y_labels(8)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(e)?;
    for c in &panel.curves {
        let color = color_of(colors, &c.label);
        let style = color.stroke_width(2);
        if c.points.len() > 1 {
            if c.peer {
                chart
                    .draw_series(DashedLineSeries::new(c.points.iter().copied(), 6, 4, style))
                    .map_err(e)?;
            } else {
                chart
                    .draw_series(LineSeries::new(c.points.iter().copied(), style))
                    .map_err(e)?;
            }
        }
        // Markers at measured points (at most ~12 per curve, or the traces would be
        // solid blobs).
        let step = c.points.len().div_ceil(12).max(1);
        let marks = c
            .points
            .iter()
            .enumerate()
            .filter(|(i, _)| i % step == 0 || *i + 1 == c.points.len())
            .map(|(_, p)| *p);
        if c.peer {
            chart
                .draw_series(marks.map(|p| TriangleMarker::new(p, 6, color.filled())))
                .map_err(e)?;
        } else {
            chart
                .draw_series(marks.map(|p| Circle::new(p, 3, color.filled())))
                .map_err(e)?;
        }
    }
    Ok(())
}

/// A legend strip: one entry per series, in columns.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, bool)],
    colors: &BTreeMap<String, usize>,
    columns: usize,
) -> Result<(), String> {
    let e = |err: DrawingAreaErrorKind<DB::ErrorType>| err.to_string();
    let col_w = LEGEND_COLUMN_W as i32;
    for (i, (label, peer)) in entries.iter().enumerate() {
        let (x, y) = (
            20 + (i % columns) as i32 * col_w,
            12 + (i / columns) as i32 * 22,
        );
        let color = color_of(colors, label);
        if *peer {
            for k in 0..3 {
                area.draw(&PathElement::new(
                    vec![(x + k * 10, y), (x + k * 10 + 6, y)],
                    color.stroke_width(2),
                ))
                .map_err(e)?;
            }
            area.draw(&TriangleMarker::new((x + 14, y), 6, color.filled()))
                .map_err(e)?;
        } else {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 28, y)],
                color.stroke_width(2),
            ))
            .map_err(e)?;
            area.draw(&Circle::new((x + 14, y), 3, color.filled()))
                .map_err(e)?;
        }
        area.draw(&Text::new(
            label.clone(),
            (x + 36, y - 8),
            ("sans-serif", 14).into_font(),
        ))
        .map_err(e)?;
    }
    Ok(())
}

const PANEL_W: u32 = 520;
const PANEL_H: u32 = 440;
const TITLE_H: u32 = 40;
const LEGEND_COLUMN_W: u32 = 250;

/// Width, height, legend height and legend columns of a figure.
fn figure_size(panels: usize, entries: usize) -> (u32, u32, u32, usize) {
    let w = PANEL_W * panels.max(1) as u32;
    let columns = ((w - 40) / LEGEND_COLUMN_W).max(1) as usize;
    let legend_h = 24 + 22 * entries.div_ceil(columns) as u32;
    (w, TITLE_H + PANEL_H + legend_h, legend_h, columns)
}

fn legend_entries(panels: &[Panel], colors: &BTreeMap<String, usize>) -> Vec<(String, bool)> {
    let mut entries: Vec<(String, bool)> = panels
        .iter()
        .flat_map(|p| p.curves.iter().map(|c| (c.label.clone(), c.peer)))
        .collect();
    entries.sort_by_key(|(label, _)| (colors.get(label).copied(), label.clone()));
    entries.dedup();
    entries
}

fn draw_figure<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    panels: &[Panel],
    colors: &BTreeMap<String, usize>,
) -> Result<(), String> {
    let e = |err: DrawingAreaErrorKind<DB::ErrorType>| err.to_string();
    root.fill(&WHITE).map_err(e)?;
    let entries = legend_entries(panels, colors);
    let (_, _, legend_h, columns) = figure_size(panels.len(), entries.len());
    let (top, rest) = root.split_vertically(TITLE_H);
    top.draw(&Text::new(
        title.to_string(),
        (14, 10),
        ("sans-serif", 20).into_font(),
    ))
    .map_err(e)?;
    let (_, h) = rest.dim_in_pixel();
    let (charts, legend) = rest.split_vertically(h - legend_h);
    let areas = charts.split_evenly((1, panels.len().max(1)));
    for (area, panel) in areas.iter().zip(panels) {
        draw_panel(area, panel, colors)?;
    }
    draw_legend(&legend, &entries, colors, columns)?;
    root.present().map_err(e)
}

/// Writes `stem.svg` and `stem.png`, each atomically; `colors` from [`color_map`].
pub fn save_figure(
    stem: &Path,
    title: &str,
    panels: &[Panel],
    colors: &BTreeMap<String, usize>,
) -> Result<(), String> {
    register_font()?;
    let entries = legend_entries(panels, colors);
    let (w, h, _, _) = figure_size(panels.len(), entries.len());
    let drawn = |e: String| CliError::Input(e);
    write_via_path(&stem.with_extension("svg"), |svg| {
        let area = SVGBackend::new(svg, (w, h)).into_drawing_area();
        draw_figure(area, title, panels, colors).map_err(drawn)
    })
    .map_err(|e| e.to_string())?;
    write_via_path(&stem.with_extension("png"), |png| {
        let area = BitMapBackend::new(png, (w, h)).into_drawing_area();
        draw_figure(area, title, panels, colors).map_err(drawn)
    })
    .map_err(|e| e.to_string())
}

fn arrays_in(rows: &[Row]) -> Vec<String> {
    let mut arrays: Vec<String> = rows.iter().map(|r| r.array.clone()).collect();
    arrays.sort_by_key(|a| (array_rank(a), a.clone()));
    arrays.dedup();
    arrays
}

/// Fit time against n, log-log, one panel per array type, one curve per solver.
pub fn time_vs_n(rows: &[Row]) -> Vec<Panel> {
    arrays_in(rows)
        .into_iter()
        .map(|array| {
            let mut curves: BTreeMap<(bool, String), Vec<(f64, f64)>> = BTreeMap::new();
            for r in rows.iter().filter(|r| r.array == array && r.ok()) {
                if let Some(t) = r.median_s {
                    curves
                        .entry((r.library != "duckml", r.series()))
                        .or_default()
                        .push((r.n as f64, t));
                }
            }
            Panel {
                title: format!("{array} arrays"),
                x_label: "n (samples)".into(),
                y_label: "median fit time (s)".into(),
                curves: curves
                    .into_iter()
                    .map(|((peer, label), mut points)| {
                        points.sort_by(|a, b| a.0.total_cmp(&b.0));
                        Curve {
                            label,
                            points,
                            peer,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Objective gap against time at one size per array type (the largest n at which the
/// most duckml solvers ran): duckml's per-iteration objectives, iteration `i` of `k`
/// placed at `i/k` of the median fit time; peers as their final point.
pub fn gap_vs_time(rows: &[Row], traces: &[Trace]) -> Vec<Panel> {
    let mut panels = Vec::new();
    for array in arrays_in(rows) {
        let mut per_n: BTreeMap<usize, usize> = BTreeMap::new();
        for r in rows
            .iter()
            .filter(|r| r.array == array && r.ok() && r.library == "duckml")
        {
            *per_n.entry(r.n).or_default() += 1;
        }
        let Some(most) = per_n.values().max().copied() else {
            continue;
        };
        let n = per_n
            .iter()
            .filter(|(_, &c)| c == most)
            .map(|(&n, _)| n)
            .max()
            .expect("non-empty");
        let here: Vec<&Row> = rows
            .iter()
            .filter(|r| r.array == array && r.n == n && r.ok())
            .collect();
        let best = here
            .iter()
            .filter_map(|r| r.objective)
            .filter(|o| o.is_finite())
            .fold(f64::INFINITY, f64::min);
        let mut curves = Vec::new();
        for t in traces.iter().filter(|t| t.array == array && t.n == n) {
            let k = t.history.len().max(1) as f64;
            let points = t
                .history
                .iter()
                .enumerate()
                .filter(|(_, h)| h.is_finite())
                .map(|(i, h)| (t.median_s * (i as f64 + 1.0) / k, (h - best).max(GAP_FLOOR)))
                .collect();
            curves.push(Curve {
                label: format!("duckml {}", t.solver),
                points,
                peer: false,
            });
        }
        for r in here.iter().filter(|r| r.library != "duckml") {
            if let (Some(t), Some(g)) = (r.median_s, r.gap) {
                curves.push(Curve {
                    label: r.series(),
                    points: vec![(t, g.max(GAP_FLOOR))],
                    peer: true,
                });
            }
        }
        panels.push(Panel {
            title: format!("{array} arrays, n = {}", fmt_n(n)),
            x_label: "time (s)".into(),
            y_label: format!("objective - best (floor {GAP_FLOOR:.0e})"),
            curves,
        });
    }
    panels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(1000.0), "1e3");
        assert_eq!(tick(1e6), "1e6");
        assert_eq!(tick(0.01), "0.01");
        assert_eq!(tick(1e-8), "1e-8");
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick(20.0), "20");
        assert_eq!(tick(2e4), "2e4");
    }

    #[test]
    fn figures_render_to_svg_and_png() {
        let panels = vec![Panel {
            title: "dense arrays".into(),
            x_label: "n".into(),
            y_label: "s".into(),
            curves: vec![
                Curve {
                    label: "duckml lbfgs".into(),
                    points: vec![(1e3, 0.01), (1e4, 0.1)],
                    peer: false,
                },
                Curve {
                    label: "glum lbfgs".into(),
                    points: vec![(1e3, 0.02)],
                    peer: true,
                },
            ],
        }];
        let dir = std::env::temp_dir().join(format!("duckml_cli_plot_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let stem = dir.join("fig");
        let colors: BTreeMap<String, usize> = [
            ("duckml lbfgs".to_string(), 0),
            ("glum lbfgs".to_string(), 1),
        ]
        .into();
        save_figure(&stem, "test", &panels, &colors).unwrap();
        let svg = std::fs::read_to_string(stem.with_extension("svg")).unwrap();
        assert!(svg.contains("duckml lbfgs") && svg.contains("dense arrays"));
        let png = std::fs::read(stem.with_extension("png")).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        std::fs::remove_dir_all(&dir).ok();
    }
}
