//! From the stage into the table, under the merge lock: CHECK constraints
//! (set-based, rows rejected by name), orphans held as pending rows, repeated
//! keys, the merge itself, and the retry of every table's pending rows.

use std::collections::BTreeMap;

use postgres_types::ToSql;
use starlift_domain::catalog::{Catalog, quote_ident};
use tokio_postgres::Transaction;
use tokio_postgres::error::SqlState;

use crate::ledger::{db, ledger};
use crate::load::{Failure, ObjectRef, classify};
use crate::locks::Hold;
use crate::reader::{self, ParseStats};
use crate::table_sql::TableSql;
use crate::trusted::trusted;
use crate::{TransientError, bulk};

/// Counts of one merge.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub pending: u64,
    pub resolved: u64,
    /// Append tables: rows earlier versions of the key gave, now replaced.
    pub replaced: u64,
    /// Rows that left the stage as rejects (CHECK violations, repeated keys).
    pub rejected_in_sql: u64,
}

/// Rejects the staged rows that violate a CHECK constraint, naming it.
pub(crate) async fn reject_checks(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    sql: &TableSql,
    stats: &mut ParseStats,
) -> Result<u64, Failure> {
    let mut rejected = 0;
    for check in &sql.checks {
        let rows = tx
            .query(check.reject.as_str(), &[])
            .await
            .map_err(|e| classify(object, e))?;
        rejected += rows.len() as u64;
        let reason = format!(
            "violates check constraint {}: {}",
            check.name, check.expression
        );
        append_rejects(
            object,
            stats,
            rows.iter().map(|row| {
                (
                    row.get::<_, i64>(0),
                    reason.clone(),
                    row.get::<_, String>(1),
                )
            }),
        )?;
    }
    Ok(rejected)
}

fn append_rejects(
    object: &ObjectRef,
    stats: &mut ParseStats,
    rows: impl Iterator<Item = (i64, String, String)>,
) -> Result<(), Failure> {
    reader::append_rejects(
        stats,
        rows.map(|(line, reason, raw)| (u64::try_from(line).unwrap_or(0), None, reason, raw)),
    )
    .map_err(|source| {
        Failure::Transient(TransientError::Io {
            key: object.key.clone(),
            source,
        })
    })
}

/// Merges the stage. A key repeated within the file (neither the hold nor
/// the merge can touch a row twice, and an unchanged line must not hide a
/// later one): the last line wins, the others are reported, and the attempt
/// runs again from its savepoint.
pub(crate) async fn merge_staged(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    sql: &TableSql,
    stats: &mut ParseStats,
    load_id: i64,
    trusted: bool,
    staged_rows: u64,
) -> Result<Counts, Failure> {
    let trusted = if trusted {
        Some(
            TriggerSwitch::new()
                .map_err(|e| Failure::Transient(TransientError::Internal(e.to_string())))?,
        )
    } else {
        None
    };
    tx.batch_execute("SAVEPOINT merge_attempt")
        .await
        .map_err(db(object))?;
    let dedupe = match (
        attempt(tx, object, sql, load_id, trusted, staged_rows).await,
        &sql.dedupe,
    ) {
        (Ok(Attempt::Merged(counts)), _) => return Ok(counts),
        (Ok(Attempt::RepeatedKey), Some(dedupe)) => dedupe,
        (Err(error), Some(dedupe)) if error.code() == Some(&SqlState::CARDINALITY_VIOLATION) => {
            dedupe
        }
        (Err(error), _) => return Err(classify(object, error)),
        // Only upsert tables (which have dedupe.sql) drop unchanged rows.
        (Ok(Attempt::RepeatedKey), None) => {
            return Err(Failure::Transient(TransientError::Internal(
                "a repeated key reported for a table without dedupe.sql".into(),
            )));
        }
    };
    tx.batch_execute("ROLLBACK TO SAVEPOINT merge_attempt")
        .await
        .map_err(db(object))?;
    let duplicates = tx
        .query(dedupe.as_str(), &[])
        .await
        .map_err(|e| classify(object, e))?;
    append_rejects(
        object,
        stats,
        duplicates.iter().map(|row| {
            let kept: i64 = row.get(1);
            (
                row.get::<_, i64>(0),
                format!(
                    "duplicate primary key: line {kept} has the same key and is loaded instead"
                ),
                row.get::<_, String>(2),
            )
        }),
    )?;
    match attempt(tx, object, sql, load_id, trusted, staged_rows)
        .await
        .map_err(|e| classify(object, e))?
    {
        Attempt::Merged(mut counts) => {
            counts.rejected_in_sql += duplicates.len() as u64;
            Ok(counts)
        }
        // dedupe.sql left one line per key: a code fault, not the file's.
        Attempt::RepeatedKey => Err(Failure::Transient(TransientError::Internal(
            "a key still repeats in the stage after dedupe.sql".into(),
        ))),
    }
}

