//! oltp-loader: S3 ObjectCreated → stream the CSV → validate → COPY → merge
//! into the OLTP database, one object per transaction.
//!
//! `main.rs` builds a [`Loader`] once per container and hands events to
//! [`function_handler`]; tests call the same handler against the sandbox.

pub mod arrivals;
mod bulk;
mod content;
pub mod events;
mod ledger;
mod load;
pub mod locks;
mod merge;
mod reader;
pub mod reconcile;
mod rejects;
pub mod reload;
pub mod resolve;
mod s3io;
mod stage;
pub mod table_sql;
pub mod trusted;

use std::time::Instant;

use aws_lambda_events::event::s3::{S3Event, S3EventRecord};
use lambda_runtime::LambdaEvent;
use serde::Serialize;
use starlift_domain::catalog::Catalog;
use starlift_domain::config::LoaderConfig;
use starlift_domain::db::{CachedClient, Connector, DbError};
use starlift_domain::migrate::{ETL, migrate};
use starlift_domain::pack::{Pack, PackError};
use starlift_domain::routing::{RouteError, decode_event_key, rejected_file_key, route_key};
use tracing::Instrument;

pub use load::ObjectRef;

/// Everything a container builds once and reuses across invocations.
#[derive(Debug)]
pub struct Loader {
    pub s3: aws_sdk_s3::Client,
    pub db: CachedClient,
    pub config: LoaderConfig,
    /// The served pack's tables, read from the migrated DDL.
    pub catalog: &'static Catalog,
    /// The pack's CSV dialect defaults; a file's key options follow them.
    pub csv_options: Vec<(String, String)>,
    /// At most this many pending rows are staged for retry per transaction
    /// ([`resolve`]); [`DEFAULT_RESOLVE_BUDGET`] unless set.
    pub resolve_budget: i64,
    /// The tables whose merges skip the per-row foreign-key triggers after
    /// the loader's own set-based check ([`trusted`]); empty when the role
    /// may not. Tests and the benchmark clear it to measure the other path.
    pub trusted_tables: std::collections::BTreeSet<String>,
    /// Which tables a load locks for its merge ([`locks::Scope`]): per
    /// table unless set; the benchmark sets `Global` for its reference.
    pub lock_scope: locks::Scope,
    /// Before its merge, a load waits (bounded) while another session
    /// loads an ancestor of its table ([`arrivals`]); on unless cleared
    /// (the benchmark's reference clears it).
    pub wait_for_arriving_parents: bool,
}

/// Pending rows staged per resolution transaction: about four seconds of
/// work at the measured ~50 k resolved rows/s.
pub const DEFAULT_RESOLVE_BUDGET: i64 = 200_000;

