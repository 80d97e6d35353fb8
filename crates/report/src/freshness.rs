//! How fresh the report is: the last file loaded into OLTP, the build it
//! shows, and that build's data-quality results.

use chrono::{DateTime, Utc};
use tokio_postgres::Client;

use crate::ReportError;
use crate::statements::{Statement, sql};

/// The freshness box of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    /// The newest loaded file of the pack's schema, and the number loaded;
    /// `None` when OLTP was not asked.
    pub last_load: Option<LastLoad>,
    /// The build shown; `None` before the first build.
    pub build: Option<Build>,
    /// Its data-quality results, failures first.
    pub dq: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastLoad {
    pub at: Option<DateTime<Utc>>,
    pub files: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    pub id: i64,
    pub mode: String,
    pub finished_at: DateTime<Utc>,
    pub batches: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

impl Freshness {
    /// The checks that failed.
    pub fn failed(&self) -> impl Iterator<Item = &Check> {
        self.dq.iter().filter(|c| !c.passed)
    }
}

/// Reads the freshness of build `build_id` (the latest when `None`); the
/// last load from `oltp` when given, for the OLTP schema `schema`.
pub async fn read(
    olap: &Client,
    oltp: Option<&Client>,
    schema: &str,
    build_id: Option<i64>,
) -> Result<Freshness, ReportError> {
    let build = olap
        .query_opt(sql(Statement::Build)?, &[&build_id])
        .await
        .map_err(ReportError::query("read the build"))?
        .map(|row| Build {
            id: row.get(0),
            mode: row.get(1),
            finished_at: row.get(2),
            batches: row.get(3),
        });
    let dq = match &build {
        Some(build) => olap
            .query(sql(Statement::Dq)?, &[&build.id])
            .await
            .map_err(ReportError::query("read the build's data-quality results"))?
            .iter()
            .map(|row| Check {
                name: row.get(0),
                passed: row.get(1),
                detail: row.get(2),
            })
            .collect(),
        None => Vec::new(),
    };
    let last_load = match oltp {
        Some(oltp) => {
            let row = oltp
                .query_one(sql(Statement::LastLoad)?, &[&schema])
                .await
                .map_err(ReportError::query("read the last load"))?;
            Some(LastLoad {
                at: row.get(0),
                files: row.get(1),
            })
        }
        None => None,
    };
    Ok(Freshness {
        last_load,
        build,
        dq,
    })
}
