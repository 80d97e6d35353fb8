//! Test harness: a sandbox (real PostgreSQL, real S3 protocol server), the
//! real loader filling the OLTP database from files dropped into the bucket,
//! and builders pointed at the sandbox's OLTP and OLAP databases.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadStatus, LoadSummary, Loader, handle_event};
use star_builder::{BuildReport, BuildRequest, BuildStatus, Builder, Response, handle_request};
use starlift_domain::config::{BuilderConfig, LoaderConfig};
use starlift_domain::sql::{named_statements, statement};
use starlift_sandbox::Sandbox;
use tokio_postgres::Client;

/// Pairs of queries that must return the same rows: `<name>:olap` over the
/// analytics views, `<name>:oltp` the same question over chinook.*.
const ANALYTICS_VS_OLTP: &str = include_str!("../sql/analytics_vs_oltp.sql");

/// Views that may have no rows: "two years ago" (two years before the
/// latest sale) has no sales when a test's invoice lies years after the
/// rest. They are compared all the same.
const MAY_BE_EMPTY: [&str; 2] = ["top_artists_two_years_ago", "genre_sales_two_years_ago"];

pub struct Harness {
    pub sandbox: Sandbox,
    pub loader: Loader,
    pub builder: Builder,
    pub oltp: Client,
    pub olap: Client,
    sequencer: AtomicU64,
}

impl Harness {
    /// OLTP and OLAP in two databases of one server.
    pub async fn start() -> Self {
        Self::with(Sandbox::start().await.expect("sandbox starts")).await
    }

    /// OLTP and OLAP in one database.
    pub async fn start_single_database() -> Self {
        Self::with(
            Sandbox::start_single_database()
                .await
                .expect("sandbox starts"),
        )
        .await
    }

    /// OLTP and OLAP in two databases of one server, the loader and the
    /// builder serving the pack `dataset` (`DATASET`).
    pub async fn start_dataset(dataset: &str) -> Self {
        Self::with_env(
            Sandbox::start().await.expect("sandbox starts"),
            &[("DATASET", dataset)],
        )
        .await
    }

    async fn with(sandbox: Sandbox) -> Self {
        Self::with_env(sandbox, &[]).await
    }

    /// The functions' environment is the sandbox's plus `extra`.
    async fn with_env(sandbox: Sandbox, extra: &[(&str, &str)]) -> Self {
        let env = lookup(&sandbox);
        let loader_config = LoaderConfig::from_lookup(|name: &str| {
            extra
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
                .or_else(|| env(name))
        })
        .expect("loader config");
        let loader = Loader::connect(loader_config, sandbox.s3_client(), None)
            .await
            .expect("loader starts");
        let builder = new_builder_with(&sandbox, extra).await;
        let oltp = sandbox.connect_oltp().await.expect("connect OLTP");
        let olap = sandbox.connect_olap().await.expect("connect OLAP");
        Self {
            sandbox,
            loader,
            builder,
            oltp,
            olap,
            sequencer: AtomicU64::new(0x10),
        }
    }

    /// Uploads `bytes` to `key` and hands the S3 event to the loader: a
    /// load with every row in and none rejected or left pending.
    pub async fn drop_file(&self, key: &str, bytes: Vec<u8>) -> LoadSummary {
        let summary = self.load_file(key, bytes).await;
        assert_eq!(summary.rows_pending, 0, "{summary:?}");
        summary
    }

    /// Uploads `bytes` to `key` and hands the S3 event to the loader: a
    /// load with no row rejected (rows may wait for their parents).
    pub async fn load_file(&self, key: &str, bytes: Vec<u8>) -> LoadSummary {
        let size = bytes.len() as i64;
        let response = self
            .sandbox
            .s3_client()
            .put_object()
            .bucket(self.sandbox.bucket())
            .key(key)
            .body(bytes.into())
            .send()
            .await
            .expect("put object");
        let etag = response
            .e_tag()
            .expect("etag")
            .trim_matches('"')
            .to_string();
        let sequencer = format!("{:016X}", self.sequencer.fetch_add(1, Ordering::SeqCst));
        let event = object_created(&[PutObject {
            bucket: self.sandbox.bucket(),
            key,
            etag: &etag,
            size,
            sequencer: &sequencer,
            version_id: None,
        }])
        .expect("event");
        let mut report = handle_event(&self.loader, event)
            .await
            .expect("load succeeds");
        assert_eq!(report.loads.len(), 1);
        let summary = report.loads.remove(0);
        assert_eq!(summary.status, LoadStatus::Loaded, "{summary:?}");
        assert_eq!(summary.rows_rejected, 0, "{summary:?}");
        summary
    }

    /// Drops a CSV (header + rows) for `table` under a fresh key.
    pub async fn drop_csv(&self, csv_name: &str, phase: &str, text: &str) -> LoadSummary {
        self.drop_file(
            &format!("incoming/{csv_name}/{phase}.csv"),
            text.as_bytes().to_vec(),
        )
        .await
    }

