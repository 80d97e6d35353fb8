//! A chart's rows as an inline SVG, drawn with plotters' SVG backend. Text
//! is laid out by plotters' estimate (no font files: AWS Lambda's image has
//! none) and drawn by the browser in a generic `sans-serif`. The SVG gets a
//! `viewBox` and scales to its box; the legend and the exact values are
//! HTML beside it (`html.rs`).

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

mod bars;
mod heatmap;
mod line;
mod ranked;
mod share;

pub use heatmap::heat_scale;
pub use share::{SHARE_SLICES, Slice, slices};

use crate::data::Rows;
use crate::spec::{Chart, Format, Kind};

/// The drawing's width in SVG units, of a chart in a column of the grid and
/// of one across it; the page scales both, so text keeps one size.
const NARROW: u32 = 560;
const WIDE: u32 = 1000;
const FONT: &str = "sans-serif";
const LABEL_SIZE: u32 = 15;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DrawError(String);

fn drawn<E: std::fmt::Debug>(error: E) -> DrawError {
    DrawError(format!("{error:?}"))
}

/// The SVG of a chart; `None` for a table.
pub fn svg(chart: &Chart, rows: &Rows, currency: &str) -> Result<Option<String>, DrawError> {
    let mut out = String::new();
    let width = if is_wide(chart, rows) { WIDE } else { NARROW };
    match chart.kind {
        Kind::Table => return Ok(None),
        Kind::Line => line::line(&mut out, width, chart, rows, currency)?,
        Kind::Bar | Kind::StackedBar => bars::bars(&mut out, width, chart, rows, currency)?,
        Kind::RankedBar => ranked::ranked(&mut out, width, chart, rows, currency)?,
        Kind::Share => share::donut(&mut out, width, &slices(chart, rows))?,
        Kind::Heatmap => heatmap::heatmap(&mut out, width, chart, rows)?,
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
/// The unit a chart's values are in, for its legend.
pub fn unit(format: Format, currency: &str) -> &str {
    match format {
        Format::Money => currency,
        Format::Percent => "%",
        Format::Number | Format::Text => "",
    }
}
