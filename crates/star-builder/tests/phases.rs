//! The engine's promise (docs/warehouse.md): a chain of incremental builds
//! gives the same warehouse as one `{"mode":"full"}` build, surrogate keys
//! aside. Checked for every embedded pack with models, on its sample data
//! (`data/<pack>/`), and for the test pack `tests/packs/orders/`; a copy of
//! that pack with a wrong grain declaration (`tests/packs/orders_wrong_grain/`)
//! must fail the same check.
//!
//! Every sample CSV is split into three phases by row order (the header kept
//! in each part). Phase by phase, the parts go through the real loader
//! handler (parents first) and an incremental build (`"plan":"incremental"`)
//! follows; then phase 1 is delivered again, unchanged, and built. Every
//! table the pack's models write (their `-- writes:` headers) is then
//! snapshotted, a full build runs, and each table is compared row for row
//! with its snapshot, in SQL: each row becomes a jsonb without its identity
//! columns (the surrogate keys), and a column named like another table's
//! identity column (a reference to it) holds the referenced row instead,
//! itself without keys; `EXCEPT ALL` both ways must be empty. The
//! data-quality checks must pass once every phase is in (the builds after
//! phase 1 again and the full build); in between, a check that compares
//! rows split across phases (an invoice's total with its lines) may fail.
//!
//! Chinook's samples are `data/chinook/`; `CHINOOK_DIR` (the variable the
//! other tests read the real data set from) points the test elsewhere.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadStatus, Loader, handle_event};
use serde_json::json;
use star_builder::{BuildReport, BuildStatus, Builder, Mode, Response, handle_request};
use starlift_domain::catalog::{Catalog, quote_ident, quote_literal};
use starlift_domain::config::{BuilderConfig, LoaderConfig};
use starlift_domain::pack::{Pack, names};
use starlift_domain::warehouse::quote_table;
use starlift_sandbox::Sandbox;
use tokio_postgres::Client;

/// How many phases the sample files are split into.
const PHASES: usize = 3;
/// The schema the snapshots are kept in (OLAP).
const SNAPSHOTS: &str = "phase_snapshot";
/// Differing rows shown per side.
const SHOWN: i64 = 5;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The sample data of an embedded pack: `data/<pack>/`, or `CHINOOK_DIR`
/// for Chinook when it is set.
fn sample_dir(pack: &str) -> PathBuf {
    match std::env::var_os("CHINOOK_DIR") {
        Some(dir) if pack == "chinook" => PathBuf::from(dir),
        _ => repo_root().join("data").join(pack),
    }
}

fn test_pack_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/packs")
        .join(name)
}

