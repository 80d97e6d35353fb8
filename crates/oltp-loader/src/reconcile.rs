//! `{"action":"reconcile","bucket":"…"}`: S3 delivers events at least once
//! but not always; this finds the objects under the drop zone the ledger
//! does not know (by key and ETag) and loads them, parents first within
//! each listed page. One invocation stops before its deadline and says
//! where to resume (`resume_after`); a later run resumes there, or starts
//! over (what it loaded is then known and costs one lookup per key).
//!
//! A version loaded this way has no event sequencer in the ledger: an
//! event for an older version arriving later still loads only if S3 still
//! serves that version (by ETag in an unversioned bucket, by version id in
//! a versioned one).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::ledger::ledger;
use crate::resolve::continue_resolution;
use crate::s3io::current_version;
use crate::{LoadStatus, LoadSummary, Loader, ObjectRef, TransientError, process_object};

/// The request, as the schedule (or an operator) sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconcileRequest {
    pub action: String,
    pub bucket: String,
    /// Resume after this key (the previous run's `resume_after`).
    #[serde(default)]
    pub start_after: Option<String>,
    /// Keys per listed page (S3's maximum, 1000, by default).
    #[serde(default)]
    pub page_size: Option<i32>,
}

/// What one reconcile run found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconcileReport {
    pub action: &'static str,
    pub bucket: String,
    /// Objects listed under the drop zone.
    pub listed: u64,
    /// Listed objects whose version the ledger knows (loaded or failed).
    pub already_known: u64,
    /// Objects loaded now (the summaries with `loaded`).
    pub loaded: u64,
    /// Objects that failed now (file faults, recorded like any load).
    pub failed: u64,
    /// Objects skipped or ignored (outside the zone, overwritten since).
    pub other: u64,
    /// Whether the whole drop zone was covered.
    pub complete: bool,
    /// When not complete: the `start_after` of the next run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resume_after: Option<String>,
    /// Pending rows a resolution pass loaded at the end (left by loads
    /// whose invocations ran out of time).
    pub rows_resolved: u64,
    /// The summaries of the objects this run loaded or failed.
    pub loads: Vec<LoadSummary>,
}

/// Lists the drop zone page by page and loads what the ledger lacks, until
/// done or until `deadline` is closer than `reserve`.
pub async fn reconcile(
    loader: &Loader,
    request: ReconcileRequest,
    deadline: Instant,
    reserve: Duration,
) -> Result<ReconcileReport, TransientError> {
    let mut report = ReconcileReport {
        action: "reconcile",
        bucket: request.bucket.clone(),
        listed: 0,
        already_known: 0,
        loaded: 0,
        failed: 0,
        other: 0,
        complete: false,
        resume_after: None,
        rows_resolved: 0,
        loads: Vec::new(),
    };
    let mut start_after = request.start_after.clone();
    let mut continuation: Option<String> = None;
    loop {
        if Instant::now() + reserve >= deadline {
            report.resume_after = start_after.or_else(|| Some(String::new()));
            return Ok(report);
        }
        let page = list_page(
            loader,
            &request,
            start_after.as_deref(),
            continuation.as_deref(),
        )
        .await?;
        report.listed += page.objects.len() as u64;
        let unknown = unknown_versions(loader, &request.bucket, page.objects).await?;
        report.already_known += page.listed - unknown.len() as u64;
        for object in parents_first(loader, unknown) {
            if Instant::now() + reserve >= deadline {
                // This page again next time: what loaded now is known then.
                report.resume_after = start_after.or_else(|| Some(String::new()));
                return Ok(report);
            }
            let summary = process_object(loader, object, Instant::now(), deadline).await?;
            match summary.status {
                LoadStatus::Loaded => report.loaded += 1,
                LoadStatus::Failed => report.failed += 1,
                _ => report.other += 1,
            }
            if matches!(summary.status, LoadStatus::Loaded | LoadStatus::Failed) {
                report.loads.push(summary);
            }
        }
        match page.next {
            Some(token) => {
                continuation = Some(token);
                start_after = page.last_key;
            }
            None => {
                report.complete = true;
                report.rows_resolved = resolve_leftovers(loader, &request.bucket, deadline).await?;
                return Ok(report);
            }
        }
    }
}

