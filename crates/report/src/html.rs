//! The report page: one self-contained HTML file (inline CSS and SVG, no
//! script, no external resource). Every shown number is also in the markup
//! as the database printed it: `data-value` on KPI tiles and on the cells of
//! each chart's data table, so a reader can check, and the test compares
//! them with the views.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::chart::{self, Slice};
use crate::data::Rows;
use crate::format;
use crate::freshness::Freshness;
use crate::palette::{heat, hex, series};
use crate::spec::{Chart, Dashboard, Format, Kind, Kpi};

/// One drawn chart: its spec, rows and SVG (`None` for a table).
#[derive(Debug)]
pub struct Drawn<'a> {
    pub chart: &'a Chart,
    pub rows: Rows,
    pub svg: Option<String>,
}

/// What the page shows.
#[derive(Debug)]
pub struct Page<'a> {
    pub dataset: &'a str,
    pub dashboard: &'a Dashboard,
    pub kpis: Vec<(&'a Kpi, Option<String>)>,
    pub freshness: &'a Freshness,
    pub charts: Vec<Drawn<'a>>,
    pub generated_at: DateTime<Utc>,
}

const CSS: &str = include_str!("report.css");

/// The page as HTML.
pub fn render(page: &Page) -> String {
    let d = page.dashboard;
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        esc(&d.title),
        esc(&d.title)
    );
    if let Some(description) = &d.description {
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", esc(description));
    }
    let _ = writeln!(
        out,
        "<p class=\"meta\">Data set <b>{}</b> · money in <b>{}</b> · generated {}</p>\n</header>",
        esc(page.dataset),
        esc(&d.currency),
        time(page.generated_at)
    );
    kpis(&mut out, page);
    freshness(&mut out, page.freshness);
    out.push_str("<main class=\"grid\">\n");
    for drawn in &page.charts {
        chart_section(&mut out, drawn, &d.currency);
    }
    let _ = write!(
        out,
        "</main>\n<footer>starlift report of the <code>analytics</code> views of {}; \
         the numbers under “Data” are the views' rows.</footer>\n</body>\n</html>\n",
        esc(page.dataset)
    );
    out
}

fn kpis(out: &mut String, page: &Page) {
    if page.kpis.is_empty() {
        return;
    }
    out.push_str("<section class=\"kpis\" aria-label=\"Key figures\">\n");
    for (kpi, value) in &page.kpis {
        let shown = value
            .as_deref()
            .map(|v| format::value(v, kpi.format, &page.dashboard.currency))
            .unwrap_or_else(|| "—".to_string());
        let _ = writeln!(
            out,
            "<div class=\"kpi\" data-kpi=\"{}\" data-view=\"{}\" data-column=\"{}\"{}><div class=\"label\">{}</div><div class=\"value\">{}</div></div>",
            esc(&kpi.label),
            esc(&kpi.view),
            esc(&kpi.column),
            data_value(value.as_deref()),
            esc(&kpi.label),
            esc(&shown)
        );
    }
    out.push_str("</section>\n");
}