/// Why a container could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Migrate(#[from] starlift_domain::migrate::MigrateError),
    #[error(transparent)]
    Pack(#[from] PackError),
    #[error("loader SQL does not render: {0}")]
    Template(#[from] starlift_domain::sql::TemplateError),
    #[error(transparent)]
    Verify(#[from] table_sql::VerifyError),
    #[error(transparent)]
    Trusted(#[from] trusted::TrustedError),
}

impl Loader {
    /// Builds the database client, applies the engine's and the `DATASET`
    /// pack's migrations, reads the pack's catalog back and renders every
    /// statement (cold start: a fault here stops the container, never a
    /// file). `aws` signs RDS IAM tokens when `config.oltp.auth` is IAM.
    pub async fn connect(
        config: LoaderConfig,
        s3: aws_sdk_s3::Client,
        aws: Option<aws_config::SdkConfig>,
    ) -> Result<Self, StartupError> {
        let pack = Pack::embedded(&config.dataset)?;
        Self::connect_pack(config, s3, aws, pack).await
    }

    /// [`Loader::connect`] with a pack given (tests load packs from folders).
    pub async fn connect_pack(
        config: LoaderConfig,
        s3: aws_sdk_s3::Client,
        aws: Option<aws_config::SdkConfig>,
        pack: Pack,
    ) -> Result<Self, StartupError> {
        let db = CachedClient::new(Connector::new(config.oltp.clone(), aws)?);
        let (catalog, trusted_tables) = {
            let mut client = db.get().await?;
            let engine = migrate(&mut client, &ETL).await?;
            let tables = migrate(&mut client, &pack.oltp).await?;
            tracing::info!(
                pack = pack.name(),
                applied = ?[engine.applied, tables.applied].concat(),
                "OLTP schema ready"
            );
            let catalog = pack.read_catalog(&client).await?;
            table_sql::TableSql::verify_all(&mut client, catalog).await?;
            let trusted = trusted::trusted_tables(&mut client, &catalog.schema).await?;
            tracing::info!(tables = ?trusted, "merges that skip per-row foreign-key triggers");
            (catalog, trusted)
        };
        ledger::check_statements()?;
        bulk::check_statements()?;
        Ok(Self {
            s3,
            db,
            config,
            catalog,
            csv_options: pack.csv_options(),
            resolve_budget: DEFAULT_RESOLVE_BUDGET,
            trusted_tables,
            lock_scope: locks::Scope::default(),
            wait_for_arriving_parents: true,
        })
    }
}

/// What happened to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LoadStatus {
    /// Merged into the OLTP tables.
    Loaded,
    /// This object version was processed before; nothing changed.
    Duplicate,
    /// An older version than one already loaded, or overwritten since the event.
    Skipped,
    /// A file-level problem; see `error` and `rejected/<key>.error.json`.
    Failed,
    /// Outside the drop zone.
    Ignored,
}

/// The per-object summary the function returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadSummary {
    pub key: String,
    pub table: Option<String>,
    pub status: LoadStatus,
    pub load_id: Option<i64>,
    pub rows_read: u64,
    pub rows_inserted: u64,
    pub rows_updated: u64,
    pub rows_unchanged: u64,
    pub rows_rejected: u64,
    pub rows_pending: u64,
    /// Rows of earlier loads that were waiting for a parent and loaded now
    /// (in this load's transaction and the later ones below).
    pub rows_resolved: u64,
    /// Later transactions that resolved pending rows (see [`resolve`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub resolution_transactions: u64,
    /// The invocation's deadline stopped the resolution with rows possibly
    /// still loadable (the next load or a reconcile resolves them).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resolution_cut_short: bool,
    /// An earlier load of the same content (bytes, CSV options, table) left
    /// the table as it is: nothing was merged (every row unchanged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_content_as: Option<i64>,
    /// Append tables: rows of earlier versions of the same key, replaced.
    pub rows_replaced: u64,
    pub milliseconds: u64,
    /// Of those, waiting for loads of the table's parents under way and
    /// for the merge locks (other loads merging related tables).
    pub merge_wait_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejects_key: Option<String>,
}

impl LoadSummary {
    fn new(key: &str, status: LoadStatus) -> Self {
        Self {
            key: key.to_string(),
            table: None,
            status,
            load_id: None,
            rows_read: 0,
            rows_inserted: 0,
            rows_updated: 0,
            rows_unchanged: 0,
            rows_rejected: 0,
            rows_pending: 0,
            rows_resolved: 0,
            resolution_transactions: 0,
            resolution_cut_short: false,
            same_content_as: None,
            rows_replaced: 0,
            milliseconds: 0,
            merge_wait_ms: 0,
            error: None,
            rejects_key: None,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The function's response: one summary per record of the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    pub loads: Vec<LoadSummary>,
}

/// A fault a retry may fix: Lambda should retry the event, and finally send
/// it to the dead-letter destination.
#[derive(Debug, thiserror::Error)]
pub enum TransientError {
    #[error("database unavailable: {0}")]
    Connect(#[from] DbError),
    #[error(
        "database error while loading {key}: {}",
        starlift_domain::db::describe(source)
    )]
    Database {
        key: String,
        source: tokio_postgres::Error,
    },
    #[error("cannot read s3://{bucket}/{key}: {reason}")]
    S3Read {
        bucket: String,
        key: String,
        reason: String,
    },
    #[error("cannot write s3://{bucket}/{key}: {reason}")]
    S3Write {
        bucket: String,
        key: String,
        reason: String,
    },
    #[error("local I/O failed while loading {key}: {source}")]
    Io { key: String, source: std::io::Error },
    #[error("the event record has no {0}")]
    MalformedEvent(&'static str),
    /// A fault of the loader itself (a statement missing from the build);
    /// retried, never recorded as the file's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The function's response: an event's loads, or a reconcile's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Response {
    Loads(LoadReport),
    Reconcile(reconcile::ReconcileReport),
}

/// Why a payload cannot be handled.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error(
        "unsupported payload: expected an S3 event (\"Records\"), {{\"action\":\"reconcile\",\"bucket\":…}} or {{\"action\":\"reload\",\"bucket\":…,\"key\":…}}: {0}"
    )]
    Unsupported(serde_json::Error),
    #[error(transparent)]
    Transient(#[from] TransientError),
}

/// How long before the invocation's deadline a reconcile stops starting
/// loads: room for the load it may be in and the response.
pub const RECONCILE_RESERVE: std::time::Duration = std::time::Duration::from_secs(120);

/// Handles one payload: an S3 event, or `{"action":"reconcile",…}` (which
/// stops starting loads `reserve` before `deadline`).
pub async fn handle_request(
    loader: &Loader,
    payload: serde_json::Value,
    deadline: Instant,
    reserve: std::time::Duration,
) -> Result<Response, RequestError> {
    match parse_request(payload)? {
        Request::Reload(request) => {
            let summary = reload::reload(loader, request, deadline).await?;
            Ok(Response::Loads(LoadReport {
                loads: vec![summary],
            }))
        }
        Request::Reconcile(request) => Ok(Response::Reconcile(
            reconcile::reconcile(loader, request, deadline, reserve).await?,
        )),
        Request::Event(event) => Ok(Response::Loads(
            handle_event_until(loader, event, deadline).await?,
        )),
    }
}

/// What an invocation payload asks for.
#[derive(Debug)]
pub enum Request {
    Event(S3Event),
    Reload(reload::ReloadRequest),
    Reconcile(reconcile::ReconcileRequest),
}

/// Reads a payload (pure; the fuzz target `s3_event` calls it too): its
/// `"action"` picks reload or reconcile, anything else is an S3 event.
pub fn parse_request(payload: serde_json::Value) -> Result<Request, RequestError> {
    let parsed = match payload.get("action").and_then(|a| a.as_str()) {
        Some("reload") => serde_json::from_value(payload).map(Request::Reload),
        Some("reconcile") => serde_json::from_value(payload).map(Request::Reconcile),
        _ => serde_json::from_value(payload).map(Request::Event),
    };
    parsed.map_err(RequestError::Unsupported)
}

/// The Lambda entry point.
pub async fn function_handler(
    loader: &Loader,
    event: LambdaEvent<serde_json::Value>,
) -> Result<Response, lambda_runtime::Error> {
    let deadline = remaining(&event.context)
        .map(|left| Instant::now() + left)
        .unwrap_or_else(|| Instant::now() + LAMBDA_MAX_DURATION);
    let response = handle_request(loader, event.payload, deadline, RECONCILE_RESERVE).await?;
    let loads = match &response {
        Response::Loads(report) => &report.loads,
        Response::Reconcile(report) => &report.loads,
    };
    for load in loads {
        emit_metrics(&loader.config.dataset, load);
    }
    Ok(response)
}

/// The CloudWatch metrics of one object (EMF, see `starlift_domain::metrics`):
/// the alarms and the dashboard count loads, failures and rows from them.
fn emit_metrics(dataset: &str, load: &LoadSummary) {
    use starlift_domain::metrics::{Unit, emit};
    let count = |n: u64| n as f64;
    emit(
        "oltp-loader",
        dataset,
        &[
            (
                "ObjectsLoaded",
                Unit::Count,
                count(u64::from(load.status == LoadStatus::Loaded)),
            ),
            (
                "ObjectsFailed",
                Unit::Count,
                count(u64::from(load.status == LoadStatus::Failed)),
            ),
            (
                "RowsLoaded",
                Unit::Count,
                count(load.rows_inserted + load.rows_updated),
            ),
            ("RowsRejected", Unit::Count, count(load.rows_rejected)),
            ("RowsPending", Unit::Count, count(load.rows_pending)),
            ("RowsResolved", Unit::Count, count(load.rows_resolved)),
            (
                "LoadMilliseconds",
                Unit::Milliseconds,
                count(load.milliseconds),
            ),
            (
                "MergeWaitMilliseconds",
                Unit::Milliseconds,
                count(load.merge_wait_ms),
            ),
        ],
    );
}

/// The time left before the invocation's deadline.
fn remaining(context: &lambda_runtime::Context) -> Option<std::time::Duration> {
    let deadline = std::time::UNIX_EPOCH + std::time::Duration::from_millis(context.deadline);
    deadline.duration_since(std::time::SystemTime::now()).ok()
}

/// Loads every record of an S3 event, in order. A transient fault on any
/// record fails the whole invocation so Lambda retries it; records already
/// loaded are then duplicates and cost nothing.
pub async fn handle_event(loader: &Loader, event: S3Event) -> Result<LoadReport, TransientError> {
    handle_event_until(loader, event, Instant::now() + LAMBDA_MAX_DURATION).await
}

/// Lambda's longest invocation: the deadline of a call without a context.
pub const LAMBDA_MAX_DURATION: std::time::Duration = std::time::Duration::from_secs(900);

/// [`handle_event`] for an invocation that ends at `deadline`: work that
/// may continue later (pending-row resolution) stops short of it.
pub async fn handle_event_until(
    loader: &Loader,
    event: S3Event,
    deadline: Instant,
) -> Result<LoadReport, TransientError> {
    let mut loads = Vec::with_capacity(event.records.len());
    for record in &event.records {
        let raw_key = record.s3.object.key.clone().unwrap_or_default();
        let key = decode_event_key(&raw_key).unwrap_or_else(|_| raw_key.clone());
        let span = tracing::info_span!("object", key = %key);
        let summary = handle_record(loader, record, deadline)
            .instrument(span.clone())
            .await;
        match summary {
            Ok(summary) => {
                span.in_scope(|| {
                    tracing::info!(
                        status = ?summary.status,
                        rows_read = summary.rows_read,
                        rows_inserted = summary.rows_inserted,
                        rows_updated = summary.rows_updated,
                        rows_rejected = summary.rows_rejected,
                        rows_pending = summary.rows_pending,
                        ms = summary.milliseconds,
                        "object done"
                    )
                });
                loads.push(summary);
            }
            Err(error) => {
                span.in_scope(
                    || tracing::error!(%error, "object failed; the event will be retried"),
                );
                if matches!(
                    error,
                    TransientError::Database { .. } | TransientError::Connect(_)
                ) {
                    loader.db.discard().await;
                }
                return Err(error);
            }
        }
    }
    Ok(LoadReport { loads })
}

async fn handle_record(
    loader: &Loader,
    record: &S3EventRecord,
    deadline: Instant,
) -> Result<LoadSummary, TransientError> {
    let started = Instant::now();
    match prepare_record(record)? {
        RecordAction::Load(object) => process_object(loader, object, started, deadline).await,
        RecordAction::Ignore { key, error } => {
            let mut summary = LoadSummary::new(&key, LoadStatus::Ignored);
            summary.error = error;
            Ok(summary)
        }
    }
}

/// What one S3 event record asks for, before any I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordAction {
    /// An object created under a decoded key: route and load it.
    Load(ObjectRef),
    /// Nothing to load: an undecodable key (`error` says why) or another
    /// event type; `key` is the key as far as it could be decoded.
    Ignore { key: String, error: Option<String> },
}

