//! The builder benchmark (issue 4): at the bench scale, load the generated
//! set into a sandbox OLTP database through the loader, then time
//!
//! * a full build (`{"mode":"full"}`) into the OLAP database;
//! * the ceiling: the same transform as plain `INSERT … SELECT` over the OLTP
//!   tables inside one database (`sql/<pack>/bench/ceiling.sql`, into schema
//!   `ceiling_dw`), on the same data; skipped, with its ratio, when the pack
//!   has no such script;
//! * incremental builds (`"plan":"incremental"`), each after 1% new grain
//!   keys of the pack's first declared fact went through the loader (see
//!   [`Increment`]).
//!
//! The full build and the ceiling run `--runs` times each, alternating, then
//! `--runs` increments each get an incremental build; each side's median
//! counts (every sample is in the JSON); every timed run starts after a
//! `CHECKPOINT`, so no run pays for flushing the pages an earlier phase
//! dirtied.
//!
//! Writes `target/bench/builder.json` and prints a table. Measured, not
//! asserted; targets: incremental_vs_full ≤ 0.05, full_vs_ceiling ≤ 1.5.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadStatus, Loader, handle_event};
use serde_json::json;
use star_builder::{BuildReport, BuildRequest, BuildStatus, Builder, Mode};
use starlift_domain::catalog::{Catalog, ColumnType, Table, quote_ident};
use starlift_domain::config::{BuilderConfig, LoaderConfig};
use starlift_domain::pack::Pack;
use starlift_domain::warehouse::quote_table;
use starlift_sandbox::Sandbox;
use tokio::io::AsyncWriteExt;

use super::BenchArgs;

/// One grain key in this many is copied as a new one (1%).
const INCREMENT_EVERY: i64 = 100;

/// The schema the ceiling script builds into.
const CEILING_SCHEMA: &str = "ceiling_dw";

