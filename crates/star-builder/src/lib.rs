//! star-builder: OLTP → OLAP. Copies the rows of the OLTP load batches not
//! consumed yet into the OLAP `mirror` (binary COPY, streamed), then builds
//! the pack's warehouse with its models (`sql/<pack>/models/`), runs the
//! data-quality checks and records the build, all in one OLAP transaction.
//! A full build reloads the mirror on a second connection, table by table,
//! while that transaction builds the star schema (see `build.rs`).
//!
//! `main.rs` builds a [`Builder`] once per container and hands events to
//! [`function_handler`]; tests, the demo and the benchmark call
//! [`handle_request`] or [`Builder::build`] directly.
//!
//! # Events
//! `{}` or `{"mode":"incremental"}` (also a scheduled event), `{"mode":"full"}`,
//! `{"action":"bootstrap", …}`; see [`Request::parse`].
//!
//! # Concurrency
//! One build at a time: a build takes a transaction-level advisory lock on
//! the OLAP database first; a second invocation that finds it taken returns
//! at once with `"status":"busy"` and changes nothing (not an error: the next
//! scheduled run picks up the batches).
//!
//! # Data quality
//! Every build stores its checks in `etl.dq_result` and returns them. A failed
//! check gives `"status":"dq_failed"`. With `DQ_FAIL_HARD=true` the build is
//! still **committed** (the warehouse keeps the rows the checks were run on
//! and the results stay queryable next to them), and then the invocation
//! fails with [`BuildError::DataQuality`], so the Lambda error metric and
//! alarms fire. A retry of that event finds nothing new and succeeds: alarm on
//! the function's errors (or `etl.build_run.dq_passed = false`), not on the
//! dead-letter queue.
//!
//! # Report
//! After every committed build (`dq_failed` included, before a
//! `DQ_FAIL_HARD` error) the pack's dashboard report is rendered and PUT to
//! `s3://<BUCKET>/reports/<dataset>/index.html` and a dated copy
//! (`dashboard.rs`; the build report's `report` says the keys). A failed
//! publish fails the invocation **after** the build committed
//! ([`BuildError::Report`]): the warehouse is up to date, and a retry (or
//! the next scheduled build, even with nothing new) publishes again.
//! # Lakehouse export
//! With a bucket to publish to ([`Builder::publish_target`]: `BUCKET` and
//! [`Builder::with_s3`]), every committed build is followed by the Parquet
//! export of the tables the pack's models write (`starlift_lakehouse`,
//! `lakehouse.rs`; docs/architecture.md, "Lakehouse"): what the build
//! changed, recorded by triggers in `etl.lakehouse_dirty` in the build's
//! transaction, is rewritten under `s3://<bucket>/warehouse/<dataset>/`,
//! and the response gets `lakehouse` (per table files, rows, bytes,
//! partitions rewritten). The export holds the builder's advisory lock. A
//! failed export fails the invocation with [`BuildError::Lakehouse`] **after
//! the build committed**: the marks stay, so Lambda's retry (or the next
//! scheduled run), with no new batch to build, exports what it missed. It
//! runs before the `DQ_FAIL_HARD` check: the export follows what is
//! committed.

pub mod bootstrap;
mod build;
mod dashboard;
mod grain;
mod lakehouse;
mod mirror;
mod plan;
mod report;
mod request;
mod scd2;
#[cfg(test)]
mod test_catalog;
mod warehouse;

use std::time::Instant;

use lambda_runtime::LambdaEvent;
use serde::Serialize;
use starlift_domain::catalog::Catalog;
use starlift_domain::config::BuilderConfig;
use starlift_domain::db::{CachedClient, Connector, DbError};
use starlift_domain::migrate::{MigrateError, OLAP, migrate};
use starlift_domain::pack::{Pack, PackError};
use starlift_domain::sql::TemplateError;
use tokio::sync::OnceCell;

pub use build::BUILD_LOCK_KEY;
pub use dashboard::{PublishError, PublishedReport, report_keys};
pub use plan::FULL_BUILD_SHARE;
pub use report::{BuildReport, BuildStatus, DqResult};
pub use request::{BuildRequest, EventError, Mode, Plan, Request};

