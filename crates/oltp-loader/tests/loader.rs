//! oltp-loader against a real PostgreSQL and a real S3 protocol server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;

use common::{CHINOOK_ROWS, Harness, chinook_dir, loader_for};
use oltp_loader::LoadStatus;
use rand::SeedableRng;
use rand::seq::SliceRandom;

const ARTISTS: &str =
    "ArtistId,Name\r\n1,AC/DC\r\n2,Accept\r\n3,\"Aerosmith, \"\"the band\"\"\"\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_chinook_loads_exactly_in_any_arrival_order() {
    let Some(dir) = chinook_dir() else { return };
    let harness = Harness::start().await;
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".csv").map(str::to_string))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        CHINOOK_ROWS.len(),
        "one file per table in {dir:?}"
    );
    for seed in [1u64, 2, 3] {
        let url = harness
            .sandbox
            .postgres()
            .create_database("order")
            .await
            .unwrap();
        let loader = loader_for(&harness.sandbox, &url).await;
        let db = starlift_sandbox::connect(&url).await.unwrap();
        files.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        for name in &files {
            let bytes = std::fs::read(dir.join(format!("{name}.csv"))).unwrap();
            // Each order gets its own keys so the ledger sees new objects.
            let key = format!("incoming/{name}/run{seed}.csv");
            let summary = harness.drop_file_with(&loader, &key, bytes).await;
            assert_eq!(summary.status, LoadStatus::Loaded, "{summary:?}");
            assert_eq!(summary.rows_rejected, 0, "{summary:?}");
        }
        for (table, expected) in CHINOOK_ROWS {
            let n: i64 = db
                .query_one(&format!("SELECT count(*) FROM chinook.{table}"), &[])
                .await
                .unwrap()
                .get(0);
            assert_eq!(n, *expected, "order {files:?}: chinook.{table}");
        }
        let totals = db
            .query_one(
                "SELECT (SELECT sum(total) FROM chinook.invoice)::text,
                        (SELECT sum(unit_price * quantity) FROM chinook.invoice_line)::text,
                        (SELECT count(*) FROM etl.pending_row)",
                &[],
            )
            .await
            .unwrap();
        assert_eq!(totals.get::<_, String>(0), "2328.60");
        assert_eq!(totals.get::<_, String>(1), "2328.60");
        assert_eq!(totals.get::<_, i64>(2), 0, "no pending rows left");
        // Text survives byte for byte: trailing space, non-ASCII, quotes.
        let city: String = db
            .query_one(
                "SELECT city FROM chinook.customer WHERE city LIKE 'Edinburgh%'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(city, "Edinburgh ");
        let postal: String = db
            .query_one(
                "SELECT billing_postal_code FROM chinook.invoice WHERE invoice_id = 2",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(postal, "0171");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_rows_wait_for_parents_then_load() {
    let harness = Harness::start().await;
    let albums = harness
        .drop_file(
            "incoming/Album.csv",
            b"AlbumId,Title,ArtistId\n10,Back in Black,1\n11,Orphan,99\n".to_vec(),
        )
        .await;
    assert_eq!(albums.status, LoadStatus::Loaded);
    assert_eq!(albums.rows_pending, 2);
    assert_eq!(harness.count("SELECT count(*) FROM chinook.album").await, 0);
    let reason: String = harness
        .oltp
        .query_one(
            "SELECT missing FROM etl.pending_row WHERE row_key = '11'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(reason.contains("artist_id=99"), "{reason}");

    let artists = harness
        .drop_file("incoming/Artist.csv", ARTISTS.as_bytes().to_vec())
        .await;
    assert_eq!(artists.rows_inserted, 3);
    assert_eq!(artists.rows_resolved, 1, "album 10 found its artist");
    assert_eq!(harness.count("SELECT count(*) FROM chinook.album").await, 1);
    assert_eq!(
        harness.count("SELECT count(*) FROM etl.pending_row").await,
        1,
        "album 11 still waits for artist 99"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_referencing_rows_load_in_any_order_within_a_file() {
    let harness = Harness::start().await;
    // The manager (1) comes after the people who report to her, and 9 reports to a missing 8.
    let csv = "EmployeeId,LastName,FirstName,ReportsTo\n3,Peacock,Jane,2\n2,Edwards,Nancy,1\n1,Adams,Andrew,\n9,Lost,Larry,8\n";
    let summary = harness
        .drop_file("incoming/Employee.csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(
        (summary.rows_inserted, summary.rows_pending),
        (3, 1),
        "{summary:?}"
    );
    let later = harness
        .drop_file(
            "incoming/employee/more.csv",
            b"EmployeeId,LastName,FirstName,ReportsTo\n8,Mid,Manager,1\n".to_vec(),
        )
        .await;
    assert_eq!(later.rows_resolved, 1);
    assert_eq!(
        harness.count("SELECT count(*) FROM chinook.employee").await,
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_event_is_a_no_op_and_a_changed_row_updates_exactly_that_row() {
    let harness = Harness::start().await;
    let key = "incoming/Artist.csv";
    let etag = harness.put(key, ARTISTS.as_bytes().to_vec()).await;
    let first = harness
        .deliver(&harness.loader, key, &etag, ARTISTS.len() as i64, "0A")
        .await
        .unwrap();
    assert_eq!(first.loads[0].rows_inserted, 3);
    let again = harness
        .deliver(&harness.loader, key, &etag, ARTISTS.len() as i64, "0A")
        .await
        .unwrap();
    assert_eq!(again.loads[0].status, LoadStatus::Duplicate);
    assert_eq!(harness.count("SELECT count(*) FROM etl.load").await, 1);
    let batch_before: i64 = harness
        .count("SELECT max(load_batch_id) FROM chinook.artist")
        .await;

    let changed = ARTISTS.replace("2,Accept", "2,Accept (DE)");
    let etag2 = harness.put(key, changed.as_bytes().to_vec()).await;
    let second = harness
        .deliver(&harness.loader, key, &etag2, changed.len() as i64, "0B")
        .await
        .unwrap();
    let s = &second.loads[0];
    assert_eq!(
        (s.rows_inserted, s.rows_updated, s.rows_unchanged),
        (0, 1, 2),
        "{s:?}"
    );
    let changed_rows = harness
        .oltp
        .query(
            "SELECT artist_id, name FROM chinook.artist WHERE load_batch_id > $1",
            &[&batch_before],
        )
        .await
        .unwrap();
    assert_eq!(changed_rows.len(), 1);
    assert_eq!(changed_rows[0].get::<_, i32>(0), 2);
    assert_eq!(changed_rows[0].get::<_, String>(1), "Accept (DE)");

    // The older event arriving late is skipped by its sequencer.
    let stale = harness
        .deliver(&harness.loader, key, "0000stale", 1, "09")
        .await
        .unwrap();
    assert_eq!(stale.loads[0].status, LoadStatus::Skipped);
    assert_eq!(
        harness
            .count("SELECT count(*) FROM chinook.artist WHERE name = 'Accept (DE)'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rows_are_reported_and_good_rows_load() {
    let harness = Harness::start().await;
    harness
        .drop_file("incoming/Artist.csv", ARTISTS.as_bytes().to_vec())
        .await;
    harness
        .drop_file(
            "incoming/Album.csv",
            b"AlbumId,Title,ArtistId\n1,For Those About To Rock,1\n".to_vec(),
        )
        .await;
    harness
        .drop_file(
            "incoming/MediaType.csv",
            b"MediaTypeId,Name\n1,MPEG audio file\n".to_vec(),
        )
        .await;
    let csv = "TrackId,Name,AlbumId,MediaTypeId,GenreId,Composer,Milliseconds,Bytes,UnitPrice\r\n\
               1,Good,1,1,,\"Young, Angus\",343719,11170334,0.99\r\n\
               2,Bad price,1,1,,,1000,1,0.999\r\n\
               3,,1,1,,,1000,1,0.99\r\n\
               4,Bad ms,1,1,,,abc,1,0.99\r\n\
               5,Short row,1\r\n\
               6,Also good,1,1,,,1000,,1.99\r\n";
    let summary = harness
        .drop_file("incoming/Track.csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(summary.status, LoadStatus::Loaded);
    assert_eq!(
        (
            summary.rows_read,
            summary.rows_inserted,
            summary.rows_rejected
        ),
        (6, 2, 4),
        "{summary:?}"
    );
    assert_eq!(harness.count("SELECT count(*) FROM chinook.track").await, 2);
    let report = harness
        .get_object("rejected/incoming/Track.csv.errors.csv")
        .await
        .expect("errors.csv");
    let mut reader = csv::Reader::from_reader(report.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["line", "column", "reason", "raw_record"]
    );
    let reported: Vec<(String, String, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[1].to_string(), r[2].to_string()))
        .collect();
    let expected = [
        ("3", "UnitPrice", "more than 2 decimal places"),
        ("4", "Name", "required value is missing"),
        ("5", "Milliseconds", "not an integer"),
        ("6", "", "expected 9 fields as in the header, found 3"),
    ];
    assert_eq!(reported.len(), expected.len(), "{reported:?}");
    for ((line, column, reason), (want_line, want_column, want_reason)) in
        reported.iter().zip(expected)
    {
        assert_eq!((line.as_str(), column.as_str()), (want_line, want_column));
        assert!(reason.starts_with(want_reason), "{reason}");
    }
    let rows = harness.oltp.query("SELECT line_no, column_name, reason, raw_record FROM etl.rejected_row ORDER BY line_no", &[]).await.unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0].get::<_, String>(3),
        "2,Bad price,1,1,,,1000,1,0.999"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_repeated_in_one_file_keeps_the_last_line_and_reports_the_others() {
    let harness = Harness::start().await;
    let summary = harness
        .drop_file(
            "incoming/Genre.csv",
            b"GenreId,Name\n1,Rock\n2,Jazz\n1,Rock & Roll\n".to_vec(),
        )
        .await;
    assert_eq!(
        (summary.rows_inserted, summary.rows_rejected),
        (2, 1),
        "{summary:?}"
    );
    let name: String = harness
        .oltp
        .query_one("SELECT name FROM chinook.genre WHERE genre_id = 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(name, "Rock & Roll");
    let reason: String = harness
        .oltp
        .query_one("SELECT reason FROM etl.rejected_row", &[])
        .await
        .unwrap()
        .get(0);
    assert!(reason.contains("line 4"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unloadable_files_fail_clearly_and_change_nothing() {
    let harness = Harness::start().await;
    harness
        .drop_file("incoming/Artist.csv", ARTISTS.as_bytes().to_vec())
        .await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "incoming/artist/headerless.csv",
            b"4,Metallica\n5,Queen\n".to_vec(),
            "missing required column",
        ),
        ("incoming/artist/empty.csv", Vec::new(), "empty"),
        (
            "incoming/artist/binary.csv",
            vec![
                0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, 1, 2, 3, b'\n', 0, 0xc3,
            ],
            "not UTF-8",
        ),
        (
            "incoming/Invoices.csv",
            b"InvoiceId\n1\n".to_vec(),
            "names no known table",
        ),
        (
            "incoming/Album.csv",
            b"ArtistId,Name\n7,Wrong file\n".to_vec(),
            "missing required column",
        ),
        (
            "incoming/artist/fake.csv.gz",
            b"ArtistId,Name\n".to_vec(),
            "gzip",
        ),
    ];
    for (key, bytes, reason) in cases {
        let summary = harness.drop_file(key, bytes).await;
        assert_eq!(summary.status, LoadStatus::Failed, "{key}: {summary:?}");
        let error = summary.error.clone().unwrap();
        assert!(
            error.contains(reason),
            "{key}: {error:?} should mention {reason:?}"
        );
        let report = harness
            .get_object(&format!("rejected/{key}.error.json"))
            .await
            .unwrap_or_else(|| panic!("{key}: error.json"));
        let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
        assert_eq!(report["key"], key);
        assert!(report["error"].as_str().unwrap().contains(reason));
    }
    assert_eq!(
        harness.count("SELECT count(*) FROM chinook.artist").await,
        3,
        "nothing changed"
    );
    assert_eq!(harness.count("SELECT count(*) FROM chinook.album").await, 0);
    assert_eq!(
        harness.count("SELECT count(*) FROM etl.pending_row").await,
        0
    );
    assert_eq!(
        harness
            .count("SELECT count(*) FROM etl.load WHERE status = 'failed'")
            .await,
        6
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_with_spaces_and_non_ascii_and_gzip_files_load() {
    let harness = Harness::start().await;
    let summary = harness
        .drop_file(
            "incoming/artist/São Paulo export + más.csv",
            ARTISTS.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(
        (summary.status, summary.rows_inserted),
        (LoadStatus::Loaded, 3),
        "{summary:?}"
    );
    assert_eq!(summary.key, "incoming/artist/São Paulo export + más.csv");

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all("\u{feff}GenreId,Name\r\n1,Rock\r\n2,Música Popular\r\n".as_bytes())
        .unwrap();
    let summary = harness
        .drop_file("incoming/Genre.csv.gz", gz.finish().unwrap())
        .await;
    assert_eq!(
        (summary.status, summary.rows_inserted),
        (LoadStatus::Loaded, 2),
        "{summary:?}"
    );
    let name: String = harness
        .oltp
        .query_one("SELECT name FROM chinook.genre WHERE genre_id = 2", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(name, "Música Popular");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_outside_the_drop_zone_are_ignored() {
    let harness = Harness::start().await;
    let summary = harness
        .drop_file("exports/Artist.csv", ARTISTS.as_bytes().to_vec())
        .await;
    assert_eq!(summary.status, LoadStatus::Ignored);
    assert_eq!(harness.count("SELECT count(*) FROM etl.load").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_killed_during_copy_leaves_nothing_and_the_retry_loads() {
    let harness = Harness::start().await;
    let mut csv = String::from("ArtistId,Name\n");
    for id in 1..=1_500_000 {
        csv.push_str(&format!(
            "{id},Artist number {id} with a reasonably long name\n"
        ));
    }
    let key = "incoming/Artist.csv";
    let size = csv.len() as i64;
    let etag = harness.put(key, csv.into_bytes()).await;

    // Kill the loader's backend as soon as its COPY is running.
    let killer_db = harness.sandbox.connect_oltp().await.unwrap();
    let killer = tokio::spawn(async move {
        for _ in 0..2000 {
            let killed = killer_db
                .query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE application_name = 'starlift' AND query LIKE 'COPY stage_rows%' AND pid <> pg_backend_pid()",
                    &[],
                )
                .await
                .unwrap();
            if !killed.is_empty() {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        false
    });
    let first = harness
        .deliver(&harness.loader, key, &etag, size, "01")
        .await;
    assert!(killer.await.unwrap(), "the COPY was seen and killed");
    assert!(
        first.is_err(),
        "a killed load is a transient error: {first:?}"
    );
    assert_eq!(
        harness.count("SELECT count(*) FROM chinook.artist").await,
        0
    );
    assert_eq!(harness.count("SELECT count(*) FROM etl.load").await, 0);

    let retry = harness
        .deliver(&harness.loader, key, &etag, size, "01")
        .await
        .expect("retry succeeds");
    assert_eq!(retry.loads[0].rows_inserted, 1_500_000);
    assert_eq!(
        harness.count("SELECT count(*) FROM chinook.artist").await,
        1_500_000
    );
}

/// Every loader statement is parsed and planned by the server at cold start:
/// one it refuses (here: the catalog names a column the table lacks) stops
/// the container, instead of failing files one by one later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_the_server_refuses_stops_the_cold_start() {
    let harness = Harness::start().await;
    let mut catalog = harness.loader.catalog.clone();
    let artist = catalog
        .tables
        .iter_mut()
        .find(|t| t.name == "artist")
        .unwrap();
    artist.columns.push(starlift_domain::catalog::Column {
        name: "no_such_column".into(),
        ty: starlift_domain::catalog::ColumnType::Text,
        nullable: true,
        has_default: false,
    });
    let mut client = starlift_sandbox::connect(harness.sandbox.oltp_url())
        .await
        .unwrap();
    oltp_loader::table_sql::TableSql::verify_all(&mut client, harness.loader.catalog)
        .await
        .expect("the real catalog verifies");
    let error = oltp_loader::table_sql::TableSql::verify_all(&mut client, &catalog)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("\"chinook\".\"artist\"") && error.contains("no_such_column"),
        "{error}"
    );
}

/// Written first (packs part 1): an unterminated quote must fail the file,
/// naming the line where the quote opened, never load as if all was well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unterminated_quote_fails_the_file() {
    let harness = Harness::start().await;
    let summary = harness
        .drop_file(
            "incoming/Genre.csv",
            b"GenreId,Name\n1,Rock\n2,\"Jazz\n3,Metal\n4,Blues\n".to_vec(),
        )
        .await;
    assert_eq!(summary.status, LoadStatus::Failed, "{summary:?}");
    assert!(summary.error.unwrap_or_default().contains("line 3"));
}

/// Written first (packs part 1): a bare-CR file must load every record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bare_cr_file_loads_every_record() {
    let harness = Harness::start().await;
    let summary = harness
        .drop_file(
            "incoming/Genre.csv",
            b"GenreId,Name\r1,Rock\r2,Jazz\r3,Metal\r".to_vec(),
        )
        .await;
    assert_eq!(summary.status, LoadStatus::Loaded, "{summary:?}");
    assert_eq!(summary.rows_inserted, 3, "{summary:?}");
}
