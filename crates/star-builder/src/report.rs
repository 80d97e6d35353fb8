//! What a build invocation returns.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::request::Mode;

/// How a build ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildStatus {
    /// Committed; every data-quality check passed.
    Ok,
    /// Committed; some data-quality check failed (see `dq`).
    DqFailed,
    /// Another build holds the lock; nothing was done.
    Busy,
}

/// One data-quality test's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DqResult {
    pub check: String,
    pub passed: bool,
    pub detail: String,
}

/// The function's response to a build event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildReport {
    /// The mode requested.
    pub mode: Mode,
    /// How the build ran: the requested mode, or full when that was cheaper
    /// or the mirror had to be replaced (`message` says why).
    pub plan: Mode,
    pub status: BuildStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_id: Option<i64>,
    /// The build's logical time (`valid_from` of the SCD2 versions it made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_time: Option<DateTime<Utc>>,
    /// OLTP load batches (`etl.load.load_id`) consumed.
    pub batches_consumed: usize,
    pub batch_ids: Vec<i64>,
    /// Rows COPYed out of OLTP per pack table.
    pub rows_copied: BTreeMap<String, u64>,
    /// Rows inserted, updated or deleted per OLAP table (`mirror.*` and the
    /// warehouse's).
    pub rows_changed: BTreeMap<String, i64>,
    pub dq_failed: usize,
    pub dq: Vec<DqResult>,
    pub milliseconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The dashboard report published after the build (`dashboard.rs`);
    /// absent without a pack dashboard or a bucket to publish to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<crate::dashboard::PublishedReport>,
    /// The Parquet export after the commit (`None` when the builder has no
    /// bucket to publish to, or the build was busy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lakehouse: Option<starlift_lakehouse::LakehouseReport>,
}

impl BuildReport {
    pub(crate) fn busy(mode: Mode, started: Instant) -> Self {
        Self {
            mode,
            plan: mode,
            status: BuildStatus::Busy,
            build_id: None,
            build_time: None,
            batches_consumed: 0,
            batch_ids: Vec::new(),
            rows_copied: BTreeMap::new(),
            rows_changed: BTreeMap::new(),
            dq_failed: 0,
            dq: Vec::new(),
            milliseconds: elapsed_ms(started),
            message: Some(
                "another build is running (it holds the builder's advisory lock); nothing was done, the next run picks up the new batches"
                    .to_string(),
            ),
            report: None,
            lakehouse: None,
        }
    }

    /// The names of the failed data-quality checks.
    pub fn failed_checks(&self) -> Vec<String> {
        self.dq
            .iter()
            .filter(|r| !r.passed)
            .map(|r| r.check.clone())
            .collect()
    }
}

pub(crate) fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
