//! One build, following `sql/olap/build/README.md`:
//!
//! 1. OLAP: `BEGIN`, take the builder's advisory lock (or report busy),
//!    `setup.sql`, read the consumed batches;
//! 2. OLTP: a `REPEATABLE READ READ ONLY` snapshot; the loaded batches not
//!    consumed yet;
//! 3. OLAP: `build_params`, `build_batch`, (full) `full_reset.sql`;
//! 4. per table: OLTP `COPY … TO STDOUT (FORMAT binary)` streamed into OLAP
//!    `COPY … FROM STDIN (FORMAT binary)`, chunk by chunk;
//! 5. OLAP: the numbered build files, then `build_counts` and the DQ
//!    results, `COMMIT`.
//!
//! OLTP and OLAP are always two connections, whether they are two servers,
//! two databases on one server or one database.

use std::collections::BTreeMap;
use std::pin::pin;
use std::time::Instant;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::SinkExt;
use serde::Serialize;
use starlift_domain::catalog::{LOAD_BATCH_COLUMN, Table, load_order};
use starlift_domain::sql::{named_statements, render, statement};
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, Transaction};

use crate::request::{BuildRequest, Mode};
use crate::{BuildError, Builder};

/// The advisory lock key that serializes builds on the OLAP database
/// ("StarBuil"); distinct from the migrations' lock.
pub const BUILD_LOCK_KEY: i64 = 0x5374_6172_4275_696c;

macro_rules! build_file {
    ($file:literal) => {
        (
            $file,
            include_str!(concat!("../../../sql/olap/build/", $file)),
        )
    };
}

const SETUP: &str = include_str!("../../../sql/olap/build/setup.sql");
const FULL_RESET: &str = include_str!("../../../sql/olap/build/full_reset.sql");
const STATEMENTS: &str = include_str!("../../../sql/olap/build/statements.sql");

/// The numbered build files, in the order they run.
pub(crate) const BUILD_FILES: &[(&str, &str)] = &[
    build_file!("00_mirror_upsert.sql"),
    build_file!("10_dim_date.sql"),
    build_file!("11_dim_track.sql"),
    build_file!("12_dim_employee.sql"),
    build_file!("13_dim_playlist.sql"),
    build_file!("14_dim_customer.sql"),
    build_file!("20_affected_invoices.sql"),
    build_file!("21_fact_sales.sql"),
    build_file!("22_fact_invoice_summary.sql"),
    build_file!("80_restore_indexes.sql"),
    build_file!("90_record_build.sql"),
    build_file!("95_dq.sql"),
];

/// How a build ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildStatus {
    /// Committed; every data-quality check passed.
    Ok,
    /// Committed; some data-quality check failed (see `dq`).
    DqFailed,
    /// Another build holds the lock; nothing was done.
    Busy,
}

/// One data-quality check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DqResult {
    pub check: String,
    pub passed: bool,
    pub detail: String,
}

