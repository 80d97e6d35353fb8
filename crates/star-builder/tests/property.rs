//! A property of the whole pipeline: whatever order S3 delivers a small
//! data set's events in, with duplicates, stale versions of changed files,
//! bad files mixed in and builds at random points, the OLTP database and
//! the warehouse end as the canonical order leaves them (parents first,
//! each event once, one build at the end).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Harness, assert_same_warehouse, warehouse_by_natural_keys};
use oltp_loader::LoadStatus;
use oltp_loader::events::{PutObject, object_created};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use starlift_sandbox::rows_as_json;

/// One S3 event of the run: a version of an object, put before any event
/// is delivered (so an older version's event finds it overwritten).
#[derive(Debug, Clone)]
struct Event {
    key: String,
    etag: String,
    size: i64,
    sequencer: String,
}

/// The sample's files, parents first (the catalog's load order).
fn sample_files() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/chinook");
    let order = [
        "Artist",
        "Album",
        "Employee",
        "Customer",
        "Genre",
        "Invoice",
        "MediaType",
        "Playlist",
        "Track",
        "InvoiceLine",
        "PlaylistTrack",
    ];
    order
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(format!("{name}.csv"))).unwrap();
            (name.to_string(), text)
        })
        .collect()
}

/// A later export of `text` with every tenth data line changed in its last
/// field (Track's list price, MediaType's name: no total or key depends on
/// them), so only those rows change.
fn changed_export(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 && i % 10 == 0 {
            let (head, last) = line.rsplit_once(',').unwrap();
            let changed = if last.contains('.') {
                "1.99".to_string()
            } else {
                format!("{last} v2")
            };
            out.push_str(&format!("{head},{changed}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Every event of the run: each file, a changed later version of Track and
/// MediaType under the same keys, and a bad file.
async fn put_everything(h: &Harness) -> Vec<Event> {
    let mut events = Vec::new();
    let mut sequencer = 0x100u64;
    let mut put = |key: String, text: String| {
        sequencer += 1;
        let sequencer = format!("{sequencer:016X}");
        async move {
            let response = h
                .sandbox
                .s3_client()
                .put_object()
                .bucket(h.sandbox.bucket())
                .key(&key)
                .body(text.clone().into_bytes().into())
                .send()
                .await
                .unwrap();
            Event {
                key,
                etag: response.e_tag().unwrap().trim_matches('"').to_string(),
                size: text.len() as i64,
                sequencer,
            }
        }
    };
    let files = sample_files();
    for (name, text) in &files {
        events.push(put(format!("incoming/{name}.csv"), text.clone()).await);
    }
    for (name, text) in &files {
        if name == "Track" || name == "MediaType" {
            events.push(put(format!("incoming/{name}.csv"), changed_export(text)).await);
        }
    }
    events.push(
        put(
            "incoming/Genre/broken.csv".into(),
            "not,the,header\n1,2,3\n".into(),
        )
        .await,
    );
    events
}

async fn deliver(h: &Harness, event: &Event) -> LoadStatus {
    let record = object_created(&[PutObject {
        bucket: h.sandbox.bucket(),
        key: &event.key,
        etag: &event.etag,
        size: event.size,
        sequencer: &event.sequencer,
        version_id: None,
    }])
    .unwrap();
    oltp_loader::handle_event(&h.loader, record)
        .await
        .unwrap()
        .loads[0]
        .status
}

/// The OLTP tables without the loader's batch stamps.
async fn oltp_contents(h: &Harness) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for table in h.loader.catalog.load_order() {
        let rows = rows_as_json(&h.oltp, &table.qualified_name(), &["load_batch_id"]).await;
        out.insert(table.name.clone(), rows.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_delivery_order_ends_as_the_canonical_one() {
    // The canonical run: each event once, in order, one build.
    let canonical = Harness::start().await;
    for event in put_everything(&canonical).await {
        deliver(&canonical, &event).await;
    }
    let built = canonical.build().await;
    assert_eq!(built.dq_failed, 0, "{:?}", built.dq);
    let expected_oltp = oltp_contents(&canonical).await;
    let expected_warehouse = warehouse_by_natural_keys(&canonical.olap).await;

    for seed in 1..=4u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let h = Harness::start().await;
        let events = put_everything(&h).await;
        // Duplicates, then any order.
        let mut deliveries: Vec<Event> = events.clone();
        for _ in 0..4 {
            let again = events.choose(&mut rng).unwrap().clone();
            deliveries.push(again);
        }
        deliveries.shuffle(&mut rng);
        let mut statuses = Vec::new();
        for event in &deliveries {
            statuses.push(deliver(&h, event).await);
            if rng.random_bool(0.2) {
                h.build().await;
            }
        }
        h.build().await;
        assert!(
            statuses.contains(&LoadStatus::Failed),
            "seed {seed}: the bad file failed: {statuses:?}"
        );
        assert_eq!(
            oltp_contents(&h).await,
            expected_oltp,
            "seed {seed}: the OLTP tables differ from the canonical run's"
        );
        assert_same_warehouse(
            &expected_warehouse,
            &warehouse_by_natural_keys(&h.olap).await,
        );
    }
}
