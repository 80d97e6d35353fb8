//! `_manifest.json`: a table's current Parquet files. Written with one
//! PutObject after every new file is uploaded and before any superseded one
//! is deleted, so a reader that lists the files through it never sees half
//! an export (docs/architecture.md, "Lakehouse").

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use serde::{Deserialize, Serialize};

use crate::LakehouseError;
use crate::columns::Column;

/// The manifest format's version.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// `schema.table` in PostgreSQL.
    pub table: String,
    /// The export that wrote it, and the latest build it includes.
    pub export_id: i64,
    pub build_id: Option<i64>,
    pub exported_at: chrono::DateTime<chrono::Utc>,
    /// The date column of the Hive partitions `year=YYYY/month=MM`; none for
    /// an unpartitioned table.
    pub partition_by: Option<String>,
    pub columns: Vec<Column>,
    pub rows: u64,
    pub bytes: u64,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The object key, from the bucket's root.
    pub key: String,
    /// `year=YYYY/month=MM`, for a partitioned table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
    pub rows: u64,
    pub bytes: u64,
}

/// The table's manifest, or `None` if it has none (never exported).
pub async fn read(
    s3: &Client,
    bucket: &str,
    key: &str,
) -> Result<Option<Manifest>, LakehouseError> {
    let object = match s3.get_object().bucket(bucket).key(key).send().await {
        Ok(object) => object,
        Err(error) => {
            if error.as_service_error().is_some_and(|e| e.is_no_such_key()) {
                return Ok(None);
            }
            return Err(LakehouseError::s3(format!("read {key}"))(error));
        }
    };
    let body = object
        .body
        .collect()
        .await
        .map_err(|e| LakehouseError::S3 {
            action: format!("read {key}"),
            message: e.to_string(),
        })?
        .into_bytes();
    match serde_json::from_slice::<Manifest>(&body) {
        Ok(manifest) if manifest.format == FORMAT => Ok(Some(manifest)),
        // Unreadable or another format: the table is exported whole again.
        Ok(_) | Err(_) => {
            tracing::warn!(key, "manifest not readable; the table is exported whole");
            Ok(None)
        }
    }
}

/// Switches the table to `manifest` (one PutObject).
pub async fn write(
    s3: &Client,
    bucket: &str,
    key: &str,
    manifest: &Manifest,
) -> Result<(), LakehouseError> {
    let body = serde_json::to_vec_pretty(manifest).map_err(|e| LakehouseError::S3 {
        action: format!("serialize {key}"),
        message: e.to_string(),
    })?;
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .content_type("application/json")
        .body(ByteStream::from(body))
        .send()
        .await
        .map_err(LakehouseError::s3(format!("write {key}")))?;
    Ok(())
}
