//! The lakehouse export: every table the pack's models write, as Parquet on
//! S3 under `warehouse/<dataset>/<table>/`, for Athena (through the Glue
//! catalog Terraform declares), Trino, Spark or DuckDB.
//!
//! * **Streaming.** Each table leaves PostgreSQL by `COPY … TO STDOUT
//!   (FORMAT binary)`; [`decode`] turns the rows into Arrow record batches
//!   of [`BATCH_ROWS`] rows, [`file`] writes them as Parquet (zstd) in row
//!   groups of bounded size and ships the bytes as multipart parts
//!   ([`upload`]). Memory stays at about one row group and one part
//!   whatever the table's size.
//! * **Types.** `numeric(p,s)` → decimal(p,s) (a `numeric` without a
//!   declared scale is refused, naming the column), `date` → date,
//!   `timestamp`/`timestamptz` → timestamp (µs; UTC for timestamptz),
//!   `smallint`/`integer`/`bigint` → int16/int32/int64, text types and
//!   `uuid` → utf8, `boolean`, `real`/`double precision`. PostgreSQL's
//!   `±infinity` dates and timestamps become 9999-12-31 (23:59:59.999999)
//!   and 0001-01-01.
//! * **Layout** ([`layout`]): a fact declaring `partition_by` in its
//!   `[facts.<name>]` is partitioned Hive-style `year=YYYY/month=MM` by that
//!   column (a date, a timestamp, or an integer `YYYYMMDD` date key);
//!   everything else is one file per export.
//! * **Incremental.** Triggers on the written tables record what each
//!   statement changed in `etl.lakehouse_dirty`, in the build's own
//!   transaction: a fact's partitions (from the rows written and removed),
//!   or the whole table (a dimension; a TRUNCATE). An export rewrites only
//!   those: the changed partitions of a fact, a changed dimension whole.
//!   A table without a readable manifest, or whose columns or partitioning
//!   changed, is exported whole.
//! * **Switch.** New files get new keys (`part-<export_id>-<n>.parquet`);
//!   then the table's `_manifest.json` is replaced (one PutObject); then the
//!   superseded files are deleted ([`manifest`]).
//! * **Retry.** The export runs in one OLAP transaction holding the
//!   builder's advisory lock and clears the marks it exported only at its
//!   commit. A failed export leaves them, so the next invocation exports
//!   them even when it has nothing new to build.

pub mod columns;
pub mod decode;
mod export;
pub mod file;
pub mod glue;
pub mod layout;
pub mod local;
pub mod manifest;
mod sql;
pub mod upload;

use std::collections::BTreeMap;

use serde::Serialize;
use starlift_domain::sql::TemplateError;

pub use export::{Target, export, partition_column, table_specs};

/// Rows per Arrow record batch.
pub const BATCH_ROWS: usize = 8192;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum LakehouseError {
    #[error("lakehouse export: {step}: {source}")]
    Database {
        step: String,
        source: tokio_postgres::Error,
    },
    #[error("lakehouse export: S3 {action}: {message}")]
    S3 { action: String, message: String },
    #[error("lakehouse export: writing Parquet {key}: {message}")]
    Parquet { key: String, message: String },
    #[error(
        "lakehouse export: {table}.{column} is {pg_type}, which has no exact Parquet type (a numeric needs a declared precision and scale, numeric(p,s))"
    )]
    UnsupportedType {
        table: String,
        column: String,
        pg_type: String,
    },
    #[error("lakehouse export: {0} has no columns (is it a table?)")]
    NoColumns(String),
    #[error("lakehouse export: {table}: {message}")]
    Decode { table: String, message: String },
    #[error("lakehouse export: {table}: partition_by = {column:?}: {message}")]
    PartitionBy {
        table: String,
        column: String,
        message: String,
    },
    #[error(
        "lakehouse export: two written tables are named {0} (the layout uses the name without its schema)"
    )]
    DuplicateName(String),
    #[error("lakehouse copy: {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("lakehouse export: SQL template: {0}")]
    Template(#[from] TemplateError),
}

impl LakehouseError {
    pub(crate) fn db(step: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Self {
        let step = step.into();
        move |source| Self::Database { step, source }
    }

    pub(crate) fn s3<E: std::error::Error>(action: impl Into<String>) -> impl FnOnce(E) -> Self {
        let action = action.into();
        move |error| Self::S3 {
            action,
            message: aws_sdk_s3::error::DisplayErrorContext(error).to_string(),
        }
    }

    pub(crate) fn parquet<E: std::fmt::Display>(key: &str) -> impl FnOnce(E) -> Self {
        let key = key.to_string();
        move |error| Self::Parquet {
            key,
            message: error.to_string(),
        }
    }
}

/// How a table was exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TablePlan {
    /// Nothing changed since its last export.
    Unchanged,
    /// Rewritten whole.
    Whole,
    /// Only the partitions that changed were rewritten.
    Partitions,
}

/// One table's export: what this export wrote, and the table it left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableReport {
    pub plan: TablePlan,
    /// Why it was rewritten whole (first export, changed columns, a
    /// dimension that changed, a truncate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Files, rows and bytes written by this export.
    pub files: usize,
    pub rows: u64,
    pub bytes: u64,
    /// Partitions rewritten (`year=YYYY/month=MM`), for a partitioned table.
    pub partitions_rewritten: Vec<String>,
    /// Superseded files deleted after the switch.
    pub files_deleted: usize,
    /// The table as its manifest now lists it.
    pub table_files: usize,
    pub table_rows: u64,
    pub table_bytes: u64,
    /// Time spent on this table (COPY, Parquet, uploads, switch, deletes).
    pub milliseconds: u64,
}

/// The `lakehouse` part of a build's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LakehouseReport {
    /// `s3://<bucket>/warehouse/<dataset>/`.
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_id: Option<i64>,
    /// Per table, by its name without schema.
    pub tables: BTreeMap<String, TableReport>,
    pub milliseconds: u64,
    /// Why nothing was exported, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
