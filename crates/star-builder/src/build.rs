//! One build, following `sql/engine/build/README.md`:
//!
//! 1. OLAP: `BEGIN`, take the builder's advisory lock (or report busy),
//!    `setup.sql`, read the consumed batches;
//! 2. OLTP: a `REPEATABLE READ READ ONLY` snapshot; the loaded batches not
//!    consumed yet; the plan (an incremental request with a large change
//!    set, or over a mirror whose DDL changed, is built the full way);
//! 3. OLAP: `build_params`, `build_batch`, the mirror's DDL (generated from
//!    the catalog);
//! 4. the change set into the mirror, then the warehouse's steps (the
//!    engine's SCD2 and affected-grain steps, the pack's models):
//!    * incremental: per table, OLTP `COPY … TO STDOUT (FORMAT binary)`
//!      streamed into OLAP `COPY changed_<table> FROM STDIN`, the affected
//!      grain keys the changed rows had, the merge into the mirror, the
//!      grain keys they have now; then every step in order;
//!    * full: the warehouse emptied, the mirror reloaded on a second OLAP
//!      connection while this transaction runs the steps (see [`full`]);
//! 5. OLAP: indexes and statistics (full), `etl.build_run`, the tests,
//!    `build_counts` and the test results, `COMMIT`.
//!
//! OLTP and OLAP are always two connections, whether they are two servers,
//! two databases on one server or one database.

use std::collections::BTreeMap;
use std::pin::pin;
use std::time::Instant;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::SinkExt;
use starlift_domain::catalog::{Catalog, Table, quote_literal};
use starlift_domain::sql::{TemplateError, named_statements, render, statement};
use starlift_domain::warehouse::quote_table;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, IsolationLevel, Transaction};

use crate::mirror::{self, TableSql};
use crate::plan;
use crate::report::{BuildReport, BuildStatus, DqResult, elapsed_ms};
use crate::request::{BuildRequest, Mode};
use crate::warehouse::{Step, Warehouse};
use crate::{BuildError, Builder};

/// The advisory lock key that serializes builds on the OLAP database
/// ("StarBuil"); distinct from the migrations' lock.
pub const BUILD_LOCK_KEY: i64 = 0x5374_6172_4275_696c;

const SETUP: &str = include_str!("../../../sql/engine/build/setup.sql");
const STATEMENTS: &str = include_str!("../../../sql/engine/build/statements.sql");
const MIRROR_RELOAD: &str = include_str!("../../../sql/engine/build/mirror_reload.sql");
const FULL: &str = include_str!("../../../sql/engine/build/full.sql");
const DQ: &str = include_str!("../../../sql/engine/build/dq.sql");

