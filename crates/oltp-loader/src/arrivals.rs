//! Loads of a parent table under way. Rows whose parents are not there yet
//! wait as pending rows (kept as JSON, loaded again when the parent
//! arrives): right for a parent file that comes later, wasted work for one
//! another load is staging at the same moment. When a whole export is
//! dropped at once and several loads run, most of a child table's rows
//! would take that detour (measured: `rows_held_pending` in the loader
//! bench's `concurrency`). So every load marks its table as arriving until
//! it commits, and before its merge locks a load waits, for a bounded time,
//! while another session loads one of its table's ancestors. Waiting only
//! changes when a merge runs, never its result: a parent that comes later,
//! or a wait cut short, still finds the rows pending.

use std::time::{Duration, Instant};

use starlift_domain::catalog::{Catalog, Table};
use tokio_postgres::Transaction;

use crate::ledger::ledger;
use crate::locks::LockError;

/// How often the wait looks again.
const POLL: Duration = Duration::from_millis(100);

/// Marks a load of `table` as under way until the transaction ends.
pub async fn mark(tx: &Transaction<'_>, table: &Table) -> Result<(), LockError> {
    tx.execute(
        ledger("mark_arriving").map_err(LockError::Statement)?,
        &[&lock_name(table)],
    )
    .await
    .map_err(LockError::Database)?;
    Ok(())
}

/// Waits until no other session loads an ancestor of `table`, or until
/// `until`; returns how long it waited.
pub(crate) async fn wait_for_ancestors(
    tx: &Transaction<'_>,
    catalog: &Catalog,
    table: &Table,
    until: Instant,
) -> Result<Duration, LockError> {
    let ancestors: Vec<String> = catalog
        .ancestors(table)
        .into_iter()
        .filter_map(|name| catalog.table(name))
        .map(lock_name)
        .collect();
    let started = Instant::now();
    if ancestors.is_empty() {
        return Ok(Duration::ZERO);
    }
    let statement = ledger("arriving_tables").map_err(LockError::Statement)?;
    loop {
        let arriving = tx
            .query(statement, &[&ancestors])
            .await
            .map_err(LockError::Database)?;
        if arriving.is_empty() || Instant::now() + POLL >= until {
            if !arriving.is_empty() {
                let names: Vec<String> = arriving.iter().map(|r| r.get(0)).collect();
                tracing::info!(table = %table.name, arriving = ?names, "stopped waiting for parent loads; rows without parents wait as pending");
            }
            return Ok(started.elapsed());
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The name the marks go by (the merge locks' too): `schema.table`.
fn lock_name(table: &Table) -> String {
    format!("{}.{}", table.schema, table.name)
}