/// The function's response to a build event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildReport {
    pub mode: Mode,
    pub status: BuildStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_id: Option<i64>,
    /// The build's logical time (`valid_from` of the customer versions it made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_time: Option<DateTime<Utc>>,
    /// OLTP load batches (`etl.load.load_id`) consumed.
    pub batches_consumed: usize,
    pub batch_ids: Vec<i64>,
    /// Rows COPYed out of OLTP per chinook table.
    pub rows_copied: BTreeMap<String, u64>,
    /// Rows inserted, updated or deleted per OLAP table (`mirror.*`, `dw.*`).
    pub rows_changed: BTreeMap<String, i64>,
    pub dq_failed: usize,
    pub dq: Vec<DqResult>,
    pub milliseconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl BuildReport {
    fn busy(mode: Mode, started: Instant) -> Self {
        Self {
            mode,
            status: BuildStatus::Busy,
            build_id: None,
            build_time: None,
            batches_consumed: 0,
            batch_ids: Vec::new(),
            rows_copied: BTreeMap::new(),
            rows_changed: BTreeMap::new(),
            dq_failed: 0,
            dq: Vec::new(),
            milliseconds: elapsed_ms(started),
            message: Some(
                "another build is running (it holds the builder's advisory lock); nothing was done, the next run picks up the new batches"
                    .to_string(),
            ),
        }
    }

    /// The names of the failed data-quality checks.
    pub fn failed_checks(&self) -> Vec<String> {
        self.dq
            .iter()
            .filter(|r| !r.passed)
            .map(|r| r.check.clone())
            .collect()
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Attaches the step name to a database error.
fn at(step: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> BuildError {
    let step = step.into();
    move |source| BuildError::Database { step, source }
}

fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|c| c.sql_name)
        .chain([LOAD_BATCH_COLUMN])
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs one build. The caller discards the connections on error.
pub(crate) async fn run(
    builder: &Builder,
    request: BuildRequest,
    started: Instant,
) -> Result<BuildReport, BuildError> {
    let statements = named_statements(STATEMENTS);
    let sql = |name: &str| statement(&statements, name);
    let mode = request.mode;

    let mut olap = builder.olap.get().await?;
    let olap = olap.transaction().await.map_err(at("begin (OLAP)"))?;
    let locked: bool = olap
        .query_one(sql("try_lock")?, &[&BUILD_LOCK_KEY])
        .await
        .map_err(at("advisory lock"))?
        .get(0);
    if !locked {
        olap.rollback().await.map_err(at("rollback (busy)"))?;
        tracing::info!("another build holds the lock; returning busy");
        return Ok(BuildReport::busy(mode, started));
    }
    olap.batch_execute(SETUP).await.map_err(at("setup.sql"))?;
    let consumed: Vec<i64> = olap
        .query_one(sql("consumed_batches")?, &[])
        .await
        .map_err(at("read etl.consumed_batch (OLAP)"))?
        .get(0);

    let mut oltp = builder.oltp.get().await?;
    let oltp = oltp
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(at("begin repeatable read (OLTP)"))?;
    let batch_ids: Vec<i64> = oltp
        .query_one(sql("pending_batches")?, &[&consumed])
        .await
        .map_err(|source| {
            if source.code() == Some(&SqlState::UNDEFINED_TABLE) {
                BuildError::OltpNotReady(source)
            } else {
                at("read etl.load (OLTP)")(source)
            }
        })?
        .get(0);

    let params = olap
        .query_one(sql("build_params")?, &[&mode.as_str(), &request.dq_full])
        .await
        .map_err(at("build_params"))?;
    let build_id: i64 = params.get(0);
    let build_time: DateTime<Utc> = params.get(1);
    olap.execute(sql("build_batch")?, &[&batch_ids])
        .await
        .map_err(at("build_batch"))?;
    tracing::info!(
        build_id,
        mode = mode.as_str(),
        batches = batch_ids.len(),
        "build started"
    );

    if mode == Mode::Full {
        olap.batch_execute(FULL_RESET)
            .await
            .map_err(at("full_reset.sql"))?;
    }

    let mut rows_copied = BTreeMap::new();
    let batch_list = batch_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    for table in load_order() {
        if mode == Mode::Incremental && batch_ids.is_empty() {
            rows_copied.insert(table.name.to_string(), 0);
            continue;
        }
        let columns = column_list(table);
        let values = [
            ("table", table.name),
            ("columns", columns.as_str()),
            ("batch_ids", batch_list.as_str()),
        ];
        let (out_sql, in_sql) = match mode {
            Mode::Incremental => (
                render(sql("copy_out_changed")?, &values)?,
                render(sql("copy_in_stage")?, &values)?,
            ),
            Mode::Full => (
                render(sql("copy_out_all")?, &values)?,
                render(sql("copy_in_mirror")?, &values)?,
            ),
        };
        let copy_started = Instant::now();
        let rows = copy_table(&oltp, &olap, &out_sql, &in_sql)
            .await
            .map_err(at(format!("COPY chinook.{}", table.name)))?;
        if mode == Mode::Full {
            let loaded = i64::try_from(rows).unwrap_or(i64::MAX);
            olap.execute(sql("count_copied")?, &[&table.name, &loaded])
                .await
                .map_err(at("count_copied"))?;
        }
        tracing::debug!(
            table = table.name,
            rows,
            ms = elapsed_ms(copy_started),
            "copied"
        );
        rows_copied.insert(table.name.to_string(), rows);
    }
    // The snapshot is no longer needed: end it before the transform.
    oltp.commit().await.map_err(at("end snapshot (OLTP)"))?;

    for (name, file) in BUILD_FILES {
        let step_started = Instant::now();
        olap.batch_execute(file).await.map_err(at(*name))?;
        tracing::debug!(
            step = name,
            ms = elapsed_ms(step_started),
            "build step done"
        );
    }

    let rows_changed: BTreeMap<String, i64> = olap
        .query(sql("build_counts")?, &[])
        .await
        .map_err(at("read build_counts"))?
        .iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1)))
        .collect();
    let dq: Vec<DqResult> = olap
        .query(sql("dq_results")?, &[&build_id])
        .await
        .map_err(at("read etl.dq_result"))?
        .iter()
        .map(|r| DqResult {
            check: r.get(0),
            passed: r.get(1),
            detail: r.get(2),
        })
        .collect();
    olap.commit().await.map_err(at("commit (OLAP)"))?;

    let dq_failed = dq.iter().filter(|r| !r.passed).count();
    Ok(BuildReport {
        mode,
        status: if dq_failed == 0 {
            BuildStatus::Ok
        } else {
            BuildStatus::DqFailed
        },
        build_id: Some(build_id),
        build_time: Some(build_time),
        batches_consumed: batch_ids.len(),
        batch_ids,
        rows_copied,
        rows_changed,
        dq_failed,
        dq,
        milliseconds: elapsed_ms(started),
        message: None,
    })
}

