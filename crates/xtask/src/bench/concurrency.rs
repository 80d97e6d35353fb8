//! Aggregate loader throughput with several loads at once, as several
//! Lambda containers would run them: each load has its own [`Loader`] (its
//! own connection), and `loads` of them pull files from one queue until it
//! is empty. Every round starts from a copy of a prepared database and is
//! run twice, side by side: [`BEFORE`], one lock for every table
//! ([`Scope::Global`], how merges were serialised before) and no waiting
//! for parent loads under way, and [`AFTER`], the loader's defaults (the
//! per-table merge locks, and a child's merge waiting for its parents'
//! loads under way).
//!
//! Two workloads:
//! - `same_table`: the largest file cut into as many parts as the most
//!   loads measured, into a database holding every other table;
//! - `whole_export`: every file of the data set, the large ones cut so that
//!   no part exceeds the total rows / the most loads, into an empty
//!   database, queued parents first (a child part may still merge before
//!   its parents and wait as pending rows).
//!
//! A round counts only if every table ends up with every row of its files
//! and nothing is left pending.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use oltp_loader::locks::Scope;
use oltp_loader::{LoadStatus, Loader, handle_event};
use serde_json::{Value, json};
use starlift_domain::catalog::Table;
use starlift_sandbox::Sandbox;

use super::loader::{DataFile, FileShape, Target, csv_writer, load_untimed, loader_for, upload};

/// How the loaders of a round merge.
#[derive(Debug, Clone, Copy)]
struct Variant {
    name: &'static str,
    scope: Scope,
    wait_for_arriving_parents: bool,
}

/// Merges as before the per-table locks: one at a time, no waiting.
const BEFORE: Variant = Variant {
    name: "before",
    scope: Scope::Global,
    wait_for_arriving_parents: false,
};

/// The loader's defaults.
const AFTER: Variant = Variant {
    name: "after",
    scope: Scope::PerTable,
    wait_for_arriving_parents: true,
};

/// One file of a workload: a part of a data file.
struct Part {
    path: PathBuf,
    table: &'static Table,
    rows: u64,
}

/// Files loaded concurrently onto a prepared database.
struct Workload {
    name: &'static str,
    parts: Vec<Part>,
    /// The database every round starts from (a template).
    base: String,
}

/// What the measurement needs from the loader bench.
pub(super) struct Inputs<'a> {
    pub sandbox: &'a Sandbox,
    pub dataset: &'a str,
    pub files: &'a [DataFile],
    pub main: &'a DataFile,
    pub csv_options: &'a [(String, String)],
    /// Where the cut files are written.
    pub parts_dir: PathBuf,
    /// How many loads at once, each measured.
    pub levels: &'a [usize],
}

/// Measures every workload at every level under both lock scopes; one
/// entry per round.
pub(super) async fn measure(inputs: &Inputs<'_>, sequencer: &mut u64) -> Result<Vec<Value>> {
    let most = inputs.levels.iter().copied().max().unwrap_or(1).max(1) as u64;
    let mut results = Vec::new();
    for workload in [
        same_table(inputs, most, sequencer).await?,
        whole_export(inputs, most).await?,
    ] {
        let events = upload_parts(inputs, &workload, sequencer).await?;
        let rows: u64 = workload.parts.iter().map(|p| p.rows).sum();
        eprintln!(
            "concurrency: {} ({} files, {rows} rows)…",
            workload.name,
            workload.parts.len()
        );
        for &loads in inputs.levels {
            // Alternating which goes first spreads what the first round
            // after a copy pays (cold caches) over both.
            let order = if loads.trailing_zeros() % 2 == 0 {
                [BEFORE, AFTER]
            } else {
                [AFTER, BEFORE]
            };
            for variant in order {
                let done = round(inputs, &workload, &events, variant, loads).await?;
                let entry = json!({
                    "workload": workload.name,
                    "variant": variant.name,
                    "locks": scope_name(variant.scope),
                    "waits_for_arriving_parents": variant.wait_for_arriving_parents,
                    "loads": loads,
                    "files": workload.parts.len(),
                    "rows": rows,
                    "wall_ms": done.wall_ms.round(),
                    "rows_per_s": (rows as f64 / (done.wall_ms / 1000.0)).round(),
                    "rows_held_pending": done.held_pending,
                    "merge_wait_ms": done.merge_wait_ms,
                });
                eprintln!("  {entry}");
                results.push(entry);
            }
        }
        inputs
            .sandbox
            .postgres()
            .drop_database(&workload.base)
            .await?;
    }
    Ok(results)
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::PerTable => "per_table",
        Scope::Global => "global",
    }
}

