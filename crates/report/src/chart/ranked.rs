//! Horizontal bars, first row on top.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawError, FONT, LABEL_SIZE, categories, drawn, label_at, series_of, value_range};
use crate::data::Rows;
use crate::format::compact;
use crate::palette::series;
use crate::spec::Chart;

pub(super) fn ranked(
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