/// Everything a container builds once and reuses across invocations.
#[derive(Debug)]
pub struct Builder {
    oltp: CachedClient,
    olap: CachedClient,
    config: BuilderConfig,
    aws: Option<aws_config::SdkConfig>,
    /// Publishes to `config.bucket` after a build; `None` in tests that do
    /// not publish.
    s3: Option<aws_sdk_s3::Client>,
    migrated: OnceCell<()>,
    /// The served pack (`DATASET`).
    pack: Pack,
    /// Its OLTP catalog, read from the OLTP database at the first build (the
    /// loader migrates that schema; it may not exist at this cold start).
    catalog: OnceCell<&'static Catalog>,
}

/// Why a container could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    #[error(transparent)]
    Pack(#[from] PackError),
    #[error(transparent)]
    Dashboard(#[from] starlift_report::SpecError),
}

/// Why an invocation failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("unsupported event: {0}")]
    Event(#[from] EventError),
    #[error("database unavailable: {0}")]
    Connect(#[from] DbError),
    #[error("OLAP migrations failed: {0}")]
    Migrate(#[from] MigrateError),
    #[error("build step {step} failed: {source}")]
    Database {
        step: String,
        source: tokio_postgres::Error,
    },
    #[error(
        "the OLTP database has no load ledger (etl.load); the loader applies the OLTP schema at its cold start, run it first: {0}"
    )]
    OltpNotReady(tokio_postgres::Error),
    #[error("SQL template: {0}")]
    Template(#[from] TemplateError),
    #[error(
        "cannot read the pack's OLTP catalog (the loader migrates it at its cold start; run it first): {0}"
    )]
    Catalog(#[from] PackError),
    #[error(
        "data-quality checks failed in build {build_id} (DQ_FAIL_HARD=true; the build is committed, results in etl.dq_result): {}",
        failed.join(", ")
    )]
    DataQuality {
        build_id: i64,
        failed: Vec<String>,
        report: Box<BuildReport>,
    },
    #[error("bootstrap failed: {0}")]
    Bootstrap(#[from] bootstrap::BootstrapError),
    #[error("the full build's mirror reload ended before it committed mirror.{0}")]
    ReloadIncomplete(String),
    #[error("the pack's warehouse cannot be built: {0}")]
    Warehouse(String),
    #[error("the build committed, but its report was not published (a retry publishes it): {0}")]
    Report(#[from] PublishError),
    #[error(
        "build {} is committed, but its lakehouse export failed (a retry exports what it missed): {source}",
        build_id.map_or("?".to_string(), |id| id.to_string())
    )]
    Lakehouse {
        build_id: Option<i64>,
        source: starlift_lakehouse::LakehouseError,
    },
}

impl BuildError {
    /// Whether the connections may be in an unknown state afterwards.
    fn touches_connections(&self) -> bool {
        matches!(
            self,
            BuildError::Connect(_)
                | BuildError::Database { .. }
                | BuildError::ReloadIncomplete(_)
                | BuildError::OltpNotReady(_)
                | BuildError::Catalog(_)
                | BuildError::Migrate(_)
        )
    }
}

impl Builder {
    /// Builds the database clients (no I/O).
    /// `aws` signs RDS IAM tokens when the settings say IAM and is handed to
    /// the bootstrap.
    pub fn new(
        config: BuilderConfig,
        aws: Option<aws_config::SdkConfig>,
    ) -> Result<Self, StartupError> {
        let pack = Pack::embedded(&config.dataset)?;
        Self::with_pack(config, aws, pack)
    }

    /// A builder for `pack` whatever `config.dataset` says (tests and
    /// experiments with a pack loaded by [`Pack::from_dir`]).
    pub fn with_pack(
        config: BuilderConfig,
        aws: Option<aws_config::SdkConfig>,
        pack: Pack,
    ) -> Result<Self, StartupError> {
        starlift_report::Dashboard::of(&pack)?;
        let oltp = CachedClient::new(Connector::new(config.oltp.clone(), aws.clone())?);
        let olap = CachedClient::new(Connector::new(config.olap.clone(), aws.clone())?);
        Ok(Self {
            oltp,
            olap,
            config,
            aws,
            s3: None,
            migrated: OnceCell::new(),
            pack,
            catalog: OnceCell::new(),
        })
    }

