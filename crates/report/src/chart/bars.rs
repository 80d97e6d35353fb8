//! Vertical bars per category: grouped side by side, or stacked.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    DrawError, FONT, LABEL_SIZE, axis_title, categories, drawn, label_at, label_chars, series_of,
    tick_step, value_range, value_title,
};
use crate::data::Rows;
use crate::format::compact;
use crate::palette::series;
use crate::spec::{Chart, Kind};

pub(super) fn bars(
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
