//! One S3 object, one transaction: ledger check, staging COPY, CHECK
//! constraints, merge, pending-row resolution, rejects, ledger row. Each
//! stage lives in its own module; this one runs them in order.

use std::collections::BTreeMap;
use std::time::Instant;

use starlift_domain::catalog::Table;
use starlift_domain::routing::Route;
use tokio_postgres::Transaction;

use crate::ledger::{Admission, admit, db, fail_in_transaction, ledger, start_ledger_row};
use crate::merge::{Counts, merge_staged, reject_checks, resolve_pending};
use crate::reader::ParseStats;
use crate::resolve::continue_resolution;
use crate::s3io::{Fetched, fetch};
use crate::stage::{Staged, stage_file};
use crate::table_sql::TableSql;
use crate::{LoadStatus, LoadSummary, Loader, TransientError, rejects};
use crate::{arrivals, locks};

/// The object an event refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub bucket: String,
    /// Decoded key.
    pub key: String,
    /// Without quotes.
    pub etag: String,
    pub version_id: Option<String>,
    pub sequencer: Option<String>,
    pub size: Option<i64>,
}

/// How one step of a load went wrong.
pub(crate) enum Failure {
    /// The file itself is bad: record it and succeed.
    File(String),
    Transient(TransientError),
}

impl From<TransientError> for Failure {
    fn from(error: TransientError) -> Self {
        Failure::Transient(error)
    }
}

/// Data errors (class 22) and integrity violations (class 23) come from the
/// file's content and will repeat on retry; anything else may pass next time.
pub(crate) fn classify(object: &ObjectRef, error: tokio_postgres::Error) -> Failure {
    // The load's own statement_timeout (the invocation's deadline): a retry
    // would run out the same way.
    if error.code() == Some(&tokio_postgres::error::SqlState::QUERY_CANCELED) {
        return Failure::File(format!(
            "the file's merge did not finish before this invocation's deadline ({}); nothing of it loaded. Split it into smaller files or raise the function's timeout",
            error
                .as_db_error()
                .map_or_else(|| error.to_string(), |e| e.message().to_string())
        ));
    }
    let deterministic = error.code().is_some_and(|code| {
        let code = code.code();
        code.starts_with("22") || code.starts_with("23")
    });
    if deterministic {
        Failure::File(format!(
            "the database refused the file's rows: {}",
            error
                .as_db_error()
                .map_or_else(|| error.to_string(), |e| e.to_string())
        ))
    } else {
        Failure::Transient(TransientError::Database {
            key: object.key.clone(),
            source: error,
        })
    }
}

/// Kept free before the deadline to record a failed file and answer.
const FAILURE_RESERVE: std::time::Duration = std::time::Duration::from_secs(20);

/// What a successful load produced.
struct Loaded {
    stats: ParseStats,
    counts: Counts,
    rejects_key: Option<String>,
    /// The resolution budget ran out: more pending rows may load now.
    more_to_resolve: bool,
    content_sha256: String,
    /// The earlier load of the same content this one found in the table.
    same_as: Option<i64>,
    /// Waiting for parent loads under way and for the merge locks.
    waited: std::time::Duration,
}

