//! `cargo xtask bench --only lakehouse`: the Parquet export of a whole
//! warehouse (the first export, every table whole) after a full build, in
//! the sandbox. Per table: time, rows, Parquet bytes against the PostgreSQL
//! table's `pg_total_relation_size` (heap, indexes, TOAST). Memory: the
//! process's peak RSS during the export (`VmHWM`, reset just before it
//! through `/proc/self/clear_refs`), next to its RSS before; run it at two
//! scales (`--scale 100`, `--scale 1000`) to see whether it stays flat.
//! The sandbox's S3 server runs in this process, so its buffers count too.
//! Results: `target/bench/lakehouse.json`.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use oltp_loader::Loader;
use serde_json::json;
use star_builder::{BUILD_LOCK_KEY, BuildRequest, Builder};
use starlift_domain::config::{BuilderConfig, LoaderConfig};
use starlift_domain::warehouse::quote_table;
use starlift_sandbox::Sandbox;

use super::BenchArgs;
use super::builder::{data_files, drop_file};

pub fn run(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    let runtime = super::runtime()?;
    runtime.block_on(bench(args, data, out))
}

/// A `/proc/self/status` field in KiB.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn bench(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    eprintln!("lakehouse bench: starting the sandbox…");
    let sandbox = Sandbox::start().await.context("starting the sandbox")?;
    let mut env = sandbox.env();
    env.push(("DATASET".to_string(), args.dataset.name().to_string()));
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let loader = Loader::connect(
        LoaderConfig::from_lookup(lookup)?,
        sandbox.s3_client(),
        None,
    )
    .await?;
    let mut sequencer: u64 = 0x1000;
    for (path, file_name) in data_files(data, loader.catalog)? {
        eprintln!("  loading {} through the loader…", path.display());
        drop_file(
            &sandbox,
            &loader,
            &path,
            &format!("incoming/{file_name}"),
            &mut sequencer,
        )
        .await?;
    }
    // No bucket: the build does not export; the export is timed alone.
    let builder = Builder::connect(BuilderConfig::from_lookup(lookup)?, None).await?;
    eprintln!("full build…");
    builder.build(BuildRequest::FULL).await?;
    let mut olap = sandbox.connect_olap().await?;
    olap.batch_execute("VACUUM ANALYZE").await?;

    let s3 = sandbox.s3_client();
    let rss_before = status_kib("VmRSS:");
    // Resets VmHWM to the current RSS (Linux >= 4.0), so the peak read after
    // is the export's.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    eprintln!("export…");
    let started = Instant::now();
    let report = starlift_lakehouse::export(
        &mut olap,
        starlift_lakehouse::Target {
            s3: &s3,
            bucket: sandbox.bucket(),
        },
        builder.pack(),
        BUILD_LOCK_KEY,
    )
    .await?;
    let export_ms = started.elapsed().as_millis();
    let peak = status_kib("VmHWM:");

    let mut tables = serde_json::Map::new();
    for (name, table) in &report.tables {
        let source = builder
            .pack()
            .written_tables()
            .into_iter()
            .find(|t| starlift_lakehouse::layout::short_name(t) == name)
            .map(str::to_string)
            .unwrap_or_default();
        let pg_bytes: i64 = olap
            .query_one(
                "SELECT pg_total_relation_size($1::text::regclass)",
                &[&quote_table(&source)],
            )
            .await?
            .get(0);
        eprintln!(
            "  {name:<24} {:>9} rows {:>5} files {:>12} Parquet bytes vs {:>12} in PostgreSQL ({:.1}%), {} ms",
            table.rows,
            table.files,
            table.bytes,
            pg_bytes,
            100.0 * table.bytes as f64 / pg_bytes.max(1) as f64,
            table.milliseconds
        );
        tables.insert(
            name.clone(),
            json!({
                "rows": table.rows,
                "files": table.files,
                "parquet_bytes": table.bytes,
                "postgres_total_relation_bytes": pg_bytes,
                "parquet_vs_postgres": table.bytes as f64 / pg_bytes.max(1) as f64,
                "milliseconds": table.milliseconds,
            }),
        );
    }
    let result = json!({
        "dataset": args.dataset.name(),
        "scale": args.scale,
        "export_milliseconds": export_ms,
        "rss_before_kib": rss_before,
        "peak_rss_during_export_kib": if reset { peak } else { None },
        "peak_rss_note": if reset { "VmHWM after resetting it through /proc/self/clear_refs just before the export; includes the in-process sandbox S3 server" } else { "could not reset VmHWM: not measured" },
        "tables": tables,
    });
    eprintln!(
        "export: {export_ms} ms; RSS before {:?} KiB, peak during the export {:?} KiB",
        rss_before, peak
    );
    let path = out.join(format!(
        "lakehouse-{}-scale-{}.json",
        args.dataset.name(),
        args.scale
    ));
    std::fs::write(&path, serde_json::to_string_pretty(&result)?)?;
    eprintln!("written to {}", path.display());
    Ok(())
}
