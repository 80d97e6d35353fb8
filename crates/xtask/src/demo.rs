//! `cargo xtask demo`: the whole pipeline on the local sandbox. Starts a real
//! PostgreSQL and S3 server, uploads every CSV of each `--data` directory
//! (default `data/<dataset>/`) to `incoming/` in a shuffled order, and after
//! each upload hands the S3 event AWS would send to the loader's handler,
//! which serves the pack `--dataset` (`DATASET`).
//!
//! The warehouse part runs for every pack with models (`sql/<pack>/models/`):
//! star-builder builds after each phase, and the summary shows the row count
//! of every table the models write, the latest build's data-quality checks
//! and the pack's headline analytics (`sql/<pack>/summary.sql`), whatever
//! their shape. A pack without models gets the OLTP side only.
//!
//! The builder publishes the pack's dashboard report to the sandbox bucket
//! after each build, as in AWS (`reports/<dataset>/index.html`); the demo
//! copies the last one to `--report` (default `target/demo/report.html`)
//! and prints its path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadSummary, Loader, handle_event};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Value, json};
use star_builder::{BuildRequest, BuildStatus, Builder};
use starlift_domain::config::{BuilderConfig, LoaderConfig};
use starlift_domain::pack::{DEFAULT_DATASET, Pack};
use starlift_sandbox::Sandbox;
use tokio_postgres::types::{FromSql, Type};

/// Rows of a list shown in the printed analytics (all of them are in the
/// summary JSON).
const LIST_ROWS_SHOWN: usize = 10;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The pack to serve (DATASET): its tables come from sql/<NAME>/.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_DATASET)]
    pub dataset: String,
    /// A directory of the pack's CSVs to drop into the bucket (default data/<dataset>/); repeat for phases, loaded in the order given.
    #[arg(long = "data", value_name = "DIR")]
    pub data: Vec<PathBuf>,
    /// Write the summary as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,
    /// Where to write the dashboard report (the one the last build published).
    #[arg(long, value_name = "FILE", default_value = "target/demo/report.html")]
    pub report: PathBuf,
    /// Seed of the shuffled upload order.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Where the builds' Parquet export is copied, laid out as in S3 below
    /// warehouse/ (<DIR>/<dataset>/<table>/…).
    #[arg(long, value_name = "DIR", default_value = "target/demo/lakehouse")]
    pub lakehouse_dir: PathBuf,
}

pub fn run(args: DemoArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(demo(args))
}