pub fn run(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    let runtime = super::runtime()?;
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

/// Uploads `path` to `key` and hands the S3 event to the loader; returns
/// the rows inserted.
pub(crate) async fn drop_file(
    sandbox: &Sandbox,
    loader: &Loader,
    path: &Path,
    key: &str,
    sequencer: &mut u64,
) -> Result<u64> {
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
    Ok(report.loads.iter().map(|l| l.rows_inserted).sum())
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

/// A fact as the pack declares it (`[facts.<name>]`).
#[derive(Debug, Clone)]
struct FactDecl {
    name: String,
    /// The fact tables (`dw.fact_…`).
    tables: Vec<String>,
    /// OLTP table → its columns holding the grain key, in grain order.
    sources: BTreeMap<String, Vec<String>>,
}

/// The pack's first declared fact.
fn first_fact(pack: &Pack) -> Result<FactDecl> {
    let (name, fact) = pack.manifest.facts.iter().next().with_context(|| {
        format!(
            "pack {} declares no [facts.*] in sql/{}/dataset.toml: the incremental benchmark adds new grain keys of its first fact",
            pack.name(),
            pack.name()
        )
    })?;
    Ok(FactDecl {
        name: name.clone(),
        tables: fact.tables.clone(),
        sources: fact
            .sources
            .iter()
            .map(|(table, columns)| (table.clone(), columns.clone()))
            .collect(),
    })
}

/// 1% new grain keys of a fact, as copies of existing ones: the rows of the
/// fact's home source (the source whose grain columns are its primary key)
/// whose first grain column is a multiple of [`INCREMENT_EVERY`] (and at most
/// its maximum before the first increment: originally generated keys only),
/// plus the rows of the other sources with those grain keys. Every integer
/// primary-key column is shifted past the table's current maximum, and every
/// foreign-key column that references a shifted column by the same amount,
/// so the copies are new rows that hang together. They reach the OLTP
/// database through the loader, as CSV files named after their tables.
#[derive(Debug)]
struct Increment {
    fact: FactDecl,
    home: &'static Table,
    /// Every source (the home included) in load order, parents first, with
    /// its grain columns.
    sources: Vec<(&'static Table, Vec<String>)>,
    /// The home's first grain column's maximum before any increment.
    original_max: i64,
}

impl Increment {
    async fn new(
        pack: &Pack,
        catalog: &'static Catalog,
        oltp: &tokio_postgres::Client,
    ) -> Result<Self> {
        let fact = first_fact(pack)?;
        let mut sources = Vec::new();
        for table in catalog.load_order() {
            if let Some(columns) = fact.sources.get(&table.name) {
                sources.push((table, columns.clone()));
            }
        }
        if let Some(missing) = fact
            .sources
            .keys()
            .find(|name| catalog.table(name).is_none())
        {
            bail!(
                "[facts.{}.sources] names {missing}, which is not a table of the pack",
                fact.name
            );
        }
        let (home, grain) = sources
            .iter()
            .find(|(table, columns)| {
                let mut key = table.primary_key.clone();
                let mut columns = columns.clone();
                key.sort();
                columns.sort();
                !key.is_empty() && key == columns
            })
            .map(|(table, columns)| (*table, columns.clone()))
            .with_context(|| {
                format!(
                    "fact {}: no source's grain columns are its primary key, so there is no home table to copy grain keys from",
                    fact.name
                )
            })?;
        let first = grain
            .first()
            .with_context(|| format!("fact {}: an empty grain", fact.name))?;
        let integer = home.column(first).is_some_and(|c| {
            matches!(
                c.ty,
                ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
            )
        });
        if !integer {
            bail!(
                "fact {}: the grain column {}.{first} is not an integer; the benchmark picks 1% of the keys as multiples of {INCREMENT_EVERY}",
                fact.name,
                home.name
            );
        }
        let original_max = max_plus_one(oltp, home, first).await? - 1;
        Ok(Self {
            fact,
            home,
            sources,
            original_max,
        })
    }

    /// `(c1, c2) IN (SELECT …)`: the rows of a source whose grain key is one
    /// of the copied ones.
    fn selection(&self, grain: &[String]) -> String {
        let home_grain: Vec<String> = self
            .sources
            .iter()
            .find(|(t, _)| t.name == self.home.name)
            .map(|(_, g)| g.iter().map(|c| quote_ident(c)).collect())
            .unwrap_or_default();
        let first = home_grain.first().cloned().unwrap_or_default();
        format!(
            "({}) IN (SELECT {} FROM {} WHERE {first} % {INCREMENT_EVERY} = 0 AND {first} <= {})",
            grain
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", "),
            home_grain.join(", "),
            self.home.qualified_name(),
            self.original_max
        )
    }

    /// The shifts of this increment: `(table, column) → offset`.
    async fn shifts(&self, oltp: &tokio_postgres::Client) -> Result<Shifts> {
        let mut own = Shifts::new();
        for (table, _) in &self.sources {
            for key in &table.primary_key {
                let integer = table.column(key).is_some_and(|c| {
                    matches!(
                        c.ty,
                        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
                    )
                });
                if integer {
                    own.insert(
                        (table.name.clone(), key.clone()),
                        max_plus_one(oltp, table, key).await?,
                    );
                }
            }
        }
        let tables: Vec<&Table> = self.sources.iter().map(|(t, _)| *t).collect();
        Ok(shifts(&tables, &own))
    }

    /// `COPY (SELECT …) TO STDOUT (FORMAT csv, HEADER)` of a source's copied
    /// rows, shifted, with the SQL column names as the header.
    fn copy_sql(&self, table: &Table, grain: &[String], shifts: &Shifts) -> String {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let name = quote_ident(&c.name);
                match shifts.get(&(table.name.clone(), c.name.clone())) {
                    Some(offset) => format!("{name} + {offset} AS {name}"),
                    None => name,
                }
            })
            .collect();
        format!(
            "COPY (SELECT {} FROM {} WHERE {}) TO STDOUT (FORMAT csv, HEADER true)",
            columns.join(", "),
            table.qualified_name(),
            self.selection(grain)
        )
    }

    /// Drops increment number `run` through the loader; returns the rows
    /// inserted per table.
    async fn add(
        &self,
        sandbox: &Sandbox,
        loader: &Loader,
        oltp: &tokio_postgres::Client,
        dir: &Path,
        run: u32,
        sequencer: &mut u64,
    ) -> Result<BTreeMap<String, u64>> {
        let shifts = self.shifts(oltp).await?;
        let mut inserted = BTreeMap::new();
        for (table, grain) in &self.sources {
            let path = dir.join(format!("{}.csv", table.name));
            write_copy(oltp, &self.copy_sql(table, grain, &shifts), &path).await?;
            let rows = drop_file(
                sandbox,
                loader,
                &path,
                &increment_key(&table.name, run),
                sequencer,
            )
            .await?;
            inserted.insert(table.name.clone(), rows);
        }
        if inserted.get(&self.home.name).copied().unwrap_or(0) == 0 {
            bail!(
                "increment {run} added no {} rows (no {} is a multiple of {INCREMENT_EVERY})",
                self.home.name,
                self.sources
                    .iter()
                    .find(|(t, _)| t.name == self.home.name)
                    .and_then(|(_, g)| g.first())
                    .map_or("grain key", String::as_str)
            );
        }
        Ok(inserted)
    }
}

