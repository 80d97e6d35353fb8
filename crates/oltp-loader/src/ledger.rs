//! The load ledger (`etl.load`): admission of an object version (duplicate
//! and out-of-order checks), its ledger row, and file-level failures.

use std::sync::LazyLock;

use serde_json::json;
use starlift_domain::catalog::Table;
use starlift_domain::sql::{named_statements, statement};
use tokio_postgres::Transaction;

use crate::load::ObjectRef;
use crate::s3io::put_object;
use crate::{LoadStatus, LoadSummary, Loader, TransientError, error_report_key, sequencer_cmp};

static LEDGER: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../sql/engine/loader/ledger.sql")));

/// Names of the ledger statements, checked at cold start ([`check_statements`]).
const NAMES: [&str; 18] = [
    "lock_object",
    "lock_table_exclusive",
    "lock_table_shared",
    "mark_arriving",
    "arriving_tables",
    "find_version",
    "loaded_sequencers",
    "start_load",
    "finish_load",
    "fail_load",
    "pending_exists",
    "create_rejected_stage",
    "known_versions",
    "start_resolution",
    "finish_resolution",
    "last_object_load",
    "same_content_loaded",
    "retire_failed",
];

/// Every ledger statement exists (a cold-start check: a missing one is a
/// build fault, not a bad file).
pub(crate) fn check_statements() -> Result<(), starlift_domain::sql::TemplateError> {
    for name in NAMES {
        statement(&LEDGER, name)?;
    }
    Ok(())
}

pub(crate) fn ledger(name: &str) -> Result<&'static str, TransientError> {
    statement(&LEDGER, name).map_err(|e| TransientError::Internal(e.to_string()))
}

pub(crate) fn db(object: &ObjectRef) -> impl Fn(tokio_postgres::Error) -> TransientError + '_ {
    move |source| TransientError::Database {
        key: object.key.clone(),
        source,
    }
}

pub(crate) enum Admission {
    Proceed,
    Done(Box<LoadSummary>),
}

/// Duplicate and out-of-order checks, under the object's lock.
pub(crate) async fn admit(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    table: Option<&str>,
) -> Result<Admission, TransientError> {
    let lock_key = format!("{}/{}", object.bucket, object.key);
    tx.execute(ledger("lock_object")?, &[&lock_key])
        .await
        .map_err(db(object))?;
    if let Some(row) = tx
        .query_opt(
            ledger("find_version")?,
            &[&object.bucket, &object.key, &object.etag],
        )
        .await
        .map_err(db(object))?
    {
        let mut summary = LoadSummary::new(&object.key, LoadStatus::Duplicate);
        summary.table = table.map(str::to_string);
        summary.load_id = Some(row.get(0));
        return Ok(Admission::Done(Box::new(summary)));
    }
    if let Some(sequencer) = &object.sequencer {
        let rows = tx
            .query(ledger("loaded_sequencers")?, &[&object.bucket, &object.key])
            .await
            .map_err(db(object))?;
        let newest = rows
            .iter()
            .map(|r| r.get::<_, String>(0))
            .max_by(|a, b| sequencer_cmp(a, b));
        if let Some(newest) = newest
            && sequencer_cmp(sequencer, &newest).is_lt()
        {
            let mut summary = LoadSummary::new(&object.key, LoadStatus::Skipped);
            summary.table = table.map(str::to_string);
            summary.error = Some(format!(
                "event sequencer {sequencer} is older than the loaded version's {newest}"
            ));
            return Ok(Admission::Done(Box::new(summary)));
        }
    }
    Ok(Admission::Proceed)
}

pub(crate) async fn start_ledger_row(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    schema: &str,
    table: Option<&str>,
) -> Result<i64, TransientError> {
    let row = tx
        .query_one(
            ledger("start_load")?,
            &[
                &object.bucket,
                &object.key,
                &object.version_id,
                &object.etag,
                &object.sequencer,
                &object.size,
                &schema,
                &table,
            ],
        )
        .await
        .map_err(db(object))?;
    Ok(row.get(0))
}

/// Records a file that cannot load at all: a `failed` ledger row and
/// `rejected/<key>.error.json`; nothing else changes.
pub(crate) async fn record_file_failure(
    loader: &Loader,
    object: &ObjectRef,
    table: Option<&Table>,
    error: &str,
) -> Result<LoadSummary, TransientError> {
    let mut client = loader.db.get().await?;
    let tx = client.transaction().await.map_err(db(object))?;
    let table_name = table.map(|t| t.name.as_str());
    if let Admission::Done(summary) = admit(&tx, object, table_name).await? {
        return Ok(*summary);
    }
    let load_id = start_ledger_row(&tx, object, &loader.catalog.schema, table_name).await?;
    let summary = fail_in_transaction(loader, &tx, object, table_name, load_id, error).await?;
    tx.commit().await.map_err(db(object))?;
    Ok(summary)
}

pub(crate) async fn fail_in_transaction(
    loader: &Loader,
    tx: &Transaction<'_>,
    object: &ObjectRef,
    table: Option<&str>,
    load_id: i64,
    error: &str,
) -> Result<LoadSummary, TransientError> {
    tracing::warn!(%error, "file rejected");
    tx.execute(ledger("fail_load")?, &[&load_id, &error])
        .await
        .map_err(db(object))?;
    let report_key = error_report_key(loader, &object.key);
    let report = json!({
        "bucket": object.bucket,
        "key": object.key,
        "etag": object.etag,
        "table": table,
        "load_id": load_id,
        "status": "failed",
        "error": error,
        "nothing_loaded": true,
    });
    put_object(
        loader,
        &object.bucket,
        &report_key,
        aws_sdk_s3::primitives::ByteStream::from(report.to_string().into_bytes()),
        "application/json",
    )
    .await?;
    let mut summary = LoadSummary::new(&object.key, LoadStatus::Failed);
    summary.table = table.map(str::to_string);
    summary.load_id = Some(load_id);
    summary.error = Some(error.to_string());
    summary.rejects_key = Some(report_key);
    Ok(summary)
}