/// Resolves pending rows that may have become loadable without a load
/// resolving them (a load cut short by its deadline), in the name of the
/// newest object load.
async fn resolve_leftovers(
    loader: &Loader,
    bucket: &str,
    deadline: Instant,
) -> Result<u64, TransientError> {
    let object = ObjectRef {
        bucket: bucket.to_string(),
        key: "(reconcile: pending rows)".to_string(),
        etag: String::new(),
        version_id: None,
        sequencer: None,
        size: None,
    };
    let client = loader.db.get().await?;
    let newest: Option<i64> = client
        .query_one(ledger("last_object_load")?, &[])
        .await
        .map_err(|source| TransientError::Database {
            key: object.key.clone(),
            source,
        })?
        .get(0);
    drop(client);
    let Some(load_id) = newest else {
        return Ok(0);
    };
    let locks = crate::locks::all(loader.catalog);
    Ok(
        continue_resolution(loader, &object, load_id, &locks, deadline)
            .await?
            .resolved,
    )
}

/// One listed page of the drop zone.
struct Page {
    objects: Vec<ObjectRef>,
    listed: u64,
    last_key: Option<String>,
    next: Option<String>,
}

async fn list_page(
    loader: &Loader,
    request: &ReconcileRequest,
    start_after: Option<&str>,
    continuation: Option<&str>,
) -> Result<Page, TransientError> {
    let mut list = loader
        .s3
        .list_objects_v2()
        .bucket(&request.bucket)
        .prefix(&loader.config.incoming_prefix)
        .max_keys(request.page_size.unwrap_or(1000));
    if let Some(token) = continuation {
        list = list.continuation_token(token);
    } else if let Some(key) = start_after.filter(|k| !k.is_empty()) {
        list = list.start_after(key);
    }
    let response = list.send().await.map_err(|e| TransientError::S3Read {
        bucket: request.bucket.clone(),
        key: loader.config.incoming_prefix.clone(),
        reason: aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
    })?;
    let objects: Vec<ObjectRef> = response
        .contents()
        .iter()
        .filter_map(|o| {
            Some(ObjectRef {
                bucket: request.bucket.clone(),
                key: o.key()?.to_string(),
                etag: o.e_tag().unwrap_or_default().trim_matches('"').to_string(),
                version_id: None,
                sequencer: None,
                size: o.size(),
            })
        })
        .collect();
    let mut objects = objects;
    for object in objects.iter_mut().filter(|o| o.etag.is_empty()) {
        fill_etag(loader, object).await?;
    }
    Ok(Page {
        listed: objects.len() as u64,
        last_key: objects.last().map(|o| o.key.clone()),
        objects,
        next: response
            .next_continuation_token()
            .filter(|_| response.is_truncated().unwrap_or(false))
            .map(str::to_string),
    })
}

/// A listing without ETags (some S3-compatible servers, the sandbox's
/// among them, leave them out): the object's own, from a HEAD request.
async fn fill_etag(loader: &Loader, object: &mut ObjectRef) -> Result<(), TransientError> {
    object.etag = current_version(loader, &object.bucket, &object.key)
        .await?
        .etag;
    Ok(())
}

/// The listed objects whose (key, ETag) the ledger does not hold.
async fn unknown_versions(
    loader: &Loader,
    bucket: &str,
    objects: Vec<ObjectRef>,
) -> Result<Vec<ObjectRef>, TransientError> {
    if objects.is_empty() {
        return Ok(objects);
    }
    let keys: Vec<&str> = objects.iter().map(|o| o.key.as_str()).collect();
    let client = loader.db.get().await?;
    let known: HashSet<(String, String)> = client
        .query(ledger("known_versions")?, &[&bucket, &keys])
        .await
        .map_err(|source| TransientError::Database {
            key: loader.config.incoming_prefix.clone(),
            source,
        })?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    Ok(objects
        .into_iter()
        .filter(|o| !known.contains(&(o.key.clone(), o.etag.clone())))
        .collect())
}

/// Parent tables before their children (the catalog's load order); keys
/// that route to no table last (they fail as they would from an event).
fn parents_first(loader: &Loader, mut objects: Vec<ObjectRef>) -> Vec<ObjectRef> {
    let order: Vec<&str> = loader
        .catalog
        .load_order()
        .map(|t| t.name.as_str())
        .collect();
    objects.sort_by_key(|o| {
        starlift_domain::routing::route_key(loader.catalog, &o.key, &loader.config.incoming_prefix)
            .ok()
            .and_then(|route| order.iter().position(|name| *name == route.table.name))
            .unwrap_or(usize::MAX)
    });
    objects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_its_bucket_and_nothing_unknown() {
        let ok: ReconcileRequest =
            serde_json::from_value(serde_json::json!({"action": "reconcile", "bucket": "b"}))
                .unwrap();
        assert_eq!(ok.bucket, "b");
        assert!(
            serde_json::from_value::<ReconcileRequest>(
                serde_json::json!({"action": "reconcile", "bucket": "b", "bukcet": 1})
            )
            .is_err()
        );
        assert!(
            serde_json::from_value::<ReconcileRequest>(serde_json::json!({"action": "reconcile"}))
                .is_err()
        );
    }
}
