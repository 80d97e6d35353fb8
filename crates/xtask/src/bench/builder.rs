//! The builder benchmark (issue 4): at the bench scale, load the generated
//! set into a sandbox OLTP database through the loader, then time
//!
//! * a full build (`{"mode":"full"}`) into the OLAP database;
//! * the ceiling: the same transform as plain `INSERT … SELECT` over the OLTP
//!   tables inside one database (`sql/olap/ceiling.sql`), on the same data;
//! * incremental builds, each after 1% new invoices (and their lines) went
//!   through the loader.
//!
//! The full build and the ceiling run `--runs` times each, alternating, then
//! `--runs` increments each get an incremental build; each side's median
//! counts (every sample is in the JSON); every timed run starts after a
//! `CHECKPOINT`, so no run pays for flushing the pages an earlier phase
//! dirtied.
//!
//! Writes `target/bench/builder.json` and prints a table. Measured, not
//! asserted; targets: incremental_vs_full ≤ 0.05, full_vs_ceiling ≤ 1.5.

use std::path::Path;
use std::pin::pin;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadStatus, Loader, handle_event};
use serde_json::json;
use star_builder::{BuildReport, BuildRequest, BuildStatus, Builder};
use starlift_domain::catalog::quote_ident;
use starlift_domain::config::{BuilderConfig, LoaderConfig};
use starlift_sandbox::Sandbox;
use tokio::io::AsyncWriteExt;

use super::BenchArgs;
use crate::generate::chinook;

const CEILING_SQL: &str = include_str!("../../../../sql/olap/ceiling.sql");

/// One invoice in this many is copied as a new invoice (1%).
const INCREMENT_EVERY: i32 = 100;

pub fn run(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench(args, data, out))
}

fn ms_since(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

/// The median of the samples (the mean of the middle two for an even count).
fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[middle],
        _ => (sorted[middle - 1] + sorted[middle]) / 2.0,
    }
}

/// Flushes dirty pages (server-wide) so the next timed run starts clean.
async fn checkpoint(client: &tokio_postgres::Client) -> Result<()> {
    client.batch_execute("CHECKPOINT").await?;
    Ok(())
}

/// Uploads `path` to `key` and hands the S3 event to the loader.
async fn drop_file(
    sandbox: &Sandbox,
    loader: &Loader,
    path: &Path,
    key: &str,
    sequencer: &mut u64,
) -> Result<()> {
    let size = i64::try_from(std::fs::metadata(path)?.len())?;
    let body = aws_sdk_s3::primitives::ByteStream::from_path(path).await?;
    let put = sandbox
        .s3_client()
        .put_object()
        .bucket(sandbox.bucket())
        .key(key)
        .body(body)
        .send()
        .await?;
    *sequencer += 1;
    let event = object_created(&[PutObject {
        bucket: sandbox.bucket(),
        key,
        etag: put.e_tag().unwrap_or_default(),
        size,
        sequencer: &format!("{sequencer:018X}"),
        version_id: None,
    }])?;
    let report = handle_event(loader, event)
        .await
        .with_context(|| format!("loading {key}"))?;
    for load in &report.loads {
        if load.status != LoadStatus::Loaded || load.rows_rejected > 0 || load.rows_pending > 0 {
            bail!("{key} did not load cleanly: {load:?}");
        }
    }
    Ok(())
}

/// Runs a build and checks it committed with every DQ check passing.
async fn timed_build(builder: &Builder, request: BuildRequest) -> Result<(f64, BuildReport)> {
    let started = Instant::now();
    let report = builder.build(request).await?;
    let ms = ms_since(started);
    if report.status != BuildStatus::Ok {
        bail!(
            "the {:?} build ended {:?}: {:?}",
            request.mode,
            report.status,
            report.failed_checks()
        );
    }
    Ok((ms, report))
}

/// `COPY (SELECT …) TO STDOUT (FORMAT csv, HEADER)` selecting every row of
/// `table` whose invoice id is a multiple of [`INCREMENT_EVERY`] and at most
/// `original_max_invoice` (the generated set, not earlier increments), with
/// the ids shifted past the existing ones and the CSV header names of the
/// official layout: 1% new invoices, each a copy of an existing one.
fn increment_copy(
    table: &chinook::Table,
    qualified_name: &str,
    original_max_invoice: i32,
    invoice_offset: i32,
    line_offset: i32,
) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            let expression = match c.sql_name {
                "invoice_id" => format!("invoice_id + {invoice_offset}"),
                "invoice_line_id" => format!("invoice_line_id + {line_offset}"),
                other => quote_ident(other),
            };
            format!("{expression} AS {}", quote_ident(c.csv_name))
        })
        .collect();
    format!(
        "COPY (SELECT {} FROM {qualified_name} WHERE invoice_id % {INCREMENT_EVERY} = 0 AND invoice_id <= {original_max_invoice}) TO STDOUT (FORMAT csv, HEADER true)",
        columns.join(", "),
    )
}