    /// The S3 client that publishes the build's outputs to `config.bucket`.
    pub fn with_s3(mut self, s3: aws_sdk_s3::Client) -> Self {
        self.s3 = Some(s3);
        self
    }

    /// Builds the clients and applies the OLAP migrations (the engine's, then
    /// the pack's warehouse and analytics) to the OLAP database. The OLTP schema belongs to the loader.
    pub async fn connect(
        config: BuilderConfig,
        aws: Option<aws_config::SdkConfig>,
    ) -> Result<Self, StartupError> {
        let builder = Self::new(config, aws)?;
        builder.prepare().await?;
        Ok(builder)
    }

    /// Applies the OLAP and analytics migrations once per container; later
    /// calls return at once. Every build calls it first, so a container whose
    /// cold start could not reach the database (before the bootstrap created
    /// its user, say) migrates on its first build.
    pub async fn prepare(&self) -> Result<(), StartupError> {
        self.migrated
            .get_or_try_init(|| async {
                let mut client = self.olap.get().await?;
                for set in [&OLAP, &self.pack.warehouse, &self.pack.analytics] {
                    let report = migrate(&mut client, set).await?;
                    tracing::info!(set = set.name, applied = ?report.applied, already_applied = report.already_applied, "OLAP schema ready");
                }
                Ok::<(), StartupError>(())
            })
            .await
            .map(|_| ())
    }

    pub fn config(&self) -> &BuilderConfig {
        &self.config
    }

    /// Where the build's outputs are published: the S3 client and
    /// `config.bucket`, when both are set.
    pub fn publish_target(&self) -> Option<(&aws_sdk_s3::Client, &str)> {
        Some((self.s3.as_ref()?, self.config.bucket.as_deref()?))
    }

    /// The served pack.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// The pack's OLTP catalog, read once per container from the OLTP
    /// database.
    pub async fn catalog(&self) -> Result<&'static Catalog, BuildError> {
        self.catalog
            .get_or_try_init(|| async {
                let client = self.oltp.get().await?;
                let catalog = self.pack.read_catalog(&client).await?;
                starlift_domain::warehouse::check(&self.pack, catalog)
                    .map_err(|e| BuildError::Warehouse(e.to_string()))?;
                Ok::<_, BuildError>(catalog)
            })
            .await
            .copied()
    }

    /// Runs one build. With `DQ_FAIL_HARD=true` a failed check is an error
    /// after the build is committed (see the crate docs).
    pub async fn build(&self, request: BuildRequest) -> Result<BuildReport, BuildError> {
        let started = Instant::now();
        let result = async {
            self.prepare().await.map_err(|e| match e {
                StartupError::Db(e) => BuildError::Connect(e),
                StartupError::Migrate(e) => BuildError::Migrate(e),
                StartupError::Pack(e) => BuildError::Catalog(e),
                StartupError::Dashboard(e) => BuildError::Warehouse(e.to_string()),
            })?;
            build::run(self, request, started).await
        }
        .await;
        let mut report = match result {
            Ok(report) => report,
            Err(error) => {
                if error.touches_connections() {
                    self.olap.discard().await;
                    self.oltp.discard().await;
                }
                return Err(error);
            }
        };
        report.lakehouse = lakehouse::after_build(self, &report).await?;
        tracing::info!(
            mode = report.mode.as_str(),
            status = ?report.status,
            build_id = report.build_id,
            batches = report.batches_consumed,
            dq_failed = report.dq_failed,
            ms = report.milliseconds,
            rows_changed = ?report.rows_changed,
            "build done"
        );
        report.report = dashboard::publish(self, &report).await?;
        if report.status == BuildStatus::DqFailed {
            for check in report.dq.iter().filter(|c| !c.passed) {
                tracing::warn!(check = %check.check, detail = %check.detail, "data-quality check failed");
            }
            if self.config.dq_fail_hard {
                return Err(BuildError::DataQuality {
                    build_id: report.build_id.unwrap_or_default(),
                    failed: report.failed_checks(),
                    report: Box::new(report),
                });
            }
        }
        Ok(report)
    }
}

