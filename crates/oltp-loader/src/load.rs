//! One S3 object, one transaction: ledger check, staging COPY, merge,
//! pending-row resolution, rejects, ledger row.

use std::sync::LazyLock;

use async_compression::tokio::bufread::GzipDecoder;
use futures_util::{SinkExt, pin_mut};
use postgres_types::{ToSql, Type};
use serde_json::json;
use starlift_domain::catalog::{Column, ColumnType, Table, load_order};
use starlift_domain::routing::{Compression, Route, rejected_rows_key};
use starlift_domain::sql::{named_statements, statement};
use tokio::io::{AsyncBufRead, BufReader};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_util::io::SyncIoBridge;

use crate::reader::{self, BATCHES_IN_FLIGHT, ParseEnd, ParseStats};
use crate::table_sql::TableSql;
use crate::{LoadStatus, LoadSummary, Loader, TransientError, error_report_key, sequencer_cmp};

static LEDGER: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../sql/engine/loader/ledger.sql")));
const RECORD_REJECTS: &str = include_str!("../../../sql/engine/loader/record_rejects.sql");

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
enum Failure {
    /// The file itself is bad: record it and succeed.
    File(String),
    Transient(TransientError),
}

impl From<TransientError> for Failure {
    fn from(error: TransientError) -> Self {
        Failure::Transient(error)
    }
}

fn ledger(name: &str) -> Result<&'static str, TransientError> {
    statement(&LEDGER, name)
        .map_err(|_| TransientError::MalformedEvent("ledger statement (build is broken)"))
}

fn db(object: &ObjectRef) -> impl Fn(tokio_postgres::Error) -> TransientError + '_ {
    move |source| TransientError::Database {
        key: object.key.clone(),
        source,
    }
}

/// Data errors (class 22) and integrity violations (class 23) come from the
/// file's content and will repeat on retry; anything else may pass next time.
fn classify(object: &ObjectRef, error: tokio_postgres::Error) -> Failure {
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

fn postgres_type(ty: ColumnType) -> Type {
    match ty {
        ColumnType::Int => Type::INT4,
        ColumnType::BigInt => Type::INT8,
        ColumnType::Text => Type::TEXT,
        ColumnType::Money => Type::NUMERIC,
        ColumnType::Timestamp => Type::TIMESTAMP,
    }
}

enum Admission {
    Proceed,
    Done(LoadSummary),
}

/// Duplicate and out-of-order checks, under the object's lock.
async fn admit(
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
        return Ok(Admission::Done(summary));
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
            return Ok(Admission::Done(summary));
        }
    }
    Ok(Admission::Proceed)
}

async fn start_ledger_row(
    tx: &Transaction<'_>,
    object: &ObjectRef,
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
    table: Option<&'static Table>,
    error: &str,
) -> Result<LoadSummary, TransientError> {
    let mut client = loader.db.get().await?;
    let tx = client.transaction().await.map_err(db(object))?;
    let table_name = table.map(|t| t.name);
    if let Admission::Done(summary) = admit(&tx, object, table_name).await? {
        return Ok(summary);
    }
    let load_id = start_ledger_row(&tx, object, table_name).await?;
    let summary = fail_in_transaction(loader, &tx, object, table_name, load_id, error).await?;
    tx.commit().await.map_err(db(object))?;
    Ok(summary)
}

