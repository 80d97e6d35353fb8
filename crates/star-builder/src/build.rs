//! One build, following `sql/olap/build/README.md`:
//!
//! 1. OLAP: `BEGIN`, take the builder's advisory lock (or report busy),
//!    `setup.sql`, read the consumed batches;
//! 2. OLTP: a `REPEATABLE READ READ ONLY` snapshot; the loaded batches not
//!    consumed yet;
//! 3. OLAP: `build_params`, `build_batch`;
//! 4. the change set into the mirror, then the numbered build files:
//!    * incremental: per table, OLTP `COPY … TO STDOUT (FORMAT binary)`
//!      streamed into OLAP `COPY stage_<table> FROM STDIN`, chunk by chunk,
//!      and the stage upserted into the mirror; then every build file in
//!      order;
//!    * full: `full_reset.sql`, then the mirror is reloaded on a second OLAP
//!      connection while this transaction builds the star schema (see
//!      [`full`]);
//! 5. OLAP: `build_counts` and the DQ results, `COMMIT`.
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
use starlift_domain::catalog::{Catalog, LOAD_BATCH_COLUMN, Table, quote_ident};
use starlift_domain::sql::{TemplateError, named_statements, render, statement};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, IsolationLevel, Transaction};

use crate::request::{BuildRequest, Mode};
use crate::{BuildError, Builder};

/// The advisory lock key that serializes builds on the OLAP database
/// ("StarBuil"); distinct from the migrations' lock.
pub const BUILD_LOCK_KEY: i64 = 0x5374_6172_4275_696c;

const SETUP: &str = include_str!("../../../sql/olap/build/setup.sql");
const FULL_RESET: &str = include_str!("../../../sql/olap/build/full_reset.sql");
const STATEMENTS: &str = include_str!("../../../sql/olap/build/statements.sql");
const MIRROR_RELOAD: &str = include_str!("../../../sql/olap/build/mirror_reload.sql");

/// What a numbered build file reads of the mirror. An incremental build runs
/// every file in order; a full build runs each while the mirror is being
/// reloaded, as soon as what it reads is in (see [`full`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// These chinook tables' `mirror.<table>` and `stage_<table>`.
    Tables(&'static [&'static str]),
    /// The whole mirror with its indexes: runs after the reload.
    Mirror,
}

struct BuildFile {
    name: &'static str,
    sql: &'static str,
    reads: Reads,
    /// Whether a full build runs it (some steps only find the change set).
    in_full: bool,
}

macro_rules! build_file {
    ($file:literal, $in_full:literal, $reads:expr) => {
        BuildFile {
            name: $file,
            sql: include_str!(concat!("../../../sql/olap/build/", $file)),
            reads: $reads,
            in_full: $in_full,
        }
    };
    ($file:literal, mirror) => {
        build_file!($file, true, Reads::Mirror)
    };
    ($file:literal, [$($table:literal),+]) => {
        build_file!($file, true, Reads::Tables(&[$($table),+]))
    };
    ($file:literal, incremental, [$($table:literal),+]) => {
        build_file!($file, false, Reads::Tables(&[$($table),+]))
    };
}

/// The numbered build files, in the order they run.
const BUILD_FILES: &[BuildFile] = &[
    build_file!("00_customer_version.sql", ["customer"]),
    build_file!(
        "11_dim_track.sql",
        ["artist", "album", "genre", "media_type", "track"]
    ),
    build_file!("12_dim_employee.sql", ["employee"]),
    build_file!("13_dim_playlist.sql", ["playlist", "playlist_track"]),
    build_file!("14_dim_customer.sql", ["customer"]),
    build_file!("15_dim_date.sql", ["invoice"]),
    build_file!(
        "19_changed_invoices.sql",
        incremental,
        ["customer", "invoice", "invoice_line"]
    ),
    build_file!("20_affected_invoices.sql", ["invoice"]),
    build_file!("21_fact_sales.sql", ["invoice_line"]),
    build_file!("22_fact_invoice_summary.sql", ["invoice"]),
    build_file!("80_restore_indexes.sql", mirror),
    build_file!("90_record_build.sql", mirror),
    build_file!("95_dq.sql", mirror),
];

