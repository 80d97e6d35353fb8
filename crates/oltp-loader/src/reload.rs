//! `{"action":"reload","bucket":"…","key":"…"}`: loads the current version
//! of one object again after it failed deterministically (a bad file is
//! recorded once and its event is then a duplicate), once the cause is
//! fixed elsewhere: the pack's DDL or CSV options, or conflicting rows in
//! the database. The failed ledger row stays, marked `retried`. A version
//! that loaded is not loaded again (its summary says `duplicate`).

use std::time::Instant;

use serde::Deserialize;

use crate::ledger::{db, ledger};
use crate::s3io::current_version;
use crate::{LoadSummary, Loader, TransientError, process_object};

/// The request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReloadRequest {
    pub action: String,
    pub bucket: String,
    /// The object key (not URL-encoded).
    pub key: String,
}

/// Retires the failed rows of the object's current version and loads it.
pub async fn reload(
    loader: &Loader,
    request: ReloadRequest,
    deadline: Instant,
) -> Result<LoadSummary, TransientError> {
    let started = Instant::now();
    let object = current_version(loader, &request.bucket, &request.key).await?;
    let retired = {
        let client = loader.db.get().await?;
        client
            .execute(
                ledger("retire_failed")?,
                &[&object.bucket, &object.key, &object.etag],
            )
            .await
            .map_err(db(&object))?
    };
    tracing::info!(key = %object.key, retired, "reload: failed versions retired");
    process_object(loader, object, started, deadline).await
}