/// The statements that switch this transaction's foreign-key triggers off
/// and on again around a trusted merge.
#[derive(Clone, Copy)]
struct TriggerSwitch {
    off: &'static str,
    on: &'static str,
}

impl TriggerSwitch {
    fn new() -> Result<Self, starlift_domain::sql::TemplateError> {
        Ok(Self {
            off: trusted("skip_fk_triggers")?,
            on: trusted("fire_fk_triggers")?,
        })
    }
}

/// `drop_unchanged.sql`'s answer: whether a changed row's key repeats.
fn repeated_key(messages: &[tokio_postgres::SimpleQueryMessage]) -> bool {
    messages.iter().any(|message| match message {
        tokio_postgres::SimpleQueryMessage::Row(row) => row.get("repeated") == Some("t"),
        _ => false,
    })
}

/// How one merge attempt ended.
enum Attempt {
    Merged(Counts),
    /// A line equal to the table's row shares its key with another line:
    /// dedupe first.
    RepeatedKey,
}

/// Drops unchanged rows, holds orphans back, replaces an append key's
/// earlier rows, merges.
/// `trusted`: the merge skips the per-row foreign-key triggers, after the
/// parents are locked and the orphans held back (see [`crate::trusted`]).
/// Into an empty table nothing is unchanged, and a large file builds the
/// secondary indexes after the merge ([`bulk`]).
async fn attempt(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    sql: &TableSql,
    load_id: i64,
    trusted: Option<TriggerSwitch>,
    staged_rows: u64,
) -> Result<Attempt, tokio_postgres::Error> {
    let mut counts = Counts::default();
    if let Some(forget) = &sql.forget_superseded_pending {
        // First, while the stage still holds every line: a key this file
        // delivers no longer waits with an older version, whether or not
        // its row changes.
        tx.execute(forget.as_str(), &[]).await?;
    }
    let empty: bool = tx.query_one(sql.is_empty.as_str(), &[]).await?.get(0);
    if !empty
        && let Some(drop_unchanged) = &sql.drop_unchanged
        && repeated_key(&tx.simple_query(drop_unchanged).await?)
    {
        return Ok(Attempt::RepeatedKey);
    }
    // Tables without foreign keys have no triggers to skip.
    let trusted = trusted.filter(|_| sql.lock_parents.is_some());
    if let (Some(_), Some(lock)) = (&trusted, &sql.lock_parents) {
        tx.batch_execute(lock).await?;
    }
    if let Some(hold) = &sql.hold_orphans {
        counts.pending += until_stable(tx, hold, &[&load_id], sql.self_referencing).await?;
    }
    if let Some(replace) = &sql.replace_append {
        counts.replaced = tx
            .execute(replace.as_str(), &[&object.bucket, &object.key, &load_id])
            .await?;
    }
    let deferred = if empty && staged_rows >= bulk::MIN_ROWS {
        let table = format!("{}.{}", quote_ident(&sql.schema), quote_ident(&sql.table));
        bulk::defer(tx, &table).await?
    } else {
        Vec::new()
    };
    if let Some(switch) = &trusted {
        tx.batch_execute(switch.off).await?;
    }
    let merged = tx.query_one(sql.merge.as_str(), &[&load_id]).await?;
    if let Some(switch) = &trusted {
        tx.batch_execute(switch.on).await?;
    }
    bulk::rebuild(tx, &deferred).await?;
    counts.inserted = u64::try_from(merged.get::<_, i64>(0)).unwrap_or(0);
    counts.updated = u64::try_from(merged.get::<_, i64>(1)).unwrap_or(0);
    Ok(Attempt::Merged(counts))
}