/// The largest file in `parts` parts, onto a database holding every other file.
async fn same_table(inputs: &Inputs<'_>, parts: u64, sequencer: &mut u64) -> Result<Workload> {
    let main = inputs.main;
    let shape = FileShape::read(main, inputs.csv_options)?;
    let rows = super::loader::count_rows(&shape, &main.path)?;
    let cut = cut(main, &shape, rows.div_ceil(parts).max(1), &inputs.parts_dir)?;
    let (base, url) = prepared_database(inputs, "concurrency_same_table").await?;
    let loader = loader_for(inputs.sandbox, inputs.dataset, &url).await?;
    let target = Target { url, loader };
    for file in inputs
        .files
        .iter()
        .filter(|f| f.table.name != main.table.name)
    {
        let key = format!("incoming/{}/concurrency-base.csv", file.table.name);
        load_untimed(inputs.sandbox, &[&target], &file.path, &key, sequencer).await?;
    }
    Ok(Workload {
        name: "same_table",
        parts: cut,
        base,
    })
}

/// Every file, none over the total rows / `parts`, onto an empty database.
async fn whole_export(inputs: &Inputs<'_>, parts: u64) -> Result<Workload> {
    let mut shaped = Vec::new();
    for file in inputs.files {
        let shape = FileShape::read(file, inputs.csv_options)?;
        let rows = super::loader::count_rows(&shape, &file.path)?;
        shaped.push((file, shape, rows));
    }
    let total: u64 = shaped.iter().map(|(_, _, rows)| rows).sum();
    let most = total.div_ceil(parts).max(1);
    let mut all = Vec::new();
    for (file, shape, _) in &shaped {
        all.extend(cut(file, shape, most, &inputs.parts_dir)?);
    }
    let (base, _) = prepared_database(inputs, "concurrency_whole_export").await?;
    Ok(Workload {
        name: "whole_export",
        parts: all,
        base,
    })
}

/// A new database with the pack's schema (a loader's cold start migrates
/// it); returns its name and URL.
async fn prepared_database(inputs: &Inputs<'_>, hint: &str) -> Result<(String, String)> {
    let url = inputs.sandbox.postgres().create_database(hint).await?;
    drop(loader_for(inputs.sandbox, inputs.dataset, &url).await?);
    Ok((database_name(&url)?, url))
}

/// The database a `postgres://…/name?…` URL names.
fn database_name(url: &str) -> Result<String> {
    let path = url.split('?').next().unwrap_or(url);
    path.rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .with_context(|| format!("no database name in {url}"))
}

/// Cuts `file` into parts of at most `rows_per_part` records, each with
/// the header, written once into `dir` and reused.
fn cut(file: &DataFile, shape: &FileShape, rows_per_part: u64, dir: &Path) -> Result<Vec<Part>> {
    let dir = dir.join(format!("{}-{rows_per_part}", file.table.name));
    let marker = dir.join(".complete");
    std::fs::create_dir_all(&dir)?;
    let mut parts: Vec<Part> = Vec::new();
    if let Ok(done) = std::fs::read_to_string(&marker) {
        for line in done.lines() {
            let (name, rows) = line.split_once(' ').context("the parts marker")?;
            parts.push(Part {
                path: dir.join(name),
                table: file.table,
                rows: rows.parse()?,
            });
        }
        return Ok(parts);
    }
    let mut reader = shape.csv_reader(&file.path)?;
    let mut record = csv::ByteRecord::new();
    let mut writer: Option<csv::Writer<std::fs::File>> = None;
    let mut first = true;
    while reader.read_byte_record(&mut record)? {
        if first {
            first = false;
            continue;
        }
        let full = parts.last().is_none_or(|p| p.rows == rows_per_part);
        if full {
            if let Some(mut done) = writer.take() {
                done.flush()?;
            }
            let path = dir.join(format!("part-{:03}.csv", parts.len()));
            let mut next = csv_writer(shape, &path)?;
            next.write_record(&shape.header)?;
            writer = Some(next);
            parts.push(Part {
                path,
                table: file.table,
                rows: 0,
            });
        }
        if let (Some(w), Some(part)) = (writer.as_mut(), parts.last_mut()) {
            w.write_byte_record(&record)?;
            part.rows += 1;
        }
    }
    if let Some(mut done) = writer.take() {
        done.flush()?;
    }
    let listing: String = parts
        .iter()
        .map(|p| {
            let name = p.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            format!("{name} {}\n", p.rows)
        })
        .collect();
    std::fs::write(&marker, listing)?;
    Ok(parts)
}

/// Uploads every part under a key of its own; the events, in queue order.
async fn upload_parts(
    inputs: &Inputs<'_>,
    workload: &Workload,
    sequencer: &mut u64,
) -> Result<Vec<Value>> {
    let mut events = Vec::new();
    for (i, part) in workload.parts.iter().enumerate() {
        *sequencer += 1;
        let key = format!("incoming/{}/{}-{i:03}.csv", part.table.name, workload.name);
        events.push(upload(inputs.sandbox, &part.path, &key, *sequencer).await?);
    }
    Ok(events)
}

/// What one round measured.
struct Round {
    wall_ms: f64,
    /// Rows that merged before their parents, waited and were resolved.
    held_pending: u64,
    /// Summed over the loads: waiting for parent loads and merge locks.
    merge_wait_ms: u64,
}

