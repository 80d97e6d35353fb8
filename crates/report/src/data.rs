//! The rows a dashboard shows, read from the analytics views: every value as
//! the database prints it (`::text`), so the report shows exactly what the
//! view holds and the test can compare it with the view.

use std::collections::BTreeSet;

use starlift_domain::catalog::quote_ident;
use tokio_postgres::Client;

use crate::ReportError;
use crate::spec::{Chart, Dashboard, Kpi};
use crate::statements::{Statement, sql};

/// A chart's rows: `columns` as [`Chart::columns`] lists them, each value as
/// text (`None` for NULL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

impl Rows {
    /// The values of `column`, row by row.
    pub fn column(&self, column: &str) -> Vec<Option<&str>> {
        let Some(i) = self.columns.iter().position(|c| c == column) else {
            return Vec::new();
        };
        self.rows.iter().map(|row| row[i].as_deref()).collect()
    }
}

/// Fails naming the first `(view, column)` the dashboard reads that the
/// analytics schema does not have.
pub async fn check_columns(olap: &Client, dashboard: &Dashboard) -> Result<(), ReportError> {
    let present: BTreeSet<(String, String)> = olap
        .query(sql(Statement::AnalyticsColumns)?, &[])
        .await
        .map_err(ReportError::query("list the analytics columns"))?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    for (view, column) in dashboard.columns_read() {
        if !present.contains(&(view.to_string(), column.to_string())) {
            return Err(ReportError::MissingColumn {
                view: view.to_string(),
                column: column.to_string(),
            });
        }
    }
    Ok(())
}

/// The SQL of a chart's rows. Columns are qualified (`v.`): an unqualified
/// ORDER BY name would sort by the text output column of that name.
pub fn chart_sql(chart: &Chart) -> String {
    let select: Vec<String> = chart
        .columns()
        .iter()
        .map(|c| format!("v.{}::text", quote_ident(c)))
        .collect();
    let mut sql = format!(
        "SELECT {} FROM analytics.{} v",
        select.join(", "),
        quote_ident(&chart.view)
    );
    let order: Vec<String> = chart
        .order()
        .iter()
        .map(|(c, desc)| format!("v.{}{}", quote_ident(c), if *desc { " DESC" } else { "" }))
        .collect();
    if !order.is_empty() {
        sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
    }
    if let Some(limit) = chart.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    sql
}

/// A chart's rows.
pub async fn chart_rows(olap: &Client, chart: &Chart) -> Result<Rows, ReportError> {
    let rows = olap
        .query(&chart_sql(chart), &[])
        .await
        .map_err(ReportError::query(&format!("chart {}", chart.id)))?;
    let columns: Vec<String> = chart.columns().iter().map(|c| c.to_string()).collect();
    let rows = rows
        .iter()
        .map(|row| (0..columns.len()).map(|i| row.get(i)).collect())
        .collect();
    Ok(Rows { columns, rows })
}

/// A KPI's value: `column` of the view's first row (`None` for NULL or no
/// row).
pub async fn kpi_value(olap: &Client, kpi: &Kpi) -> Result<Option<String>, ReportError> {
    let sql = format!(
        "SELECT {}::text FROM analytics.{} LIMIT 1",
        quote_ident(&kpi.column),
        quote_ident(&kpi.view)
    );
    let row = olap
        .query_opt(&sql, &[])
        .await
        .map_err(ReportError::query(&format!("kpi {}", kpi.label)))?;
    Ok(row.and_then(|row| row.get(0)))
}