fn test_data_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_embedded_pack_builds_the_same_incrementally_and_in_full() {
    let mut checked = 0;
    for name in names() {
        let pack = Pack::embedded(name).expect("embedded pack");
        if pack.models.is_empty() {
            eprintln!("pack {name}: no models (sql/{name}/models/), nothing to build");
            continue;
        }
        let outcome = run_phases(pack, &sample_dir(name)).await;
        outcome.assert_same(name);
        assert!(
            outcome.resolutions > 0,
            "pack {name}: no pending row resolved in a later transaction, so the test does not cover them"
        );
        checked += 1;
    }
    assert!(checked > 0, "no embedded pack has models");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_orders_test_pack_builds_the_same_incrementally_and_in_full() {
    let dir = test_pack_dir("orders");
    let pack = Pack::from_dir(&dir).expect("orders pack");
    let outcome = run_phases(pack, &test_data_dir("orders")).await;
    outcome.assert_same("orders");
    // Not vacuous: the facts hold every order and line, the customer who
    // moved has three versions (moved, then moved back by the re-delivery).
    let rows = |table: &str| outcome.rows.get(table).copied().unwrap_or(0);
    assert_eq!(rows("dw.fact_order"), 5, "{:?}", outcome.rows);
    assert_eq!(rows("dw.fact_order_line"), 8, "{:?}", outcome.rows);
    assert_eq!(rows("dw.dim_customer"), 6, "{:?}", outcome.rows);
    assert_eq!(rows("dw.dim_product"), 5, "{:?}", outcome.rows);
}

/// A fact whose declared sources leave out the lines misses the lines added
/// to an order delivered in an earlier phase: the check finds the facts of
/// the incremental builds differ from the full build's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_grain_declaration_fails_the_phase_test() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let dir = scratch.path().join("orders_wrong_grain");
    copy_dir(&test_pack_dir("orders"), &dir);
    std::fs::copy(
        test_pack_dir("orders_wrong_grain").join("dataset.toml"),
        dir.join("dataset.toml"),
    )
    .expect("copy the wrong manifest");
    let pack = Pack::from_dir(&dir).expect("orders_wrong_grain pack");
    let outcome = run_phases(pack, &test_data_dir("orders")).await;
    assert!(outcome.dq_failures.is_empty(), "{:#?}", outcome.dq_failures);
    let tables: Vec<&str> = outcome
        .differences
        .iter()
        .map(|d| d.table.as_str())
        .collect();
    assert!(
        tables.contains(&"dw.fact_order") && tables.contains(&"dw.fact_order_line"),
        "the wrong grain went unnoticed: {:#?}",
        outcome.differences
    );
    // Order 11's later lines are what the incremental builds missed.
    let fact_order = outcome
        .differences
        .iter()
        .find(|d| d.table == "dw.fact_order")
        .expect("dw.fact_order differs");
    assert!(
        fact_order
            .only_full
            .iter()
            .any(|row| row.contains("\"order_id\": 11")),
        "{fact_order:#?}"
    );
    eprintln!("{}", outcome.report());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

// ---------------------------------------------------------------------------
// The run.

/// What one pack's run found.
#[derive(Debug)]
struct Outcome {
    /// Ledger rows of later resolution transactions (`resolves_for`).
    resolutions: i64,
    pack: String,
    /// Rows of every compared table after the full build.
    rows: BTreeMap<String, i64>,
    differences: Vec<Difference>,
    /// Failed data-quality checks of the builds after every phase is in
    /// (phase 1 again, full), as `build: check: detail`.
    dq_failures: Vec<String>,
}

/// A table whose rows differ between the incremental builds and the full
/// build (rows as normalised jsonb text).
#[derive(Debug)]
struct Difference {
    table: String,
    incremental_rows: i64,
    full_rows: i64,
    only_incremental_count: i64,
    only_full_count: i64,
    only_incremental: Vec<String>,
    only_full: Vec<String>,
}

impl Outcome {
    fn report(&self) -> String {
        let mut out = format!("pack {}:", self.pack);
        for d in &self.differences {
            out.push_str(&format!(
                "\n  {}: {} rows after the incremental builds, {} after the full build; \
                 {} only after the incremental builds, e.g.:\n    {}\n  \
                 {} only after the full build, e.g.:\n    {}",
                d.table,
                d.incremental_rows,
                d.full_rows,
                d.only_incremental_count,
                d.only_incremental.join("\n    "),
                d.only_full_count,
                d.only_full.join("\n    "),
            ));
        }
        for failure in &self.dq_failures {
            out.push_str(&format!("\n  DQ failed: {failure}"));
        }
        out
    }

    fn assert_same(&self, name: &str) {
        assert!(
            self.differences.is_empty() && self.dq_failures.is_empty(),
            "pack {name}: incremental builds and a full build disagree\n{}",
            self.report()
        );
        assert!(
            self.rows.values().sum::<i64>() > 0,
            "pack {name}: the warehouse is empty: {:?}",
            self.rows
        );
        eprintln!("pack {name}: incremental = full on {:?}", self.rows);
    }
}

/// One sample file, split.
struct SampleFile {
    stem: String,
    /// The parts, header first in each.
    parts: Vec<Vec<u8>>,
}

struct Run {
    sandbox: Sandbox,
    loader: Loader,
    builder: Builder,
    olap: Client,
    sequencer: AtomicU64,
    dq_failures: Vec<String>,
    /// Every phase is in: the data is whole again, so must be its checks
    /// (a file cut by row order may deliver an invoice before its last
    /// lines, which a check of its total rightly reports in between).
    settled: bool,
}

async fn run_phases(pack: Pack, data: &Path) -> Outcome {
    let name = pack.name().to_string();
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let env = sandbox.env();
    let lookup = |key: &str| env.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let mut loader = Loader::connect_pack(
        LoaderConfig::from_lookup(lookup).expect("loader config"),
        sandbox.s3_client(),
        None,
        pack.clone(),
    )
    .await
    .expect("loader starts with the pack");
    // Rows that waited for a parent resolve a few at a time, in later
    // transactions with ledger rows of their own: batches the builder must
    // pick up like any other.
    loader.resolve_budget = 7;
    let builder = Builder::with_pack(
        BuilderConfig::from_lookup(lookup).expect("builder config"),
        None,
        pack.clone(),
    )
    .expect("builder serves the pack");
    builder.prepare().await.expect("OLAP migrations");
    let olap = sandbox.connect_olap().await.expect("connect OLAP");
    let mut run = Run {
        sandbox,
        loader,
        builder,
        olap,
        sequencer: AtomicU64::new(0x10),
        dq_failures: Vec::new(),
        settled: false,
    };

    let files = split_samples(&pack, run.loader.catalog, data);
    for phase in 0..PHASES {
        for file in &files {
            run.drop_part(file, phase, &format!("phase-{}", phase + 1))
                .await;
        }
        run.build_incremental(&format!("phase {}", phase + 1)).await;
    }
    for file in &files {
        run.drop_part(file, 0, "phase-1-again").await;
    }
    run.settled = true;
    run.build_incremental("phase 1 again").await;
    let oltp = run.sandbox.connect_oltp().await.expect("connect OLTP");
    let pending: i64 = oltp
        .query_one("SELECT count(*) FROM etl.pending_row", &[])
        .await
        .expect("pending rows")
        .get(0);
    assert_eq!(pending, 0, "pack {name}: rows still wait for their parents");
    let outcome_resolutions: i64 = oltp
        .query_one(
            "SELECT count(*) FROM etl.load WHERE resolves_for IS NOT NULL",
            &[],
        )
        .await
        .expect("resolution rows")
        .get(0);

    let tables = written_tables(&pack);
    assert!(!tables.is_empty(), "pack {name}: no model writes a table");
    let shapes = Shapes::read(&run.olap, &tables).await;
    run.olap
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {SNAPSHOTS} CASCADE; CREATE SCHEMA {SNAPSHOTS}"
        ))
        .await
        .expect("snapshot schema");
    for (i, table) in tables.iter().enumerate() {
        let sql = format!(
            "CREATE TABLE {SNAPSHOTS}.t{i} AS SELECT {} AS row FROM {} t0",
            shapes.normalised(table, "t0"),
            quote_table(table)
        );
        run.olap.batch_execute(&sql).await.expect(&sql);
    }

    let full = run.build(json!({"mode": "full"}), "full").await;
    assert_eq!(full.mode, Mode::Full, "{full:?}");
    let mut differences = Vec::new();
    let mut rows = BTreeMap::new();
    for (i, table) in tables.iter().enumerate() {
        let (full_rows, difference) = compare(&run.olap, &shapes, table, i).await;
        rows.insert(table.clone(), full_rows);
        differences.extend(difference);
    }
    let Run {
        sandbox,
        loader,
        builder,
        olap,
        dq_failures,
        ..
    } = run;
    // Close the connections before the sandbox stops the server.
    drop((loader, builder, olap, oltp));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    drop(sandbox);
    Outcome {
        resolutions: outcome_resolutions,
        pack: name,
        rows,
        differences,
        dq_failures,
    }
}