async fn fail_in_transaction(
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

async fn put_object(
    loader: &Loader,
    bucket: &str,
    key: &str,
    body: aws_sdk_s3::primitives::ByteStream,
    content_type: &str,
) -> Result<(), TransientError> {
    loader
        .s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type(content_type)
        .body(body)
        .send()
        .await
        .map_err(|e| TransientError::S3Write {
            bucket: bucket.to_string(),
            key: key.to_string(),
            reason: aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
        })?;
    Ok(())
}

enum Fetched {
    Body(Box<dyn AsyncBufRead + Send + Unpin>),
    Gone(String),
}

async fn fetch(
    loader: &Loader,
    object: &ObjectRef,
    compression: Compression,
) -> Result<Fetched, TransientError> {
    let mut request = loader
        .s3
        .get_object()
        .bucket(&object.bucket)
        .key(&object.key);
    if let Some(version) = &object.version_id {
        request = request.version_id(version);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            if let Some(service) = error.as_service_error()
                && service.is_no_such_key()
            {
                return Ok(Fetched::Gone(
                    "the object was deleted after the event".to_string(),
                ));
            }
            return Err(TransientError::S3Read {
                bucket: object.bucket.clone(),
                key: object.key.clone(),
                reason: aws_sdk_s3::error::DisplayErrorContext(error).to_string(),
            });
        }
    };
    if object.version_id.is_none() && !object.etag.is_empty() {
        let current = response.e_tag().unwrap_or_default().trim_matches('"');
        if current != object.etag {
            return Ok(Fetched::Gone(format!(
                "the object was overwritten after the event (ETag {current}, event {})",
                object.etag
            )));
        }
    }
    let body = response.body.into_async_read();
    Ok(Fetched::Body(match compression {
        Compression::None => Box::new(body),
        Compression::Gzip => {
            let mut decoder = GzipDecoder::new(body);
            decoder.multiple_members(true);
            Box::new(BufReader::with_capacity(256 * 1024, decoder))
        }
    }))
}

/// Counts of one merge.
#[derive(Default)]
struct Counts {
    inserted: u64,
    updated: u64,
    unchanged: u64,
    pending: u64,
    resolved: u64,
}

pub(crate) async fn load_object(
    loader: &Loader,
    object: &ObjectRef,
    route: Route,
) -> Result<LoadSummary, TransientError> {
    let table = route.table;
    let mut client = loader.db.get().await?;
    let tx = client.transaction().await.map_err(db(object))?;
    if let Admission::Done(summary) = admit(&tx, object, Some(table.name)).await? {
        return Ok(summary);
    }
    let body = match fetch(loader, object, route.compression).await? {
        Fetched::Body(body) => body,
        Fetched::Gone(reason) => {
            let mut summary = LoadSummary::new(&object.key, LoadStatus::Skipped);
            summary.table = Some(table.name.to_string());
            summary.error = Some(reason);
            return Ok(summary);
        }
    };
    let load_id = start_ledger_row(&tx, object, Some(table.name)).await?;
    tx.batch_execute("SAVEPOINT file_load")
        .await
        .map_err(db(object))?;
    match load_rows(loader, &tx, object, table, route.compression, body, load_id).await {
        Ok((stats, counts, rejects_key)) => {
            let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            tx.execute(
                ledger("finish_load")?,
                &[
                    &load_id,
                    &to_i64(stats.rows_read),
                    &to_i64(counts.inserted),
                    &to_i64(counts.updated),
                    &to_i64(counts.unchanged),
                    &to_i64(stats.rows_rejected),
                    &to_i64(counts.pending),
                    &to_i64(counts.resolved),
                ],
            )
            .await
            .map_err(db(object))?;
            tx.commit().await.map_err(db(object))?;
            let mut summary = LoadSummary::new(&object.key, LoadStatus::Loaded);
            summary.table = Some(table.name.to_string());
            summary.load_id = Some(load_id);
            summary.rows_read = stats.rows_read;
            summary.rows_inserted = counts.inserted;
            summary.rows_updated = counts.updated;
            summary.rows_unchanged = counts.unchanged;
            summary.rows_rejected = stats.rows_rejected;
            summary.rows_pending = counts.pending;
            summary.rows_resolved = counts.resolved;
            summary.rejects_key = rejects_key;
            Ok(summary)
        }
        Err(Failure::File(error)) => {
            tx.batch_execute("ROLLBACK TO SAVEPOINT file_load")
                .await
                .map_err(db(object))?;
            let summary =
                fail_in_transaction(loader, &tx, object, Some(table.name), load_id, &error).await?;
            tx.commit().await.map_err(db(object))?;
            Ok(summary)
        }
        Err(Failure::Transient(error)) => Err(error),
    }
}