pub(crate) async fn load_object(
    loader: &Loader,
    object: &ObjectRef,
    route: Route,
    deadline: Instant,
) -> Result<LoadSummary, TransientError> {
    let table: &Table = route.table;
    let mut client = loader.db.get().await?;
    let tx = client.transaction().await.map_err(db(object))?;
    if let Admission::Done(summary) = admit(&tx, object, Some(&table.name)).await? {
        return Ok(*summary);
    }
    arrivals::mark(&tx, table).await.map_err(|e| match e {
        locks::LockError::Statement(e) => e,
        locks::LockError::Database(e) => db(object)(e),
    })?;
    let body = match fetch(loader, object, route.compression).await? {
        Fetched::Body(body) => body,
        Fetched::Gone(reason) => {
            let mut summary = LoadSummary::new(&object.key, LoadStatus::Skipped);
            summary.table = Some(table.name.clone());
            summary.error = Some(reason);
            return Ok(summary);
        }
    };
    let load_id = start_ledger_row(&tx, object, &table.schema, Some(&table.name)).await?;
    tx.batch_execute("SAVEPOINT file_load")
        .await
        .map_err(db(object))?;
    // A file must be staged within half of the invocation's time left: the
    // merge and the rest need about as long again.
    let now = Instant::now();
    let cutoff = now + deadline.saturating_duration_since(now) / 2;
    let staged = stage_file(loader, &tx, object, route, body, load_id, cutoff).await;
    let loaded = match staged {
        Ok(staged) => {
            let trusted = loader.trusted_tables.contains(&table.name);
            merge_and_publish(loader, &tx, object, staged, load_id, trusted, deadline).await
        }
        Err(failure) => Err(failure),
    };
    match loaded {
        Ok(loaded) => {
            finish_ledger_row(&tx, object, load_id, &loaded).await?;
            tx.commit().await.map_err(db(object))?;
            // The later transactions take the connection again.
            drop(client);
            let more = loaded.more_to_resolve;
            let mut summary = summary_of(object, &table.name, load_id, loaded);
            if more {
                let locks = locks::for_load(loader.catalog, table, loader.lock_scope);
                let continued =
                    continue_resolution(loader, object, load_id, &locks, deadline).await?;
                summary.rows_resolved += continued.resolved;
                summary.resolution_transactions = continued.transactions;
                summary.resolution_cut_short = continued.cut_short;
            }
            Ok(summary)
        }
        Err(Failure::File(error)) => {
            tx.batch_execute("ROLLBACK TO SAVEPOINT file_load")
                .await
                .map_err(db(object))?;
            let summary =
                fail_in_transaction(loader, &tx, object, Some(&table.name), load_id, &error)
                    .await?;
            tx.commit().await.map_err(db(object))?;
            Ok(summary)
        }
        Err(Failure::Transient(error)) => Err(error),
    }
}

/// CHECK constraints, the merge (one load at a time from here on), pending
/// rows, and the rejects report.
async fn merge_and_publish(
    loader: &Loader,
    tx: &Transaction<'_>,
    object: &ObjectRef,
    staged: Staged,
    load_id: i64,
    trusted: bool,
    deadline: Instant,
) -> Result<Loaded, Failure> {
    let Staged {
        sql,
        rows,
        mut stats,
        content_sha256,
    } = staged;
    let waiting = Instant::now();
    if loader.wait_for_arriving_parents {
        // Half of the time left at most: the merge needs the rest (and the
        // reserve to record a failure).
        let now = Instant::now();
        let until = now
            + deadline
                .saturating_duration_since(now)
                .saturating_sub(FAILURE_RESERVE)
                / 2;
        let table = stage_table(loader, &sql)?;
        arrivals::wait_for_ancestors(tx, loader.catalog, table, until)
            .await
            .map_err(|e| lock_failure(object, e))?;
    }
    // Every statement from here on ends before the invocation's deadline,
    // with room to record the failure.
    let left = deadline
        .saturating_duration_since(Instant::now())
        .saturating_sub(FAILURE_RESERVE);
    if left.is_zero() {
        return Err(Failure::File(
            "no time was left in this invocation to merge the staged file; split it into smaller files or raise the function's timeout".into(),
        ));
    }
    tx.batch_execute(&format!(
        "SET LOCAL statement_timeout = {}",
        left.as_millis()
    ))
    .await
    .map_err(|e| classify(object, e))?;
    let waited_for_parents = waiting.elapsed();
    let check_rejects = reject_checks(tx, object, &sql, &mut stats).await?;
    let locks = lock_plan(loader, &sql)?;
    let locking = Instant::now();
    locks::take(tx, &sql.schema, &locks)
        .await
        .map_err(|e| lock_failure(object, e))?;
    let waited = waited_for_parents + locking.elapsed();
    if let Some(same_as) =
        same_content_unchanged(tx, object, &sql, &content_sha256, &stats, load_id).await?
    {
        // Nothing to merge, hold back or resolve: these rows are the table's.
        let rejects_key = rejects::publish(loader, tx, object, &stats, load_id).await?;
        let counts = Counts {
            unchanged: rows.saturating_sub(check_rejects),
            rejected_in_sql: check_rejects,
            ..Counts::default()
        };
        return Ok(Loaded {
            stats,
            counts,
            rejects_key,
            more_to_resolve: false,
            content_sha256,
            same_as: Some(same_as),
            waited,
        });
    }
    let mut counts = merge_staged(tx, object, &sql, &mut stats, load_id, trusted, rows).await?;
    counts.rejected_in_sql += check_rejects;
    let merged = rows
        .saturating_sub(counts.rejected_in_sql)
        .saturating_sub(counts.pending);
    counts.unchanged = merged.saturating_sub(counts.inserted + counts.updated);
    let resolution = resolve_pending(
        tx,
        object,
        loader.catalog,
        &locks,
        load_id,
        loader.resolve_budget,
    )
    .await?;
    counts.resolved = resolution.resolved;
    let rejects_key = rejects::publish(loader, tx, object, &stats, load_id).await?;
    Ok(Loaded {
        stats,
        counts,
        rejects_key,
        more_to_resolve: resolution.more,
        content_sha256,
        same_as: None,
        waited,
    })
}