impl Run {
    /// Uploads part `phase` of `file` under `incoming/<stem>/<label>.csv`
    /// and hands the event to the loader: it must load every row (some may
    /// wait for parents of a later phase).
    async fn drop_part(&self, file: &SampleFile, phase: usize, label: &str) {
        let bytes = file.parts[phase].clone();
        let key = format!("incoming/{}/{label}.csv", file.stem);
        let size = bytes.len() as i64;
        let put = self
            .sandbox
            .s3_client()
            .put_object()
            .bucket(self.sandbox.bucket())
            .key(&key)
            .body(bytes.into())
            .send()
            .await
            .expect("put object");
        let etag = put.e_tag().expect("etag").trim_matches('"').to_string();
        let sequencer = format!("{:016X}", self.sequencer.fetch_add(1, Ordering::SeqCst));
        let event = object_created(&[PutObject {
            bucket: self.sandbox.bucket(),
            key: &key,
            etag: &etag,
            size,
            sequencer: &sequencer,
            version_id: None,
        }])
        .expect("event");
        let report = handle_event(&self.loader, event)
            .await
            .expect("load succeeds");
        for load in &report.loads {
            assert_eq!(load.status, LoadStatus::Loaded, "{key}: {load:?}");
            assert_eq!(load.rows_rejected, 0, "{key}: {load:?}");
        }
    }

