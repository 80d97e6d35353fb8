//! Dashboards: the HTML report of a pack's analytics that every build
//! publishes (docs/dashboards.md).
//!
//! A pack declares its dashboard in `sql/<pack>/dashboard.toml` ([`spec`]):
//! KPI tiles and charts, each over one view of the `analytics` schema.
//! [`generate`] checks the views and columns against the OLAP database
//! ([`data::check_columns`]), reads each chart's rows ([`data`]), the
//! freshness of the data ([`freshness`]: last load, last build, data-quality
//! results) and renders one self-contained HTML file ([`html`]): inline CSS
//! and SVG charts drawn with plotters ([`chart`]), no script, nothing fetched,
//! no font file needed (AWS Lambda's image has none).

pub mod chart;
pub mod data;
pub mod format;
pub mod freshness;
pub mod html;
pub mod palette;
pub mod spec;
mod statements;

use starlift_domain::pack::Pack;
use starlift_domain::sql::TemplateError;
use tokio_postgres::Client;

pub use spec::{Chart, Dashboard, Format, Kind, Kpi, SpecError};

/// A rendered report.
#[derive(Debug, Clone)]
pub struct Report {
    pub html: String,
    /// The charts drawn (KPI tiles aside).
    pub charts: usize,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(
        "dashboard.toml reads analytics.{view}.{column}, which the analytics schema does not have"
    )]
    MissingColumn { view: String, column: String },
    #[error("report: cannot {what}: {source}")]
    Query {
        what: String,
        source: tokio_postgres::Error,
    },
    #[error("report: chart {chart} cannot be drawn: {reason}")]
    Draw { chart: String, reason: String },
    #[error("report SQL: {0}")]
    Template(#[from] TemplateError),
}

impl ReportError {
    fn query(what: &str) -> impl FnOnce(tokio_postgres::Error) -> ReportError + use<> {
        let what = what.to_string();
        move |source| ReportError::Query { what, source }
    }
}

/// The report of `pack` from the OLAP database (`olap`), for build
/// `build_id` (the latest when `None`); the last load is read from `oltp`
/// when given. `None` when the pack declares no dashboard.
pub async fn generate(
    olap: &Client,
    oltp: Option<&Client>,
    pack: &Pack,
    build_id: Option<i64>,
) -> Result<Option<Report>, ReportError> {
    let Some(dashboard) = Dashboard::of(pack)? else {
        return Ok(None);
    };
    data::check_columns(olap, &dashboard).await?;
    let mut kpis = Vec::with_capacity(dashboard.kpis.len());
    for kpi in &dashboard.kpis {
        kpis.push((kpi, data::kpi_value(olap, kpi).await?));
    }
    let mut charts = Vec::with_capacity(dashboard.charts.len());
    for chart in &dashboard.charts {
        let rows = data::chart_rows(olap, chart).await?;
        let svg = chart::svg(chart, &rows, &dashboard.currency).map_err(|e| ReportError::Draw {
            chart: chart.id.clone(),
            reason: e.to_string(),
        })?;
        charts.push(html::Drawn { chart, rows, svg });
    }
    let freshness = freshness::read(olap, oltp, pack.schema(), build_id).await?;
    let page = html::Page {
        dataset: pack.name(),
        dashboard: &dashboard,
        kpis,
        freshness: &freshness,
        charts,
        generated_at: chrono::Utc::now(),
    };
    Ok(Some(Report {
        html: html::render(&page),
        charts: dashboard.charts.len(),
    }))
}
