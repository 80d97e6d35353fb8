//! Large loads into an empty table build its secondary indexes once, after
//! the merge, instead of inserting every row into each of them (measured on
//! Chinook's InvoiceLine, three secondary indexes: most of the merge's
//! time). Only then: dropping an index takes the table's ACCESS EXCLUSIVE
//! lock until commit, which an empty table's readers lose nothing to.
//! Unique and primary-key indexes stay (they enforce the key during the
//! merge). Everything happens in the load's transaction: a rollback, or a
//! crash, leaves the indexes as they were.

use std::sync::LazyLock;

use starlift_domain::sql::{TemplateError, named_statements, statement};
use tokio_postgres::Transaction;

static BULK: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../sql/engine/loader/bulk.sql")));

/// Staged rows from which a load into an empty table defers its indexes.
pub(crate) const MIN_ROWS: u64 = 100_000;

/// An index dropped for the merge, to build again after it.
pub(crate) struct Deferred {
    definition: String,
}

/// `bulk.sql`'s statements exist (a cold-start check).
pub(crate) fn check_statements() -> Result<(), TemplateError> {
    statement(&BULK, "secondary_indexes").map(|_| ())
}

/// Drops the secondary indexes of `table` (`schema.table`) that the loader
/// may drop; returns them for [`rebuild`].
pub(crate) async fn defer(
    tx: &Transaction<'_>,
    table: &str,
) -> Result<Vec<Deferred>, tokio_postgres::Error> {
    let Ok(query) = statement(&BULK, "secondary_indexes") else {
        // Checked at cold start; without it the indexes simply stay.
        return Ok(Vec::new());
    };
    let mut deferred = Vec::new();
    for row in tx.query(query, &[&table]).await? {
        let name: String = row.get("name");
        // The name comes quoted from format('%I.%I').
        tx.batch_execute(&format!("DROP INDEX {name}")).await?;
        deferred.push(Deferred {
            definition: row.get("definition"),
        });
    }
    Ok(deferred)
}

/// Builds the deferred indexes again, as they were defined.
pub(crate) async fn rebuild(
    tx: &Transaction<'_>,
    deferred: &[Deferred],
) -> Result<(), tokio_postgres::Error> {
    for index in deferred {
        tx.batch_execute(&index.definition).await?;
    }
    Ok(())
}