/// Reads one event record into the object to load (pure: the fuzz target
/// `s3_event` calls it over arbitrary JSON). A record without a bucket or
/// key is a malformed event.
pub fn prepare_record(record: &S3EventRecord) -> Result<RecordAction, TransientError> {
    let bucket = record
        .s3
        .bucket
        .name
        .clone()
        .ok_or(TransientError::MalformedEvent("bucket name"))?;
    let raw_key = record
        .s3
        .object
        .key
        .clone()
        .ok_or(TransientError::MalformedEvent("object key"))?;
    let key = match decode_event_key(&raw_key) {
        Ok(key) => key,
        Err(error) => {
            // Not a key this function can act on; no object to read or report under.
            tracing::warn!(%error, "undecodable key ignored");
            return Ok(RecordAction::Ignore {
                key: raw_key,
                error: Some(error.to_string()),
            });
        }
    };
    if let Some(name) = record.event_name.as_deref()
        && !name.starts_with("ObjectCreated:")
    {
        tracing::info!(event = name, "not an ObjectCreated event; ignored");
        return Ok(RecordAction::Ignore { key, error: None });
    }
    Ok(RecordAction::Load(ObjectRef {
        bucket,
        key,
        etag: record
            .s3
            .object
            .e_tag
            .clone()
            .unwrap_or_default()
            .trim_matches('"')
            .to_string(),
        version_id: record
            .s3
            .object
            .version_id
            .clone()
            .filter(|v| !v.is_empty() && v != "null"),
        sequencer: record.s3.object.sequencer.clone().filter(|s| !s.is_empty()),
        size: record.s3.object.size,
    }))
}

