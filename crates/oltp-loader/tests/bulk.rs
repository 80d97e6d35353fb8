//! A large load into an empty table builds its secondary indexes after the
//! merge (new indexes, the same definitions); small loads, and loads into a
//! table with rows, keep them. Repeated keys still resolve to the last line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Harness;
use oltp_loader::LoadStatus;

/// Album secondary indexes: (oid, definition), by name.
async fn album_indexes(harness: &Harness) -> Vec<(u32, String)> {
    harness
        .oltp
        .query(
            "SELECT i.indexrelid::oid, pg_get_indexdef(i.indexrelid) FROM pg_index i
             JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = 'chinook.album'::regclass AND NOT i.indisprimary
               AND i.indisvalid ORDER BY c.relname",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// `rows` albums of artists 1 and 2, then album 5 again with a new title.
fn albums(rows: u32) -> Vec<u8> {
    let mut csv = String::from("AlbumId,Title,ArtistId\n");
    for id in 1..=rows {
        csv.push_str(&format!("{id},Album {id},{}\n", 1 + id % 2));
    }
    csv.push_str("5,Album 5 (remastered),2\n");
    csv.into_bytes()
}

async fn with_artists() -> Harness {
    let harness = Harness::start().await;
    let artists = harness
        .drop_file(
            "incoming/Artist.csv",
            b"ArtistId,Name\n1,AC/DC\n2,Accept\n".to_vec(),
        )
        .await;
    assert_eq!(artists.status, LoadStatus::Loaded, "{artists:?}");
    harness
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_load_into_an_empty_table_builds_its_indexes_again() {
    let harness = with_artists().await;
    let before = album_indexes(&harness).await;
    assert!(before.len() >= 2, "{before:?}");
    let rows = 120_000;
    let summary = harness.drop_file("incoming/Album.csv", albums(rows)).await;
    assert_eq!(summary.status, LoadStatus::Loaded, "{summary:?}");
    assert_eq!(summary.rows_inserted, u64::from(rows), "{summary:?}");
    assert_eq!(summary.rows_rejected, 1, "{summary:?}");
    let after = album_indexes(&harness).await;
    // Built again: new indexes, the same definitions, all valid.
    assert_eq!(
        before.iter().map(|(_, d)| d).collect::<Vec<_>>(),
        after.iter().map(|(_, d)| d).collect::<Vec<_>>()
    );
    for ((old, _), (new, _)) in before.iter().zip(&after) {
        assert_ne!(old, new, "{before:?} {after:?}");
    }
    // The indexes answer as the table does.
    let client = harness.sandbox.connect_oltp().await.unwrap();
    client
        .batch_execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
        .await
        .unwrap();
    let of_artist_2: i64 = client
        .query_one(
            "SELECT count(*) FROM chinook.album WHERE artist_id = 2",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(of_artist_2, i64::from(rows / 2));
    let title: String = client
        .query_one("SELECT title FROM chinook.album WHERE album_id = 5", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(title, "Album 5 (remastered)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_loads_and_loads_into_a_table_with_rows_keep_the_indexes() {
    let harness = with_artists().await;
    let before = album_indexes(&harness).await;
    let small = harness.drop_file("incoming/Album.csv", albums(1_000)).await;
    assert_eq!(small.status, LoadStatus::Loaded, "{small:?}");
    assert_eq!(album_indexes(&harness).await, before);
    let large = harness
        .drop_file("incoming/album/more.csv", albums(120_000))
        .await;
    assert_eq!(large.status, LoadStatus::Loaded, "{large:?}");
    assert_eq!(album_indexes(&harness).await, before);
}
