//! Parse one CSV object on a blocking thread and COPY its valid rows into a
//! temporary stage table as they arrive (memory stays flat: rows travel in
//! bounded batches).

use std::time::Instant;

use futures_util::pin_mut;
use postgres_types::{ToSql, Type};
use starlift_domain::catalog::{Column, LoadMode, Table};
use starlift_domain::routing::{Compression, Route};
use starlift_domain::validate::HeaderMap;
use tokio::io::AsyncBufRead;
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_util::io::SyncIoBridge;

use crate::content::Hashing;
use crate::load::{Failure, ObjectRef, classify};
use crate::reader::{self, BATCHES_IN_FLIGHT, ParseEnd, ParseStats};
use crate::table_sql::TableSql;
use crate::{Loader, TransientError};

/// A file staged: its statements, rows COPYed and the parser's account.
pub(crate) struct Staged {
    pub sql: TableSql,
    pub rows: u64,
    pub stats: ParseStats,
    /// The content's identity ([`crate::content`]).
    pub content_sha256: String,
}

/// Streams `body` through the parser into `stage_rows`.
pub(crate) async fn stage_file(
    loader: &Loader,
    tx: &Transaction<'_>,
    object: &ObjectRef,
    route: Route,
    body: Box<dyn AsyncBufRead + Send + Unpin>,
    load_id: i64,
    cutoff: Instant,
) -> Result<Staged, Failure> {
    let table = route.table;
    let (header_tx, header_rx) = oneshot::channel();
    let (rows_tx, rows_rx) = mpsc::channel(BATCHES_IN_FLIGHT);
    let input = SyncIoBridge::new(body);
    let gzip = route.compression == Compression::Gzip;
    let mut dialect_options = loader.csv_options.clone();
    dialect_options.extend(route.options);
    let parser = tokio::task::spawn_blocking(move || {
        let mut input = Hashing::new(input, &table.name, &dialect_options, gzip);
        let end = reader::parse(
            &mut input,
            table,
            &dialect_options,
            gzip,
            header_tx,
            rows_tx,
        );
        (end, input.finish())
    });
    // The parser's end without the digest, for the paths that fail anyway.
    let parse_end =
        |joined: Result<(ParseEnd, String), tokio::task::JoinError>| joined.map(|(end, _)| end);
    let header: HeaderMap = match header_rx.await {
        Ok(Ok(header)) => header,
        Ok(Err(error)) => return Err(Failure::File(error.to_string())),
        // The parser ended before judging the header: its result says why.
        Err(_) => return Err(parse_end_failure(object, parse_end(parser.await))),
    };
    for ignored in &header.ignored {
        tracing::warn!(column = %ignored, "unknown column ignored");
    }
    let present: Vec<&Column> = header.present_columns();
    let sql = TableSql::new(table, "stage_rows", &present)
        .map_err(|e| Failure::Transient(TransientError::Internal(e.to_string())))?;
    tx.batch_execute(&sql.create_stage)
        .await
        .map_err(|e| classify(object, e))?;
    let copied = copy_rows(tx, &sql, table, rows_rx, load_id, cutoff).await;
    let end = parser.await;
    let rows = match copied.map_err(|error| classify(object, error))? {
        Copied::All(rows) => rows,
        Copied::OutOfTime(rows) => return Err(Failure::File(out_of_time(rows))),
    };
    match end {
        Ok((ParseEnd::Finished(stats), content_sha256)) => Ok(Staged {
            sql,
            rows,
            stats,
            content_sha256,
        }),
        other => Err(parse_end_failure(object, parse_end(other))),
    }
}

/// How a COPY of the parser's rows ended.
enum Copied {
    All(u64),
    /// The staging cutoff passed after this many rows (the COPY is abandoned).
    OutOfTime(u64),
}

/// The failure of a file too large to load within one invocation.
fn out_of_time(rows: u64) -> String {
    format!(
        "the file could not be staged within half of this invocation's time ({rows} rows staged when it ran out), so it would time out and be retried forever; nothing of it loaded. Split it into smaller files (a few million rows each load well within Lambda's 15 minutes) or raise the function's timeout"
    )
}

/// The binary COPY of the parser's batches; an append table's rows carry
/// this load as their origin.
async fn copy_rows(
    tx: &Transaction<'_>,
    sql: &TableSql,
    table: &Table,
    mut rows_rx: mpsc::Receiver<Vec<reader::StagedRow>>,
    load_id: i64,
    cutoff: Instant,
) -> Result<Copied, tokio_postgres::Error> {
    let append = table.mode == LoadMode::Append;
    let mut types = vec![Type::INT8];
    if append {
        types.push(Type::INT8);
    }
    types.extend(table.columns.iter().map(|c| c.ty.postgres_type()));
    let sink = tx.copy_in(&sql.copy_in).await?;
    let writer = BinaryCopyInWriter::new(sink, &types);
    pin_mut!(writer);
    let mut rows = 0u64;
    while let Some(batch) = rows_rx.recv().await {
        if Instant::now() >= cutoff {
            // Dropping the writer abandons the COPY; the caller rolls back.
            return Ok(Copied::OutOfTime(rows));
        }
        rows += batch.len() as u64;
        for (line, values) in &batch {
            let mut row: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(values.len() + 2);
            row.push(line);
            if append {
                row.push(&load_id);
            }
            row.extend(values.iter().map(|v| v as &(dyn ToSql + Sync)));
            writer.as_mut().write(&row).await?;
        }
    }
    writer.finish().await.map(Copied::All)
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