    /// An incremental build of exactly what was asked.
    async fn build_incremental(&mut self, label: &str) {
        let report = self
            .build(json!({"mode": "incremental", "plan": "incremental"}), label)
            .await;
        assert_eq!(report.plan, Mode::Incremental, "{label}: {report:?}");
    }

    async fn build(&mut self, event: serde_json::Value, label: &str) -> BuildReport {
        let report = match handle_request(&self.builder, event.clone()).await {
            Ok(Response::Build(report)) => *report,
            other => panic!("{label}: {event}: {other:?}"),
        };
        assert_ne!(report.status, BuildStatus::Busy, "{label}: {report:?}");
        assert!(report.build_id.is_some(), "{label}: {report:?}");
        for check in report.dq.iter().filter(|c| !c.passed) {
            let failure = format!("{label}: {}: {}", check.check, check.detail);
            if self.settled {
                self.dq_failures.push(failure);
            } else {
                eprintln!("note, part of the data is in: DQ failed: {failure}");
            }
        }
        report
    }
}

// ---------------------------------------------------------------------------
// Sample files.

/// Every `.csv` of `data`, in the catalog's load order (parents first), each
/// split into [`PHASES`] parts by row order.
fn split_samples(pack: &Pack, catalog: &Catalog, data: &Path) -> Vec<SampleFile> {
    let quote = pack
        .csv_options()
        .iter()
        .rev()
        .find(|(option, _)| option == "quote")
        .and_then(|(_, value)| single_byte(value))
        .unwrap_or(b'"');
    let mut files: Vec<(usize, SampleFile)> = Vec::new();
    for entry in std::fs::read_dir(data).unwrap_or_else(|e| panic!("{}: {e}", data.display())) {
        let path = entry.expect("entry").path();
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".csv"))
        else {
            continue;
        };
        let table = catalog
            .find(stem)
            .unwrap_or_else(|| panic!("{} names no table of pack {}", path.display(), pack.name()));
        let order = catalog
            .load_order()
            .position(|t| t.name == table.name)
            .expect("table in load order");
        let bytes = std::fs::read(&path).expect("read sample");
        files.push((
            order,
            SampleFile {
                stem: stem.to_string(),
                parts: split(&bytes, quote, PHASES),
            },
        ));
    }
    files.sort_by(|a, b| (a.0, &a.1.stem).cmp(&(b.0, &b.1.stem)));
    assert!(
        !files.is_empty(),
        "{}: no sample CSVs for pack {}",
        data.display(),
        pack.name()
    );
    files.into_iter().map(|(_, file)| file).collect()
}