async fn load_rows(
    loader: &Loader,
    tx: &Transaction<'_>,
    object: &ObjectRef,
    table: &'static Table,
    compression: Compression,
    body: Box<dyn AsyncBufRead + Send + Unpin>,
    load_id: i64,
) -> Result<(ParseStats, Counts, Option<String>), Failure> {
    // Parse on a blocking thread; rows come back in bounded batches.
    let (header_tx, header_rx) = oneshot::channel();
    let (rows_tx, mut rows_rx) = mpsc::channel(BATCHES_IN_FLIGHT);
    let input = SyncIoBridge::new(body);
    let gzip = compression == Compression::Gzip;
    let parser =
        tokio::task::spawn_blocking(move || reader::parse(input, table, gzip, header_tx, rows_tx));

    let header = match header_rx.await {
        Ok(Ok(header)) => header,
        Ok(Err(error)) => return Err(Failure::File(error.to_string())),
        Err(_) => {
            // The parser ended before judging the header: its result says why.
            return Err(parse_end_failure(object, parser.await));
        }
    };
    for ignored in &header.ignored {
        tracing::warn!(column = %ignored, "unknown column ignored");
    }
    let present: Vec<&'static Column> = header.present_columns();
    let sql = TableSql::new(table, "stage_rows", &present)
        .map_err(|e| Failure::File(format!("internal SQL template error: {e}")))?;
    tx.batch_execute(&sql.create_stage)
        .await
        .map_err(|e| classify(object, e))?;

    // COPY the valid rows into the staging table as they arrive.
    let column_list = table
        .columns
        .iter()
        .map(|c| c.sql_name)
        .collect::<Vec<_>>()
        .join(", ");
    let copy = format!(
        "COPY {} (line_no, {column_list}) FROM STDIN (FORMAT binary)",
        sql.stage_name
    );
    let mut types = vec![Type::INT8];
    types.extend(table.columns.iter().map(|c| postgres_type(c.ty)));
    let copied: Result<u64, tokio_postgres::Error> = async {
        let sink = tx.copy_in(&copy).await?;
        let writer = BinaryCopyInWriter::new(sink, &types);
        pin_mut!(writer);
        while let Some(batch) = rows_rx.recv().await {
            for (line, values) in &batch {
                let mut row: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(values.len() + 1);
                row.push(line);
                row.extend(values.iter().map(|v| v as &(dyn ToSql + Sync)));
                writer.as_mut().write(&row).await?;
            }
        }
        writer.finish().await
    }
    .await;
    drop(rows_rx);
    let end = parser.await;
    let staged = match copied {
        Ok(n) => n,
        Err(error) => return Err(classify(object, error)),
    };
    let mut stats = match end {
        Ok(ParseEnd::Finished(stats)) => stats,
        other => return Err(parse_end_failure(object, other)),
    };

    // From here on, one load at a time.
    tx.execute(ledger("lock_merge")?, &[])
        .await
        .map_err(|e| classify(object, e))?;
    tx.batch_execute("SAVEPOINT merge_attempt")
        .await
        .map_err(db(object))?;
    let mut duplicate_count = 0;
    let mut counts = match merge_staged(tx, &sql, load_id).await {
        Ok(counts) => counts,
        // A key repeated within the file (the merge cannot touch a row twice):
        // keep the last line, report the others, merge again.
        Err(error)
            if error.code() == Some(&tokio_postgres::error::SqlState::CARDINALITY_VIOLATION) =>
        {
            tx.batch_execute("ROLLBACK TO SAVEPOINT merge_attempt")
                .await
                .map_err(db(object))?;
            let duplicates = tx
                .query(&sql.dedupe, &[])
                .await
                .map_err(|e| classify(object, e))?;
            duplicate_count = duplicates.len() as u64;
            reader::append_rejects(
                &mut stats,
                duplicates.iter().map(|row| {
                    let line: i64 = row.get(0);
                    let kept: i64 = row.get(1);
                    (
                        u64::try_from(line).unwrap_or(0),
                        None,
                        format!("duplicate primary key: line {kept} has the same key and is loaded instead"),
                        row.get::<_, String>(2),
                    )
                }),
            )
            .map_err(|source| TransientError::Io { key: object.key.clone(), source })?;
            merge_staged(tx, &sql, load_id)
                .await
                .map_err(|e| classify(object, e))?
        }
        Err(error) => return Err(classify(object, error)),
    };
    let merged_rows = staged
        .saturating_sub(duplicate_count)
        .saturating_sub(counts.pending);
    counts.unchanged = merged_rows.saturating_sub(counts.inserted + counts.updated);
    counts.resolved = resolve_pending(tx, object, load_id).await?;

    // Rejected rows: the report in S3 and the rows in etl.rejected_row.
    let mut rejects_key = None;
    if let Some(file) = &stats.rejects {
        let key = rejected_rows_key(&loader.config.rejected_prefix, &object.key);
        let body = aws_sdk_s3::primitives::ByteStream::from_path(file.path())
            .await
            .map_err(|e| TransientError::Io {
                key: object.key.clone(),
                source: std::io::Error::other(e),
            })?;
        put_object(loader, &object.bucket, &key, body, "text/csv").await?;
        tx.batch_execute(ledger("create_rejected_stage")?)
            .await
            .map_err(|e| classify(object, e))?;
        let sink = tx
            .copy_in("COPY rejected_stage FROM STDIN (FORMAT csv, HEADER true)")
            .await
            .map_err(|e| classify(object, e))?;
        pin_mut!(sink);
        let mut spool =
            tokio::fs::File::open(file.path())
                .await
                .map_err(|source| TransientError::Io {
                    key: object.key.clone(),
                    source,
                })?;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = tokio::io::AsyncReadExt::read(&mut spool, &mut buffer)
                .await
                .map_err(|source| TransientError::Io {
                    key: object.key.clone(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            sink.send(bytes::Bytes::copy_from_slice(&buffer[..n]))
                .await
                .map_err(|e| classify(object, e))?;
        }
        sink.finish().await.map_err(|e| classify(object, e))?;
        tx.execute(RECORD_REJECTS, &[&load_id])
            .await
            .map_err(|e| classify(object, e))?;
        rejects_key = Some(key);
    }
    Ok((stats, counts, rejects_key))
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

/// Holds orphans back, forgets superseded pending versions, merges.
async fn merge_staged(
    tx: &Transaction<'_>,
    sql: &TableSql,
    load_id: i64,
) -> Result<Counts, tokio_postgres::Error> {
    let mut counts = Counts::default();
    if let Some(hold) = &sql.hold_orphans {
        counts.pending += until_stable(tx, hold, &[&load_id], sql.self_referencing).await?;
    }
    tx.execute(sql.forget_superseded_pending.as_str(), &[])
        .await?;
    let merged = tx.query_one(sql.merge.as_str(), &[&load_id]).await?;
    counts.inserted = u64::try_from(merged.get::<_, i64>(0)).unwrap_or(0);
    counts.updated = u64::try_from(merged.get::<_, i64>(1)).unwrap_or(0);
    Ok(counts)
}

fn parse_end_failure(object: &ObjectRef, end: Result<ParseEnd, tokio::task::JoinError>) -> Failure {
    match end {
        Ok(ParseEnd::File(error)) => Failure::File(error.to_string()),
        Ok(ParseEnd::Read(error)) => Failure::Transient(TransientError::S3Read {
            bucket: object.bucket.clone(),
            key: object.key.clone(),
            reason: error.to_string(),
        }),
        Ok(ParseEnd::Abandoned) | Ok(ParseEnd::Finished(_)) => {
            Failure::Transient(TransientError::Io {
                key: object.key.clone(),
                source: std::io::Error::other("the COPY stream ended before the parser"),
            })
        }
        Err(join) => Failure::Transient(TransientError::Io {
            key: object.key.clone(),
            source: std::io::Error::other(join.to_string()),
        }),
    }
}

/// Retries every table's pending rows in foreign-key order; rows whose parents
/// have now arrived move into their tables, stamped with this load's batch.
async fn resolve_pending(
    tx: &Transaction<'_>,
    object: &ObjectRef,
    load_id: i64,
) -> Result<u64, Failure> {
    let mut resolved = 0;
    for table in load_order() {
        let exists: bool = tx
            .query_one(ledger("pending_exists")?, &[&table.name])
            .await
            .map_err(|e| classify(object, e))?
            .get(0);
        if !exists {
            continue;
        }
        let all: Vec<&'static Column> = table.columns.iter().collect();
        let stage = format!("pending_{}", table.name);
        let sql = TableSql::new(table, &stage, &all)
            .map_err(|e| Failure::File(format!("internal SQL template error: {e}")))?;
        tx.batch_execute(&sql.create_stage)
            .await
            .map_err(|e| classify(object, e))?;
        tx.execute(sql.claim_pending.as_str(), &[])
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
        resolved += tx
            .execute(sql.release_resolved.as_str(), &[])
            .await
            .map_err(|e| classify(object, e))?;
    }
    Ok(resolved)
}
