//! Replays: a version that failed for a reason fixed since loads again on
//! `{"action":"reload"}`; its failed ledger row stays, marked `retried`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::Harness;
use oltp_loader::{LoadStatus, LoadSummary, Response, handle_request};
use serde_json::json;

async fn reload(harness: &Harness, key: &str) -> LoadSummary {
    let bucket = harness.sandbox.bucket().to_string();
    let Response::Loads(mut report) = handle_request(
        &harness.loader,
        json!({"action": "reload", "bucket": bucket, "key": key}),
        Instant::now() + Duration::from_secs(600),
        Duration::ZERO,
    )
    .await
    .unwrap() else {
        panic!("not a load report")
    };
    report.loads.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_that_failed_loads_again_once_the_cause_is_fixed() {
    let harness = Harness::start().await;
    // The database refuses the second file (a constraint outside the pack).
    harness
        .oltp
        .batch_execute("CREATE UNIQUE INDEX genre_name_key ON chinook.genre (name)")
        .await
        .unwrap();
    harness
        .drop_file("incoming/Genre.csv", b"GenreId,Name\n1,Rock\n".to_vec())
        .await;
    let key = "incoming/genre/more.csv";
    let failed = harness
        .drop_file(key, b"GenreId,Name\n2,Rock\n".to_vec())
        .await;
    assert_eq!(failed.status, LoadStatus::Failed, "{failed:?}");

    // Before the fix, a reload fails the same way.
    let still = reload(&harness, key).await;
    assert_eq!(still.status, LoadStatus::Failed, "{still:?}");

    harness
        .oltp
        .batch_execute("DROP INDEX chinook.genre_name_key")
        .await
        .unwrap();
    let loaded = reload(&harness, key).await;
    assert_eq!(
        (loaded.status, loaded.rows_inserted),
        (LoadStatus::Loaded, 1),
        "{loaded:?}"
    );
    assert_eq!(
        harness
            .count(&format!(
                "SELECT count(*) FROM etl.load WHERE object_key = '{key}' AND status = 'retried'"
            ))
            .await,
        2,
        "both failed attempts stay on record"
    );
    // A loaded version is not loaded again.
    let again = reload(&harness, key).await;
    assert_eq!(again.status, LoadStatus::Duplicate, "{again:?}");
}
