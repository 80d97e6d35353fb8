//! Faults injected against the real parts: an S3 body cut off mid-stream,
//! PostgreSQL restarted mid-load, eight loads at once, the same object
//! delivered twice at the same moment. Each ends with nothing half-done
//! and, after retries, the database a clean run gives.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::{Harness, loader_for, loader_with_s3};
use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadStatus, Loader, handle_event};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use starlift_sandbox::faults::CuttingProxy;
use starlift_sandbox::rows_as_json;

fn artists(rows: usize) -> String {
    let mut csv = String::from("ArtistId,Name\n");
    for id in 1..=rows {
        csv.push_str(&format!(
            "{id},Artist number {id} with a reasonably long name\n"
        ));
    }
    csv
}

/// Every table of the pack, as text rows without the loader's batch
/// stamps, sorted: what a clean run must equal.
async fn contents(db: &tokio_postgres::Client, loader: &Loader) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for table in loader.catalog.load_order() {
        let rows = rows_as_json(db, &table.qualified_name(), &["load_batch_id"]).await;
        out.insert(table.name.clone(), rows.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_s3_body_cut_mid_stream_loads_nothing_and_the_retry_loads_it_all() {
    let harness = Harness::start().await;
    let csv = artists(200_000);
    let key = "incoming/Artist.csv";
    let size = csv.len() as i64;
    let etag = harness.put(key, csv.into_bytes()).await;
    // The loader reads S3 through a proxy that cuts the first large body.
    let proxy = CuttingProxy::start(harness.sandbox.s3().addr(), 512 * 1024, 1)
        .await
        .unwrap();
    let s3 = harness.sandbox.s3().client_via(&proxy.endpoint_url());
    let loader = loader_with_s3(&harness.sandbox, harness.sandbox.oltp_url(), s3).await;

    let first = harness.deliver(&loader, key, &etag, size, "01").await;
    assert_eq!(proxy.cuts_left(), 0, "the body was cut");
    assert!(first.is_err(), "a cut body is a transient fault: {first:?}");
    assert_eq!(
        harness.count("SELECT count(*) FROM chinook.artist").await,
        0
    );
    assert_eq!(harness.count("SELECT count(*) FROM etl.load").await, 0);

    let retry = harness
        .deliver(&loader, key, &etag, size, "01")
        .await
        .expect("the retry loads");
    assert_eq!(retry.loads[0].rows_inserted, 200_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_restarted_mid_load_leaves_nothing_and_the_retry_loads() {
    let harness = Harness::start().await;
    if harness.sandbox.postgres().is_external() {
        eprintln!("skipped: an external server (SANDBOX_DATABASE_URL) is not restarted");
        return;
    }
    let csv = artists(1_000_000);
    let key = "incoming/Artist.csv";
    let size = csv.len() as i64;
    let etag = harness.put(key, csv.into_bytes()).await;

    // Restart the server as soon as the load's COPY runs.
    let watcher = harness.sandbox.connect_oltp().await.unwrap();
    let postgres = harness.sandbox.postgres();
    let restart = async {
        for _ in 0..4000 {
            let copying: i64 = watcher
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY stage_rows%' AND pid <> pg_backend_pid()",
                    &[],
                )
                .await
                .unwrap()
                .get(0);
            if copying > 0 {
                postgres.restart().unwrap();
                return true;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        false
    };
    let (restarted, first) = tokio::join!(
        restart,
        harness.deliver(&harness.loader, key, &etag, size, "01")
    );
    assert!(restarted, "the COPY was seen and the server restarted");
    assert!(
        first.is_err(),
        "a restart mid-load is a transient fault: {first:?}"
    );

    let db = harness.sandbox.connect_oltp().await.unwrap();
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    assert_eq!(count("SELECT count(*) FROM chinook.artist").await, 0);
    assert_eq!(count("SELECT count(*) FROM etl.load").await, 0);
    let retry = harness
        .deliver(&harness.loader, key, &etag, size, "01")
        .await
        .expect("the retry reconnects and loads");
    assert_eq!(retry.loads[0].rows_inserted, 1_000_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_object_delivered_twice_at_once_loads_once() {
    let harness = Harness::start().await;
    let csv = artists(50_000);
    let key = "incoming/Artist.csv";
    let etag = harness.put(key, csv.clone().into_bytes()).await;
    let event = || {
        object_created(&[PutObject {
            bucket: harness.sandbox.bucket(),
            key,
            etag: &etag,
            size: csv.len() as i64,
            sequencer: "01",
            version_id: None,
        }])
        .unwrap()
    };
    // Two containers, two connections.
    let other = loader_for(&harness.sandbox, harness.sandbox.oltp_url()).await;
    let (a, b) = tokio::join!(
        handle_event(&harness.loader, event()),
        handle_event(&other, event())
    );
    let mut statuses = vec![a.unwrap().loads[0].status, b.unwrap().loads[0].status];
    statuses.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(statuses, vec![LoadStatus::Duplicate, LoadStatus::Loaded]);
    assert_eq!(
        harness.count("SELECT count(*) FROM chinook.artist").await,
        50_000
    );
    assert_eq!(harness.count("SELECT count(*) FROM etl.load").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_loads_at_once_give_what_one_after_another_gives() {
    let harness = Harness::start().await;
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/chinook");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    assert!(files.len() >= 8, "{} sample files", files.len());
    files.shuffle(&mut rand::rngs::StdRng::seed_from_u64(8));

    // One after another, in a database of its own.
    let sequential_url = harness
        .sandbox
        .postgres()
        .create_database("sequential")
        .await
        .unwrap();
    let sequential = loader_for(&harness.sandbox, &sequential_url).await;
    for (name, bytes) in &files {
        let summary = harness
            .drop_file_with(&sequential, &format!("incoming/{name}"), bytes.clone())
            .await;
        assert_eq!(summary.status, LoadStatus::Loaded, "{summary:?}");
    }

    // Eight containers at once, children and parents mixed.
    let concurrent_url = harness
        .sandbox
        .postgres()
        .create_database("concurrent")
        .await
        .unwrap();
    let mut loaders = Vec::new();
    for _ in 0..8 {
        loaders.push(loader_for(&harness.sandbox, &concurrent_url).await);
    }
    let mut events = Vec::new();
    // The same objects: this database's ledger has not seen them.
    for (name, bytes) in &files {
        let key = format!("incoming/{name}");
        let etag = harness.put(&key, bytes.clone()).await;
        events.push((key, etag, bytes.len() as i64));
    }
    let harness = &harness;
    for wave in events.chunks(8) {
        let loads = wave
            .iter()
            .zip(&loaders)
            .map(|((key, etag, size), loader)| {
                let sequencer = harness.next_sequencer();
                async move { harness.deliver(loader, key, etag, *size, &sequencer).await }
            });
        for report in futures_util::future::join_all(loads).await {
            let report = report.expect("no load fails");
            assert_eq!(report.loads[0].status, LoadStatus::Loaded, "{report:?}");
        }
    }

    let a = starlift_sandbox::connect(&sequential_url).await.unwrap();
    let b = starlift_sandbox::connect(&concurrent_url).await.unwrap();
    let pending: i64 = b
        .query_one("SELECT count(*) FROM etl.pending_row", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(pending, 0, "every row found its parent");
    assert_eq!(
        contents(&a, &sequential).await,
        contents(&b, &loaders[0]).await,
        "the concurrent loads give the same tables"
    );
}
