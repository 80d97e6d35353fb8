//! A chart's rows as an inline SVG, drawn with plotters' SVG backend. Text
//! is laid out by plotters' estimate (no font files: AWS Lambda's image has
//! none) and drawn by the browser in a generic `sans-serif`. The SVG gets a
//! `viewBox` and scales to its box; the legend and the exact values are
//! HTML beside it (`html.rs`).

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::data::Rows;
use crate::format::compact;
use crate::palette::{OTHER, heat, series};
use crate::spec::{Chart, Format, Kind};

/// The drawing's width in SVG units, of a chart in a column of the grid and
/// of one across it; the page scales both, so text keeps one size.
const NARROW: u32 = 560;
const WIDE: u32 = 1000;
const FONT: &str = "sans-serif";
const LABEL_SIZE: u32 = 15;
/// Slices a share chart draws; the rest are one "Other" slice.
pub const SHARE_SLICES: usize = 7;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DrawError(String);

fn drawn<E: std::fmt::Debug>(error: E) -> DrawError {
    DrawError(format!("{error:?}"))
}

/// One slice of a share chart (also its legend entry).
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub label: String,
    pub value: f64,
    pub colour: RGBColor,
}

/// The SVG of a chart; `None` for a table.
pub fn svg(chart: &Chart, rows: &Rows, currency: &str) -> Result<Option<String>, DrawError> {
    let mut out = String::new();
    let width = if is_wide(chart, rows) { WIDE } else { NARROW };
    match chart.kind {
        Kind::Table => return Ok(None),
        Kind::Line => line(&mut out, width, chart, rows, currency)?,
        Kind::Bar | Kind::StackedBar => bars(&mut out, width, chart, rows, currency)?,
        Kind::RankedBar => ranked(&mut out, width, chart, rows, currency)?,
        Kind::Share => donut(&mut out, width, &slices(chart, rows))?,
        Kind::Heatmap => heatmap(&mut out, width, chart, rows)?,
    }
    Ok(Some(responsive(&out)))
}

/// Whether the chart spans the grid: time series, heatmaps and long
/// category axes.
pub fn is_wide(chart: &Chart, rows: &Rows) -> bool {
    match chart.kind {
        Kind::Line | Kind::Heatmap => true,
        Kind::Bar | Kind::StackedBar => rows.rows.len() > 12,
        Kind::Table => chart.columns().len() > 4,
        Kind::RankedBar | Kind::Share => false,
    }
}

/// Characters of a category label that fit under its tick, for a plot
/// about `width` units wide with `n` categories and a tick every `step`.
fn label_chars(width: u32, n: usize, step: usize) -> usize {
    let per_tick = f64::from(width.saturating_sub(110)) * step as f64 / n.max(1) as f64;
    ((per_tick / 8.5) as usize).clamp(4, 24)
}

/// The value axis' title: the columns (or `y_label`) and the unit.
fn value_title(chart: &Chart, currency: &str) -> String {
    let title = axis_title(&chart.y_label, &chart.y.join(", "));
    match unit(chart.format, currency) {
        "" => title,
        unit => format!("{title} ({unit})"),
    }
}

/// plotters writes `width`/`height`; the page sizes the SVG by CSS and the
/// viewBox keeps its proportions.
fn responsive(svg: &str) -> String {
    svg.replacen(
        "<svg ",
        "<svg role=\"img\" preserveAspectRatio=\"xMidYMid meet\" ",
        1,
    )
}

/// The x labels (as text) and each `y` series (NULL and non-numbers as
/// `None`).
fn series_of(chart: &Chart, rows: &Rows) -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    let labels = chart
        .x
        .as_deref()
        .map(|x| {
            rows.column(x)
                .into_iter()
                .map(|v| v.unwrap_or("(none)").to_string())
                .collect()
        })
        .unwrap_or_default();
    let values = chart
        .y
        .iter()
        .map(|y| {
            rows.column(y)
                .into_iter()
                .map(|v| v.and_then(|v| v.parse::<f64>().ok()))
                .collect()
        })
        .collect();
    (labels, values)
}

/// `[lo, hi]` of the value axis: from zero (or below it) to a little above
/// the largest value.
fn value_range(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let hi = if hi <= 0.0 && lo >= 0.0 { 1.0 } else { hi };
    (lo * 1.1)..(hi * 1.12)
}

/// Category positions 0..n on a continuous axis (so bars can sit side by
/// side within one), with a tick at every `step`-th one.
struct Categories {
    range: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for Categories {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.range.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.range()
    }
}