fn freshness(out: &mut String, f: &Freshness) {
    out.push_str("<section class=\"freshness\" aria-label=\"Freshness\">\n<dl>\n");
    let load = match &f.last_load {
        Some(load) => match load.at {
            Some(at) => format!("{} ({} files loaded)", time(at), load.files),
            None => "no file loaded yet".to_string(),
        },
        None => "not known (OLTP not read)".to_string(),
    };
    let _ = writeln!(
        out,
        "<div><dt>Last load</dt><dd data-last-load>{}</dd></div>",
        esc(&load)
    );
    let build = match &f.build {
        Some(b) => format!(
            "#{} ({}, {} load batches) finished {}",
            b.id,
            b.mode,
            b.batches,
            time(b.finished_at)
        ),
        None => "no build yet".to_string(),
    };
    let build_id = f
        .build
        .as_ref()
        .map(|b| b.id.to_string())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<div><dt>Last build</dt><dd data-build-id=\"{}\">{}</dd></div>",
        esc(&build_id),
        esc(&build)
    );
    let failed: Vec<_> = f.failed().collect();
    let passed = f.dq.len() - failed.len();
    let (class, verdict) = if failed.is_empty() {
        ("pass", format!("passed: {passed} of {} checks", f.dq.len()))
    } else {
        (
            "fail",
            format!("FAILED: {} of {} checks", failed.len(), f.dq.len()),
        )
    };
    let _ = writeln!(
        out,
        "<div><dt>Data quality</dt><dd class=\"dq {class}\" data-dq-passed=\"{passed}\" data-dq-failed=\"{}\">{}</dd></div>\n</dl>",
        failed.len(),
        esc(&verdict)
    );
    if !failed.is_empty() {
        out.push_str("<ul class=\"failed\">\n");
        for check in failed {
            let _ = writeln!(
                out,
                "<li data-check=\"{}\"><b>{}</b>: {}</li>",
                esc(&check.name),
                esc(&check.name),
                esc(&check.detail)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn chart_section(out: &mut String, drawn: &Drawn, currency: &str) {
    let chart = drawn.chart;
    let wide = chart::is_wide(chart, &drawn.rows);
    let _ = writeln!(
        out,
        "<section class=\"chart{}\" id=\"chart-{}\" data-chart=\"{}\" data-kind=\"{}\" data-view=\"{}\" data-rows=\"{}\">\n<h2>{}</h2>",
        if wide { " wide" } else { "" },
        esc(&chart.id),
        esc(&chart.id),
        kind_name(chart.kind),
        esc(&chart.view),
        drawn.rows.rows.len(),
        esc(&chart.title)
    );
    if let Some(description) = &chart.description {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(description));
    }
    if drawn.rows.rows.is_empty() {
        out.push_str("<p class=\"empty\">No rows yet.</p>\n");
    }
    match &drawn.svg {
        Some(svg) if !drawn.rows.rows.is_empty() => {
            let _ = writeln!(out, "<div class=\"plot\">{svg}</div>");
            legend(out, drawn, currency);
            table(out, drawn, currency, true);
        }
        Some(_) => {}
        None => table(out, drawn, currency, false),
    }
    out.push_str("</section>\n");
}

fn legend(out: &mut String, drawn: &Drawn, currency: &str) {
    let chart = drawn.chart;
    match chart.kind {
        Kind::Share => {
            let slices = chart::slices(chart, &drawn.rows);
            let total: f64 = slices.iter().map(|s| s.value).sum();
            out.push_str("<ul class=\"legend\">\n");
            for Slice {
                label,
                value,
                colour,
            } in &slices
            {
                let pct = if total > 0.0 {
                    100.0 * value / total
                } else {
                    0.0
                };
                let _ = writeln!(
                    out,
                    "<li><span class=\"swatch\" style=\"background:{}\"></span>{} <span class=\"num\">{} · {pct:.1}%</span></li>",
                    hex(*colour),
                    esc(label),
                    esc(&format::value(&rounded(*value), chart.format, currency))
                );
            }
            out.push_str("</ul>\n");
        }
        Kind::Heatmap => {
            let scale = chart::heat_scale(chart, &drawn.rows);
            let stops: Vec<String> = (0..=4).map(|i| hex(heat(f64::from(i) / 4.0))).collect();
            let _ = writeln!(
                out,
                "<p class=\"ramp\"><span>{}</span><span class=\"bar\" style=\"background:linear-gradient(to right,{})\"></span><span>{} or more</span></p>",
                esc(&format::value("0", chart.format, currency)),
                stops.join(","),
                esc(&format::value(
                    &format!("{scale:.2}"),
                    chart.format,
                    currency
                ))
            );
        }
        _ if chart.y.len() > 1 => {
            out.push_str("<ul class=\"legend\">\n");
            for (i, y) in chart.y.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>",
                    hex(series(i)),
                    esc(&y.replace('_', " "))
                );
            }
            out.push_str("</ul>\n");
        }
        _ => {}
    }
}