/// Attaches the step name to a database error.
pub(crate) fn at(step: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> BuildError {
    let step = step.into();
    move |source| BuildError::Database { step, source }
}

/// The named statements of the engine's build files.
pub(crate) struct Statements {
    build: Vec<(&'static str, String)>,
    reload: Vec<(&'static str, String)>,
    full: Vec<(&'static str, String)>,
    dq: Vec<(&'static str, String)>,
}

impl Statements {
    pub(crate) fn load() -> Self {
        Self {
            build: named_statements(STATEMENTS),
            reload: named_statements(MIRROR_RELOAD),
            full: named_statements(FULL),
            dq: named_statements(DQ),
        }
    }

    fn build(&self, name: &str) -> Result<&str, TemplateError> {
        statement(&self.build, name)
    }

    fn reload(&self, name: &str) -> Result<&str, TemplateError> {
        statement(&self.reload, name)
    }

    fn full(&self, name: &str) -> Result<&str, TemplateError> {
        statement(&self.full, name)
    }

    fn dq(&self, name: &str) -> Result<&str, TemplateError> {
        statement(&self.dq, name)
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
    let catalog = builder.catalog().await?;
    let warehouse = Warehouse::new(builder.pack(), catalog)?;

    let mut olap = builder.olap.get().await?;
    let Some(mirror_state) = prepare_mirror(&mut olap, &warehouse, &statements).await? else {
        tracing::info!("another build holds the lock; returning busy");
        return Ok(BuildReport::busy(request.mode, started));
    };
    let olap = olap.transaction().await.map_err(at("begin (OLAP)"))?;
    if !try_lock(&olap, &statements).await? {
        olap.rollback().await.map_err(at("rollback (busy)"))?;
        tracing::info!("another build holds the lock; returning busy");
        return Ok(BuildReport::busy(request.mode, started));
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

    let choice = choose_plan(
        &request,
        &statements,
        &oltp,
        &olap,
        catalog,
        &batch_ids,
        &mirror_state,
    )
    .await?;
    let mode = choice.mode;
    if let Some(reason) = &choice.reason {
        tracing::info!(reason = reason.as_str(), "plan");
    }

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
        Mode::Incremental => incremental(oltp, &olap, &warehouse, &statements, &batch_ids).await?,
        Mode::Full => {
            full(
                builder,
                oltp,
                &olap,
                &warehouse,
                &statements,
                &mirror_state.stale,
            )
            .await?
        }
    };
    finish(&olap, &warehouse, &statements, mode, request.dq_full).await?;

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
        mode: request.mode,
        plan: mode,
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
        message: choice.reason,
        report: None,
        lakehouse: None,
    })
}

/// Takes the builder's lock for the transaction; false if another build
/// holds it.
async fn try_lock(olap: &Transaction<'_>, statements: &Statements) -> Result<bool, BuildError> {
    Ok(olap
        .query_one(statements.build("try_lock")?, &[&BUILD_LOCK_KEY])
        .await
        .map_err(at("advisory lock"))?
        .get(0))
}

/// Before the build transaction, in one of its own under the builder's
/// lock: compares the mirror with the catalog and creates what is missing
/// (tables, indexes, SCD2 history), committed, so that a full build's
/// reload connection sees them and the build transaction takes no lock on
/// a table the reload empties. A table whose columns changed is left for a
/// full build's reload to replace. `None` if another build holds the lock.
async fn prepare_mirror(
    olap: &mut Client,
    warehouse: &Warehouse<'_>,
    statements: &Statements,
) -> Result<Option<mirror::MirrorState>, BuildError> {
    let transaction = olap.transaction().await.map_err(at("begin (mirror DDL)"))?;
    if !try_lock(&transaction, statements).await? {
        transaction
            .rollback()
            .await
            .map_err(at("rollback (busy)"))?;
        return Ok(None);
    }
    let state = mirror::inspect(&transaction, warehouse.catalog).await?;
    for (_, dimension) in &warehouse.scd2 {
        dimension.check_history(&state.columns)?;
    }
    transaction
        .batch_execute(&format!(
            "{};\n{}",
            mirror::ddl(warehouse.catalog, &state, &warehouse.unindexed)?,
            history_ddl(warehouse)?
        ))
        .await
        .map_err(at("the mirror's tables (generated from the catalog)"))?;
    transaction
        .commit()
        .await
        .map_err(at("commit (mirror DDL)"))?;
    Ok(Some(state))
}

/// Sizes the change set against the mirror and chooses the plan.
async fn choose_plan(
    request: &BuildRequest,
    statements: &Statements,
    oltp: &Transaction<'_>,
    olap: &Transaction<'_>,
    catalog: &Catalog,
    batch_ids: &[i64],
    mirror_state: &mirror::MirrorState,
) -> Result<plan::Choice, BuildError> {
    let (changed_rows, mirror_rows) = if request.mode == Mode::Incremental && !batch_ids.is_empty()
    {
        let changed: i64 = oltp
            .query_one(statements.build("pending_rows")?, &[&batch_ids])
            .await
            .map_err(at("size the change set (OLTP etl.load)"))?
            .get(0);
        let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
        let mirror: i64 = olap
            .query_one(statements.build("mirror_rows")?, &[&names])
            .await
            .map_err(at("size the mirror"))?
            .get(0);
        (changed, mirror)
    } else {
        (0, 0)
    };
    Ok(plan::choose(
        request,
        changed_rows,
        mirror_rows,
        mirror_state.message(),
    ))
}

/// The history tables of the declared SCD2 dimensions (idempotent).
fn history_ddl(warehouse: &Warehouse) -> Result<String, BuildError> {
    let mut out = Vec::new();
    for (_, dimension) in &warehouse.scd2 {
        out.push(dimension.render("create_history", "")?);
    }
    Ok(out.join(";\n"))
}

/// Incremental mode: per table, the rows of the consumed batches into
/// `changed_<table>` and from there into the mirror (with the affected
/// grain keys before and after), then every step. Returns the rows copied
/// per table.
async fn incremental(
    oltp: Transaction<'_>,
    olap: &Transaction<'_>,
    warehouse: &Warehouse<'_>,
    statements: &Statements,
    batch_ids: &[i64],
) -> Result<BTreeMap<String, u64>, BuildError> {
    let sql = |name: &str| statements.build(name);
    let batch_list = batch_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let tables: Vec<TableSql> = warehouse.catalog.load_order().map(TableSql::new).collect();
    // Round trips add up over many tables: the statements that need no
    // stream go in one batch before the COPYs and one after them.
    let each_table = |keyed: &str, append: &str| -> Result<String, BuildError> {
        let rendered = tables
            .iter()
            .map(|t| {
                render(
                    sql(if t.keyed { keyed } else { append })?,
                    &t.values(&batch_list),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rendered.join(";\n"))
    };
    // First finish any index a full build that died left behind.
    olap.batch_execute(&format!(
        "{};\n{};\n{}",
        statements.reload("build_indexes")?,
        statements.reload("attach_constraints")?,
        each_table("create_changed", "create_changed")?
    ))
    .await
    .map_err(at("create the change-set tables"))?;
    let mut rows_copied = BTreeMap::new();
    for (table, sql_table) in warehouse.catalog.load_order().zip(&tables) {
        let values = sql_table.values(&batch_list);
        let copy_started = Instant::now();
        let rows = if batch_ids.is_empty() {
            0
        } else {
            copy_table(
                &oltp,
                olap,
                &render(sql("copy_out_changed")?, &values)?,
                &render(sql("copy_in_changed")?, &values)?,
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
        rows_copied.insert(table.name.clone(), rows);
    }
    let merge_started = Instant::now();
    let mut before = Vec::new();
    let mut after = Vec::new();
    for (_, fact) in &warehouse.facts {
        before.push(fact.before_merge()?);
        after.push(fact.after_merge()?);
    }
    olap.batch_execute(&format!(
        "{};\n{};\n{}",
        before.join(";\n"),
        each_table("upsert_mirror", "replace_mirror_origins")?,
        after.join(";\n")
    ))
    .await
    .map_err(at("merge the change set into the mirror"))?;
    tracing::debug!(ms = elapsed_ms(merge_started), "mirror merged");
    // The snapshot is no longer needed: end it before the transform.
    oltp.commit().await.map_err(at("end snapshot (OLTP)"))?;
    for step in &warehouse.steps {
        run_step(olap, warehouse, step, Mode::Incremental).await?;
    }
    Ok(rows_copied)
}

/// The order a full build reloads the mirror in: the tables in the order the
/// steps first read them, then the rest of the catalog, so each step waits
/// as little as possible.
fn reload_order<'c>(warehouse: &Warehouse, catalog: &'c Catalog) -> Vec<&'c Table> {
    let mut order: Vec<&Table> = Vec::new();
    let first_read: Vec<&str> = warehouse
        .steps
        .iter()
        .flat_map(|step| warehouse.mirror_tables(step))
        .collect();
    for table in first_read
        .into_iter()
        .filter_map(|name| catalog.table(name))
        .chain(catalog.load_order())
    {
        if !order.iter().any(|t| t.name == table.name) {
            order.push(table);
        }
    }
    order
}

/// Full mode. The warehouse is emptied and rebuilt in this transaction
/// while the mirror is reloaded from the OLTP snapshot on a second OLAP
/// connection, so that the COPYs and index builds run beside the
/// warehouse's SQL instead of before it:
///
/// * the reload connection, table by table in [`reload_order`], one
///   transaction each: drop the indexes (recorded in
///   `etl.mirror_index_pending`), empty the table, COPY every row, ANALYZE,
///   COMMIT; then the indexes, in one more transaction;
/// * this transaction runs each step as soon as the mirror tables it reads
///   are committed (a table is replaced whole at its commit, before this
///   transaction first reads it), then attaches the mirror's key
///   constraints to their new indexes (`ALTER TABLE` would have waited for
///   this transaction's own reads had the reload done it).
///
/// The builder's lock, held by this transaction, covers the reload. Should
/// the build fail after some reload committed, those mirror tables hold the
/// snapshot's rows while the warehouse and `etl.consumed_batch` stay as
/// they were: the next build re-reads the unconsumed batches, so nothing is
/// lost, and it first finishes the indexes left in
/// `etl.mirror_index_pending`. Returns the rows copied per table.
async fn full(
    builder: &Builder,
    oltp: Transaction<'_>,
    olap: &Transaction<'_>,
    warehouse: &Warehouse<'_>,
    statements: &Statements,
    stale: &[String],
) -> Result<BTreeMap<String, u64>, BuildError> {
    let written = warehouse.pack.written_tables();
    if !written.is_empty() {
        let tables = relation_list(&written);
        let bulk = text_array(&warehouse.bulk_tables());
        olap.batch_execute(&render(
            statements.full("reset")?,
            &[("tables", &tables), ("bulk_tables", &bulk)],
        )?)
        .await
        .map_err(at("empty the warehouse"))?;
    }
    let mut reload = builder.olap.connector().connect().await?;
    reload
        .batch_execute(statements.reload("settings")?)
        .await
        .map_err(at("reload settings"))?;
    let order = reload_order(warehouse, warehouse.catalog);
    // How many tables of `order` the reload has committed.
    let (committed_tx, mut committed) = tokio::sync::watch::channel(0_usize);

    let reload_side = async {
        let mut rows_copied = BTreeMap::new();
        for table in &order {
            let replace = stale.contains(&table.name);
            let replace = replace.then_some(&warehouse.unindexed);
            let rows = reload_table(&mut reload, &oltp, statements, table, replace).await?;
            rows_copied.insert(table.name.clone(), rows);
            committed_tx.send_replace(rows_copied.len());
        }
        build_reload_indexes(&mut reload, statements).await?;
        Ok::<_, BuildError>(rows_copied)
    };
    let build_side = async {
        for step in &warehouse.steps {
            for name in warehouse.mirror_tables(step) {
                let position = order
                    .iter()
                    .position(|t| t.name == name)
                    .ok_or_else(|| BuildError::ReloadIncomplete(name.to_string()))?;
                committed
                    .wait_for(|n| *n > position)
                    .await
                    .map_err(|_| BuildError::ReloadIncomplete(name.to_string()))?;
            }
            run_step(olap, warehouse, step, Mode::Full).await?;
        }
        Ok::<_, BuildError>(())
    };
    let (rows_copied, ()) = tokio::try_join!(reload_side, build_side)?;
    drop(reload);
    oltp.commit().await.map_err(at("end snapshot (OLTP)"))?;

    olap.batch_execute(statements.reload("attach_constraints")?)
        .await
        .map_err(at("attach the mirror's key constraints"))?;
    for (table, rows) in &rows_copied {
        count_mirror_rows(olap, statements, table, *rows).await?;
    }
    Ok(rows_copied)
}

/// After the steps: a full build's indexes and statistics, the build run,
/// the tests and their summary.
async fn finish(
    olap: &Transaction<'_>,
    warehouse: &Warehouse<'_>,
    statements: &Statements,
    mode: Mode,
    dq_full: bool,
) -> Result<(), BuildError> {
    let written = warehouse.pack.written_tables();
    if mode == Mode::Full && !written.is_empty() {
        let started = Instant::now();
        let tables = relation_list(&written);
        olap.batch_execute(&format!(
            "{};\n{}",
            statements.full("restore_indexes")?,
            render(statements.full("analyze")?, &[("tables", &tables)])?
        ))
        .await
        .map_err(at("restore the warehouse's indexes"))?;
        tracing::debug!(ms = elapsed_ms(started), "indexes restored");
    }
    olap.batch_execute(statements.build("record_build")?)
        .await
        .map_err(at("record the build"))?;
    let scope = warehouse.whole_scope_sql(mode, dq_full)?;
    if !scope.is_empty() {
        olap.batch_execute(&scope)
            .await
            .map_err(at("the tests' whole scope"))?;
    }
    for test in warehouse.tests(mode, dq_full) {
        let started = Instant::now();
        let query = test.query.trim_end().trim_end_matches(';');
        let name = quote_literal(&test.name);
        let scope = quote_literal(&format!("scope: {}", test.scope));
        olap.batch_execute(&render(
            statements.dq("run")?,
            &[("query", query), ("check_name", &name), ("scope", &scope)],
        )?)
        .await
        .map_err(at(format!("test {}", test.name)))?;
        tracing::debug!(test = test.name, ms = elapsed_ms(started), "tested");
    }
    olap.batch_execute(statements.build("dq_summary")?)
        .await
        .map_err(at("summarize the tests"))?;
    Ok(())
}

/// `schema.table` names as a quoted, comma-separated relation list.
fn relation_list(tables: &[&str]) -> String {
    tables
        .iter()
        .map(|t| quote_table(t))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A text array literal of quoted relation names (cast to regclass[]).
fn text_array(tables: &[&str]) -> String {
    format!(
        "ARRAY[{}]",
        tables
            .iter()
            .map(|t| quote_literal(&quote_table(t)))
            .chain(std::iter::once("NULL".to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Runs one step of the warehouse.
async fn run_step(
    olap: &Transaction<'_>,
    warehouse: &Warehouse<'_>,
    step: &Step<'_>,
    mode: Mode,
) -> Result<(), BuildError> {
    let Some(sql) = warehouse.step_sql(step, mode)? else {
        return Ok(());
    };
    let started = Instant::now();
    let name = warehouse.step_name(step);
    olap.batch_execute(&sql).await.map_err(at(name.clone()))?;
    tracing::debug!(step = name, ms = elapsed_ms(started), "build step done");
    Ok(())
}

/// Reload connection, one transaction: every row of `table` from the OLTP
/// snapshot into the emptied mirror table (`replace`: dropped and created
/// again from the catalog, its DDL having changed), without its indexes,
/// analyzed; COMMIT. Returns the rows copied.
async fn reload_table(
    reload: &mut Client,
    oltp: &Transaction<'_>,
    statements: &Statements,
    table: &Table,
    replace: Option<&mirror::Unindexed>,
) -> Result<u64, BuildError> {
    let started = Instant::now();
    let table_sql = TableSql::new(table);
    let values = table_sql.values("");
    let transaction = reload.transaction().await.map_err(at("begin (reload)"))?;
    if let Some(unindexed) = replace {
        transaction
            .batch_execute(&mirror::replace_table(table, unindexed)?)
            .await
            .map_err(at(format!("replace mirror.{}", table.name)))?;
    }
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
