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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadSummary, Loader, handle_event};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};
use star_builder::{BuildRequest, BuildStatus, Builder};
use starlift_domain::config::{BuilderConfig, LoaderConfig};
use starlift_domain::pack::{DEFAULT_DATASET, Pack};
use starlift_sandbox::Sandbox;

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
    /// Seed of the shuffled upload order.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
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
                .context("starting star-builder")?,
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
    if builder.is_some() {
        let olap = sandbox.connect_olap().await?;
        let warehouse = star_builder::demo_summary(&olap, &pack)
            .await
            .context("reading the warehouse summary")?;
        for key in ["olap", "dq", "analytics"] {
            summary[key] = warehouse[key].clone();
        }
    }
    summary["dataset"] = json!(pack.name());
    if let Some(reason) = &warehouse_skipped {
        summary["warehouse_skipped"] = json!(reason);
    }

    print_summary(&summary);
    match &warehouse_skipped {
        None => print_warehouse(&summary),
        Some(reason) => eprintln!("\nwarehouse: skipped: {reason}"),
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
/// analytics (`sql/<pack>/summary.sql`), printed whatever its shape.
fn print_warehouse(summary: &Value) {
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
    match &summary["analytics"] {
        Value::Null => out.push_str("  (none: the pack has no summary.sql)\n"),
        value => render(&mut out, value, 1),
    }
    eprint!("{out}");
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
fn is_inline(value: &Value) -> bool {
    match value {
        Value::Object(_) => false,
        Value::Array(items) => !items.iter().any(Value::is_object),
        _ => true,
    }
}

/// Writes `value` at `depth` (two spaces a level): an object's scalars as
/// `key: value`, its lists of objects as small tables with the keys as
/// headers, its nested objects indented under their key.
fn render(out: &mut String, value: &Value, depth: usize) {
    let indent = "  ".repeat(depth);
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                if is_inline(field) {
                    out.push_str(&format!("{indent}{key}: {}\n", inline(field)));
                    continue;
                }
                match field {
                    Value::Array(rows) => {
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
        Value::Array(rows) if !is_inline(value) => table(out, rows, depth),
        other => out.push_str(&format!("{indent}{}\n", inline(other))),
    }
}

/// A scalar, or a list of scalars joined by commas.
fn inline(value: &Value) -> String {
    match value {
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        other => scalar(other),
    }
}

/// Rows (objects; anything else is shown as a `value` column) as an aligned
/// table: the keys in order of first appearance as headers, numbers (and
/// numbers written as strings, like money) right-aligned.
fn table(out: &mut String, rows: &[Value], depth: usize) {
    let indent = "  ".repeat(depth);
    let mut headers: Vec<String> = Vec::new();
    for row in rows {
        match row {
            Value::Object(fields) => {
                for key in fields.keys() {
                    if !headers.contains(key) {
                        headers.push(key.clone());
                    }
                }
            }
            _ => {
                if !headers.iter().any(|h| h == "value") {
                    headers.push("value".to_string());
                }
            }
        }
    }
    let cell = |row: &Value, header: &str| -> Value {
        match row {
            Value::Object(fields) => fields.get(header).cloned().unwrap_or(Value::Null),
            other if header == "value" => other.clone(),
            _ => Value::Null,
        }
    };
    let text = |value: &Value| match value {
        Value::Object(_) => value.to_string(),
        other => inline(other),
    };
    let numeric: Vec<bool> = headers
        .iter()
        .map(|h| {
            rows.iter().all(|row| {
                let value = cell(row, h);
                value.is_number()
                    || value.is_null()
                    || value.as_str().is_some_and(|s| s.parse::<f64>().is_ok())
            })
        })
        .collect();
    let widths: Vec<usize> = headers
        .iter()
        .map(|h| {
            rows.iter()
                .map(|row| text(&cell(row, h)).chars().count())
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
    out.push_str(&line(headers.clone()));
    for row in rows {
        out.push_str(&line(headers.iter().map(|h| text(&cell(row, h))).collect()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytics_print_whatever_their_shape() {
        let analytics = json!({
            "total_revenue": "2328.60",
            "customer_count": 59,
            "years": [2021, 2022],
            "revenue_by_country": [
                {"country": "USA", "revenue": "523.06", "invoices": 91},
                {"country": "Czech Republic", "revenue": "90.24", "invoices": 14}
            ],
            "by_region": {"europe": {"share": 0.5}, "top": [{"name": "Ann", "n": 3}]}
        });
        let mut out = String::new();
        render(&mut out, &analytics, 1);
        // Keys come in serde_json's order (sorted).
        assert_eq!(
            out,
            "  by_region\n\
             \x20   europe\n\
             \x20     share: 0.5\n\
             \x20   top\n\
             \x20     n  name\n\
             \x20     3  Ann\n\
             \x20 customer_count: 59\n\
             \x20 revenue_by_country\n\
             \x20   country         invoices  revenue\n\
             \x20   USA                   91   523.06\n\
             \x20   Czech Republic        14    90.24\n\
             \x20 total_revenue: 2328.60\n\
             \x20 years: 2021, 2022\n"
        );
    }

    #[test]
    fn long_lists_show_their_first_rows() {
        let rows: Vec<Value> = (0..25).map(|i| json!({"i": i})).collect();
        let mut out = String::new();
        render(&mut out, &json!({ "list": rows }), 0);
        assert!(out.starts_with("list (first 10 of 25)\n"), "{out}");
        assert_eq!(out.lines().count(), 12, "{out}");
    }
}
