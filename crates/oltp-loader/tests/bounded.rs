//! Bounded work per invocation: pending rows resolve in transactions of
//! bounded size, a deadline stops the resolution (a later load or a
//! reconcile finishes it), and a file too large for the invocation fails
//! clearly instead of timing out and being retried forever.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use common::Harness;
use oltp_loader::resolve::RESOLVE_RESERVE;
use oltp_loader::{LoadStatus, LoadSummary, Response, handle_request};
use serde_json::json;

const ALBUMS: &str = "AlbumId,Title,ArtistId\n1,A,1\n2,B,1\n3,C,2\n4,D,2\n5,E,3\n";
const ARTISTS: &str = "ArtistId,Name\n1,One\n2,Two\n3,Three\n";

/// Uploads and delivers one file to an invocation ending at `deadline`.
async fn drop_until(harness: &Harness, key: &str, text: &str, deadline: Instant) -> LoadSummary {
    harness
        .drop_file_until(&harness.loader, key, text.as_bytes().to_vec(), deadline)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_rows_resolve_in_transactions_of_bounded_size() {
    let mut harness = Harness::start().await;
    harness.loader.resolve_budget = 2;
    let albums = harness
        .drop_file("incoming/Album.csv", ALBUMS.as_bytes().to_vec())
        .await;
    assert_eq!(albums.rows_pending, 5);
    let artists = harness
        .drop_file("incoming/Artist.csv", ARTISTS.as_bytes().to_vec())
        .await;
    assert_eq!(
        (artists.rows_resolved, artists.resolution_transactions),
        (5, 2),
        "2 in the file's own transaction, then 2 and 1: {artists:?}"
    );
    assert!(!artists.resolution_cut_short);
    assert_eq!(harness.count("SELECT count(*) FROM chinook.album").await, 5);
    assert_eq!(
        harness.count("SELECT count(*) FROM etl.pending_row").await,
        0
    );
    // Each later transaction has its ledger row, whose id is the batch it
    // stamped, naming the load it continues.
    assert_eq!(
        harness
            .count(&format!(
                "SELECT count(*) FROM etl.load WHERE resolves_for = {}",
                artists.load_id.unwrap()
            ))
            .await,
        2
    );
    assert_eq!(
        harness
            .count("SELECT count(DISTINCT load_batch_id) FROM chinook.album")
            .await,
        3
    );
    assert_eq!(
        harness
            .count(
                "SELECT count(*) FROM chinook.album a JOIN etl.load l ON l.load_id = a.load_batch_id WHERE l.status = 'loaded'"
            )
            .await,
        5,
        "every batch is a loaded ledger row"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_stops_the_resolution_and_a_reconcile_finishes_it() {
    let mut harness = Harness::start().await;
    harness.loader.resolve_budget = 2;
    harness
        .drop_file("incoming/Album.csv", ALBUMS.as_bytes().to_vec())
        .await;
    // An invocation with no time for a second transaction.
    let artists = drop_until(
        &harness,
        "incoming/Artist.csv",
        ARTISTS,
        Instant::now() + RESOLVE_RESERVE,
    )
    .await;
    assert_eq!(artists.status, LoadStatus::Loaded, "{artists:?}");
    assert_eq!(
        (artists.rows_resolved, artists.resolution_cut_short),
        (2, true),
        "{artists:?}"
    );
    assert_eq!(
        harness.count("SELECT count(*) FROM etl.pending_row").await,
        3
    );

    let bucket = harness.sandbox.bucket().to_string();
    let far = Instant::now() + Duration::from_secs(600);
    let Response::Reconcile(report) = handle_request(
        &harness.loader,
        json!({"action": "reconcile", "bucket": bucket}),
        far,
        Duration::ZERO,
    )
    .await
    .unwrap() else {
        panic!("not a reconcile report")
    };
    assert_eq!((report.loaded, report.rows_resolved), (0, 3), "{report:?}");
    assert_eq!(harness.count("SELECT count(*) FROM chinook.album").await, 5);
    assert_eq!(
        harness.count("SELECT count(*) FROM etl.pending_row").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_load_above_the_waiting_rows_continues_a_resolution_cut_short() {
    let mut harness = Harness::start().await;
    harness.loader.resolve_budget = 2;
    harness
        .drop_file("incoming/Album.csv", ALBUMS.as_bytes().to_vec())
        .await;
    drop_until(
        &harness,
        "incoming/Artist.csv",
        ARTISTS,
        Instant::now() + RESOLVE_RESERVE,
    )
    .await;
    // A load of an unrelated table cannot have made albums loadable: it
    // leaves them (and runs beside loads of albums and artists).
    let genre = harness
        .drop_file("incoming/Genre.csv", b"GenreId,Name\n1,Rock\n".to_vec())
        .await;
    assert_eq!(genre.rows_resolved, 0, "{genre:?}");
    // The next load of artists (or albums) resolves them.
    let artists = harness
        .drop_file(
            "incoming/artist/more.csv",
            b"ArtistId,Name\n4,Four\n".to_vec(),
        )
        .await;
    assert_eq!(artists.rows_resolved, 3, "{artists:?}");
    assert_eq!(harness.count("SELECT count(*) FROM chinook.album").await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_too_large_for_the_invocation_fails_clearly_and_loads_nothing() {
    let harness = Harness::start().await;
    let mut genres = String::from("GenreId,Name\n");
    for id in 1..=200_000 {
        writeln!(genres, "{id},Genre number {id}").unwrap();
    }
    // Half of the time left is for staging: far too little here.
    let summary = drop_until(
        &harness,
        "incoming/Genre.csv",
        &genres,
        Instant::now() + Duration::from_millis(40),
    )
    .await;
    assert_eq!(summary.status, LoadStatus::Failed, "{summary:?}");
    let error = summary.error.unwrap_or_default();
    assert!(error.contains("Split it into smaller files"), "{error}");
    assert_eq!(harness.count("SELECT count(*) FROM chinook.genre").await, 0);
    // The same file with time to spare loads whole.
    let again = drop_until(
        &harness,
        "incoming/genre/again.csv",
        &genres,
        Instant::now() + Duration::from_secs(600),
    )
    .await;
    assert_eq!(again.rows_inserted, 200_000, "{again:?}");
}