/// Where increment `run` of `table` is dropped. The file is what `COPY …
/// (FORMAT csv)` writes, comma-separated and double-quoted, whatever the
/// pack's own CSV defaults (classicmodels' exports use `;`): the key says so.
fn increment_key(table: &str, run: u32) -> String {
    format!("incoming/{table}/delimiter=comma/quote=double/increment-{run}.csv")
}

/// `(table, column) → offset` added to the copied rows.
type Shifts = BTreeMap<(String, String), i64>;

/// Every column's shift: a foreign-key column referencing a copied table's
/// shifted column moves with it; an integer primary-key column otherwise by
/// its own offset (`own`: its current maximum + 1).
fn shifts(tables: &[&Table], own: &Shifts) -> Shifts {
    let mut out = Shifts::new();
    for table in tables {
        for column in &table.columns {
            if let Some(offset) = shift_of(tables, table, &column.name, own, 0) {
                out.insert((table.name.clone(), column.name.clone()), offset);
            }
        }
    }
    out
}

fn shift_of(
    tables: &[&Table],
    table: &Table,
    column: &str,
    own: &Shifts,
    depth: usize,
) -> Option<i64> {
    if depth <= tables.len() {
        for fk in &table.foreign_keys {
            let Some(i) = fk.columns.iter().position(|c| c == column) else {
                continue;
            };
            let (Some(parent), Some(referenced)) = (
                tables.iter().find(|t| t.name == fk.references),
                fk.referenced_columns.get(i),
            ) else {
                continue;
            };
            if parent.name == table.name && referenced == column {
                continue;
            }
            if let Some(offset) = shift_of(tables, parent, referenced, own, depth + 1) {
                return Some(offset);
            }
        }
    }
    own.get(&(table.name.clone(), column.to_string())).copied()
}

/// `max(column) + 1` of a table (1 when it is empty).
async fn max_plus_one(client: &tokio_postgres::Client, table: &Table, column: &str) -> Result<i64> {
    count(
        client,
        &format!(
            "SELECT coalesce(max({})::bigint, 0) + 1 FROM {}",
            quote_ident(column),
            table.qualified_name()
        ),
    )
    .await
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

/// The data set's CSV files in the catalog's load order (parents first),
/// each with the table its name gives.
pub(crate) fn data_files(data: &Path, catalog: &Catalog) -> Result<Vec<(PathBuf, String)>> {
    let mut files: Vec<(usize, PathBuf, String)> = Vec::new();
    for entry in std::fs::read_dir(data).with_context(|| format!("reading {}", data.display()))? {
        let path = entry?.path();
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".csv"))
        else {
            continue;
        };
        let Some(table) = catalog.find(stem) else {
            eprintln!("  {} names no table of the pack; skipped", path.display());
            continue;
        };
        let order = catalog
            .load_order()
            .position(|t| t.name == table.name)
            .unwrap_or(usize::MAX);
        let file_name = format!("{stem}.csv");
        files.push((order, path, file_name));
    }
    files.sort();
    if files.is_empty() {
        bail!("{} holds no CSV file of the pack", data.display());
    }
    Ok(files
        .into_iter()
        .map(|(_, path, name)| (path, name))
        .collect())
}

/// `sql/<pack>/bench/ceiling.sql`, when the pack has one.
fn ceiling_script(pack: &Pack) -> Result<Option<(String, String)>> {
    let relative = format!("sql/{}/bench/ceiling.sql", pack.name());
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(&relative);
    if !path.is_file() {
        return Ok(None);
    }
    let sql = std::fs::read_to_string(&path).with_context(|| format!("reading {relative}"))?;
    Ok(Some((relative, sql)))
}