/// The generated file of a catalog table (Chinook's layout).
fn layout(name: &str) -> Result<&'static chinook::Table> {
    chinook::TABLES
        .iter()
        .find(|t| t.name == name)
        .with_context(|| format!("{name} is not a Chinook file"))
}

/// Drops increment number `run` (1% new invoices and their lines) through
/// the loader; returns the new invoices and lines.
async fn add_increment(
    sandbox: &Sandbox,
    loader: &Loader,
    oltp: &tokio_postgres::Client,
    dir: &Path,
    original_max_invoice: i32,
    run: u32,
    sequencer: &mut u64,
) -> Result<(i64, i64)> {
    let invoice_offset: i32 = oltp
        .query_one("SELECT max(invoice_id) FROM chinook.invoice", &[])
        .await?
        .get(0);
    let line_offset: i32 = oltp
        .query_one("SELECT max(invoice_line_id) FROM chinook.invoice_line", &[])
        .await?
        .get(0);
    for name in ["invoice", "invoice_line"] {
        let qualified_name = loader
            .catalog
            .table(name)
            .with_context(|| format!("no {name} table in the catalog"))?
            .qualified_name();
        let table = layout(name)?;
        let path = dir.join(format!("{}.csv", table.csv_name));
        write_copy(
            oltp,
            &increment_copy(
                table,
                &qualified_name,
                original_max_invoice,
                invoice_offset,
                line_offset,
            ),
            &path,
        )
        .await?;
        drop_file(
            sandbox,
            loader,
            &path,
            &format!("incoming/{}/increment-{run}.csv", table.csv_name),
            sequencer,
        )
        .await?;
    }
    let new_invoices = count(
        oltp,
        &format!("SELECT count(*) FROM chinook.invoice WHERE invoice_id > {invoice_offset}"),
    )
    .await?;
    let new_lines = count(
        oltp,
        &format!("SELECT count(*) FROM chinook.invoice_line WHERE invoice_line_id > {line_offset}"),
    )
    .await?;
    Ok((new_invoices, new_lines))
}

async fn write_copy(client: &tokio_postgres::Client, sql: &str, path: &Path) -> Result<()> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut stream = pin!(client.copy_out(sql).await?);
    while let Some(chunk) = stream.next().await {
        file.write_all(&chunk?).await?;
    }
    file.flush().await?;
    Ok(())
}

async fn count(client: &tokio_postgres::Client, sql: &str) -> Result<i64> {
    Ok(client
        .query_one(sql, &[])
        .await
        .with_context(|| sql.to_string())?
        .get(0))
}