/// The function's response.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Response {
    Build(Box<BuildReport>),
    Bootstrap(bootstrap::BootstrapReport),
}

impl Response {
    /// The build report, if this was a build.
    pub fn build_report(&self) -> Option<&BuildReport> {
        match self {
            Response::Build(report) => Some(report),
            Response::Bootstrap(_) => None,
        }
    }
}

/// Handles one invocation payload.
pub async fn handle_request(
    builder: &Builder,
    event: serde_json::Value,
) -> Result<Response, BuildError> {
    match Request::parse(event)? {
        Request::Build(request) => builder
            .build(request)
            .await
            .map(|report| Response::Build(Box::new(report))),
        Request::Bootstrap(request) => Ok(Response::Bootstrap(
            bootstrap::run(request, builder.pack.schema(), builder.aws.as_ref()).await?,
        )),
    }
}

/// The Lambda entry point.
pub async fn function_handler(
    builder: &Builder,
    event: LambdaEvent<serde_json::Value>,
) -> Result<Response, lambda_runtime::Error> {
    match handle_request(builder, event.payload).await {
        Ok(response) => {
            if let Some(report) = response.build_report() {
                emit_metrics(&builder.config.dataset, report);
            }
            Ok(response)
        }
        Err(error) => {
            if let BuildError::DataQuality { report, .. } = &error {
                emit_metrics(&builder.config.dataset, report);
            }
            tracing::error!(%error, "invocation failed");
            Err(error.into())
        }
    }
}

/// The CloudWatch metrics of one build (EMF, see `starlift_domain::metrics`):
/// the DQ alarm and the dashboard read them. A busy build reports nothing.
fn emit_metrics(dataset: &str, report: &BuildReport) {
    use starlift_domain::metrics::{Unit, emit};
    if report.status == BuildStatus::Busy {
        return;
    }
    emit(
        "star-builder",
        dataset,
        &[
            ("Builds", Unit::Count, 1.0),
            (
                "BuildMilliseconds",
                Unit::Milliseconds,
                report.milliseconds as f64,
            ),
            ("DqFailed", Unit::Count, report.dq_failed as f64),
            ("DqChecks", Unit::Count, report.dq.len() as f64),
        ],
    );
}

/// The warehouse summary of `cargo xtask demo`: the row counts of every
/// table the pack's models write, the latest build's test results and the
/// pack's headline analytics (`sql/<pack>/summary.sql`, null without one).
/// Shape: `{"olap": {"row_counts": {…}}, "dq": […], "analytics": …}`.
pub async fn demo_summary(
    olap: &tokio_postgres::Client,
    pack: &Pack,
) -> Result<serde_json::Value, BuildError> {
    let failed = |step: &str| {
        let step = step.to_string();
        move |source| BuildError::Database { step, source }
    };
    let mut row_counts = serde_json::Map::new();
    for table in pack.written_tables() {
        let count: i64 = olap
            .query_one(
                &format!(
                    "SELECT count(*) FROM {}",
                    starlift_domain::warehouse::quote_table(table)
                ),
                &[],
            )
            .await
            .map_err(failed(&format!("count {table}")))?
            .get(0);
        row_counts.insert(table.to_string(), count.into());
    }
    let dq: serde_json::Value = olap
        .query_one(DEMO_DQ_SQL, &[])
        .await
        .map_err(failed("the latest build's test results"))?
        .get(0);
    let analytics: serde_json::Value = match pack.summary {
        Some(sql) => olap
            .query_one(sql, &[])
            .await
            .map_err(failed(&format!("sql/{}/summary.sql", pack.name())))?
            .get(0),
        None => serde_json::Value::Null,
    };
    Ok(serde_json::json!({
        "olap": {"row_counts": row_counts},
        "dq": dq,
        "analytics": analytics,
    }))
}

/// The latest build's test results as a JSON array.
const DEMO_DQ_SQL: &str = "SELECT coalesce(json_agg(json_build_object('check', r.check_name, 'passed', r.passed, 'detail', r.detail) ORDER BY r.check_name), '[]') FROM etl.dq_result r WHERE r.build_id = (SELECT max(build_id) FROM etl.build_run)";