/// Compares the row count of every fact table the ceiling built in
/// `ceiling_dw` with the builder's; returns how many it compared.
async fn check_ceiling(
    fact: &FactDecl,
    oltp: &tokio_postgres::Client,
    olap: &tokio_postgres::Client,
    script: &str,
) -> Result<usize> {
    let mut compared = 0;
    for table in &fact.tables {
        let name = table.rsplit('.').next().unwrap_or(table);
        let ceiling = format!("{}.{}", quote_ident(CEILING_SCHEMA), quote_ident(name));
        let exists: bool = oltp
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&ceiling])
            .await?
            .get(0);
        if !exists {
            continue;
        }
        let ceiling_rows = count(oltp, &format!("SELECT count(*) FROM {ceiling}")).await?;
        let builder_rows = count(
            olap,
            &format!("SELECT count(*) FROM {}", quote_table(table)),
        )
        .await?;
        if ceiling_rows != builder_rows {
            bail!(
                "{script} built {ceiling_rows} rows in {ceiling}, the builder {builder_rows} in {table}"
            );
        }
        compared += 1;
    }
    if compared == 0 {
        bail!(
            "{script} built none of fact {}'s tables ({}) in schema {CEILING_SCHEMA}; the bench compares their row counts",
            fact.name,
            fact.tables.join(", ")
        );
    }
    Ok(compared)
}