async fn bench(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    eprintln!("builder bench: starting the sandbox…");
    let sandbox = Sandbox::start().await.context("starting the sandbox")?;
    let env = sandbox.env();
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let loader = Loader::connect(
        LoaderConfig::from_lookup(lookup)?,
        sandbox.s3_client(),
        None,
    )
    .await?;
    let mut sequencer: u64 = 0x1000;

    let started = Instant::now();
    for table in &loader.catalog.tables {
        let table = layout(&table.name)?;
        let path = data.join(format!("{}.csv", table.csv_name));
        eprintln!("  loading {} through the loader…", path.display());
        drop_file(
            &sandbox,
            &loader,
            &path,
            &format!("incoming/{}.csv", table.csv_name),
            &mut sequencer,
        )
        .await?;
    }
    eprintln!(
        "loaded scale {} in {:.1} s",
        args.scale,
        started.elapsed().as_secs_f64()
    );
    let mut oltp = sandbox.connect_oltp().await?;
    let olap = sandbox.connect_olap().await?;
    // Same starting point for the build and the ceiling: statistics and
    // visibility maps in place, untimed.
    oltp.batch_execute("VACUUM ANALYZE").await?;

    let builder = Builder::connect(BuilderConfig::from_lookup(lookup)?, None).await?;
    let mut full_samples = Vec::new();
    let mut ceiling_samples = Vec::new();
    let mut full = None;
    let mut fact_rows = 0;
    for run in 1..=args.runs.max(1) {
        eprintln!("full build, run {run}…");
        checkpoint(&olap).await?;
        let (ms, report) = timed_build(&builder, BuildRequest::FULL).await?;
        fact_rows = count(&olap, "SELECT count(*) FROM dw.fact_sales").await?;
        eprintln!("  {ms:.0} ms, {fact_rows} fact rows");
        full_samples.push(ms.round());
        full.get_or_insert(report);

        eprintln!("ceiling (sql/olap/ceiling.sql inside the OLTP database), run {run}…");
        checkpoint(&olap).await?;
        let started = Instant::now();
        let transaction = oltp.transaction().await?;
        transaction
            .batch_execute(CEILING_SQL)
            .await
            .context("sql/olap/ceiling.sql")?;
        transaction.commit().await?;
        let ms = ms_since(started);
        let ceiling_rows = count(&oltp, "SELECT count(*) FROM ceiling_dw.fact_sales").await?;
        if ceiling_rows != fact_rows {
            bail!("the ceiling built {ceiling_rows} fact rows, the builder {fact_rows}");
        }
        oltp.batch_execute("DROP SCHEMA ceiling_dw CASCADE").await?;
        eprintln!("  {ms:.0} ms");
        ceiling_samples.push(ms.round());
    }
    let full = full.context("no full build ran")?;
    let (full_ms, ceiling_ms) = (median(&full_samples), median(&ceiling_samples));

    // Each increment is 1% new invoices (copies of the original ones), and
    // each is timed: the median counts, like the full build's.
    let original_max_invoice: i32 = oltp
        .query_one("SELECT max(invoice_id) FROM chinook.invoice", &[])
        .await?
        .get(0);
    let increment_dir = out.join("builder-increment");
    std::fs::create_dir_all(&increment_dir)?;
    let mut incremental_samples = Vec::new();
    let mut increment = None;
    for run in 1..=args.runs.max(1) {
        eprintln!("increment {run}: adding 1% new invoices through the loader…");
        let (new_invoices, new_lines) = add_increment(
            &sandbox,
            &loader,
            &oltp,
            &increment_dir,
            original_max_invoice,
            run,
            &mut sequencer,
        )
        .await?;
        eprintln!("  incremental build…");
        checkpoint(&olap).await?;
        let (ms, report) = timed_build(&builder, BuildRequest::INCREMENTAL).await?;
        let written = report
            .rows_changed
            .get("dw.fact_sales")
            .copied()
            .unwrap_or(0);
        if written != new_lines {
            bail!("the incremental build wrote {written} fact rows for {new_lines} new lines");
        }
        eprintln!("  {ms:.0} ms");
        incremental_samples.push(ms.round());
        increment.get_or_insert((new_invoices, new_lines, report.batches_consumed));
    }
    let incremental_ms = median(&incremental_samples);
    let (new_invoices, new_lines, incremental_batches) =
        increment.context("no incremental build ran")?;

    let result = json!({
        "fact_rows": fact_rows,
        "full_ms": full_ms.round(),
        "full_ms_samples": full_samples,
        "ceiling_ms_samples": ceiling_samples,
        "incremental_ms": incremental_ms.round(),
        "incremental_ms_samples": incremental_samples,
        "incremental_vs_full": incremental_ms / full_ms,
        "ceiling_ms": ceiling_ms.round(),
        "full_vs_ceiling": full_ms / ceiling_ms,
        "scale": args.scale,
        "incremental_new_invoices": new_invoices,
        "incremental_new_lines": new_lines,
        "full_batches": full.batches_consumed,
        "incremental_batches": incremental_batches,
        "targets": {"incremental_vs_full": "<= 0.05", "full_vs_ceiling": "<= 1.5"},
    });
    let path = out.join("builder.json");
    std::fs::write(&path, serde_json::to_string_pretty(&result)?)?;

    let mark = |ok: bool| if ok { "ok" } else { "MISSED" };
    let (incremental_ratio, full_ratio) = (incremental_ms / full_ms, full_ms / ceiling_ms);
    eprintln!(
        "\nstar-builder benchmark, scale {} ({fact_rows} fact rows)\n\
         \x20 {:<44} {:>10}\n\
         \x20 {:<44} {:>10.0}\n\
         \x20 {:<44} {:>10.0}\n\
         \x20 {:<44} {:>10.0}\n\
         \x20 {:<44} {:>10.3}   target <= 0.05  {}\n\
         \x20 {:<44} {:>10.2}   target <= 1.5   {}\n\
         written to {}",
        args.scale,
        "",
        "ms",
        "full build ({\"mode\":\"full\"})",
        full_ms,
        format!("incremental build (+{new_invoices} invoices, +{new_lines} lines)"),
        incremental_ms,
        "ceiling (INSERT … SELECT in one database)",
        ceiling_ms,
        "incremental / full",
        incremental_ratio,
        mark(incremental_ratio <= 0.05),
        "full / ceiling",
        full_ratio,
        mark(full_ratio <= 1.5),
        path.display()
    );
    // Close the connections before the sandbox stops the server.
    drop((builder, loader, oltp, olap));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_takes_the_middle_sample() {
        assert_eq!(median(&[30.0, 10.0, 20.0]), 20.0);
        assert_eq!(median(&[40.0, 10.0, 30.0, 20.0]), 25.0);
        assert_eq!(median(&[7.0]), 7.0);
        assert!(median(&[]).is_nan());
    }
}
