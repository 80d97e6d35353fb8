//! The lakehouse export (crates/lakehouse) through the real handler, on the
//! sandbox's PostgreSQL and S3 server: the first build exports every
//! written table whole; a later build rewrites only the fact partitions it
//! touched and the dimensions that changed; a build with nothing new
//! exports nothing; an export that fails fails the invocation after the
//! build committed, and the next invocation, with nothing new to build,
//! exports what it missed; a full build rewrites everything; the manifests
//! always list exactly the files under each table's prefix, with the
//! PostgreSQL table's row count.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::Harness;
use serde_json::json;
use star_builder::{BuildError, BuildReport, Builder, handle_request};
use starlift_lakehouse::TablePlan;
use starlift_lakehouse::manifest::Manifest;

async fn publishing_builder(h: &Harness, dataset: &str, bucket: &str) -> Builder {
    common::new_builder_with(&h.sandbox, &[("DATASET", dataset), ("BUCKET", bucket)])
        .await
        .with_s3(h.sandbox.s3_client())
}

async fn build(builder: &Builder) -> BuildReport {
    common::build_with(builder, json!({})).await
}

async fn manifest(h: &Harness, dataset: &str, table: &str) -> Manifest {
    let key = starlift_lakehouse::layout::manifest_key(dataset, table);
    let object = h
        .sandbox
        .s3_client()
        .get_object()
        .bucket(h.sandbox.bucket())
        .key(&key)
        .send()
        .await
        .expect(&key);
    let body = object.body.collect().await.unwrap().into_bytes();
    serde_json::from_slice(&body).expect("manifest parses")
}

async fn keys_under(h: &Harness, prefix: &str) -> BTreeSet<String> {
    let listed = h
        .sandbox
        .s3_client()
        .list_objects_v2()
        .bucket(h.sandbox.bucket())
        .prefix(prefix)
        .send()
        .await
        .unwrap();
    assert!(!listed.is_truncated().unwrap_or(false));
    listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect()
}

/// Every written table's manifest lists exactly the Parquet files under its
/// prefix, with the table's row count.
async fn assert_exported(h: &Harness, dataset: &str) {
    let pack = starlift_domain::pack::Pack::embedded(dataset).unwrap();
    for table in pack.written_tables() {
        let short = starlift_lakehouse::layout::short_name(table);
        let manifest = manifest(h, dataset, short).await;
        let rows = h
            .olap_i64(&format!(
                "SELECT count(*) FROM {}",
                starlift_domain::warehouse::quote_table(table)
            ))
            .await;
        assert_eq!(manifest.rows, rows as u64, "{table}: manifest rows");
        let prefix = starlift_lakehouse::layout::table_prefix(dataset, short);
        let mut listed = keys_under(h, &prefix).await;
        assert!(listed.remove(&format!("{prefix}_manifest.json")));
        let listed_files: BTreeSet<String> = manifest.files.iter().map(|f| f.key.clone()).collect();
        assert_eq!(listed, listed_files, "{table}: files under the prefix");
        for file in &manifest.files {
            match &file.partition {
                Some(p) => assert!(
                    file.key.starts_with(&format!("{prefix}{p}/part-")),
                    "{file:?}"
                ),
                None => assert!(manifest.partition_by.is_none()),
            }
        }
    }
}

fn plan_of(report: &BuildReport, table: &str) -> TablePlan {
    report.lakehouse.as_ref().expect("lakehouse report").tables[table].plan
}

const NEW_INVOICE: &str = "InvoiceId,CustomerId,InvoiceDate,BillingAddress,BillingCity,BillingState,BillingCountry,BillingPostalCode,Total\n\
    90001,9,2031-05-17 00:00:00,Lijnbaansgracht 226,Amsterdam,VV,Netherlands,1022 JB,1.98\n";
