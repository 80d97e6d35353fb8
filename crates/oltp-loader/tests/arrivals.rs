//! A child's load waits, before its merge, while another session loads one
//! of its table's parents, so its rows find their parents instead of
//! waiting as pending rows; the wait is bounded by the invocation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::Harness;
use oltp_loader::{LoadStatus, LoadSummary, Loader};

const ALBUMS: &str = "AlbumId,Title,ArtistId\n10,Back in Black,1\n11,Balls to the Wall,2\n";

/// Another session loading artists 1 and 2, as a load does: marked as
/// under way, then staging for `hold`, then merging and committing.
async fn artists_under_way(harness: &Harness, hold: Duration) {
    let mut client = harness.sandbox.connect_oltp().await.unwrap();
    let tx = client.transaction().await.unwrap();
    let artist = harness.loader.catalog.table("artist").unwrap();
    oltp_loader::arrivals::mark(&tx, artist).await.unwrap();
    tokio::time::sleep(hold).await;
    tx.batch_execute(
        "INSERT INTO chinook.artist (artist_id, name, load_batch_id) VALUES (1, 'AC/DC', 0), (2, 'Accept', 0)",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Drops the albums, loaded by `loader` with `deadline` left; the summary
/// and how long the load took.
async fn load_albums(
    harness: &Harness,
    loader: &Loader,
    left: Duration,
) -> (LoadSummary, Duration) {
    // Let the other session take its mark first.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let albums = harness
        .drop_file_until(
            loader,
            "incoming/Album.csv",
            ALBUMS.as_bytes().to_vec(),
            Instant::now() + left,
        )
        .await;
    (albums, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_waits_for_its_parents_load_under_way() {
    let harness = Harness::start().await;
    let hold = Duration::from_secs(2);
    let ((albums, took), ()) = tokio::join!(
        load_albums(&harness, &harness.loader, Duration::from_secs(900)),
        artists_under_way(&harness, hold)
    );
    assert_eq!(albums.status, LoadStatus::Loaded, "{albums:?}");
    assert_eq!(albums.rows_pending, 0, "{albums:?}");
    assert_eq!(albums.rows_inserted, 2, "{albums:?}");
    assert!(took >= hold - Duration::from_millis(400), "{took:?}");
    assert_eq!(
        harness.count("SELECT count(*) FROM etl.pending_row").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_waiting_the_rows_wait_as_pending_and_resolve_later() {
    let mut harness = Harness::start().await;
    harness.loader.wait_for_arriving_parents = false;
    let ((albums, _), ()) = tokio::join!(
        load_albums(&harness, &harness.loader, Duration::from_secs(900)),
        artists_under_way(&harness, Duration::from_secs(2))
    );
    assert_eq!(albums.rows_pending, 2, "{albums:?}");
    assert_eq!(albums.rows_inserted, 0, "{albums:?}");
    // The next load of their parents' table resolves them.
    let artists = harness
        .drop_file(
            "incoming/Artist.csv",
            b"ArtistId,Name\n1,AC/DC\n2,Accept\n".to_vec(),
        )
        .await;
    assert_eq!(artists.rows_resolved, 2, "{artists:?}");
    assert_eq!(harness.count("SELECT count(*) FROM chinook.album").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wait_ends_at_half_of_the_time_left() {
    let harness = Harness::start().await;
    // 20 s are kept to record a failure; of the 4 s beyond, at most half waits.
    let left = Duration::from_secs(24);
    let hold = Duration::from_secs(8);
    let ((albums, took), ()) = tokio::join!(
        load_albums(&harness, &harness.loader, left),
        artists_under_way(&harness, hold)
    );
    assert_eq!(albums.status, LoadStatus::Loaded, "{albums:?}");
    assert_eq!(albums.rows_pending, 2, "{albums:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(took >= Duration::from_millis(1500), "{took:?}");
}
