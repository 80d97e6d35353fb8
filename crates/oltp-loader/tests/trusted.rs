//! Set-based integrity instead of per-row foreign-key triggers: where the
//! loader's role may switch them off for its merges, it does so only after
//! its own check, and no other writer can break a foreign key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::Harness;
use oltp_loader::LoadStatus;
use tokio_postgres::error::SqlState;

const ARTISTS: &str = "ArtistId,Name\n1,AC/DC\n2,Accept\n";
const ALBUMS: &str = "AlbumId,Title,ArtistId\n10,Back in Black,1\n11,Balls to the Wall,2\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merges_skip_triggers_only_for_tables_with_plain_foreign_keys() {
    let harness = Harness::start().await;
    let trusted = &harness.loader.trusted_tables;
    // The sandbox's role is a superuser: it may.
    for table in [
        "album",
        "track",
        "invoice",
        "invoice_line",
        "playlist_track",
    ] {
        assert!(trusted.contains(table), "{table} in {trusted:?}");
    }
    // No foreign key, nothing to skip.
    for table in ["artist", "genre", "media_type"] {
        assert!(!trusted.contains(table), "{table} in {trusted:?}");
    }
    // A user trigger would be skipped too: such a table keeps the triggers.
    harness
        .oltp
        .batch_execute(
            "CREATE FUNCTION chinook.noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
             CREATE TRIGGER audit BEFORE INSERT ON chinook.album FOR EACH ROW EXECUTE FUNCTION chinook.noop();",
        )
        .await
        .unwrap();
    let mut client = harness.sandbox.connect_oltp().await.unwrap();
    let now = oltp_loader::trusted::trusted_tables(&mut client, "chinook")
        .await
        .unwrap();
    assert!(!now.contains("album"), "{now:?}");
    assert!(now.contains("track"), "{now:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_without_the_privilege_keeps_the_triggers() {
    let harness = Harness::start().await;
    harness
        .oltp
        .batch_execute(
            "CREATE ROLE plain_loader LOGIN; GRANT USAGE ON SCHEMA chinook TO plain_loader;",
        )
        .await
        .unwrap();
    let url = harness
        .sandbox
        .oltp_url()
        .replacen("postgres@", "plain_loader@", 1);
    assert_ne!(
        url,
        harness.sandbox.oltp_url(),
        "the sandbox URL names its user"
    );
    let (mut client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let trusted = oltp_loader::trusted::trusted_tables(&mut client, "chinook")
        .await
        .unwrap();
    assert!(trusted.is_empty(), "{trusted:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_writers_still_cannot_break_a_foreign_key() {
    let harness = Harness::start().await;
    assert!(harness.loader.trusted_tables.contains("album"));
    harness
        .drop_file("incoming/Artist.csv", ARTISTS.as_bytes().to_vec())
        .await;
    let albums = harness
        .drop_file("incoming/Album.csv", ALBUMS.as_bytes().to_vec())
        .await;
    assert_eq!(albums.rows_inserted, 2, "{albums:?}");

    // Another session: its triggers fire, whatever the loader's did.
    let other = harness.sandbox.connect_oltp().await.unwrap();
    let delete = other
        .execute("DELETE FROM chinook.artist WHERE artist_id = 1", &[])
        .await
        .unwrap_err();
    assert_eq!(
        delete.code(),
        Some(&SqlState::FOREIGN_KEY_VIOLATION),
        "{delete}"
    );
    let insert = other
        .execute(
            "INSERT INTO chinook.album (album_id, title, artist_id, load_batch_id) VALUES (99, 'x', 999, 0)",
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(
        insert.code(),
        Some(&SqlState::FOREIGN_KEY_VIOLATION),
        "{insert}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_deleted_during_a_trusted_load_leaves_the_child_waiting() {
    let harness = Harness::start().await;
    harness
        .drop_file("incoming/Artist.csv", ARTISTS.as_bytes().to_vec())
        .await;
    // Another writer deletes artist 1 and has not committed yet.
    let mut other = harness.sandbox.connect_oltp().await.unwrap();
    let deleting = other.transaction().await.unwrap();
    deleting
        .execute("DELETE FROM chinook.artist WHERE artist_id = 1", &[])
        .await
        .unwrap();
    // The album load checks its parents under a lock that waits for it.
    let load = harness.drop_file("incoming/Album.csv", ALBUMS.as_bytes().to_vec());
    let committed = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        deleting.commit().await.unwrap();
    };
    let (albums, ()) = tokio::join!(load, committed);
    assert_eq!(albums.status, LoadStatus::Loaded, "{albums:?}");
    assert_eq!(
        (albums.rows_inserted, albums.rows_pending),
        (1, 1),
        "album 10 waits for its deleted artist: {albums:?}"
    );
    assert_eq!(
        harness
            .count(
                "SELECT count(*) FROM chinook.album a WHERE NOT EXISTS (SELECT 1 FROM chinook.artist r WHERE r.artist_id = a.artist_id)"
            )
            .await,
        0,
        "no album without its artist"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_and_without_triggers_the_same_rows_load() {
    let files: [(&str, &str); 3] = [
        (
            "incoming/Album.csv",
            "AlbumId,Title,ArtistId\n10,A,1\n11,B,3\n12,C,2\n",
        ),
        ("incoming/Artist.csv", ARTISTS),
        (
            "incoming/album/again.csv",
            "AlbumId,Title,ArtistId\n11,B2,2\n13,D,2\n",
        ),
    ];
    let mut results = Vec::new();
    for trusted in [true, false] {
        let mut harness = Harness::start().await;
        if !trusted {
            harness.loader.trusted_tables.clear();
        }
        let mut summaries = Vec::new();
        for (key, text) in files {
            let s = harness.drop_file(key, text.as_bytes().to_vec()).await;
            summaries.push((
                s.rows_inserted,
                s.rows_updated,
                s.rows_pending,
                s.rows_resolved,
            ));
        }
        let rows: Vec<(i32, String, Option<i32>)> = harness
            .oltp
            .query(
                "SELECT album_id, title, artist_id FROM chinook.album ORDER BY 1",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let pending = harness.count("SELECT count(*) FROM etl.pending_row").await;
        results.push((summaries, rows, pending));
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0].2, 0, "{:?}", results[0]);
}