/// The order a full build reloads the mirror in: the tables in the order the
/// build files first read them, so each file waits as little as possible.
fn reload_order(catalog: &Catalog) -> Vec<&Table> {
    let mut order: Vec<&Table> = Vec::new();
    let first_read = BUILD_FILES
        .iter()
        .filter(|f| f.in_full)
        .flat_map(|f| match f.reads {
            Reads::Tables(tables) => tables,
            Reads::Mirror => &[],
        });
    for table in first_read
        .filter_map(|name| catalog.table(name))
        .chain(catalog.load_order())
    {
        if !order.iter().any(|t| t.name == table.name) {
            order.push(table);
        }
    }
    order
}

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

/// The named statements of `statements.sql` and `mirror_reload.sql`.
struct Statements {
    build: Vec<(&'static str, String)>,
    reload: Vec<(&'static str, String)>,
}

impl Statements {
    fn load() -> Self {
        Self {
            build: named_statements(STATEMENTS),
            reload: named_statements(MIRROR_RELOAD),
        }
    }

    fn build(&self, name: &str) -> Result<&str, TemplateError> {
        statement(&self.build, name)
    }

    fn reload(&self, name: &str) -> Result<&str, TemplateError> {
        statement(&self.reload, name)
    }
}

/// The catalog-derived pieces of one table's statements (`statements.sql`,
/// `mirror_reload.sql`): the chinook columns in table order with
/// `load_batch_id` last, as in `mirror.<table>` and `stage_<table>`.
struct TableSql {
    name: String,
    /// The OLTP schema, quoted.
    schema: String,
    columns: String,
    column_definitions: String,
    primary_key: String,
    assignments: String,
    current: String,
    incoming: String,
}

impl TableSql {
    fn new(table: &Table) -> Self {
        let columns: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .chain([LOAD_BATCH_COLUMN])
            .collect();
        let column_definitions: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let not_null = if c.nullable { "" } else { " NOT NULL" };
                format!("{} {}{not_null}", c.name, c.ty.sql_type())
            })
            .chain([format!("{LOAD_BATCH_COLUMN} bigint NOT NULL")])
            .collect();
        let non_key: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|c| !table.primary_key.iter().any(|k| k == c))
            .collect();
        let list = |format_column: &dyn Fn(&str) -> String| {
            non_key
                .iter()
                .map(|c| format_column(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Self {
            name: table.name.clone(),
            schema: quote_ident(&table.schema),
            columns: columns.join(", "),
            column_definitions: column_definitions.join(", "),
            primary_key: table.primary_key.join(", "),
            assignments: list(&|c| format!("{c} = EXCLUDED.{c}")),
            current: list(&|c| format!("m.{c}")),
            incoming: list(&|c| format!("EXCLUDED.{c}")),
        }
    }

    fn values<'a>(&'a self, batch_list: &'a str) -> [(&'static str, &'a str); 9] {
        [
            ("table", &self.name),
            ("schema", &self.schema),
            ("columns", &self.columns),
            ("column_definitions", &self.column_definitions),
            ("primary_key", &self.primary_key),
            ("assignments", &self.assignments),
            ("current", &self.current),
            ("incoming", &self.incoming),
            ("batch_ids", batch_list),
        ]
    }
}

/// Runs one build. The caller discards the connections on error.
pub(crate) async fn run(
    builder: &Builder,
    request: BuildRequest,
    started: Instant,
) -> Result<BuildReport, BuildError> {
    let statements = Statements::load();
    let sql = |name: &str| statements.build(name);
    let mode = request.mode;
    let catalog = builder.catalog().await?;

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
        .query_one(sql("pending_batches")?, &[&consumed, &catalog.schema])
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
    olap.batch_execute(sql("analyze_build_params")?)
        .await
        .map_err(at("analyze_build_params"))?;
    tracing::info!(
        build_id,
        mode = mode.as_str(),
        batches = batch_ids.len(),
        "build started"
    );

    let rows_copied = match mode {
        Mode::Incremental => incremental(oltp, &olap, catalog, &statements, &batch_ids).await?,
        Mode::Full => full(builder, oltp, &olap, catalog, &statements).await?,
    };

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

/// Incremental mode: per table, the rows of the consumed batches into
/// `stage_<table>` and from there into the mirror, then every build file.
/// Returns the rows copied per table.
async fn incremental(
    oltp: Transaction<'_>,
    olap: &Transaction<'_>,
    catalog: &Catalog,
    statements: &Statements,
    batch_ids: &[i64],
) -> Result<BTreeMap<String, u64>, BuildError> {
    let sql = |name: &str| statements.build(name);
    let batch_list = batch_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let tables: Vec<TableSql> = catalog.load_order().map(TableSql::new).collect();
    // Round trips add up over eleven tables: the statements that need no
    // stream go in one batch before the COPYs and one after them.
    let each_table = |name: &str| -> Result<String, BuildError> {
        let template = sql(name)?;
        let rendered = tables
            .iter()
            .map(|t| render(template, &t.values(&batch_list)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rendered.join(";\n"))
    };
    // First finish any index a full build that died left behind.
    olap.batch_execute(&format!(
        "{};\n{};\n{}",
        statements.reload("build_indexes")?,
        statements.reload("attach_constraints")?,
        each_table("create_stage")?
    ))
    .await
    .map_err(at("create the stage tables"))?;
    let mut rows_copied = BTreeMap::new();
    for table in &tables {
        let values = table.values(&batch_list);
        let copy_started = Instant::now();
        let rows = if batch_ids.is_empty() {
            0
        } else {
            copy_table(
                &oltp,
                olap,
                &render(sql("copy_out_changed")?, &values)?,
                &render(sql("copy_in_stage")?, &values)?,
            )
            .await
            .map_err(at(format!("COPY {}.{}", table.schema, table.name)))?
        };
        tracing::debug!(
            table = table.name,
            rows,
            ms = elapsed_ms(copy_started),
            "copied"
        );
        rows_copied.insert(table.name.to_string(), rows);
    }
    let upsert_started = Instant::now();
    olap.batch_execute(&each_table("upsert_mirror")?)
        .await
        .map_err(at("upsert the mirror"))?;
    tracing::debug!(ms = elapsed_ms(upsert_started), "mirror upserted");
    // The snapshot is no longer needed: end it before the transform.
    oltp.commit().await.map_err(at("end snapshot (OLTP)"))?;
    for file in BUILD_FILES {
        run_file(olap, file).await?;
    }
    Ok(rows_copied)
}

/// Full mode. The star schema is emptied and rebuilt in this transaction
/// while the mirror is reloaded from the OLTP snapshot on a second OLAP
/// connection, so that the COPYs and index builds run beside the
/// star-schema SQL instead of before it:
///
/// * the reload connection, table by table in [`reload_order`], one
///   transaction each: drop the indexes (recorded in
///   `etl.mirror_index_pending`), empty the table, COPY every row, ANALYZE,
///   COMMIT; then the indexes, in one more transaction;
/// * this transaction runs each [`Reads::Tables`] build file as soon as the
///   tables it reads are committed (a table is replaced whole at its commit,
///   before this transaction first reads it), then attaches the mirror's
///   key constraints to their new indexes (`ALTER TABLE` would have waited
///   for this transaction's own reads had the reload done it), then the
///   [`Reads::Mirror`] files.
///
/// The builder's lock, held by this transaction, covers the reload. Should
/// the build fail after some reload committed, those mirror tables hold the
/// snapshot's rows while the star schema and `etl.consumed_batch` stay as
/// they were: the next build re-reads the unconsumed batches into
/// `stage_<table>`, so nothing is lost, and it first finishes the indexes
/// left in `etl.mirror_index_pending`. Returns the rows copied per table.
async fn full(
    builder: &Builder,
    oltp: Transaction<'_>,
    olap: &Transaction<'_>,
    catalog: &Catalog,
    statements: &Statements,
) -> Result<BTreeMap<String, u64>, BuildError> {
    olap.batch_execute(FULL_RESET)
        .await
        .map_err(at("full_reset.sql"))?;
    let mut reload = builder.olap.connector().connect().await?;
    reload
        .batch_execute(statements.reload("settings")?)
        .await
        .map_err(at("reload settings"))?;
    let order = reload_order(catalog);
    // How many tables of `order` the reload has committed.
    let (committed_tx, mut committed) = tokio::sync::watch::channel(0_usize);

    let reload_side = async {
        let mut rows_copied = BTreeMap::new();
        for table in &order {
            let rows = reload_table(&mut reload, &oltp, statements, table).await?;
            rows_copied.insert(table.name.to_string(), rows);
            committed_tx.send_replace(rows_copied.len());
        }
        build_reload_indexes(&mut reload, statements).await?;
        Ok::<_, BuildError>(rows_copied)
    };
    let build_side = async {
        let mut viewed: Vec<&str> = Vec::new();
        for file in BUILD_FILES.iter().filter(|f| f.in_full) {
            let Reads::Tables(tables) = file.reads else {
                continue;
            };
            for name in tables {
                let position = order
                    .iter()
                    .position(|t| t.name == *name)
                    .ok_or(BuildError::ReloadIncomplete(name))?;
                committed
                    .wait_for(|n| *n > position)
                    .await
                    .map_err(|_| BuildError::ReloadIncomplete(name))?;
            }
            let new: Vec<&Table> = order
                .iter()
                .copied()
                .filter(|t| tables.contains(&t.name.as_str()) && !viewed.contains(&t.name.as_str()))
                .collect();
            stage_views(olap, statements, &new).await?;
            viewed.extend(new.iter().map(|t| t.name.as_str()));
            run_file(olap, file).await?;
        }
        Ok::<_, BuildError>(viewed)
    };
    let (rows_copied, viewed) = tokio::try_join!(reload_side, build_side)?;
    drop(reload);
    oltp.commit().await.map_err(at("end snapshot (OLTP)"))?;

    let rest: Vec<&Table> = order
        .iter()
        .copied()
        .filter(|t| !viewed.contains(&t.name.as_str()))
        .collect();
    stage_views(olap, statements, &rest).await?;
    olap.batch_execute(statements.reload("attach_constraints")?)
        .await
        .map_err(at("attach the mirror's key constraints"))?;
    for (table, rows) in &rows_copied {
        count_mirror_rows(olap, statements, table, *rows).await?;
    }
    for file in BUILD_FILES.iter().filter(|f| f.reads == Reads::Mirror) {
        run_file(olap, file).await?;
    }
    Ok(rows_copied)
}

/// Reload connection, one transaction: every row of `table` from the OLTP
/// snapshot into the emptied mirror table, without its indexes, analyzed;
/// COMMIT. Returns the rows copied.
async fn reload_table(
    reload: &mut Client,
    oltp: &Transaction<'_>,
    statements: &Statements,
    table: &Table,
) -> Result<u64, BuildError> {
    let started = Instant::now();
    let table_sql = TableSql::new(table);
    let values = table_sql.values("");
    let transaction = reload.transaction().await.map_err(at("begin (reload)"))?;
    transaction
        .batch_execute(&render(statements.reload("hold_indexes")?, &values)?)
        .await
        .map_err(at(format!("empty mirror.{}", table.name)))?;
    let rows = copy_table(
        oltp,
        &transaction,
        &render(statements.build("copy_out_all")?, &values)?,
        &render(statements.build("copy_in_mirror")?, &values)?,
    )
    .await
    .map_err(at(format!("COPY {}.{}", table.schema, table.name)))?;
    transaction
        .batch_execute(&render(statements.reload("analyze")?, &values)?)
        .await
        .map_err(at(format!("analyze mirror.{}", table.name)))?;
    transaction
        .commit()
        .await
        .map_err(at(format!("commit mirror.{} (reload)", table.name)))?;
    tracing::debug!(
        table = table.name,
        rows,
        ms = elapsed_ms(started),
        "reloaded"
    );
    Ok(rows)
}

/// Reload connection: the indexes [`reload_table`] took off, in one
/// transaction.
async fn build_reload_indexes(
    reload: &mut Client,
    statements: &Statements,
) -> Result<(), BuildError> {
    let started = Instant::now();
    let transaction = reload.transaction().await.map_err(at("begin (reload)"))?;
    transaction
        .batch_execute(statements.reload("build_indexes")?)
        .await
        .map_err(at("mirror indexes (reload)"))?;
    transaction.commit().await.map_err(at("commit (reload)"))?;
    tracing::debug!(ms = elapsed_ms(started), "reload indexes built");
    Ok(())
}

/// Full mode: `stage_<table>` becomes a view over the reloaded mirror table.
async fn stage_views(
    olap: &Transaction<'_>,
    statements: &Statements,
    tables: &[&Table],
) -> Result<(), BuildError> {
    for table in tables {
        let table_sql = TableSql::new(table);
        olap.batch_execute(&render(
            statements.build("stage_view")?,
            &table_sql.values(""),
        )?)
        .await
        .map_err(at(format!("stage_{} view", table.name)))?;
    }
    Ok(())
}

/// Records the rows written into `mirror.<table>` in `build_counts`.
async fn count_mirror_rows(
    olap: &Transaction<'_>,
    statements: &Statements,
    table: &str,
    rows: u64,
) -> Result<(), BuildError> {
    olap.execute(
        statements.build("count_mirror_rows")?,
        &[&table, &i64::try_from(rows).unwrap_or(i64::MAX)],
    )
    .await
    .map_err(at("count_mirror_rows"))?;
    Ok(())
}

/// Runs one numbered build file.
async fn run_file(olap: &Transaction<'_>, file: &BuildFile) -> Result<(), BuildError> {
    let started = Instant::now();
    olap.batch_execute(file.sql).await.map_err(at(file.name))?;
    tracing::debug!(
        step = file.name,
        ms = elapsed_ms(started),
        "build step done"
    );
    Ok(())
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
    use starlift_domain::catalog::{Column, ColumnType, ForeignKey, LoadMode};

    use super::*;

    /// Chinook's catalog as its DDL declares it (the columns of the tables
    /// these tests render in full; key columns elsewhere), built by hand:
    /// unit tests have no database to read it from.
    fn chinook() -> Catalog {
        use ColumnType::{Integer, Numeric, Text, Timestamp};
        let money = Numeric {
            precision: Some(10),
            scale: Some(2),
        };
        let table = |name: &str,
                     columns: &[(&str, ColumnType, bool)],
                     key: &[&str],
                     parents: &[(&str, &str)]| Table {
            schema: "chinook".into(),
            name: name.into(),
            columns: columns
                .iter()
                .map(|(c, ty, nullable)| Column {
                    name: (*c).into(),
                    ty: *ty,
                    nullable: *nullable,
                    has_default: false,
                })
                .collect(),
            primary_key: key.iter().map(|k| (*k).into()).collect(),
            foreign_keys: parents
                .iter()
                .map(|(column, parent)| ForeignKey {
                    name: format!("{name}_{column}_fkey"),
                    columns: vec![(*column).into()],
                    references: (*parent).into(),
                    referenced_columns: vec![(*column).into()],
                })
                .collect(),
            checks: Vec::new(),
            mode: LoadMode::Upsert,
            aliases: Vec::new(),
        };
        let id = |c: &'static str| (c, Integer, false);
        Catalog::new(
            "chinook".into(),
            vec![
                table("artist", &[id("artist_id")], &["artist_id"], &[]),
                table(
                    "album",
                    &[id("album_id"), id("artist_id")],
                    &["album_id"],
                    &[("artist_id", "artist")],
                ),
                table("genre", &[id("genre_id")], &["genre_id"], &[]),
                table(
                    "media_type",
                    &[id("media_type_id")],
                    &["media_type_id"],
                    &[],
                ),
                table(
                    "track",
                    &[
                        id("track_id"),
                        id("album_id"),
                        id("genre_id"),
                        id("media_type_id"),
                    ],
                    &["track_id"],
                    &[
                        ("album_id", "album"),
                        ("genre_id", "genre"),
                        ("media_type_id", "media_type"),
                    ],
                ),
                table("playlist", &[id("playlist_id")], &["playlist_id"], &[]),
                table(
                    "playlist_track",
                    &[id("playlist_id"), id("track_id")],
                    &["playlist_id", "track_id"],
                    &[("playlist_id", "playlist"), ("track_id", "track")],
                ),
                table("employee", &[id("employee_id")], &["employee_id"], &[]),
                table(
                    "customer",
                    &[id("customer_id"), id("support_rep_id")],
                    &["customer_id"],
                    &[("support_rep_id", "employee")],
                ),
                table(
                    "invoice",
                    &[
                        id("invoice_id"),
                        id("customer_id"),
                        ("invoice_date", Timestamp, false),
                        ("billing_address", Text, true),
                        ("billing_city", Text, true),
                        ("billing_state", Text, true),
                        ("billing_country", Text, true),
                        ("billing_postal_code", Text, true),
                        ("total", money, false),
                    ],
                    &["invoice_id"],
                    &[("customer_id", "customer")],
                ),
                table(
                    "invoice_line",
                    &[
                        id("invoice_line_id"),
                        id("invoice_id"),
                        id("track_id"),
                        ("unit_price", money, false),
                        id("quantity"),
                    ],
                    &["invoice_line_id"],
                    &[("invoice_id", "invoice"), ("track_id", "track")],
                ),
            ],
        )
        .unwrap()
    }

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
        let listed: Vec<&str> = BUILD_FILES.iter().map(|f| f.name).collect();
        assert_eq!(listed, on_disk);
        // A full build runs the files that need the whole mirror last.
        let first_mirror = BUILD_FILES
            .iter()
            .position(|f| f.reads == Reads::Mirror)
            .unwrap();
        assert!(
            BUILD_FILES[first_mirror..]
                .iter()
                .all(|f| f.reads == Reads::Mirror)
        );
    }

    /// A full build runs a file as soon as the tables it declares are
    /// reloaded: a file that read another table would wait for the reload's
    /// lock on it, while the reload may wait for this transaction.
    #[test]
    fn build_files_read_only_the_tables_they_declare() {
        for file in BUILD_FILES {
            let Reads::Tables(declared) = file.reads else {
                continue;
            };
            for table in &chinook().tables {
                let reads = mentions(file.sql, &format!("mirror.{}", table.name))
                    || mentions(file.sql, &format!("stage_{}", table.name));
                assert_eq!(
                    reads,
                    declared.contains(&table.name.as_str()),
                    "{} and mirror.{}",
                    file.name,
                    table.name
                );
            }
        }
    }

    /// Whether `sql` names the identifier `name` (not just a longer one that
    /// starts with it).
    fn mentions(sql: &str, name: &str) -> bool {
        sql.match_indices(name).any(|(at, _)| {
            !sql[at + name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    }

    #[test]
    fn the_reload_follows_the_first_reads_and_covers_the_catalog() {
        let catalog = chinook();
        let order: Vec<&str> = reload_order(&catalog)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "customer",
                "artist",
                "album",
                "genre",
                "media_type",
                "track",
                "employee",
                "playlist",
                "playlist_track",
                "invoice",
                "invoice_line"
            ]
        );
        assert_eq!(order.len(), catalog.tables.len());
    }

    #[test]
    fn reload_statements_render() {
        let statements = Statements::load();
        let catalog = chinook();
        let table = catalog.table("invoice").unwrap();
        let table_sql = TableSql::new(table);
        let hold = render(
            statements.reload("hold_indexes").unwrap(),
            &table_sql.values(""),
        )
        .unwrap();
        assert!(hold.contains("'mirror.invoice'::regclass"), "{hold}");
        assert!(
            hold.trim_end().ends_with("TRUNCATE mirror.invoice"),
            "{hold}"
        );
        for name in ["settings", "analyze", "build_indexes", "attach_constraints"] {
            render(statements.reload(name).unwrap(), &table_sql.values("")).unwrap();
        }
        let stage = render(
            statements.build("create_stage").unwrap(),
            &table_sql.values(""),
        )
        .unwrap();
        assert!(
            stage.contains(
                "CREATE TEMP TABLE stage_invoice (invoice_id integer NOT NULL, customer_id integer NOT NULL, \
                 invoice_date timestamp NOT NULL, billing_address text,"
            ) && stage.contains("total numeric(10,2) NOT NULL, load_batch_id bigint NOT NULL) ON COMMIT DROP"),
            "{stage}"
        );
    }

    #[test]
    fn statements_render() {
        let statements = named_statements(STATEMENTS);
        for name in [
            "analyze_build_params",
            "stage_view",
            "try_lock",
            "consumed_batches",
            "pending_batches",
            "build_params",
            "build_batch",
            "count_mirror_rows",
            "build_counts",
            "dq_results",
        ] {
            assert!(!statement(&statements, name).unwrap().trim().is_empty());
        }
        let catalog = chinook();
        let table = catalog.table("invoice_line").unwrap();
        let table_sql = TableSql::new(table);
        let values = table_sql.values("3,5");
        let out = render(statement(&statements, "copy_out_changed").unwrap(), &values).unwrap();
        assert_eq!(
            out.trim(),
            "COPY (SELECT invoice_line_id, invoice_id, track_id, unit_price, quantity, load_batch_id \
             FROM \"chinook\".invoice_line WHERE load_batch_id IN (3,5)) TO STDOUT (FORMAT binary)"
        );
        let upsert = render(statement(&statements, "upsert_mirror").unwrap(), &values).unwrap();
        for part in [
            "INSERT INTO mirror.invoice_line AS m (invoice_line_id, invoice_id, track_id, unit_price, quantity, load_batch_id)",
            "FROM stage_invoice_line",
            "ON CONFLICT (invoice_line_id) DO UPDATE SET invoice_id = EXCLUDED.invoice_id, track_id = EXCLUDED.track_id, \
             unit_price = EXCLUDED.unit_price, quantity = EXCLUDED.quantity, load_batch_id = EXCLUDED.load_batch_id",
            "WHERE ROW(m.invoice_id, m.track_id, m.unit_price, m.quantity, m.load_batch_id) \
             IS DISTINCT FROM ROW(EXCLUDED.invoice_id, EXCLUDED.track_id, EXCLUDED.unit_price, EXCLUDED.quantity, EXCLUDED.load_batch_id)",
        ] {
            assert!(upsert.contains(part), "{part}\n---\n{upsert}");
        }
        for name in ["copy_out_all", "copy_in_stage", "copy_in_mirror"] {
            render(statement(&statements, name).unwrap(), &values).unwrap();
        }
    }

    #[test]
    fn a_table_without_other_columns_compares_only_its_batch() {
        let statements = named_statements(STATEMENTS);
        let catalog = chinook();
        let table = catalog.table("playlist_track").unwrap();
        let table_sql = TableSql::new(table);
        let upsert = render(
            statement(&statements, "upsert_mirror").unwrap(),
            &table_sql.values(""),
        )
        .unwrap();
        assert!(
            upsert.contains(
                "ON CONFLICT (playlist_id, track_id) DO UPDATE SET load_batch_id = EXCLUDED.load_batch_id\n        \
                 WHERE ROW(m.load_batch_id) IS DISTINCT FROM ROW(EXCLUDED.load_batch_id)"
            ),
            "{upsert}"
        );
    }
}
