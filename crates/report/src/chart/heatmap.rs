//! A grid of rows × columns coloured by a value.

use plotters::prelude::*;

use super::{DrawError, FONT, LABEL_SIZE, axis_title, categories, drawn, label_at};
use crate::data::Rows;
use crate::palette::heat;
use crate::spec::Chart;

pub(super) fn heatmap(
    out: &mut String,
    width: u32,
    chart: &Chart,
    rows: &Rows,
) -> Result<(), DrawError> {
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