/// One round: a fresh copy of the workload's base, `loads` loaders taking
/// events from one queue, timed until the queue is done; then every row is
/// checked in.
async fn round(
    inputs: &Inputs<'_>,
    workload: &Workload,
    events: &[Value],
    variant: Variant,
    loads: usize,
) -> Result<Round> {
    let postgres = inputs.sandbox.postgres();
    let hint = format!("concurrency_{}_{}_{loads}", workload.name, variant.name);
    let url = postgres.copy_database(&workload.base, &hint).await?;
    let mut loaders = Vec::new();
    for _ in 0..loads {
        let mut loader = loader_for(inputs.sandbox, inputs.dataset, &url).await?;
        loader.lock_scope = variant.scope;
        loader.wait_for_arriving_parents = variant.wait_for_arriving_parents;
        loaders.push(loader);
    }
    let queue = Arc::new(Mutex::new(events.iter().cloned().collect::<VecDeque<_>>()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for loader in loaders {
        let queue = Arc::clone(&queue);
        tasks.push(tokio::spawn(async move { drain(loader, queue).await }));
    }
    let (mut held_pending, mut merge_wait_ms) = (0, 0);
    for task in tasks {
        let (held, waited) = task.await.context("a load task panicked")??;
        held_pending += held;
        merge_wait_ms += waited;
    }
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    check_complete(&url, workload).await?;
    postgres.drop_database(&database_name(&url)?).await?;
    Ok(Round {
        wall_ms,
        held_pending,
        merge_wait_ms,
    })
}

/// Loads events from `queue` until it is empty; each must load. Returns
/// the rows its loads held back as pending and the time they waited to merge.
async fn drain(loader: Loader, queue: Arc<Mutex<VecDeque<Value>>>) -> Result<(u64, u64)> {
    let (mut held_pending, mut merge_wait_ms) = (0, 0);
    loop {
        let next = queue
            .lock()
            .map_err(|_| anyhow::anyhow!("the queue's lock is poisoned"))?
            .pop_front();
        let Some(event) = next else {
            return Ok((held_pending, merge_wait_ms));
        };
        let report = handle_event(&loader, serde_json::from_value(event)?).await?;
        for load in &report.loads {
            if load.status != LoadStatus::Loaded || load.rows_rejected > 0 {
                bail!("a concurrent load did not load cleanly: {load:?}");
            }
            held_pending += load.rows_pending;
            merge_wait_ms += load.merge_wait_ms;
        }
    }
}

/// Every table of the workload holds every row of its parts, and no row is
/// left pending.
async fn check_complete(url: &str, workload: &Workload) -> Result<()> {
    let client = starlift_sandbox::connect(url).await?;
    let pending: i64 = client
        .query_one("SELECT count(*) FROM etl.pending_row", &[])
        .await?
        .get(0);
    if pending != 0 {
        bail!("{}: {pending} rows still pending", workload.name);
    }
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for part in &workload.parts {
        *expected.entry(part.table.qualified_name()).or_default() += part.rows;
    }
    for (table, rows) in expected {
        let count: i64 = client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await?
            .get(0);
        if u64::try_from(count).ok() != Some(rows) {
            bail!(
                "{}: {table} holds {count} rows, its files {rows}",
                workload.name
            );
        }
    }
    Ok(())
}

/// The rounds as a table: rows/s before beside after.
pub(super) fn print(results: &[Value]) {
    if results.is_empty() {
        return;
    }
    println!(
        "\nconcurrent loads (aggregate rows/s; before: one merge lock for all tables | after: per-table locks, children wait for parent loads under way)"
    );
    println!(
        "{:<14} {:>6} {:>14} {:>14} {:>8} {:>20}",
        "workload", "loads", "before", "after", "ratio", "merge wait s (b | a)"
    );
    let field = |workload: &Value, loads: &Value, variant: &str, name: &str| {
        results
            .iter()
            .find(|r| r["workload"] == *workload && r["loads"] == *loads && r["variant"] == variant)
            .and_then(|r| r[name].as_f64())
    };
    let rate = |workload: &Value, loads: &Value, variant: &str| {
        field(workload, loads, variant, "rows_per_s")
    };
    let wait_s = |workload: &Value, loads: &Value, variant: &str| {
        field(workload, loads, variant, "merge_wait_ms")
            .map_or("-".to_string(), |ms| format!("{:.1}", ms / 1000.0))
    };
    for r in results.iter().filter(|r| r["variant"] == BEFORE.name) {
        let before = rate(&r["workload"], &r["loads"], BEFORE.name);
        let after = rate(&r["workload"], &r["loads"], AFTER.name);
        let shown = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
        let ratio = match (before, after) {
            (Some(g), Some(p)) if g > 0.0 => format!("{:.2}", p / g),
            _ => "-".to_string(),
        };
        let waits = format!(
            "{} | {}",
            wait_s(&r["workload"], &r["loads"], BEFORE.name),
            wait_s(&r["workload"], &r["loads"], AFTER.name)
        );
        println!(
            "{:<14} {:>6} {:>14} {:>14} {:>8} {:>20}",
            r["workload"].as_str().unwrap_or(""),
            r["loads"],
            shown(before),
            shown(after),
            ratio,
            waits
        );
    }
}