/// The locks a load of the stage's table takes ([`locks::for_load`]).
fn lock_plan(loader: &Loader, sql: &TableSql) -> Result<BTreeMap<String, locks::Hold>, Failure> {
    let table = stage_table(loader, sql)?;
    Ok(locks::for_load(loader.catalog, table, loader.lock_scope))
}

/// The catalog's table a stage fills.
fn stage_table(loader: &Loader, sql: &TableSql) -> Result<&'static Table, Failure> {
    loader.catalog.table(&sql.table).ok_or_else(|| {
        Failure::Transient(TransientError::Internal(format!(
            "the stage's table {} is not in the catalog",
            sql.table
        )))
    })
}

pub(crate) fn lock_failure(object: &ObjectRef, error: locks::LockError) -> Failure {
    match error {
        locks::LockError::Statement(e) => Failure::Transient(e),
        locks::LockError::Database(e) => classify(object, e),
    }
}

/// The earlier load whose identical content left the table as it is now
/// (same rows, same rejects, no load since), if any: then this re-drop is
/// already in the table.
async fn same_content_unchanged(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    sql: &TableSql,
    content_sha256: &str,
    stats: &ParseStats,
    load_id: i64,
) -> Result<Option<i64>, Failure> {
    let Some(unchanged_since) = &sql.unchanged_since else {
        return Ok(None);
    };
    let Some(earlier) = tx
        .query_opt(
            ledger("same_content_loaded")?,
            &[&sql.schema, &sql.table, &content_sha256, &load_id],
        )
        .await
        .map_err(|e| classify(object, e))?
    else {
        return Ok(None);
    };
    let (earlier_id, earlier_rejected): (i64, i64) = (earlier.get(0), earlier.get(1));
    // A repeated key's earlier lines are rejected by the merge: a different
    // count means the earlier load saw other rejects than this one would.
    if u64::try_from(earlier_rejected).ok() != Some(stats.rows_rejected) {
        return Ok(None);
    }
    let unchanged: bool = tx
        .query_one(unchanged_since.as_str(), &[&earlier_id])
        .await
        .map_err(|e| classify(object, e))?
        .get(0);
    Ok(unchanged.then_some(earlier_id))
}

async fn finish_ledger_row(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    load_id: i64,
    loaded: &Loaded,
) -> Result<(), TransientError> {
    let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let counts = &loaded.counts;
    tx.execute(
        ledger("finish_load")?,
        &[
            &load_id,
            &to_i64(loaded.stats.rows_read),
            &to_i64(counts.inserted),
            &to_i64(counts.updated),
            &to_i64(counts.unchanged),
            &to_i64(loaded.stats.rows_rejected),
            &to_i64(counts.pending),
            &to_i64(counts.resolved),
            &to_i64(counts.replaced),
            &loaded.content_sha256,
        ],
    )
    .await
    .map_err(db(object))?;
    Ok(())
}

fn summary_of(object: &ObjectRef, table: &str, load_id: i64, loaded: Loaded) -> LoadSummary {
    let mut summary = LoadSummary::new(&object.key, LoadStatus::Loaded);
    summary.table = Some(table.to_string());
    summary.load_id = Some(load_id);
    summary.rows_read = loaded.stats.rows_read;
    summary.rows_inserted = loaded.counts.inserted;
    summary.rows_updated = loaded.counts.updated;
    summary.rows_unchanged = loaded.counts.unchanged;
    summary.rows_rejected = loaded.stats.rows_rejected;
    summary.rows_pending = loaded.counts.pending;
    summary.rows_resolved = loaded.counts.resolved;
    summary.rows_replaced = loaded.counts.replaced;
    summary.rejects_key = loaded.rejects_key;
    summary.same_content_as = loaded.same_as;
    summary.merge_wait_ms = u64::try_from(loaded.waited.as_millis()).unwrap_or(u64::MAX);
    summary
}