/// The rows as a table: folded under "Data" below a chart, open for a
/// table chart.
fn table(out: &mut String, drawn: &Drawn, currency: &str, folded: bool) {
    let chart = drawn.chart;
    if folded {
        let _ = writeln!(
            out,
            "<details><summary>Data ({} rows)</summary>",
            drawn.rows.rows.len()
        );
    }
    let _ = write!(
        out,
        "<div class=\"scroll\"><table class=\"data\" data-chart=\"{}\">\n<thead><tr>",
        esc(&chart.id)
    );
    // A column of numbers is right-aligned.
    let numeric: Vec<bool> = drawn
        .rows
        .columns
        .iter()
        .map(|column| {
            chart.format_of(column) != Format::Text
                && drawn
                    .rows
                    .column(column)
                    .into_iter()
                    .flatten()
                    .all(|v| v.parse::<f64>().is_ok())
        })
        .collect();
    let class = |numeric: bool| if numeric { " class=\"n\"" } else { "" };
    for (column, numeric) in drawn.rows.columns.iter().zip(&numeric) {
        let _ = write!(
            out,
            "<th data-column=\"{}\"{}>{}</th>",
            esc(column),
            class(*numeric),
            esc(&column.replace('_', " "))
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &drawn.rows.rows {
        out.push_str("<tr>");
        for ((column, value), numeric) in drawn.rows.columns.iter().zip(row).zip(&numeric) {
            let shown = value
                .as_deref()
                .map(|v| format::value(v, chart.format_of(column), currency))
                .unwrap_or_else(|| "—".to_string());
            let _ = write!(
                out,
                "<td{}{}>{}</td>",
                class(*numeric),
                data_value(value.as_deref()),
                esc(&shown)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    if folded {
        out.push_str("</details>\n");
    }
}

/// A computed value (a sum of slices) to the cent, as the database would
/// print it.
fn rounded(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// ` data-value="…"`, or ` data-null` for NULL.
fn data_value(value: Option<&str>) -> String {
    match value {
        Some(v) => format!(" data-value=\"{}\"", esc(v)),
        None => " data-null".to_string(),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Line => "line",
        Kind::Bar => "bar",
        Kind::StackedBar => "stacked_bar",
        Kind::RankedBar => "ranked_bar",
        Kind::Share => "share",
        Kind::Heatmap => "heatmap",
        Kind::Table => "table",
    }
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// HTML text and attribute escaping.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::freshness::Check;

    const SPEC: &str = r#"
        title = "Shop <&>"
        currency = "EUR"
        [[kpi]]
        label = "Revenue"
        view = "overview"
        column = "revenue"
        format = "money"
        [[chart]]
        id = "by_product"
        title = "By product"
        kind = "share"
        view = "by_product"
        x = "product"
        y = ["revenue"]
        format = "money"
    "#;

    fn page_html(rows: Rows, dq: Vec<Check>) -> String {
        let dashboard = Dashboard::parse("shop", SPEC).unwrap();
        let freshness = Freshness {
            last_load: None,
            build: None,
            dq,
        };
        let chart = &dashboard.charts[0];
        let svg = chart::svg(chart, &rows, "EUR").unwrap();
        render(&Page {
            dataset: "shop",
            dashboard: &dashboard,
            kpis: vec![(&dashboard.kpis[0], Some("1234.5".into()))],
            freshness: &freshness,
            charts: vec![Drawn { chart, rows, svg }],
            generated_at: DateTime::<Utc>::UNIX_EPOCH,
        })
    }

    fn rows(products: &[(&str, Option<&str>)]) -> Rows {
        Rows {
            columns: vec!["product".into(), "revenue".into()],
            rows: products
                .iter()
                .map(|(p, r)| vec![Some(p.to_string()), r.map(str::to_string)])
                .collect(),
        }
    }

    #[test]
    fn values_are_marked_escaped_and_formatted() {
        let html = page_html(
            rows(&[("Tom & <Jerry>", Some("10.50")), ("Nulls", None)]),
            vec![],
        );
        assert!(html.contains("<title>Shop &lt;&amp;&gt;</title>"));
        assert!(html.contains("data-kpi=\"Revenue\""));
        assert!(html.contains("data-value=\"1234.5\"><div class=\"label\">Revenue</div><div class=\"value\">€1,234.50</div>"));
        assert!(
            html.contains(
                "<td data-value=\"Tom &amp; &lt;Jerry&gt;\">Tom &amp; &lt;Jerry&gt;</td>"
            )
        );
        assert!(html.contains("<td class=\"n\" data-null>—</td>"));
        assert!(!html.contains("<Jerry>"), "unescaped text");
        assert!(html.contains("<svg role=\"img\""));
        assert!(html.contains("passed: 0 of 0 checks"));
    }

    #[test]
    fn failed_checks_are_named_and_a_share_keeps_seven_slices() {
        let many: Vec<(String, Option<&str>)> =
            (1..=9).map(|i| (format!("p{i}"), Some("1"))).collect();
        let many: Vec<(&str, Option<&str>)> = many.iter().map(|(p, v)| (p.as_str(), *v)).collect();
        let html = page_html(
            rows(&many),
            vec![
                Check {
                    name: "a".into(),
                    passed: true,
                    detail: String::new(),
                },
                Check {
                    name: "totals".into(),
                    passed: false,
                    detail: "2 rows <off>".into(),
                },
            ],
        );
        assert!(html.contains("FAILED: 1 of 2 checks"));
        assert!(html.contains("<li data-check=\"totals\"><b>totals</b>: 2 rows &lt;off&gt;</li>"));
        assert!(html.contains("Other (2 more)"));
        assert_eq!(
            html.matches("<tr>").count(),
            1 + 9,
            "every row is in the data table"
        );
    }
}