    /// Loads every sample file of `data/<pack>/` through the loader, in
    /// name order (children may wait for their parents).
    pub async fn load_sample(&self, pack: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data")
            .join(pack);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("sample dir")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().expect("file name").to_string_lossy();
            let bytes = std::fs::read(&path).expect("read sample");
            self.load_file(&format!("incoming/{name}"), bytes).await;
        }
    }

    /// Loads the 11 Chinook files through the loader.
    pub async fn load_chinook(&self, dir: &std::path::Path) {
        for (table, rows) in CHINOOK_ROWS {
            // The official export names files in PascalCase (InvoiceLine.csv).
            let csv_name: String = table
                .split('_')
                .map(|word| {
                    let mut chars = word.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first.to_uppercase().chain(chars).collect()
                    })
                })
                .collect();
            let bytes = std::fs::read(dir.join(format!("{csv_name}.csv"))).expect("read CSV");
            let summary = self
                .drop_file(&format!("incoming/{csv_name}.csv"), bytes)
                .await;
            assert_eq!(summary.rows_inserted, *rows as u64, "{summary:?}");
        }
    }

    /// Runs an event through the real handler; returns the build report.
    pub async fn build_event(&self, event: serde_json::Value) -> BuildReport {
        build_with(&self.builder, event).await
    }

    pub async fn build(&self) -> BuildReport {
        self.build_event(serde_json::json!({})).await
    }

    pub async fn build_full(&self) -> BuildReport {
        self.build_event(serde_json::json!({"mode": "full"})).await
    }

    pub async fn olap_i64(&self, sql: &str) -> i64 {
        self.olap.query_one(sql, &[]).await.expect(sql).get(0)
    }

    pub async fn oltp_i64(&self, sql: &str) -> i64 {
        self.oltp.query_one(sql, &[]).await.expect(sql).get(0)
    }
}

fn lookup(sandbox: &Sandbox) -> impl Fn(&str) -> Option<String> + use<> {
    let env = sandbox.env();
    move |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// Another builder (own connections) on the same sandbox.
pub async fn new_builder(sandbox: &Sandbox) -> Builder {
    new_builder_with(sandbox, &[]).await
}

/// A builder whose environment also has `extra` (`DQ_FAIL_HARD`, say).
pub async fn new_builder_with(sandbox: &Sandbox, extra: &[(&str, &str)]) -> Builder {
    let env = lookup(sandbox);
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let config = BuilderConfig::from_lookup(|name: &str| {
        extra
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| env(name))
    })
    .expect("builder config");
    Builder::connect(config, None)
        .await
        .expect("builder starts")
}

/// Runs an event through `handle_request`; the build must succeed.
pub async fn build_with(builder: &Builder, event: serde_json::Value) -> BuildReport {
    match handle_request(builder, event.clone()).await {
        Ok(Response::Build(report)) => *report,
        other => panic!("{event}: {other:?}"),
    }
}

/// Asserts a committed build whose every DQ check passed.
pub fn assert_clean(report: &BuildReport) {
    assert_eq!(report.status, BuildStatus::Ok, "{report:#?}");
    assert!(report.build_id.is_some());
    assert!(report.dq.len() >= 20, "{} DQ checks", report.dq.len());
    let failed: Vec<_> = report.dq.iter().filter(|c| !c.passed).collect();
    assert!(failed.is_empty(), "DQ failed: {failed:#?}");
    assert_eq!(report.dq_failed, 0);
}

pub fn changed(report: &BuildReport, table: &str) -> i64 {
    *report
        .rows_changed
        .get(table)
        .unwrap_or_else(|| panic!("no rows_changed for {table}: {:?}", report.rows_changed))
}

/// The rows of `sql` as sorted text.
pub async fn rows_as_text(client: &Client, sql: &str) -> Vec<String> {
    let wrapped = format!("SELECT x::text FROM ({sql}) x");
    let mut rows: Vec<String> = client
        .query(&wrapped, &[])
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
        .iter()
        .map(|r| r.get(0))
        .collect();
    rows.sort();
    rows
}

/// Fails with a sample of the differences unless both have the same rows.
pub fn assert_same_rows(label: &str, a: &[String], b: &[String]) {
    if a == b {
        return;
    }
    let only_a: Vec<&String> = a.iter().filter(|r| !b.contains(r)).take(5).collect();
    let only_b: Vec<&String> = b.iter().filter(|r| !a.contains(r)).take(5).collect();
    panic!(
        "{label}: {} vs {} rows; only in the first (e.g.): {only_a:#?}; only in the second: {only_b:#?}",
        a.len(),
        b.len()
    );
}

/// Every analytics view against the same question answered straight from
/// the OLTP tables. `with_employee`: include employee_performance, which is
/// only answerable from OLTP while no support rep has changed (OLTP keeps no
/// history).
pub async fn assert_analytics_agree_with_oltp(h: &Harness, with_employee: bool) -> usize {
    let statements = named_statements(ANALYTICS_VS_OLTP);
    let mut compared = 0;
    for (name, olap_sql) in &statements {
        let Some(view) = name.strip_suffix(":olap") else {
            continue;
        };
        if view == "employee_performance" && !with_employee {
            continue;
        }
        let oltp_sql = statement(&statements, &format!("{view}:oltp")).expect("pair");
        let from_views = rows_as_text(&h.olap, olap_sql).await;
        let from_oltp = rows_as_text(&h.oltp, oltp_sql).await;
        assert!(
            !from_views.is_empty() || MAY_BE_EMPTY.contains(&view),
            "{view}: no rows"
        );
        assert_same_rows(view, &from_views, &from_oltp);
        compared += 1;
    }
    assert!(compared >= 16, "only {compared} comparisons");
    compared
}