fn categories(n: usize, max_ticks: usize) -> Categories {
    let step = tick_step(n, max_ticks);
    Categories {
        range: RangedCoordf64::from(-0.5..(n.max(1) as f64 - 0.5)),
        ticks: (0..n).step_by(step).map(|i| i as f64).collect(),
    }
}

/// Every how many categories a tick goes, for at most `max_ticks`.
fn tick_step(n: usize, max_ticks: usize) -> usize {
    n.div_ceil(max_ticks.max(1)).max(1)
}

fn label_at(labels: &[String], position: f64, max_chars: usize) -> String {
    let i = position.round();
    if (position - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels
        .get(i as usize)
        .map(|l| truncate(l, max_chars))
        .unwrap_or_default()
}

/// At most `max` characters, an ellipsis marking the cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn axis_title(given: &Option<String>, fallback: &str) -> String {
    given.clone().unwrap_or_else(|| fallback.replace('_', " "))
}

fn line(
    out: &mut String,
    width: u32,
    chart: &Chart,
    rows: &Rows,
    currency: &str,
) -> Result<(), DrawError> {
    let (labels, values) = series_of(chart, rows);
    let format = chart.format;
    let max_chars = label_chars(width, labels.len(), tick_step(labels.len(), 10));
    let root = SVGBackend::with_string(out, (width, 380)).into_drawing_area();
    root.fill(&WHITE).map_err(drawn)?;
    let mut ctx = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(52)
        .y_label_area_size(84)
        .build_cartesian_2d(
            categories(labels.len(), 10),
            value_range(values.iter().flatten().flatten().copied()),
        )
        .map_err(drawn)?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .y_labels(6)
        .label_style((FONT, LABEL_SIZE))
        .light_line_style(TRANSPARENT)
        .axis_desc_style((FONT, LABEL_SIZE))
        .x_label_formatter(&|x| label_at(&labels, *x, max_chars))
        .y_label_formatter(&|y| compact(*y, format, currency))
        .x_desc(axis_title(
            &chart.x_label,
            chart.x.as_deref().unwrap_or_default(),
        ))
        .y_desc(value_title(chart, currency))
        .draw()
        .map_err(drawn)?;
    for (s, serie) in values.iter().enumerate() {
        let colour = series(s);
        let points: Vec<(f64, f64)> = serie
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        ctx.draw_series(LineSeries::new(points.clone(), colour.stroke_width(3)))
            .map_err(drawn)?;
        if points.len() <= 60 {
            ctx.draw_series(points.iter().map(|p| Circle::new(*p, 3, colour.filled())))
                .map_err(drawn)?;
        }
    }
    root.present().map_err(drawn)
}

fn bars(
    out: &mut String,
    width: u32,
    chart: &Chart,
    rows: &Rows,
    currency: &str,
) -> Result<(), DrawError> {
    let (labels, values) = series_of(chart, rows);
    let stacked = chart.kind == Kind::StackedBar;
    let n = labels.len();
    let k = values.len().max(1);
    let totals: Vec<f64> = (0..n)
        .map(|i| values.iter().map(|s| s[i].unwrap_or(0.0)).sum())
        .collect();
    let range = if stacked {
        value_range(totals.iter().copied())
    } else {
        value_range(values.iter().flatten().flatten().copied())
    };
    let format = chart.format;
    let max_chars = label_chars(width, n, tick_step(n, 12));
    let root = SVGBackend::with_string(out, (width, 400)).into_drawing_area();
    root.fill(&WHITE).map_err(drawn)?;
    let mut ctx = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(52)
        .y_label_area_size(84)
        .build_cartesian_2d(categories(n, 12), range)
        .map_err(drawn)?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .y_labels(6)
        .label_style((FONT, LABEL_SIZE))
        .light_line_style(TRANSPARENT)
        .axis_desc_style((FONT, LABEL_SIZE))
        .x_label_formatter(&|x| label_at(&labels, *x, max_chars))
        .y_label_formatter(&|y| compact(*y, format, currency))
        .x_desc(axis_title(
            &chart.x_label,
            chart.x.as_deref().unwrap_or_default(),
        ))
        .y_desc(value_title(chart, currency))
        .draw()
        .map_err(drawn)?;
    let slot = 0.8;
    let mut base = vec![0.0; n];
    for (s, serie) in values.iter().enumerate() {
        let colour = series(s);
        let rects: Vec<Rectangle<(f64, f64)>> = serie
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let v = (*v)?;
                let x = i as f64;
                let (x0, x1, y0) = if stacked {
                    (x - slot / 2.0, x + slot / 2.0, base[i])
                } else {
                    let w = slot / k as f64;
                    let x0 = x - slot / 2.0 + s as f64 * w;
                    (x0, x0 + w * 0.92, 0.0)
                };
                Some(Rectangle::new([(x0, y0), (x1, y0 + v)], colour.filled()))
            })
            .collect();
        ctx.draw_series(rects).map_err(drawn)?;
        if stacked {
            for (i, v) in serie.iter().enumerate() {
                base[i] += v.unwrap_or(0.0);
            }
        }
    }
    // Values over the bars while they fit.
    if n * if stacked { 1 } else { k } <= 16 {
        let style = TextStyle::from((FONT, 13).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        let mut labels = Vec::new();
        for i in 0..n {
            if stacked {
                labels.push(Text::new(
                    compact(totals[i], format, currency),
                    (i as f64, totals[i]),
                    style.clone(),
                ));
                continue;
            }
            for (s, serie) in values.iter().enumerate() {
                if let Some(v) = serie[i] {
                    let w = slot / k as f64;
                    let x = i as f64 - slot / 2.0 + (s as f64 + 0.46) * w;
                    labels.push(Text::new(
                        compact(v, format, currency),
                        (x, v),
                        style.clone(),
                    ));
                }
            }
        }
        ctx.draw_series(labels).map_err(drawn)?;
    }
    root.present().map_err(drawn)
}

