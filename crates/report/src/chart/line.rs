//! Lines over time, one per value column.

use plotters::prelude::*;

use super::{
    DrawError, FONT, LABEL_SIZE, axis_title, categories, drawn, label_at, label_chars, series_of,
    tick_step, value_range, value_title,
};
use crate::data::Rows;
use crate::format::compact;
use crate::palette::series;
use crate::spec::Chart;

pub(super) fn line(
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