async fn bench(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    eprintln!("builder bench: starting the sandbox…");
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

    let started = Instant::now();
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
    let pack = builder.pack();
    let increment = Increment::new(pack, loader.catalog, &oltp).await?;
    let fact_table = increment
        .fact
        .tables
        .first()
        .with_context(|| format!("fact {} lists no tables", increment.fact.name))?
        .clone();
    let count_facts = format!("SELECT count(*) FROM {}", quote_table(&fact_table));
    let ceiling = ceiling_script(pack)?;
    if ceiling.is_none() {
        eprintln!(
            "no sql/{}/bench/ceiling.sql: the ceiling is not run and the full / ceiling ratio is skipped",
            pack.name()
        );
    }
    // The first build is an incremental request whose batches hold the whole
    // first load: the engine builds it the full way (plan = full).
    eprintln!("first build: an incremental request over the whole first load…");
    checkpoint(&olap).await?;
    let (first_ms, first) = timed_build(&builder, BuildRequest::INCREMENTAL).await?;
    eprintln!(
        "  {first_ms:.0} ms, plan {}: {}",
        first.plan.as_str(),
        first.message.as_deref().unwrap_or("as requested")
    );
    let mut full_samples = Vec::new();
    let mut ceiling_samples = Vec::new();
    let mut fact_rows = 0;
    for run in 1..=args.runs.max(1) {
        eprintln!("full build, run {run}…");
        checkpoint(&olap).await?;
        let (ms, report) = timed_build(&builder, BuildRequest::FULL).await?;
        fact_rows = count(&olap, &count_facts).await?;
        eprintln!("  {ms:.0} ms, {fact_rows} rows in {fact_table}");
        full_samples.push(ms.round());
        anyhow::ensure!(
            report.plan == Mode::Full,
            "the full build ran {:?}",
            report.plan
        );

        let Some((script, sql)) = &ceiling else {
            continue;
        };
        eprintln!("ceiling ({script} inside the OLTP database), run {run}…");
        checkpoint(&olap).await?;
        let started = Instant::now();
        let transaction = oltp.transaction().await?;
        transaction
            .batch_execute(sql)
            .await
            .with_context(|| script.clone())?;
        transaction.commit().await?;
        let ms = ms_since(started);
        check_ceiling(&increment.fact, &oltp, &olap, script).await?;
        oltp.batch_execute(&format!(
            "DROP SCHEMA {} CASCADE",
            quote_ident(CEILING_SCHEMA)
        ))
        .await?;
        eprintln!("  {ms:.0} ms");
        ceiling_samples.push(ms.round());
    }
    let full_ms = median(&full_samples);
    let ceiling_ms = (!ceiling_samples.is_empty()).then(|| median(&ceiling_samples));

    // Each increment is 1% new grain keys of the fact (copies of the
    // original ones), and each is timed: the median counts, like the full
    // build's.
    let increment_dir = out.join("builder-increment");
    std::fs::create_dir_all(&increment_dir)?;
    let mut incremental_samples = Vec::new();
    let mut first_increment = None;
    let mut current_rows = fact_rows;
    for run in 1..=args.runs.max(1) {
        eprintln!(
            "increment {run}: adding 1% new {} keys ({}) through the loader…",
            increment.fact.name,
            increment
                .sources
                .iter()
                .map(|(t, _)| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let inserted = increment
            .add(
                &sandbox,
                &loader,
                &oltp,
                &increment_dir,
                run,
                &mut sequencer,
            )
            .await?;
        let before = current_rows;
        eprintln!("  incremental build…");
        checkpoint(&olap).await?;
        let (ms, report) = timed_build(&builder, BuildRequest::INCREMENTAL_AS_REQUESTED).await?;
        current_rows = count(&olap, &count_facts).await?;
        let written = report.rows_changed.get(&fact_table).copied().unwrap_or(0);
        if current_rows <= before || written != current_rows - before {
            bail!(
                "the incremental build wrote {written} rows of {fact_table}, which grew from {before} to {current_rows} rows"
            );
        }
        eprintln!("  {ms:.0} ms");
        incremental_samples.push(ms.round());
        first_increment.get_or_insert((inserted, report.batches_consumed));
    }
    let incremental_ms = median(&incremental_samples);
    let (new_rows, incremental_batches) = first_increment.context("no incremental build ran")?;

    let incremental_ratio = incremental_ms / full_ms;
    let full_ratio = ceiling_ms.map(|ceiling| full_ms / ceiling);
    let result = json!({
        "dataset": pack.name(),
        "fact": increment.fact.name,
        "fact_table": fact_table,
        "fact_rows": fact_rows,
        "first_load_incremental_request": {
            "ms": first_ms.round(),
            "plan": first.plan.as_str(),
            "message": first.message,
        },
        "full_ms": full_ms.round(),
        "full_ms_samples": full_samples,
        "ceiling_ms_samples": ceiling_samples,
        "incremental_ms": incremental_ms.round(),
        "incremental_ms_samples": incremental_samples,
        "incremental_vs_full": incremental_ratio,
        "ceiling_ms": ceiling_ms.map(f64::round),
        "full_vs_ceiling": full_ratio,
        "scale": args.scale,
        "incremental_new_rows": new_rows,
        "first_load_batches": first.batches_consumed,
        "incremental_batches": incremental_batches,
        "targets": {"incremental_vs_full": "<= 0.05", "full_vs_ceiling": "<= 1.5"},
    });
    let path = out.join("builder.json");
    std::fs::write(&path, serde_json::to_string_pretty(&result)?)?;

    let mark = |ok: bool| if ok { "ok" } else { "MISSED" };
    let added = new_rows
        .iter()
        .map(|(table, n)| format!("+{n} {table}"))
        .collect::<Vec<_>>()
        .join(", ");
    // (label, value, target) rows; the label column fits the longest.
    let mut rows: Vec<(String, String, String)> = vec![
        (String::new(), "ms".into(), String::new()),
        (
            "full build ({\"mode\":\"full\"})".into(),
            format!("{full_ms:.0}"),
            String::new(),
        ),
        (
            format!(
                "first load, incremental request (plan: {})",
                first.plan.as_str()
            ),
            format!("{first_ms:.0}"),
            String::new(),
        ),
        (
            format!("incremental build ({added})"),
            format!("{incremental_ms:.0}"),
            String::new(),
        ),
        match ceiling_ms {
            Some(ms) => (
                "ceiling (INSERT … SELECT in one database)".into(),
                format!("{ms:.0}"),
                String::new(),
            ),
            None => (
                format!("ceiling (no sql/{}/bench/ceiling.sql)", pack.name()),
                "-".into(),
                String::new(),
            ),
        },
        (
            "incremental / full".into(),
            format!("{incremental_ratio:.3}"),
            format!("target <= 0.05  {}", mark(incremental_ratio <= 0.05)),
        ),
        match full_ratio {
            Some(ratio) => (
                "full / ceiling".into(),
                format!("{ratio:.2}"),
                format!("target <= 1.5   {}", mark(ratio <= 1.5)),
            ),
            None => (
                "full / ceiling".into(),
                "-".into(),
                "skipped: the pack has no bench/ceiling.sql".into(),
            ),
        },
    ];
    let width = rows
        .iter()
        .map(|(label, _, _)| label.chars().count())
        .max()
        .unwrap_or(0)
        .max(44);
    let mut report = format!(
        "\nstar-builder benchmark, {} scale {} ({fact_rows} rows in {fact_table})\n",
        pack.name(),
        args.scale
    );
    for (label, value, target) in rows.drain(..) {
        let line = format!("  {label:<width$} {value:>10}   {target}");
        report.push_str(line.trim_end());
        report.push('\n');
    }
    report.push_str(&format!("written to {}", path.display()));
    eprintln!("{report}");
    // Close the connections before the sandbox stops the server.
    drop((builder, loader, oltp, olap));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use starlift_domain::catalog::{Column, ForeignKey, LoadMode};

    use super::*;

    /// The increment files route to their table with COPY's dialect,
    /// overriding a pack's `;`.
    #[test]
    fn increment_keys_carry_copy_dialect() {
        let catalog = Catalog::new(
            "s".into(),
            vec![table(
                "orders",
                &[("order_number", ColumnType::Integer)],
                &["order_number"],
            )],
        )
        .unwrap()
        .leak();
        let route =
            starlift_domain::routing::route_key(catalog, &increment_key("orders", 3), "incoming/")
                .unwrap();
        assert_eq!(route.table.name, "orders");
        let dialect = starlift_domain::dialect::Dialect::from_options(
            [("delimiter", ";")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .chain(route.options),
        )
        .unwrap();
        assert_eq!(dialect.delimiter.byte(), Some(b','));
        assert_eq!(dialect.quote, Some(b'"'));
    }

    #[test]
    fn median_takes_the_middle_sample() {
        assert_eq!(median(&[30.0, 10.0, 20.0]), 20.0);
        assert_eq!(median(&[40.0, 10.0, 30.0, 20.0]), 25.0);
        assert_eq!(median(&[7.0]), 7.0);
        assert!(median(&[]).is_nan());
    }

    fn table(name: &str, columns: &[(&str, ColumnType)], key: &[&str]) -> Table {
        Table {
            schema: "s".into(),
            name: name.into(),
            columns: columns
                .iter()
                .map(|(n, ty)| Column {
                    name: n.to_string(),
                    ty: *ty,
                    nullable: false,
                    has_default: false,
                })
                .collect(),
            primary_key: key.iter().map(|k| k.to_string()).collect(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            mode: LoadMode::Upsert,
            aliases: Vec::new(),
        }
    }

    fn references(table: &mut Table, columns: &[&str], parent: &str, referenced: &[&str]) {
        table.foreign_keys.push(ForeignKey {
            name: format!("{}_fk{}", table.name, table.foreign_keys.len()),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            references: parent.into(),
            referenced_columns: referenced.iter().map(|c| c.to_string()).collect(),
        });
    }

    fn own(entries: &[(&str, &str, i64)]) -> Shifts {
        entries
            .iter()
            .map(|(t, c, n)| ((t.to_string(), c.to_string()), *n))
            .collect()
    }

    /// Keys move past the maximum; a reference to a copied table moves with
    /// it (even when it is part of the primary key); other references and
    /// non-integer keys stay.
    #[test]
    fn shifts_follow_keys_and_references() {
        use ColumnType::*;
        let mut orders = table(
            "orders",
            &[
                ("order_id", Integer),
                ("customer_id", Integer),
                ("note", Text),
            ],
            &["order_id"],
        );
        references(&mut orders, &["customer_id"], "customer", &["customer_id"]);
        let mut lines = table(
            "order_line",
            &[("order_id", BigInt), ("line_no", SmallInt), ("sku", Text)],
            &["order_id", "line_no"],
        );
        references(&mut lines, &["order_id"], "orders", &["order_id"]);
        let mut notes = table(
            "line_note",
            &[
                ("note_id", Integer),
                ("order_id", Integer),
                ("line_no", SmallInt),
            ],
            &["note_id"],
        );
        references(
            &mut notes,
            &["order_id", "line_no"],
            "order_line",
            &["order_id", "line_no"],
        );
        let tables = [&orders, &lines, &notes];
        let shifted = shifts(
            &tables,
            &own(&[
                ("orders", "order_id", 501),
                ("order_line", "order_id", 499),
                ("order_line", "line_no", 7),
                ("line_note", "note_id", 90),
            ]),
        );
        assert_eq!(
            shifted,
            own(&[
                ("orders", "order_id", 501),
                ("order_line", "order_id", 501),
                ("order_line", "line_no", 7),
                ("line_note", "note_id", 90),
                ("line_note", "order_id", 501),
                ("line_note", "line_no", 7),
            ])
        );
    }

    /// A self reference (a line pointing at another line) moves with the
    /// key it points at, without looping.
    #[test]
    fn self_references_shift_once() {
        let mut line = table(
            "line",
            &[
                ("line_id", ColumnType::Integer),
                ("replaces_id", ColumnType::Integer),
            ],
            &["line_id"],
        );
        references(&mut line, &["replaces_id"], "line", &["line_id"]);
        let shifted = shifts(&[&line], &own(&[("line", "line_id", 10)]));
        assert_eq!(
            shifted,
            own(&[("line", "line_id", 10), ("line", "replaces_id", 10)])
        );
    }
}
