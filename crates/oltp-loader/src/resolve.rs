//! Bounded work per invocation: the pending rows an arriving parent makes
//! loadable are resolved in transactions of at most
//! [`crate::Loader::resolve_budget`] staged rows. The arriving file's own
//! transaction does the first; while more may be loadable and the
//! invocation has time, later transactions continue, each with a ledger row
//! of its own (`resolves_for` = the file's load) whose load_id is the batch
//! it stamps. What is left when time runs out waits for the next load of
//! its table or of one above it (see [`crate::locks`]), or a reconcile,
//! which resolve the same way: the any-order guarantee holds, only later.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::ledger::{db, ledger};
use crate::load::{Failure, ObjectRef};
use crate::locks::{self, Hold, LockError};
use crate::merge::resolve_pending;
use crate::{Loader, TransientError};

/// How long before the deadline no further resolution transaction starts.
pub const RESOLVE_RESERVE: Duration = Duration::from_secs(60);

/// What the later transactions resolved.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Continued {
    pub transactions: u64,
    pub resolved: u64,
    /// Stopped by the deadline with rows possibly still loadable.
    pub cut_short: bool,
}

/// Resolves in later transactions, for load `load_id`, until nothing more
/// loads or the deadline is `RESOLVE_RESERVE` away.
pub(crate) async fn continue_resolution(
    loader: &Loader,
    object: &ObjectRef,
    load_id: i64,
    locks: &BTreeMap<String, Hold>,
    deadline: Instant,
) -> Result<Continued, TransientError> {
    let mut continued = Continued::default();
    loop {
        if Instant::now() + RESOLVE_RESERVE >= deadline {
            continued.cut_short = true;
            tracing::warn!(
                load_id,
                "pending rows may still be loadable; the next load or a reconcile resolves them"
            );
            return Ok(continued);
        }
        let (resolved, more) = one_transaction(loader, object, load_id, locks).await?;
        if resolved > 0 {
            continued.transactions += 1;
            continued.resolved += resolved;
        }
        if !more || resolved == 0 {
            return Ok(continued);
        }
    }
}

/// One bounded resolution transaction with its ledger row; rolled back
/// (no ledger row) when nothing loaded. Returns (resolved, more).
async fn one_transaction(
    loader: &Loader,
    object: &ObjectRef,
    load_id: i64,
    locks: &BTreeMap<String, Hold>,
) -> Result<(u64, bool), TransientError> {
    let mut client = loader.db.get().await?;
    let tx = client.transaction().await.map_err(db(object))?;
    locks::take(&tx, &loader.catalog.schema, locks)
        .await
        .map_err(|error| match error {
            LockError::Statement(e) => e,
            LockError::Database(e) => db(object)(e),
        })?;
    let resolution_id: i64 = tx
        .query_one(ledger("start_resolution")?, &[&load_id])
        .await
        .map_err(db(object))?
        .get(0);
    let resolution = resolve_pending(
        &tx,
        object,
        loader.catalog,
        locks,
        resolution_id,
        loader.resolve_budget,
    )
    .await
    .map_err(|failure| match failure {
        Failure::Transient(error) => error,
        // Rows that waited were valid when they arrived; a refusal now is
        // the database's to explain, and a retry's to try again.
        Failure::File(reason) => TransientError::Internal(format!(
            "resolving pending rows for load {load_id}: {reason}"
        )),
    })?;
    if resolution.resolved == 0 {
        tx.rollback().await.map_err(db(object))?;
        return Ok((0, false));
    }
    let resolved = i64::try_from(resolution.resolved).unwrap_or(i64::MAX);
    tx.execute(ledger("finish_resolution")?, &[&resolution_id, &resolved])
        .await
        .map_err(db(object))?;
    tx.commit().await.map_err(db(object))?;
    Ok((resolution.resolved, resolution.more))
}