/// Runs a statement that moves orphan rows aside until it moves none, and
/// returns how many it moved in all. Moving a row aside can orphan others
/// only through a self reference, so other tables need one pass.
async fn until_stable(
    tx: &Transaction<'_>,
    statement: &str,
    params: &[&(dyn ToSql + Sync)],
    self_referencing: bool,
) -> Result<u64, tokio_postgres::Error> {
    let mut moved = 0;
    loop {
        let now = tx.execute(statement, params).await?;
        moved += now;
        if now == 0 || !self_referencing {
            return Ok(moved);
        }
    }
}

/// What one transaction's retry of pending rows did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Resolution {
    /// Pending rows that loaded.
    pub resolved: u64,
    /// The budget ran out: more pending rows may be resolvable now.
    pub more: bool,
}

/// Retries the pending rows whose parents are there now, in foreign-key
/// order, in the tables `locks` holds exclusively, staging at most `budget` of them (a self-referencing table's are
/// staged whole); they move into their tables stamped with `load_id`.
pub(crate) async fn resolve_pending(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    catalog: &Catalog,
    locks: &BTreeMap<String, Hold>,
    load_id: i64,
    budget: i64,
) -> Result<Resolution, Failure> {
    let mut resolution = Resolution::default();
    let mut left = budget;
    // Only the tables this transaction holds alone: nothing it wrote can
    // have made another table's waiting rows loadable.
    let writable = catalog
        .load_order()
        .filter(|t| locks.get(&t.name) == Some(&Hold::Exclusive));
    for table in writable {
        let exists: bool = tx
            .query_one(ledger("pending_exists")?, &[&table.schema, &table.name])
            .await
            .map_err(|e| classify(object, e))?
            .get(0);
        if !exists {
            continue;
        }
        if left <= 0 {
            resolution.more = true;
            break;
        }
        let sql = TableSql::for_pending(table)
            .map_err(|e| Failure::Transient(TransientError::Internal(e.to_string())))?;
        tx.batch_execute(&sql.create_stage)
            .await
            .map_err(|e| classify(object, e))?;
        let limit = (!sql.self_referencing).then_some(left);
        let claimed = tx
            .execute(sql.claim_pending.as_str(), &[&limit])
            .await
            .map_err(|e| classify(object, e))?;
        if let Some(drop_orphans) = &sql.drop_orphans {
            until_stable(tx, drop_orphans, &[], sql.self_referencing)
                .await
                .map_err(|e| classify(object, e))?;
        }
        tx.execute(sql.merge.as_str(), &[&load_id])
            .await
            .map_err(|e| classify(object, e))?;
        resolution.resolved += tx
            .execute(sql.release_resolved.as_str(), &[])
            .await
            .map_err(|e| classify(object, e))?;
        tx.batch_execute(&format!("DROP TABLE {}", sql.stage_name))
            .await
            .map_err(|e| classify(object, e))?;
        let claimed = i64::try_from(claimed).unwrap_or(i64::MAX);
        if limit == Some(claimed) {
            resolution.more = true;
            break;
        }
        left = left.saturating_sub(claimed);
    }
    Ok(resolution)
}
