//! `cargo xtask demo`: the whole pipeline on the local sandbox. Starts a real
//! PostgreSQL and S3 server, uploads every CSV of each `--data` directory
//! (default `data/<dataset>/`) to `incoming/` in a shuffled order, and after
//! each upload hands the S3 event AWS would send to the loader's handler,
//! which serves the pack `--dataset` (`DATASET`).
//!
//! The warehouse part (star-builder, the analytics views) is Chinook's for
//! now: for another pack it is attempted, and when it cannot run the demo
//! says so and reports the OLTP side only.

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

/// The pack the warehouse part (star-builder's star schema and analytics
/// views) is written for.
const WAREHOUSE_DATASET: &str = "chinook";

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
    // star-builder: one builder for every phase (applies the OLAP migrations).
    // The warehouse is Chinook's; for another pack a failure only skips it.
    let chinook = pack.name() == WAREHOUSE_DATASET;
    let mut warehouse_skipped: Option<String> = None;
    let mut builder = match Builder::connect(BuilderConfig::from_lookup(lookup)?, None).await {
        Ok(builder) => Some(builder),
        Err(error) if !chinook => {
            warehouse_skipped = Some(skip_warehouse(pack.name(), &error.to_string()));
            None
        }
        Err(error) => return Err(error.into()),
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
        let Some(current) = &builder else {
            continue;
        };
        let build = match current.build(BuildRequest::INCREMENTAL).await {
            Ok(build) => build,
            Err(error) if !chinook => {
                warehouse_skipped = Some(skip_warehouse(pack.name(), &error.to_string()));
                builder = None;
                continue;
            }
            Err(error) => return Err(anyhow::Error::new(error).context("building the warehouse")),
        };
        eprintln!(
            "phase {}: star-builder build {} consumed {} batches, {} fact rows written, {}/{} DQ checks passed, {} ms",
            phase + 1,
            build.build_id.unwrap_or_default(),
            build.batches_consumed,
            build
                .rows_changed
                .get("dw.fact_sales")
                .copied()
                .unwrap_or(0),
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
    // star-builder: the warehouse summary, read from the analytics views.
    if warehouse_skipped.is_none() {
        let olap = sandbox.connect_olap().await?;
        match star_builder::demo_summary(&olap).await {
            Ok(warehouse) => {
                for key in ["olap", "dq", "analytics"] {
                    summary[key] = warehouse[key].clone();
                }
            }
            Err(error) if !chinook => {
                warehouse_skipped = Some(skip_warehouse(pack.name(), &error.to_string()));
            }
            Err(error) => return Err(error.into()),
        }
    }
    if !chinook {
        summary["dataset"] = json!(pack.name());
    }
    if let Some(reason) = &warehouse_skipped {
        summary["warehouse_skipped"] = json!(reason);
    }

    print_summary(&summary);
    match &warehouse_skipped {
        None => print_warehouse(&summary),
        Some(reason) => eprintln!("\nwarehouse: skipped. {reason}"),
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

/// Says why the warehouse part does not run for `dataset`, once, and returns
/// the reason for the summary.
fn skip_warehouse(dataset: &str, error: &str) -> String {
    let reason = format!(
        "star-builder's star schema and analytics are written for the {WAREHOUSE_DATASET} pack and could not run for dataset {dataset} ({error}); only the OLTP load is shown"
    );
    eprintln!("warehouse: {reason}");
    reason
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

/// star-builder's part of the summary: OLAP row counts, data quality and the
/// headline analytics.
fn print_warehouse(summary: &Value) {
    let list = |key: &str| {
        summary["analytics"][key]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = String::from("\nOLAP row counts\n");
    for (table, n) in summary["olap"]["row_counts"]
        .as_object()
        .into_iter()
        .flatten()
    {
        out.push_str(&format!("  {table:<22} {:>10}\n", n.as_i64().unwrap_or(0)));
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
            text(&check["check"]),
            text(&check["detail"])
        ));
    }
    out.push_str("\nanalytics\n");
    out.push_str(&format!(
        "  {:<24} {:>12}\n",
        "total revenue",
        text(&summary["analytics"]["total_revenue"])
    ));
    out.push_str(&format!(
        "  {:<24} {:>12}\n",
        "customers",
        text(&summary["analytics"]["customer_count"])
    ));
    let sections: [(&str, &str, &str, &str, usize); 7] = [
        (
            "revenue by year",
            "revenue_by_year",
            "year",
            "revenue",
            usize::MAX,
        ),
        (
            "revenue by country",
            "revenue_by_country",
            "country",
            "revenue",
            5,
        ),
        (
            "revenue by genre",
            "revenue_by_genre",
            "genre",
            "revenue",
            5,
        ),
        ("top artists", "top_artists", "artist", "revenue", 10),
        (
            "top tracks by quantity",
            "top_tracks_by_quantity",
            "track",
            "quantity",
            5,
        ),
        (
            "revenue by employee",
            "revenue_by_employee",
            "employee",
            "revenue",
            usize::MAX,
        ),
        (
            "top customers by LTV",
            "top_customers_by_ltv",
            "name",
            "ltv",
            5,
        ),
    ];
    for (title, key, label, value, limit) in sections {
        let rows = list(key);
        let shown = rows.len().min(limit);
        out.push_str(&format!(
            "  {title}{}\n",
            if shown < rows.len() {
                format!(" (top {shown} of {})", rows.len())
            } else {
                String::new()
            }
        ));
        for row in rows.iter().take(shown) {
            out.push_str(&format!(
                "    {:<40} {:>12}\n",
                text(&row[label]),
                text(&row[value])
            ));
        }
    }
    eprint!("{out}");
}
