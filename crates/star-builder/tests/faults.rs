//! Faults injected into builds against the real parts: the builder's
//! connection killed inside its build transaction, and PostgreSQL restarted
//! mid-build. Each leaves the warehouse as the last committed build left it,
//! and the retry ends in exactly the warehouse of a run without the fault.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Harness, assert_same_warehouse, warehouse_by_natural_keys};
use star_builder::BuildRequest;

/// Loads the committed Chinook sample through the loader.
async fn load_sample(h: &Harness) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/chinook");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let summary = h
            .load_file(&format!("incoming/{name}"), std::fs::read(&path).unwrap())
            .await;
        assert_eq!(summary.rows_rejected, 0, "{summary:?}");
    }
    assert_eq!(h.oltp_i64("SELECT count(*) FROM etl.pending_row").await, 0);
}

/// What happens to the server while a build runs.
#[derive(Clone, Copy)]
enum Fault {
    /// pg_terminate_backend of the builder's connection in its transaction.
    KillBuilderConnection,
    /// The whole server restarted like a crash.
    RestartServer,
}

/// Runs full builds until one is hit by `fault` while its transaction has
/// written; returns how many builds it took.
async fn build_under(h: &Harness, fault: Fault) -> usize {
    for attempt in 1..=20 {
        let watcher = starlift_sandbox::connect(h.sandbox.olap_url())
            .await
            .unwrap();
        let postgres = h.sandbox.postgres();
        let inject = async {
            for _ in 0..5000 {
                // The builder's OLAP backend inside a transaction that wrote.
                let busy: Vec<i32> = watcher
                    .query(
                        "SELECT pid FROM pg_stat_activity
                         WHERE datname = current_database() AND pid <> pg_backend_pid()
                           AND application_name = 'starlift' AND backend_xid IS NOT NULL",
                        &[],
                    )
                    .await
                    .map(|rows| rows.iter().map(|r| r.get(0)).collect())
                    .unwrap_or_default();
                if let Some(pid) = busy.first() {
                    match fault {
                        Fault::KillBuilderConnection => {
                            watcher
                                .execute("SELECT pg_terminate_backend($1)", &[pid])
                                .await
                                .unwrap();
                        }
                        Fault::RestartServer => postgres.restart().unwrap(),
                    }
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            false
        };
        let (hit, built) = tokio::join!(inject, h.builder.build(BuildRequest::FULL));
        if hit && built.is_err() {
            return attempt;
        }
    }
    panic!("no build was hit by the fault in 20 attempts");
}

async fn fault_then_retry_equals_a_clean_run(fault: Fault) {
    let faulty = Harness::start().await;
    if matches!(fault, Fault::RestartServer) && faulty.sandbox.postgres().is_external() {
        eprintln!("skipped: an external server (SANDBOX_DATABASE_URL) is not restarted");
        return;
    }
    load_sample(&faulty).await;
    let first = faulty.build().await;
    assert_eq!(first.dq_failed, 0, "{:?}", first.dq);
    let before = warehouse_by_natural_keys(&faulty.olap).await;

    let attempts = build_under(&faulty, fault).await;
    eprintln!("the fault hit build attempt {attempts}");
    // Nothing of the failed build is visible.
    let olap = starlift_sandbox::connect(faulty.sandbox.olap_url())
        .await
        .unwrap();
    assert_same_warehouse(&before, &warehouse_by_natural_keys(&olap).await);

    // The retry (a new invocation) builds, and equals a run without the fault.
    let retried = faulty
        .builder
        .build(BuildRequest::FULL)
        .await
        .expect("the retry builds");
    assert_eq!(retried.dq_failed, 0, "{:?}", retried.dq);
    let clean = Harness::start().await;
    load_sample(&clean).await;
    clean.build().await;
    clean.build_full().await;
    assert_same_warehouse(
        &warehouse_by_natural_keys(&clean.olap).await,
        &warehouse_by_natural_keys(&olap).await,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_builders_connection_killed_mid_build_leaves_nothing_and_the_retry_builds() {
    fault_then_retry_equals_a_clean_run(Fault::KillBuilderConnection).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_restarted_mid_build_leaves_nothing_and_the_retry_builds() {
    fault_then_retry_equals_a_clean_run(Fault::RestartServer).await;
}
