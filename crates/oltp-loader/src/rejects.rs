//! Rejected rows of one load: the report in S3
//! (`rejected/<key>.errors.csv`) and the rows in `etl.rejected_row`.

use futures_util::{SinkExt, pin_mut};
use starlift_domain::routing::rejected_rows_key;
use tokio::io::AsyncReadExt;
use tokio_postgres::Transaction;

use crate::ledger::ledger;
use crate::load::{Failure, ObjectRef, classify};
use crate::reader::ParseStats;
use crate::s3io::put_object;
use crate::{Loader, TransientError};

const RECORD_REJECTS: &str = include_str!("../../../sql/engine/loader/record_rejects.sql");

/// Uploads the spooled rejects and records them; the report's key, if any.
pub(crate) async fn publish(
    loader: &Loader,
    tx: &Transaction<'_>,
    object: &ObjectRef,
    stats: &ParseStats,
    load_id: i64,
) -> Result<Option<String>, Failure> {
    let Some(file) = &stats.rejects else {
        return Ok(None);
    };
    let io = |source: std::io::Error| TransientError::Io {
        key: object.key.clone(),
        source,
    };
    let key = rejected_rows_key(&loader.config.rejected_prefix, &object.key);
    let body = aws_sdk_s3::primitives::ByteStream::from_path(file.path())
        .await
        .map_err(|e| io(std::io::Error::other(e)))?;
    put_object(loader, &object.bucket, &key, body, "text/csv").await?;
    tx.batch_execute(ledger("create_rejected_stage")?)
        .await
        .map_err(|e| classify(object, e))?;
    let sink = tx
        .copy_in("COPY rejected_stage FROM STDIN (FORMAT csv, HEADER true)")
        .await
        .map_err(|e| classify(object, e))?;
    pin_mut!(sink);
    let mut spool = tokio::fs::File::open(file.path()).await.map_err(io)?;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = spool.read(&mut buffer).await.map_err(io)?;
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
    Ok(Some(key))
}
