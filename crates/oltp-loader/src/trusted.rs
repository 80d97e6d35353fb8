//! Set-based integrity instead of per-row foreign-key triggers
//! (`sql/engine/loader/trusted.sql`). The loader already checks every
//! staged row's parents in one statement (orphans wait as pending rows);
//! PostgreSQL's foreign-key triggers then check each inserted row again,
//! one lookup at a time, which costs most of a large first load. Where the
//! loader's role may switch them off for its own transaction, and the table
//! allows it, a file's merge runs with them off, after locking the parent
//! tables against other writers so the check stays true until commit. Other
//! sessions keep their triggers. Without the privilege nothing changes.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use starlift_domain::sql::{TemplateError, named_statements, statement};
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

static TRUSTED: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../sql/engine/loader/trusted.sql")));

/// One of `trusted.sql`'s statements.
pub(crate) fn trusted(name: &str) -> Result<&'static str, TemplateError> {
    statement(&TRUSTED, name)
}

/// Why the trusted tables could not be found.
#[derive(Debug, thiserror::Error)]
pub enum TrustedError {
    #[error("trusted.sql: {0}")]
    Template(#[from] TemplateError),
    #[error("finding the tables whose merge may skip foreign-key triggers: {0}")]
    Database(#[from] tokio_postgres::Error),
}

/// The tables of `schema` whose merges skip the per-row foreign-key
/// triggers: none if the role may not set `session_replication_role`
/// (then every merge keeps today's trigger checks).
pub async fn trusted_tables(
    client: &mut Client,
    schema: &str,
) -> Result<BTreeSet<String>, TrustedError> {
    // Every statement a trusted merge needs, named once here at cold start.
    trusted("fire_fk_triggers")?;
    let tx = client.transaction().await?;
    match tx.batch_execute(trusted("skip_fk_triggers")?).await {
        Ok(()) => {}
        Err(error) if error.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => {
            tracing::info!(
                "the loader's role may not set session_replication_role: merges keep the per-row foreign-key triggers (see docs/architecture.md, Loader speed)"
            );
            return Ok(BTreeSet::new());
        }
        Err(error) => return Err(error.into()),
    }
    let tables = tx
        .query(trusted("eligible_tables")?, &[&schema])
        .await?
        .iter()
        .map(|row| row.get::<_, String>(0))
        .collect();
    tx.rollback().await?;
    Ok(tables)
}
