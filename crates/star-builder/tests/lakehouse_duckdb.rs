//! Checked with a client no one here wrote: for every embedded pack with a
//! warehouse, the sample data (`data/<pack>/`) is loaded and built in the
//! sandbox, exported to its S3 server, copied to a temp dir through the
//! manifests, and DuckDB (PyPI's `duckdb`, in `.venv`: `make deps`) answers
//! the pack's analytics questions over the Parquet files
//! (`scripts/lakehouse_duckdb.py`: the PostgreSQL view definitions run as
//! they are, with the pack's DuckDB shims from `sql/<pack>/lakehouse/`).
//! Every view must give the same rows as in PostgreSQL, numbers equal to
//! the cent.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use common::Harness;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use starlift_domain::pack::{Pack, names};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The venv's Python with duckdb, or a panic saying how to install it.
fn duckdb_python() -> PathBuf {
    let venv = std::env::var_os("VENV").map_or_else(|| repo_root().join(".venv"), PathBuf::from);
    let python = venv.join("bin/python");
    let ok = std::process::Command::new(&python)
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "DuckDB is not installed: {} cannot import duckdb. Run `make deps` (scripts/deps-duckdb.sh installs PyPI's duckdb into .venv).",
        python.display()
    );
    python
}

/// A value as compared: numbers (and numeric text) rounded to the cent.
fn normalize(value: &Value) -> String {
    match value {
        Value::Null => "NULL".into(),
        Value::Number(n) => cents(&n.to_string()).unwrap_or_else(|| n.to_string()),
        Value::String(s) => cents(s).unwrap_or_else(|| s.clone()),
        other => other.to_string(),
    }
}

fn cents(text: &str) -> Option<String> {
    let d = Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()?;
    Some(d.round_dp(2).normalize().to_string())
}

type Rows = Vec<BTreeMap<String, String>>;

fn sorted(mut rows: Rows) -> Rows {
    rows.sort();
    rows
}

async fn postgres_rows(h: &Harness, view: &str) -> Rows {
    let sql = format!("SELECT coalesce(json_agg(to_jsonb(v)), '[]'::json) FROM analytics.{view} v");
    let rows: Value = h.olap.query_one(&sql, &[]).await.expect(&sql).get(0);
    sorted(
        rows.as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), normalize(v)))
                    .collect()
            })
            .collect(),
    )
}

fn duckdb_rows(answer: &Value) -> Rows {
    let columns: Vec<String> = answer["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    sorted(
        answer["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .cloned()
                    .zip(row.as_array().unwrap().iter().map(normalize))
                    .collect()
            })
            .collect(),
    )
}

async fn check_pack(python: &Path, pack: &Pack) {
    let dataset = pack.name();
    let h = Harness::start_dataset(dataset).await;
    h.load_sample(dataset).await;
    let builder = common::new_builder_with(
        &h.sandbox,
        &[("DATASET", dataset), ("BUCKET", h.sandbox.bucket())],
    )
    .await
    .with_s3(h.sandbox.s3_client());
    let report = common::build_with(&builder, json!({})).await;
    common::assert_clean(&report);
    assert!(report.lakehouse.is_some());

    let dir = tempfile::tempdir().unwrap();
    let copied = starlift_lakehouse::local::copy_to_dir(
        &h.sandbox.s3_client(),
        h.sandbox.bucket(),
        dataset,
        &pack.written_tables(),
        dir.path(),
    )
    .await
    .unwrap();
    assert_eq!(copied.len(), pack.written_tables().len());

    let sql = repo_root().join("sql").join(dataset);
    let output = std::process::Command::new(python)
        .arg(repo_root().join("scripts/lakehouse_duckdb.py"))
        .arg(dir.path().join(dataset))
        .arg(sql.join("analytics"))
        .arg(sql.join("lakehouse"))
        .output()
        .expect("run scripts/lakehouse_duckdb.py");
    assert!(
        output.status.success(),
        "{dataset}: DuckDB failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Value = serde_json::from_slice(&output.stdout).unwrap();
    let answers = answers.as_object().unwrap();

    let views: Vec<String> = h
        .olap
        .query(
            "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'analytics' ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let answered: Vec<String> = answers.keys().cloned().collect();
    assert_eq!(answered, views, "{dataset}: DuckDB answers every view");
    let mut failures = Vec::new();
    for view in &views {
        let expected = postgres_rows(&h, view).await;
        let got = duckdb_rows(&answers[view]);
        assert!(!expected.is_empty(), "{dataset}: analytics.{view} is empty");
        if expected != got {
            let missing: Vec<_> = expected
                .iter()
                .filter(|r| !got.contains(r))
                .take(3)
                .collect();
            let extra: Vec<_> = got
                .iter()
                .filter(|r| !expected.contains(r))
                .take(3)
                .collect();
            failures.push(format!(
                "{dataset}: analytics.{view}: DuckDB over Parquet differs from PostgreSQL ({} vs {} rows)\nonly in PostgreSQL: {missing:#?}\nonly in DuckDB: {extra:#?}",
                expected.len(),
                got.len()
            ));
            continue;
        }
        eprintln!("{dataset}: analytics.{view}: {} rows agree", expected.len());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duckdb_answers_the_analytics_views_from_parquet() {
    let python = duckdb_python();
    let mut checked = 0;
    for name in names() {
        let pack = Pack::embedded(name).unwrap();
        if pack.written_tables().is_empty() {
            eprintln!("{name}: no warehouse, nothing to export");
            continue;
        }
        check_pack(&python, &pack).await;
        checked += 1;
    }
    assert!(checked >= 2, "chinook and classicmodels at least");
}