/// CSV files under `dir`, as (path, key relative to the drop zone).
fn csv_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in
            std::fs::read_dir(&current).with_context(|| format!("reading {}", current.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.to_string_lossy().to_ascii_lowercase();
                if name.ends_with(".csv") || name.ends_with(".csv.gz") {
                    let relative = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
                    found.push((path.clone(), relative));
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

async fn demo(args: DemoArgs) -> Result<()> {
    let pack = Pack::embedded(&args.dataset).context("--dataset")?;
    let data_dirs = if args.data.is_empty() {
        vec![Path::new("data").join(pack.name())]
    } else {
        args.data.clone()
    };
    for dir in &data_dirs {
        if !dir.is_dir() {
            let hint = if args.data.is_empty() {
                format!(
                    " (the pack's sample CSVs live in data/{}/; pass --data DIR for others)",
                    pack.name()
                )
            } else {
                String::new()
            };
            bail!("--data {}: not a directory{hint}", dir.display());
        }
    }
    eprintln!(
        "dataset {}: {}",
        pack.name(),
        pack.manifest.description.trim()
    );
    eprintln!("starting the sandbox (PostgreSQL + S3 server on loopback)…");
    let sandbox = Sandbox::start().await.context("starting the sandbox")?;
    let mut env = sandbox.env();
    env.push(("DATASET".to_string(), pack.name().to_string()));
    // The builder publishes its lakehouse export and report to the sandbox
    // bucket, as in AWS.
    env.push(("BUCKET".to_string(), sandbox.bucket().to_string()));
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let loader = Loader::connect(
        LoaderConfig::from_lookup(lookup)?,
        sandbox.s3_client(),
        None,
    )
    .await?;
    eprintln!(
        "loader ready: {} tables in schema {} ({})",
        loader.catalog.tables.len(),
        loader.catalog.schema,
        loader.catalog.names()
    );
    // star-builder: one builder for every phase (applies the OLAP migrations
    // and the pack's warehouse), when the pack has a warehouse.
    let warehouse_skipped = pack.models.is_empty().then(|| {
        let reason = format!(
            "pack {} has no warehouse models (sql/{}/models/); only the OLTP load is shown",
            pack.name(),
            pack.name()
        );
        eprintln!("warehouse: {reason}");
        reason
    });
    let builder = if warehouse_skipped.is_none() {
        let config = BuilderConfig::from_lookup(lookup)?;
        Some(
            Builder::connect(config, None)
                .await
                .context("starting star-builder")?
                .with_s3(sandbox.s3_client()),
        )
    } else {
        None
    };
    let mut dq_failed_builds = 0;
    let s3 = sandbox.s3_client();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(args.seed);
    let mut loads: Vec<LoadSummary> = Vec::new();
    let mut sequencer: u64 = 0x1000;
    let mut phases = Vec::new();
    let mut last_report = None;

    for (phase, dir) in data_dirs.iter().enumerate() {
        let mut files = csv_files(dir)?;
        if files.is_empty() {
            bail!("--data {}: no .csv or .csv.gz files", dir.display());
        }
        files.shuffle(&mut rng);
        let bar = ProgressBar::new(files.len() as u64).with_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")?
                .progress_chars("=> "),
        );
        bar.set_prefix(format!("phase {} ({})", phase + 1, dir.display()));
        for (path, relative) in files {
            let key = format!("{}{relative}", loader.config.incoming_prefix);
            bar.set_message(key.clone());
            let bytes = tokio::fs::read(&path)
                .await
                .with_context(|| format!("reading {}", path.display()))?;
            let size = bytes.len() as i64;
            let put = s3
                .put_object()
                .bucket(sandbox.bucket())
                .key(&key)
                .body(bytes.into())
                .send()
                .await
                .with_context(|| format!("uploading {key}"))?;
            sequencer += 1;
            let event = object_created(&[PutObject {
                bucket: sandbox.bucket(),
                key: &key,
                etag: put.e_tag().unwrap_or_default(),
                size,
                sequencer: &format!("{sequencer:018X}"),
                version_id: None,
            }])?;
            let report = handle_event(&loader, event)
                .await
                .with_context(|| format!("loading {key}"))?;
            loads.extend(report.loads);
            bar.inc(1);
        }
        bar.finish_with_message("loaded");
        phases.push(json!({"phase": phase + 1, "data": dir.display().to_string()}));
        // star-builder: build the warehouse after each phase (incremental).
        let Some(builder) = &builder else {
            continue;
        };
        let build = builder
            .build(BuildRequest::INCREMENTAL)
            .await
            .context("building the warehouse")?;
        let written: i64 = build
            .rows_changed
            .iter()
            .filter(|(table, _)| !table.starts_with("mirror."))
            .map(|(_, n)| n)
            .sum();
        eprintln!(
            "phase {}: star-builder build {} ({} plan) consumed {} batches, {} warehouse rows written, {}/{} DQ checks passed, {} ms",
            phase + 1,
            build.build_id.unwrap_or_default(),
            build.plan.as_str(),
            build.batches_consumed,
            written,
            build.dq.len() - build.dq_failed,
            build.dq.len(),
            build.milliseconds,
        );
        if build.status != BuildStatus::Ok {
            dq_failed_builds += 1;
        }
        if let Some(entry) = phases.last_mut() {
            entry["build"] = serde_json::to_value(&build)?;
        }
        last_report = build.report.clone();
    }

    let oltp = sandbox.connect_oltp().await?;
    let mut row_counts = BTreeMap::new();
    for table in &loader.catalog.tables {
        let n: i64 = oltp
            .query_one(
                &format!("SELECT count(*) FROM {}", table.qualified_name()),
                &[],
            )
            .await?
            .get(0);
        row_counts.insert(table.name.clone(), n);
    }
    let pending_rows: i64 = oltp
        .query_one("SELECT count(*) FROM etl.pending_row", &[])
        .await?
        .get(0);
    let mut summary = json!({
        "oltp": {"row_counts": row_counts},
        "loads": loads,
        "pending_rows": pending_rows,
        "phases": phases,
    });
    // star-builder: row counts of the tables the models write, the latest
    // build's DQ and the pack's summary.sql.
    let mut analytics = None;
    if builder.is_some() {
        let olap = sandbox.connect_olap().await?;
        let warehouse = star_builder::demo_summary(&olap, &pack)
            .await
            .context("reading the warehouse summary")?;
        for key in ["olap", "dq", "analytics"] {
            summary[key] = warehouse[key].clone();
        }
        analytics = summary_in_order(&olap, &pack).await?;
    }
    if builder.is_some() {
        summary["lakehouse"] =
            crate::demo_lakehouse::copy(&s3, sandbox.bucket(), &pack, &args.lakehouse_dir).await?;
    }
    summary["dataset"] = json!(pack.name());
    if let Some(published) = &last_report {
        let key = published.keys.first().context("the report has no key")?;
        write_report(&s3, sandbox.bucket(), key, &args.report).await?;
        summary["report"] = json!({
            "path": args.report.display().to_string(),
            "keys": published.keys,
            "bytes": published.bytes,
            "charts": published.charts,
            "milliseconds": published.milliseconds,
        });
    }
    if let Some(reason) = &warehouse_skipped {
        summary["warehouse_skipped"] = json!(reason);
    }

    print_summary(&summary);
    match &warehouse_skipped {
        None => print_warehouse(&summary, analytics),
        Some(reason) => eprintln!("\nwarehouse: skipped: {reason}"),
    }
    if last_report.is_some() {
        eprintln!("\nreport written to {}", args.report.display());
    } else if warehouse_skipped.is_none() {
        eprintln!(
            "\nreport: pack {} declares no dashboard (sql/{}/dashboard.toml)",
            pack.name(),
            pack.name()
        );
    }
    if let Some(path) = &args.summary_json {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)?;
        eprintln!("summary written to {}", path.display());
    }
    let failed = loads
        .iter()
        .filter(|l| l.status == oltp_loader::LoadStatus::Failed)
        .count();
    if failed > 0 {
        bail!("{failed} file(s) failed to load; see the summary above and rejected/ in the bucket");
    }
    if dq_failed_builds > 0 {
        bail!("{dq_failed_builds} build(s) failed data-quality checks; see \"dq\" in the summary");
    }
    Ok(())
}

/// Copies the published report `s3://bucket/key` to `path`.
async fn write_report(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, path: &Path) -> Result<()> {
    let object = s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .with_context(|| format!("reading s3://{bucket}/{key}"))?;
    let html = object
        .body
        .collect()
        .await
        .with_context(|| format!("reading s3://{bucket}/{key}"))?
        .into_bytes();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, html).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn print_summary(summary: &Value) {
    let mut out = String::new();
    out.push_str("\nloads\n");
    out.push_str(&format!(
        "  {:<44} {:<15} {:<9} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8}\n",
        "key", "table", "status", "read", "inserted", "updated", "unchanged", "rejected", "pending"
    ));
    for load in summary["loads"].as_array().into_iter().flatten() {
        let n = |field: &str| load[field].as_u64().unwrap_or(0);
        out.push_str(&format!(
            "  {:<44} {:<15} {:<9} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8}\n",
            load["key"].as_str().unwrap_or(""),
            load["table"].as_str().unwrap_or("-"),
            load["status"].as_str().unwrap_or(""),
            n("rows_read"),
            n("rows_inserted"),
            n("rows_updated"),
            n("rows_unchanged"),
            n("rows_rejected"),
            n("rows_pending"),
        ));
    }
    out.push_str("\nOLTP row counts\n");
    for (table, n) in summary["oltp"]["row_counts"]
        .as_object()
        .into_iter()
        .flatten()
    {
        out.push_str(&format!("  {table:<15} {:>10}\n", n.as_i64().unwrap_or(0)));
    }
    out.push_str(&format!("\npending rows: {}\n", summary["pending_rows"]));
    eprint!("{out}");
}

/// star-builder's part of the summary: the row counts of the tables the
/// pack's models write, the latest build's data quality and the pack's
/// analytics (`sql/<pack>/summary.sql`, in its own key order when given),
/// printed whatever their shape.
fn print_warehouse(summary: &Value, analytics: Option<Json>) {
    let counts: Vec<(&String, &Value)> = summary["olap"]["row_counts"]
        .as_object()
        .into_iter()
        .flatten()
        .collect();
    let width = counts
        .iter()
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from("\nOLAP row counts\n");
    for (table, n) in counts {
        out.push_str(&format!("  {table:<width$} {:>10}\n", scalar(n)));
    }
    let checks = summary["dq"].as_array().cloned().unwrap_or_default();
    let failed: Vec<&Value> = checks.iter().filter(|c| c["passed"] != true).collect();
    out.push_str(&format!(
        "\ndata quality (latest build): {}/{} checks passed\n",
        checks.len() - failed.len(),
        checks.len()
    ));
    for check in failed {
        out.push_str(&format!(
            "  FAILED {}: {}\n",
            scalar(&check["check"]),
            scalar(&check["detail"])
        ));
    }
    out.push_str("\nanalytics\n");
    let analytics = analytics.unwrap_or_else(|| Json::from(summary["analytics"].clone()));
    match analytics {
        Json::Scalar(Value::Null) => out.push_str("  (none: the pack has no summary.sql)\n"),
        value => render(&mut out, &value, 1),
    }
    eprint!("{out}");
}

/// The pack's `summary.sql` result as JSON text, so its keys print in the
/// query's order (a `serde_json::Value` sorts them).
async fn summary_in_order(olap: &tokio_postgres::Client, pack: &Pack) -> Result<Option<Json>> {
    let Some(sql) = pack.summary else {
        return Ok(None);
    };
    let text: JsonText = olap
        .query_one(sql, &[])
        .await
        .with_context(|| format!("sql/{}/summary.sql", pack.name()))?
        .try_get(0)
        .with_context(|| format!("sql/{}/summary.sql: one json column", pack.name()))?;
    Ok(Some(serde_json::from_str(&text.0)?))
}

/// A `json` or `jsonb` column as its text.
struct JsonText(String);

impl<'a> FromSql<'a> for JsonText {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        // jsonb's binary form is a version byte, then the text.
        let text = if *ty == Type::JSONB {
            raw.get(1..).unwrap_or_default()
        } else {
            raw
        };
        Ok(Self(std::str::from_utf8(text)?.to_string()))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSON || *ty == Type::JSONB
    }
}

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Scalar(Value),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl From<Value> for Json {
    fn from(value: Value) -> Self {
        match value {
            Value::Array(items) => Json::List(items.into_iter().map(Json::from).collect()),
            Value::Object(fields) => Json::Object(
                fields
                    .into_iter()
                    .map(|(key, value)| (key, Json::from(value)))
                    .collect(),
            ),
            scalar => Json::Scalar(scalar),
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Json, E> {
        Ok(Json::Scalar(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Json, E> {
        Ok(Json::Scalar(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Json, E> {
        Ok(Json::Scalar(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Json, E> {
        Ok(Json::Scalar(Value::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Json, E> {
        Ok(Json::Scalar(Value::from(v)))
    }

    fn visit_unit<E>(self) -> std::result::Result<Json, E> {
        Ok(Json::Scalar(Value::Null))
    }

    fn visit_none<E>(self) -> std::result::Result<Json, E> {
        Ok(Json::Scalar(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Json, A::Error> {
        let mut fields: Vec<(String, Json)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            match fields.iter_mut().find(|(k, _)| *k == key) {
                Some(field) => field.1 = value,
                None => fields.push((key, value)),
            }
        }
        Ok(Json::Object(fields))
    }
}

/// A JSON scalar as text (strings without quotes).
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Whether a value prints on the line of its key.
fn is_inline(value: &Json) -> bool {
    match value {
        Json::Object(_) => false,
        Json::List(items) => !items.iter().any(|i| matches!(i, Json::Object(_))),
        Json::Scalar(_) => true,
    }
}

/// Writes `value` at `depth` (two spaces a level): an object's scalars as
/// `key: value`, its lists of objects as small tables with the keys as
/// headers, its nested objects indented under their key.
fn render(out: &mut String, value: &Json, depth: usize) {
    let indent = "  ".repeat(depth);
    match value {
        Json::Object(fields) => {
            for (key, field) in fields {
                if is_inline(field) {
                    out.push_str(&format!("{indent}{key}: {}\n", inline(field)));
                    continue;
                }
                match field {
                    Json::List(rows) => {
                        let shown = rows.len().min(LIST_ROWS_SHOWN);
                        let note = if shown < rows.len() {
                            format!(" (first {shown} of {})", rows.len())
                        } else {
                            String::new()
                        };
                        out.push_str(&format!("{indent}{key}{note}\n"));
                        table(out, &rows[..shown], depth + 1);
                    }
                    nested => {
                        out.push_str(&format!("{indent}{key}\n"));
                        render(out, nested, depth + 1);
                    }
                }
            }
        }
        Json::List(rows) if !is_inline(value) => table(out, rows, depth),
        other => out.push_str(&format!("{indent}{}\n", inline(other))),
    }
}

/// A scalar, a list of scalars joined by commas, or compact JSON.
fn inline(value: &Json) -> String {
    match value {
        Json::Scalar(value) => scalar(value),
        Json::List(items) => items.iter().map(inline).collect::<Vec<_>>().join(", "),
        Json::Object(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Rows (objects; anything else is shown as a `value` column) as an aligned
/// table: the keys in order of first appearance as headers, numbers (and
/// numbers written as strings, like money) right-aligned.
fn table(out: &mut String, rows: &[Json], depth: usize) {
    const NULL: Json = Json::Scalar(Value::Null);
    let indent = "  ".repeat(depth);
    let mut headers: Vec<&str> = Vec::new();
    for row in rows {
        match row {
            Json::Object(fields) => {
                for (key, _) in fields {
                    if !headers.contains(&key.as_str()) {
                        headers.push(key);
                    }
                }
            }
            _ => {
                if !headers.contains(&"value") {
                    headers.push("value");
                }
            }
        }
    }
    let cell = |row: &'_ Json, header: &str| -> Json {
        match row {
            Json::Object(fields) => fields
                .iter()
                .find(|(k, _)| k == header)
                .map_or(NULL, |(_, v)| v.clone()),
            other if header == "value" => other.clone(),
            _ => NULL,
        }
    };
    let numeric: Vec<bool> = headers
        .iter()
        .map(|h| {
            rows.iter().all(|row| match cell(row, h) {
                Json::Scalar(Value::Number(_) | Value::Null) => true,
                Json::Scalar(Value::String(s)) => s.parse::<f64>().is_ok(),
                _ => false,
            })
        })
        .collect();
    let widths: Vec<usize> = headers
        .iter()
        .map(|h| {
            rows.iter()
                .map(|row| inline(&cell(row, h)).chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(&numeric)
            .map(|((c, &w), &right)| {
                if right {
                    format!("{c:>w$}")
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        format!("{indent}{}\n", padded.join("  ").trim_end())
    };
    out.push_str(&line(headers.iter().map(|h| h.to_string()).collect()));
    for row in rows {
        out.push_str(&line(
            headers.iter().map(|h| inline(&cell(row, h))).collect(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses like the demo does: keys in the text's order.
    fn ordered(text: &str) -> Json {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn analytics_print_whatever_their_shape() {
        let analytics = ordered(
            r#"{
                "total_revenue": "2328.60",
                "customer_count": 59,
                "years": [2021, 2022],
                "revenue_by_country": [
                    {"country": "USA", "revenue": "523.06", "invoices": 91},
                    {"country": "Czech Republic", "revenue": "90.24", "invoices": 14}
                ],
                "by_region": {"europe": {"share": 0.5}, "top": [{"name": "Ann", "n": 3}]},
                "nothing": null
            }"#,
        );
        let mut out = String::new();
        render(&mut out, &analytics, 1);
        assert_eq!(
            out,
            "  total_revenue: 2328.60\n\
             \x20 customer_count: 59\n\
             \x20 years: 2021, 2022\n\
             \x20 revenue_by_country\n\
             \x20   country         revenue  invoices\n\
             \x20   USA              523.06        91\n\
             \x20   Czech Republic    90.24        14\n\
             \x20 by_region\n\
             \x20   europe\n\
             \x20     share: 0.5\n\
             \x20   top\n\
             \x20     name  n\n\
             \x20     Ann   3\n\
             \x20 nothing: \n"
        );
        // Without the text, a Value's (sorted) order.
        let sorted = Json::from(serde_json::json!({"b": 1, "a": [{"y": 1, "x": "s"}]}));
        let mut out = String::new();
        render(&mut out, &sorted, 0);
        assert_eq!(out, "a\n  x  y\n  s  1\nb: 1\n");
    }

    #[test]
    fn long_lists_show_their_first_rows() {
        let rows: Vec<Value> = (0..25).map(|i| json!({"i": i})).collect();
        let mut out = String::new();
        render(&mut out, &Json::from(json!({ "list": rows })), 0);
        assert!(out.starts_with("list (first 10 of 25)\n"), "{out}");
        assert_eq!(out.lines().count(), 12, "{out}");
    }
}