fn ranked(
    out: &mut String,
    width: u32,
    chart: &Chart,
    rows: &Rows,
    currency: &str,
) -> Result<(), DrawError> {
    let (labels, values) = series_of(chart, rows);
    let values = values.into_iter().next().unwrap_or_default();
    let n = labels.len();
    let format = chart.format;
    let longest = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(26);
    let height = (60 + 30 * n.max(1)) as u32;
    // Rank 1 on top: row i is drawn at n - 1 - i.
    let top_down: Vec<String> = labels.iter().rev().cloned().collect();
    let root = SVGBackend::with_string(out, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(drawn)?;
    let mut ctx = ChartBuilder::on(&root)
        .margin(12)
        .margin_right(56)
        .x_label_area_size(30)
        .y_label_area_size((longest as u32 * 9 + 16).max(60))
        .build_cartesian_2d(
            value_range(values.iter().flatten().copied()),
            categories(n, n),
        )
        .map_err(drawn)?;
    ctx.configure_mesh()
        .disable_y_mesh()
        .x_labels(6)
        .label_style((FONT, LABEL_SIZE))
        .light_line_style(TRANSPARENT)
        .x_label_formatter(&|x| compact(*x, format, currency))
        .y_label_formatter(&|y| label_at(&top_down, *y, 22))
        .draw()
        .map_err(drawn)?;
    let colour = series(0);
    let row = |i: usize| (n - 1 - i) as f64;
    ctx.draw_series(values.iter().enumerate().filter_map(|(i, v)| {
        let v = (*v)?;
        Some(Rectangle::new(
            [(0.0, row(i) - 0.38), (v, row(i) + 0.38)],
            colour.filled(),
        ))
    }))
    .map_err(drawn)?;
    let style = TextStyle::from((FONT, 13).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    ctx.draw_series(values.iter().enumerate().filter_map(|(i, v)| {
        let v = (*v)?;
        Some(Text::new(
            format!(" {}", compact(v, format, currency)),
            (v, row(i)),
            style.clone(),
        ))
    }))
    .map_err(drawn)?;
    root.present().map_err(drawn)
}

/// A share chart's slices: the first [`SHARE_SLICES`] rows, then the rest
/// summed as "Other (n more)". Negative and NULL values are left out.
pub fn slices(chart: &Chart, rows: &Rows) -> Vec<Slice> {
    let (labels, values) = series_of(chart, rows);
    let values = values.into_iter().next().unwrap_or_default();
    let mut out: Vec<Slice> = Vec::new();
    let mut other = (0.0, 0usize);
    for (i, (label, value)) in labels.iter().zip(values).enumerate() {
        let Some(value) = value.filter(|v| *v > 0.0) else {
            continue;
        };
        if i < SHARE_SLICES {
            out.push(Slice {
                label: label.clone(),
                value,
                colour: series(out.len()),
            });
        } else {
            other = (other.0 + value, other.1 + 1);
        }
    }
    if other.1 > 0 {
        out.push(Slice {
            label: format!("Other ({} more)", other.1),
            value: other.0,
            colour: OTHER,
        });
    }
    out
}

fn donut(out: &mut String, width: u32, slices: &[Slice]) -> Result<(), DrawError> {
    let (w, h) = (width, 300);
    let root = SVGBackend::with_string(out, (w, h)).into_drawing_area();
    root.fill(&WHITE).map_err(drawn)?;
    let total: f64 = slices.iter().map(|s| s.value).sum();
    if total > 0.0 {
        let sizes: Vec<f64> = slices.iter().map(|s| s.value).collect();
        let colours: Vec<RGBColor> = slices.iter().map(|s| s.colour).collect();
        // Shares as labels on the ring; names are in the HTML legend.
        let labels: Vec<String> = slices
            .iter()
            .map(|s| {
                let pct = 100.0 * s.value / total;
                if pct >= 4.0 {
                    format!("{pct:.0}%")
                } else {
                    String::new()
                }
            })
            .collect();
        let center = ((w / 2) as i32, (h / 2) as i32);
        let radius = 135.0;
        let mut pie = Pie::new(&center, &radius, &sizes, &colours, &labels);
        pie.donut_hole(72.0);
        pie.start_angle(-90.0);
        pie.label_style((FONT, 16).into_font().color(&BLACK));
        pie.label_offset(-20.0);
        root.draw(&pie).map_err(drawn)?;
    }
    root.present().map_err(drawn)
}

fn heatmap(out: &mut String, width: u32, chart: &Chart, rows: &Rows) -> Result<(), DrawError> {
    let (Some(x), Some(row)) = (chart.x.as_deref(), chart.row.as_deref()) else {
        return Err(DrawError("a heatmap needs x and row".into()));
    };
    let xs = distinct(rows.column(x));
    let ys = distinct(rows.column(row));
    let values = rows.column(chart.y.first().map(String::as_str).unwrap_or_default());
    let scale = heat_scale(chart, rows);
    let height = (90 + 14 * ys.len().max(1)).min(1400) as u32;
    let top_down: Vec<String> = ys.iter().rev().cloned().collect();
    let root = SVGBackend::with_string(out, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(drawn)?;
    let mut ctx = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(52)
        .y_label_area_size(110)
        .build_cartesian_2d(categories(xs.len(), 12), categories(ys.len(), 24))
        .map_err(drawn)?;
    ctx.configure_mesh()
        .disable_mesh()
        .label_style((FONT, LABEL_SIZE))
        .light_line_style(TRANSPARENT)
        .axis_desc_style((FONT, LABEL_SIZE))
        .x_label_formatter(&|p| label_at(&xs, *p, 10))
        .y_label_formatter(&|p| label_at(&top_down, *p, 12))
        .x_desc(axis_title(&chart.x_label, x))
        .y_desc(axis_title(&chart.y_label, row))
        .draw()
        .map_err(drawn)?;
    let xcol = rows.column(x);
    let ycol = rows.column(row);
    let cells = (0..rows.rows.len()).filter_map(|i| {
        let xi = xs.iter().position(|v| Some(v.as_str()) == xcol[i])?;
        let yi = ys.iter().position(|v| Some(v.as_str()) == ycol[i])?;
        let v = values[i]?.parse::<f64>().ok()?;
        let (cx, cy) = (xi as f64, (ys.len() - 1 - yi) as f64);
        Some(Rectangle::new(
            [(cx - 0.5, cy - 0.5), (cx + 0.5, cy + 0.5)],
            heat(v / scale).filled(),
        ))
    });
    ctx.draw_series(cells).map_err(drawn)?;
    root.present().map_err(drawn)
}

/// The value that gets the darkest colour of a heatmap: the largest value
/// outside the first column (a retention grid's month 0 is always 100%,
/// and would wash out the rest); cells above it get the darkest colour.
pub fn heat_scale(chart: &Chart, rows: &Rows) -> f64 {
    let (Some(x), Some(y)) = (chart.x.as_deref(), chart.y.first()) else {
        return 1.0;
    };
    let xs = rows.column(x);
    let first = xs.first().copied().flatten();
    let max = rows
        .column(y)
        .into_iter()
        .zip(&xs)
        .filter(|(_, xv)| xs.len() < 2 || **xv != first)
        .filter_map(|(v, _)| v?.parse::<f64>().ok())
        .fold(0.0_f64, f64::max);
    if max > 0.0 { max } else { 1.0 }
}

/// The distinct values of a column in order of first appearance.
fn distinct(values: Vec<Option<&str>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values.into_iter().map(|v| v.unwrap_or("(none)")) {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

/// The unit a chart's values are in, for its legend.
pub fn unit(format: Format, currency: &str) -> &str {
    match format {
        Format::Money => currency,
        Format::Percent => "%",
        Format::Number | Format::Text => "",
    }
}