/// The dw tables with surrogate keys replaced by the natural keys they stand
/// for, and every analytics view: two warehouses are the same when these
/// agree row for row.
pub const PROJECTIONS: &[(&str, &str)] = &[
    ("dim_date", "SELECT * FROM dw.dim_date"),
    (
        "dim_customer",
        "SELECT customer_id, version_no, first_name, last_name, full_name, company, address, city, state, country, postal_code, phone, fax, email, support_rep_id, attr_hash, valid_from, valid_to, is_current FROM dw.dim_customer",
    ),
    (
        "dim_employee",
        "SELECT employee_id, first_name, last_name, full_name, title, manager_employee_id, manager_full_name, manager_title, birth_date, hire_date, address, city, state, country, postal_code, phone, fax, email FROM dw.dim_employee",
    ),
    (
        "dim_track",
        "SELECT track_id, track_name, album_id, album_title, artist_id, artist_name, genre_id, genre_name, media_type_id, media_type_name, composer, milliseconds, bytes, unit_price FROM dw.dim_track",
    ),
    (
        "dim_playlist",
        "SELECT playlist_id, playlist_name FROM dw.dim_playlist",
    ),
    (
        "bridge_playlist_track",
        "SELECT p.playlist_id, t.track_id FROM dw.bridge_playlist_track b LEFT JOIN dw.dim_playlist p USING (playlist_key) LEFT JOIN dw.dim_track t USING (track_key)",
    ),
    (
        "fact_sales",
        "SELECT f.invoice_line_id, f.invoice_id, f.date_key, c.customer_id, c.version_no, t.track_id, e.employee_id, f.quantity, f.unit_price, f.amount FROM dw.fact_sales f LEFT JOIN dw.dim_customer c USING (customer_key) LEFT JOIN dw.dim_track t USING (track_key) LEFT JOIN dw.dim_employee e USING (employee_key)",
    ),
    (
        "fact_invoice_summary",
        "SELECT f.invoice_id, f.date_key, c.customer_id, c.version_no, e.employee_id, f.billing_address, f.billing_city, f.billing_state, f.billing_country, f.billing_postal_code, f.line_count, f.quantity, f.invoice_total FROM dw.fact_invoice_summary f LEFT JOIN dw.dim_customer c USING (customer_key) LEFT JOIN dw.dim_employee e USING (employee_key)",
    ),
];

/// `(label, sorted rows)` of the projections and every analytics view.
pub async fn warehouse_by_natural_keys(olap: &Client) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (name, sql) in PROJECTIONS {
        out.push((format!("dw.{name}"), rows_as_text(olap, sql).await));
    }
    for view in analytics_views(olap).await {
        let sql = format!("SELECT * FROM analytics.{view}");
        out.push((format!("analytics.{view}"), rows_as_text(olap, &sql).await));
    }
    out
}

/// Every row of mirror, dw and the analytics views, surrogate keys included.
pub async fn warehouse_exactly(olap: &Client) -> Vec<(String, Vec<String>)> {
    let tables: Vec<String> = olap
        .query(
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
             WHERE table_schema IN ('mirror', 'dw', 'analytics') ORDER BY 1",
            &[],
        )
        .await
        .expect("list tables")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(tables.len() >= 30, "{tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let rows = rows_as_text(olap, &format!("SELECT * FROM {table}")).await;
        out.push((table, rows));
    }
    out
}

pub fn assert_same_warehouse(a: &[(String, Vec<String>)], b: &[(String, Vec<String>)]) {
    let names_a: Vec<&String> = a.iter().map(|(n, _)| n).collect();
    let names_b: Vec<&String> = b.iter().map(|(n, _)| n).collect();
    assert_eq!(names_a, names_b);
    for ((name, rows_a), (_, rows_b)) in a.iter().zip(b) {
        assert_same_rows(name, rows_a, rows_b);
    }
}

async fn analytics_views(olap: &Client) -> Vec<String> {
    let views: Vec<String> = olap
        .query(
            "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'analytics' ORDER BY 1",
            &[],
        )
        .await
        .expect("list views")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(views.len() >= 12, "{views:?}");
    views
}

pub use starlift_sandbox::chinook::{CHINOOK_ROWS, chinook_dir};

/// Starts a harness with the real Chinook set loaded, or `None` (after the
/// SKIPPED line) when the data set is absent.
pub async fn with_chinook(single_database: bool) -> Option<Harness> {
    let dir = chinook_dir()?;
    let h = if single_database {
        Harness::start_single_database().await
    } else {
        Harness::start().await
    };
    h.load_chinook(&dir).await;
    Some(h)
}

pub const INCREMENTAL: BuildRequest = BuildRequest::INCREMENTAL;