/// Routes one object under its decoded key and loads it (an event's record,
/// or an object a reconcile found).
pub(crate) async fn process_object(
    loader: &Loader,
    object: ObjectRef,
    started: Instant,
    deadline: Instant,
) -> Result<LoadSummary, TransientError> {
    let route = match route_key(loader.catalog, &object.key, &loader.config.incoming_prefix) {
        Ok(route) => route,
        Err(RouteError::OutsidePrefix { .. }) => {
            tracing::info!(prefix = %loader.config.incoming_prefix, "key outside the drop zone; ignored");
            return Ok(LoadSummary::new(&object.key, LoadStatus::Ignored));
        }
        Err(error) => {
            let mut summary =
                ledger::record_file_failure(loader, &object, None, &error.to_string()).await?;
            summary.milliseconds = elapsed_ms(started);
            return Ok(summary);
        }
    };
    let mut summary = load::load_object(loader, &object, route, deadline).await?;
    summary.milliseconds = elapsed_ms(started);
    Ok(summary)
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The key under which a file-level error report is written.
pub fn error_report_key(loader: &Loader, key: &str) -> String {
    rejected_file_key(&loader.config.rejected_prefix, key)
}

/// Compares two S3 event sequencers: hexadecimal strings of varying length,
/// compared after left-padding the shorter with zeros.
pub fn sequencer_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let width = a.len().max(b.len());
    let pad = |s: &str| format!("{}{}", "0".repeat(width - s.len()), s.to_ascii_uppercase());
    pad(a).cmp(&pad(b))
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use super::{RecordAction, TransientError, prepare_record, sequencer_cmp};
    use crate::events::{PutObject, object_created};

    fn put(key: &str) -> aws_lambda_events::event::s3::S3Event {
        object_created(&[PutObject {
            bucket: "b",
            key,
            etag: "\"abc\"",
            size: 3,
            sequencer: "0A",
            version_id: Some("null"),
        }])
        .unwrap()
    }

    #[test]
    fn prepared_record_carries_the_decoded_key() {
        let event = put("incoming/São Paulo+1.csv");
        let RecordAction::Load(object) = prepare_record(&event.records[0]).unwrap() else {
            panic!("not a load");
        };
        assert_eq!(object.key, "incoming/São Paulo+1.csv");
        assert_eq!(object.etag, "abc");
        assert_eq!(object.version_id, None, "\"null\" is no version");
        assert_eq!(object.sequencer.as_deref(), Some("0A"));
    }

    #[test]
    fn prepared_record_ignores_other_events_and_undecodable_keys() {
        let mut event = put("incoming/a.csv");
        event.records[0].event_name = Some("ObjectRemoved:Delete".into());
        assert_eq!(
            prepare_record(&event.records[0]).unwrap(),
            RecordAction::Ignore {
                key: "incoming/a.csv".into(),
                error: None
            }
        );
        let mut event = put("incoming/a.csv");
        event.records[0].s3.object.key = Some("incoming/%FF.csv".into());
        assert!(matches!(
            prepare_record(&event.records[0]).unwrap(),
            RecordAction::Ignore { error: Some(_), .. }
        ));
        event.records[0].s3.bucket.name = None;
        assert!(matches!(
            prepare_record(&event.records[0]),
            Err(TransientError::MalformedEvent("bucket name"))
        ));
    }

    #[test]
    fn sequencers_compare_after_padding() {
        assert_eq!(
            sequencer_cmp("0055AED6DCD90281E5", "0055AED6DCD90281E6"),
            Ordering::Less
        );
        assert_eq!(
            sequencer_cmp("FF", "0100"),
            Ordering::Less,
            "shorter is left-padded"
        );
        assert_eq!(sequencer_cmp("00ff", "FF"), Ordering::Equal);
        assert_eq!(sequencer_cmp("A", "9"), Ordering::Greater);
    }
}
