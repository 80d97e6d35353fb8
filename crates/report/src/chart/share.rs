//! A donut of a value per category: the first rows, then "Other".

use plotters::prelude::*;

use super::{DrawError, FONT, drawn, series_of};
use crate::data::Rows;
use crate::palette::{OTHER, series};
use crate::spec::Chart;

/// Slices a share chart draws; the rest are one "Other" slice.
pub const SHARE_SLICES: usize = 7;

/// One slice of a share chart (also its legend entry).
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub label: String,
    pub value: f64,
    pub colour: RGBColor,
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

pub(super) fn donut(out: &mut String, width: u32, slices: &[Slice]) -> Result<(), DrawError> {
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