/// Streams one binary COPY from OLTP into OLAP: each chunk the OLTP server
/// sends is forwarded as it arrives, so memory stays flat whatever the table
/// size. Returns the number of rows the OLAP server loaded.
async fn copy_table(
    oltp: &Transaction<'_>,
    olap: &Transaction<'_>,
    out_sql: &str,
    in_sql: &str,
) -> Result<u64, tokio_postgres::Error> {
    let source = oltp.copy_out(out_sql).await?;
    let sink = olap.copy_in::<_, Bytes>(in_sql).await?;
    let mut source = pin!(source);
    let mut sink = pin!(sink);
    sink.as_mut().send_all(&mut source).await?;
    sink.finish().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numbered_build_file_runs_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sql/olap/build");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| {
                n.ends_with(".sql")
                    && n.len() > 3
                    && n.as_bytes()[0].is_ascii_digit()
                    && n.as_bytes()[1].is_ascii_digit()
                    && n.as_bytes()[2] == b'_'
            })
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = BUILD_FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn statements_render() {
        let statements = named_statements(STATEMENTS);
        for name in [
            "try_lock",
            "consumed_batches",
            "pending_batches",
            "build_params",
            "build_batch",
            "count_copied",
            "build_counts",
            "dq_results",
        ] {
            assert!(!statement(&statements, name).unwrap().trim().is_empty());
        }
        let table = starlift_domain::catalog::table("invoice_line").unwrap();
        let columns = column_list(table);
        assert!(columns.ends_with(", load_batch_id"), "{columns}");
        let values = [
            ("table", "invoice_line"),
            ("columns", columns.as_str()),
            ("batch_ids", "3,5"),
        ];
        let out = render(statement(&statements, "copy_out_changed").unwrap(), &values).unwrap();
        assert!(
            out.contains("FROM chinook.invoice_line WHERE load_batch_id IN (3,5)"),
            "{out}"
        );
        for name in ["copy_out_all", "copy_in_stage", "copy_in_mirror"] {
            render(statement(&statements, name).unwrap(), &values).unwrap();
        }
    }
}