const NEW_LINES: &str = "InvoiceLineId,InvoiceId,TrackId,UnitPrice,Quantity\n\
    900001,90001,1,0.99,2\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_incrementally_and_retries() {
    let h = Harness::start_dataset("chinook").await;
    h.load_sample("chinook").await;
    let builder = publishing_builder(&h, "chinook", h.sandbox.bucket()).await;

    // First build: everything, whole.
    let first = build(&builder).await;
    common::assert_clean(&first);
    let lakehouse = first.lakehouse.as_ref().expect("lakehouse report");
    for (table, report) in &lakehouse.tables {
        assert_eq!(report.plan, TablePlan::Whole, "{table}: {report:?}");
        assert!(report.files >= 1, "{table}");
    }
    assert!(
        lakehouse.tables["fact_sales"]
            .partitions_rewritten
            .is_empty()
    );
    assert!(
        lakehouse.tables["fact_sales"].files > 12,
        "one file per month"
    );
    assert_exported(&h, "chinook").await;
    let before = manifest(&h, "chinook", "fact_sales").await;

    // Nothing new: nothing exported.
    let idle = build(&builder).await;
    for (table, report) in &idle.lakehouse.as_ref().unwrap().tables {
        assert_eq!(report.plan, TablePlan::Unchanged, "{table}");
        assert_eq!(report.files, 0);
    }

    // A new invoice in a new month: its partition only.
    h.drop_csv("Invoice", "new", NEW_INVOICE).await;
    h.drop_csv("InvoiceLine", "new", NEW_LINES).await;
    let third = build(&builder).await;
    common::assert_clean(&third);
    let sales = &third.lakehouse.as_ref().unwrap().tables["fact_sales"];
    assert_eq!(sales.plan, TablePlan::Partitions, "{sales:?}");
    assert_eq!(sales.partitions_rewritten, ["year=2031/month=05"]);
    assert_eq!((sales.files, sales.rows), (1, 1));
    assert_eq!(sales.table_rows, before.rows + 1);
    assert_eq!(plan_of(&third, "dim_playlist"), TablePlan::Unchanged);
    assert_exported(&h, "chinook").await;
    let after = manifest(&h, "chinook", "fact_sales").await;
    let untouched: Vec<_> = after
        .files
        .iter()
        .filter(|f| f.partition.as_deref() != Some("year=2031/month=05"))
        .collect();
    assert_eq!(untouched.len(), before.files.len(), "other partitions kept");
    assert!(untouched.iter().all(|f| before.files.contains(f)));

    // An export that fails (S3 unreachable) fails the invocation after the
    // build committed...
    let unreachable = h
        .sandbox
        .s3_client()
        .config()
        .to_builder()
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
        .build();
    let bucket = h.sandbox.bucket().to_string();
    let broken =
        common::new_builder_with(&h.sandbox, &[("DATASET", "chinook"), ("BUCKET", &bucket)])
            .await
            .with_s3(aws_sdk_s3::Client::from_conf(unreachable));
    h.drop_csv("Invoice", "moved", &NEW_INVOICE.replace(",1.98", ",4.95"))
        .await;
    h.drop_csv(
        "InvoiceLine",
        "moved",
        "InvoiceLineId,InvoiceId,TrackId,UnitPrice,Quantity\n900001,90001,1,0.99,5\n",
    )
    .await;
    let builds = h.olap_i64("SELECT count(*) FROM etl.build_run").await;
    match handle_request(&broken, json!({})).await {
        Err(BuildError::Lakehouse { build_id, source }) => {
            assert!(build_id.is_some());
            assert!(source.to_string().contains("S3"), "{source}");
        }
        other => panic!("expected a lakehouse error, got {other:?}"),
    }
    assert_eq!(
        h.olap_i64("SELECT count(*) FROM etl.build_run").await,
        builds + 1
    );
    // ... and the next invocation, with nothing new to build, exports it.
    let retry = build(&builder).await;
    assert_eq!(retry.batches_consumed, 0);
    let sales = &retry.lakehouse.as_ref().unwrap().tables["fact_sales"];
    assert_eq!(sales.partitions_rewritten, ["year=2031/month=05"]);
    assert_exported(&h, "chinook").await;
    let quantity = h
        .olap_i64("SELECT quantity::bigint FROM dw.fact_sales WHERE invoice_line_id = 900001")
        .await;
    assert_eq!(quantity, 5);

    // A full build rewrites every table; no superseded file is left.
    let full = common::build_with(&builder, json!({"mode": "full"})).await;
    for (table, report) in &full.lakehouse.as_ref().unwrap().tables {
        assert_eq!(report.plan, TablePlan::Whole, "{table}: {report:?}");
    }
    assert_exported(&h, "chinook").await;
    assert_eq!(
        h.olap_i64("SELECT count(*) FROM etl.lakehouse_dirty").await,
        0
    );
}
