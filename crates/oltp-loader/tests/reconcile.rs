//! `{"action":"reconcile"}`: objects whose events never came are found in
//! the bucket and loaded, parents first; known versions are left alone; a
//! run that reaches its deadline says where to resume.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::Harness;
use oltp_loader::reconcile::ReconcileReport;
use oltp_loader::{LoadStatus, Response, handle_request};
use serde_json::json;

async fn reconcile(
    harness: &Harness,
    request: serde_json::Value,
    deadline: Instant,
) -> ReconcileReport {
    match handle_request(&harness.loader, request, deadline, Duration::ZERO)
        .await
        .unwrap()
    {
        Response::Reconcile(report) => report,
        other => panic!("not a reconcile report: {other:?}"),
    }
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(600)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missed_objects_load_parents_first_and_known_ones_are_left_alone() {
    let harness = Harness::start().await;
    let bucket = harness.sandbox.bucket().to_string();
    // Delivered normally.
    harness
        .drop_file("incoming/Genre.csv", b"GenreId,Name\n1,Rock\n".to_vec())
        .await;
    // Events lost: the child sorts before its parent.
    harness
        .put(
            "incoming/Album.csv",
            b"AlbumId,Title,ArtistId\n10,Back in Black,1\n".to_vec(),
        )
        .await;
    harness
        .put("incoming/Artist.csv", b"ArtistId,Name\n1,AC/DC\n".to_vec())
        .await;
    harness
        .put("incoming/MediaType.csv", b"not,a header\n".to_vec())
        .await;

    let report = reconcile(
        &harness,
        json!({"action": "reconcile", "bucket": bucket}),
        far(),
    )
    .await;
    assert!(report.complete, "{report:?}");
    assert_eq!(
        (
            report.listed,
            report.already_known,
            report.loaded,
            report.failed
        ),
        (4, 1, 2, 1),
        "{report:?}"
    );
    let album = report
        .loads
        .iter()
        .find(|l| l.key == "incoming/Album.csv")
        .unwrap();
    assert_eq!(
        (album.status, album.rows_inserted, album.rows_pending),
        (LoadStatus::Loaded, 1, 0),
        "the artist loaded first: {album:?}"
    );
    assert_eq!(harness.count("SELECT count(*) FROM chinook.album").await, 1);

    // Everything is known now, the failed version included.
    let again = reconcile(
        &harness,
        json!({"action": "reconcile", "bucket": bucket}),
        far(),
    )
    .await;
    assert_eq!(
        (
            again.listed,
            again.already_known,
            again.loaded,
            again.failed
        ),
        (4, 4, 0, 0),
        "{again:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_at_its_deadline_stops_and_the_next_resumes() {
    let harness = Harness::start().await;
    let bucket = harness.sandbox.bucket().to_string();
    for (key, text) in [
        ("incoming/Artist.csv", "ArtistId,Name\n1,AC/DC\n"),
        ("incoming/Genre.csv", "GenreId,Name\n1,Rock\n"),
        ("incoming/MediaType.csv", "MediaTypeId,Name\n1,MPEG\n"),
    ] {
        harness.put(key, text.as_bytes().to_vec()).await;
    }
    // No time left: nothing starts, and the run says so.
    let stopped = reconcile(
        &harness,
        json!({"action": "reconcile", "bucket": bucket}),
        Instant::now(),
    )
    .await;
    assert!(!stopped.complete, "{stopped:?}");
    assert_eq!(stopped.loaded, 0);
    assert_eq!(stopped.resume_after.as_deref(), Some(""));

    // One key per page, resuming after the first key: the rest load.
    let resumed = reconcile(
        &harness,
        json!({"action": "reconcile", "bucket": bucket, "start_after": "incoming/Artist.csv", "page_size": 1}),
        far(),
    )
    .await;
    assert!(resumed.complete, "{resumed:?}");
    assert_eq!((resumed.listed, resumed.loaded), (2, 2), "{resumed:?}");
    assert_eq!(
        harness.count("SELECT count(*) FROM chinook.artist").await,
        0
    );
    assert_eq!(harness.count("SELECT count(*) FROM chinook.genre").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_payload_is_refused_with_what_is_expected() {
    let harness = Harness::start().await;
    let error = handle_request(
        &harness.loader,
        json!({"action": "reconcile"}),
        far(),
        Duration::ZERO,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("bucket"), "{error}");
    let error = handle_request(&harness.loader, json!({"hello": 1}), far(), Duration::ZERO)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("Records"), "{error}");
}