fn single_byte(value: &str) -> Option<u8> {
    match value.as_bytes() {
        [byte] => Some(*byte),
        _ => None,
    }
}

/// The delimiter the header line uses most of `,`, `;`, tab and `|`.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| header.iter().filter(|b| *b == d).count())
        .unwrap_or(b',')
}

/// Splits a CSV file into `parts` by row order, the header line at the head
/// of each part; rows are cut at record boundaries (a quoted field may span
/// lines).
fn split(bytes: &[u8], quote: u8, parts: usize) -> Vec<Vec<u8>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .quote(quote)
        .delimiter(sniff_delimiter(bytes))
        .from_reader(bytes);
    reader.byte_headers().expect("header");
    let mut starts: Vec<usize> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        // The reader may stop between a CR and its LF: a record starts past
        // the line ends (a blank line is no record).
        let mut start = reader.position().byte() as usize;
        if !reader.read_byte_record(&mut record).expect("record") {
            break;
        }
        while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        starts.push(start);
    }
    let header_end = starts.first().copied().unwrap_or(bytes.len());
    let rows = starts.len();
    let boundary = |row: usize| starts.get(row).copied().unwrap_or(bytes.len());
    (0..parts)
        .map(|part| {
            let (from, to) = (
                boundary(rows * part / parts),
                boundary(rows * (part + 1) / parts),
            );
            let mut out = bytes[..header_end].to_vec();
            out.extend_from_slice(&bytes[from..to]);
            out
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The tables the models write and their comparison.

/// The tables the models write (their `-- writes:` headers), in the order
/// the models run.
fn written_tables(pack: &Pack) -> Vec<String> {
    pack.written_tables()
        .into_iter()
        .map(String::from)
        .collect()
}

/// The identity columns of the written tables, and which table each
/// identity column's name points to.
struct Shapes {
    /// table → its identity columns.
    identity: BTreeMap<String, Vec<String>>,
    /// table → its columns.
    columns: BTreeMap<String, Vec<String>>,
    /// identity column name → the table it is the key of.
    referenced: BTreeMap<String, String>,
}

impl Shapes {
    async fn read(olap: &Client, tables: &[String]) -> Self {
        let mut shapes = Shapes {
            identity: BTreeMap::new(),
            columns: BTreeMap::new(),
            referenced: BTreeMap::new(),
        };
        for table in tables {
            let (schema, name) = table
                .split_once('.')
                .unwrap_or_else(|| panic!("{table}: write schema.table in the header"));
            let rows = olap
                .query(
                    "SELECT a.attname::text, a.attidentity <> '' FROM pg_attribute a
                     JOIN pg_class c ON c.oid = a.attrelid
                     JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
                     ORDER BY a.attnum",
                    &[&schema, &name],
                )
                .await
                .expect("columns");
            assert!(!rows.is_empty(), "{table}: no such table in OLAP");
            let columns: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            let identity: Vec<String> = rows
                .iter()
                .filter(|r| r.get::<_, bool>(1))
                .map(|r| r.get(0))
                .collect();
            for column in &identity {
                if let Some(other) = shapes.referenced.insert(column.clone(), table.clone()) {
                    panic!("identity column {column} is in both {other} and {table}");
                }
            }
            shapes.columns.insert(table.clone(), columns);
            shapes.identity.insert(table.clone(), identity);
        }
        shapes
    }

    /// A jsonb expression of `alias`'s row of `table`: without its identity
    /// columns, every reference to another table's identity replaced by
    /// that row (normalised the same way).
    fn normalised(&self, table: &str, alias: &str) -> String {
        self.normalised_within(table, alias, &mut vec![table.to_string()])
    }

    fn normalised_within(&self, table: &str, alias: &str, path: &mut Vec<String>) -> String {
        let mut drop: Vec<String> = self.identity.get(table).cloned().unwrap_or_default();
        let mut references: Vec<String> = Vec::new();
        for column in self.columns.get(table).into_iter().flatten() {
            match self.referenced.get(column) {
                Some(target) if target != table && path.contains(target) => {
                    drop.push(column.clone());
                }
                Some(target) if target != table => {
                    let inner = format!("r{}", path.len());
                    path.push(target.clone());
                    let row = self.normalised_within(target, &inner, path);
                    path.pop();
                    references.push(format!(
                        "{}, (SELECT {row} FROM {} {inner} WHERE {inner}.{col} = {alias}.{col})",
                        quote_literal(column),
                        quote_table(target),
                        col = quote_ident(column),
                    ));
                }
                _ => {}
            }
        }
        let mut expression = format!("to_jsonb({alias})");
        if !drop.is_empty() {
            let keys: Vec<String> = drop.iter().map(|c| quote_literal(c)).collect();
            expression = format!("({expression} - ARRAY[{}]::text[])", keys.join(", "));
        }
        if !references.is_empty() {
            expression = format!(
                "({expression} || jsonb_build_object({}))",
                references.join(", ")
            );
        }
        expression
    }
}

/// Compares `table` now (after the full build) with its snapshot; returns
/// its row count and the difference, if any.
async fn compare(
    olap: &Client,
    shapes: &Shapes,
    table: &str,
    index: usize,
) -> (i64, Option<Difference>) {
    let sql = format!(
        "WITH full_rows AS (SELECT {} AS row FROM {} t0),
              snapshot AS (SELECT row FROM {SNAPSHOTS}.t{index}),
              only_incremental AS (SELECT row FROM snapshot EXCEPT ALL SELECT row FROM full_rows),
              only_full AS (SELECT row FROM full_rows EXCEPT ALL SELECT row FROM snapshot)
         SELECT (SELECT count(*) FROM snapshot),
                (SELECT count(*) FROM full_rows),
                (SELECT count(*) FROM only_incremental),
                (SELECT count(*) FROM only_full),
                ARRAY(SELECT row::text FROM only_incremental ORDER BY 1 LIMIT {SHOWN}),
                ARRAY(SELECT row::text FROM only_full ORDER BY 1 LIMIT {SHOWN})",
        shapes.normalised(table, "t0"),
        quote_table(table)
    );
    let row = olap
        .query_one(&sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}\n{sql}"));
    let full_rows: i64 = row.get(1);
    let (only_incremental_count, only_full_count): (i64, i64) = (row.get(2), row.get(3));
    if only_incremental_count == 0 && only_full_count == 0 {
        return (full_rows, None);
    }
    (
        full_rows,
        Some(Difference {
            table: table.to_string(),
            incremental_rows: row.get(0),
            full_rows,
            only_incremental_count,
            only_full_count,
            only_incremental: row.get(4),
            only_full: row.get(5),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_the_header_and_cuts_at_records() {
        let csv = b"id,note\n1,a\n2,\"two\nlines\"\n3,c\n4,d\n5,e\n";
        let parts = split(csv, b'"', 3);
        assert_eq!(
            parts,
            vec![
                b"id,note\n1,a\n".to_vec(),
                b"id,note\n2,\"two\nlines\"\n3,c\n".to_vec(),
                b"id,note\n4,d\n5,e\n".to_vec(),
            ]
        );
        let crlf = b"a;b\r\n1;2\r\n3;4\r\n5;6";
        assert_eq!(
            split(crlf, b'"', 3),
            vec![
                b"a;b\r\n1;2\r\n".to_vec(),
                b"a;b\r\n3;4\r\n".to_vec(),
                b"a;b\r\n5;6".to_vec(),
            ]
        );
    }

    #[test]
    fn the_test_pack_models_write_four_tables() {
        let pack = Pack::from_dir(&test_pack_dir("orders")).unwrap();
        let mut tables = written_tables(&pack);
        tables.sort();
        assert_eq!(
            tables,
            vec![
                "dw.dim_customer",
                "dw.dim_product",
                "dw.fact_order",
                "dw.fact_order_line"
            ]
        );
    }
}
