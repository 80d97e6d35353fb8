//! The loader benchmark: oltp-loader end to end (sandbox S3 → OLTP) against
//! `psql \copy` of the same file into an equivalent staging table followed by
//! the same merge SQL (the ceiling), and pgloader. The loader runs as its own
//! process so its peak RSS is its own; it reports VmHWM when done. Beside
//! them, the physical limits: `\copy` into an empty table like the
//! loader's (constraints, indexes, foreign keys) and into one with only the
//! primary key; the loader again keeping its per-row foreign-key triggers
//! (a role without the privilege to skip them); and an unchanged re-drop of
//! the file under a new key.
//!
//! Pack-generic ([`Plan`]): the measured file is the data set's largest CSV
//! (Chinook's InvoiceLine.csv, classicmodels' orderdetails.csv), its table
//! the one the loader routes the file name to. Its direct parents that no
//! `[facts.*]` lists as a source (the catalogue side: Chinook's Track,
//! classicmodels' products) are measured too, first; every other ancestor
//! is loaded untimed so the measured rows find their parents. The `\copy`
//! and pgloader references take the file's own header and delimiter; the
//! memory check loads a file `--growth` times larger ([`grow`]).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use oltp_loader::events::{PutObject, object_created_json};
use oltp_loader::table_sql::{LINE_COLUMN, TableSql};
use oltp_loader::{Loader, handle_event};
use serde_json::{Value, json};
use starlift_domain::catalog::{
    Catalog, Column, ColumnType, LOAD_BATCH_COLUMN, LOAD_ORIGIN_COLUMN, LoadMode, Table,
    quote_ident,
};
use starlift_domain::config::LoaderConfig;
use starlift_domain::dialect::Dialect;
use starlift_domain::pack::Pack;
use starlift_domain::records::RecordReader;
use starlift_domain::routing::{RouteError, route_key};
use starlift_domain::validate::match_header;
use starlift_sandbox::Sandbox;

use super::BenchArgs;

/// A database the bench loads into, and a loader serving it.
pub(super) struct Target {
    pub url: String,
    pub loader: Loader,
}

pub fn run(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    let runtime = super::runtime()?;
    runtime.block_on(bench(args, data, out))
}

/// The environment of a loader serving `dataset` on the database `url`.
fn loader_env(sandbox: &Sandbox, dataset: &str, url: &str) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = sandbox
        .env()
        .into_iter()
        .filter(|(k, _)| k != "OLTP_DATABASE_URL")
        .collect();
    env.push(("OLTP_DATABASE_URL".to_string(), url.to_string()));
    env.push(("DATASET".to_string(), dataset.to_string()));
    env
}

pub(super) async fn loader_for(sandbox: &Sandbox, dataset: &str, url: &str) -> Result<Loader> {
    let env = loader_env(sandbox, dataset, url);
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    Ok(Loader::connect(
        LoaderConfig::from_lookup(lookup)?,
        sandbox.s3_client(),
        None,
    )
    .await?)
}

/// Uploads `path` to `key` and returns the event AWS would send.
pub(super) async fn upload(
    sandbox: &Sandbox,
    path: &Path,
    key: &str,
    sequencer: u64,
) -> Result<Value> {
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
    Ok(object_created_json(&[PutObject {
        bucket: sandbox.bucket(),
        key,
        etag: put.e_tag().unwrap_or_default(),
        size,
        sequencer: &format!("{sequencer:018X}"),
        version_id: None,
    }]))
}

/// Runs the loader in a child process on one event; returns (handler ms, peak RSS MB, summary).
fn child_load(
    sandbox: &Sandbox,
    dataset: &str,
    url: &str,
    event: &Value,
    out: &Path,
    fk_triggers: FkTriggers,
) -> Result<(f64, f64, Value)> {
    let event_file = out.join("bench-event.json");
    std::fs::write(&event_file, event.to_string())?;
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("bench-loader-child")
        .arg("--event")
        .arg(&event_file);
    if fk_triggers == FkTriggers::Always {
        command.arg("--fk-triggers");
    }
    for (key, value) in loader_env(sandbox, dataset, url) {
        command.env(key, value);
    }
    command.env("RUST_LOG", "warn");
    let output = command.output().context("running the loader process")?;
    if !output.status.success() {
        bail!(
            "the loader process failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let result: Value = serde_json::from_slice(&output.stdout).context("loader process output")?;
    let ms = result["handler_ms"].as_f64().unwrap_or(0.0);
    let rss_mb = result["peak_rss_kb"].as_f64().unwrap_or(0.0) / 1024.0;
    Ok((ms, rss_mb, result["report"]["loads"][0].clone()))
}

/// Whether the loader may skip the per-row foreign-key triggers where its
/// role allows (its default), or keeps them (the path of a role without the
/// privilege), for the side-by-side figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FkTriggers {
    WhereAllowed,
    Always,
}

/// One CSV file of the data set and the table the loader routes it to.
#[derive(Debug, Clone)]
pub(super) struct DataFile {
    pub path: PathBuf,
    /// The file name, as uploaded (`incoming/<name>`).
    pub name: String,
    pub table: &'static Table,
    pub bytes: u64,
}

/// The data set's CSV files, each with its table (as the loader routes
/// `incoming/<file name>`), in the catalog's load order.
fn data_files(data: &Path, catalog: &'static Catalog) -> Result<Vec<DataFile>> {
    const PREFIX: &str = "incoming/";
    let mut files: Vec<DataFile> = Vec::new();
    for entry in std::fs::read_dir(data).with_context(|| format!("reading {}", data.display()))? {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let table = match route_key(catalog, &format!("{PREFIX}{name}"), PREFIX) {
            Ok(route) => route.table,
            Err(RouteError::NotCsv { .. }) => continue,
            Err(error) => {
                eprintln!("  {}: {error}; skipped", path.display());
                continue;
            }
        };
        if let Some(other) = files.iter().find(|f| f.table.name == table.name) {
            bail!(
                "{} and {} both load into {}; the bench takes one file per table",
                other.path.display(),
                path.display(),
                table.name
            );
        }
        let bytes = std::fs::metadata(&path)?.len();
        let path = std::fs::canonicalize(&path)?;
        files.push(DataFile {
            path,
            name,
            table,
            bytes,
        });
    }
    let order: Vec<&str> = catalog.load_order().map(|t| t.name.as_str()).collect();
    files.sort_by_key(|f| order.iter().position(|t| *t == f.table.name));
    if files.is_empty() {
        bail!("{} holds no CSV file of the pack", data.display());
    }
    Ok(files)
}

/// What the loader bench loads, from the data set's files and the pack.
#[derive(Debug)]
struct Plan {
    /// The measured file: the largest.
    main: DataFile,
    /// The main table's direct parents outside every fact (the catalogue
    /// side), measured too, before it.
    others: Vec<DataFile>,
    /// Every other ancestor of the measured tables, loaded untimed first,
    /// parents first.
    parents: Vec<DataFile>,
}

impl Plan {
    fn new(files: &[DataFile], catalog: &Catalog, pack: &Pack) -> Result<Self> {
        let main = files
            .iter()
            .max_by(|a, b| a.bytes.cmp(&b.bytes).then_with(|| b.name.cmp(&a.name)))
            .context("no data files")?
            .clone();
        let fact_sources: BTreeSet<&str> = pack
            .manifest
            .facts
            .values()
            .flat_map(|fact| fact.sources.keys().map(String::as_str))
            .collect();
        let direct = main.table.parents();
        let others: Vec<DataFile> = files
            .iter()
            .filter(|f| direct.contains(f.table.name.as_str()))
            .filter(|f| !fact_sources.contains(f.table.name.as_str()))
            .cloned()
            .collect();
        let measured: BTreeSet<&str> = others
            .iter()
            .chain([&main])
            .map(|f| f.table.name.as_str())
            .collect();
        // Every ancestor of the measured tables.
        let mut ancestors: BTreeSet<&str> = BTreeSet::new();
        for name in &measured {
            let table = catalog
                .table(name)
                .with_context(|| format!("{name} is not a table of the pack"))?;
            ancestors.extend(catalog.ancestors(table));
        }
        let mut parents = Vec::new();
        for table in catalog.load_order() {
            let name = table.name.as_str();
            if !ancestors.contains(name) || measured.contains(name) {
                continue;
            }
            let file = files
                .iter()
                .find(|f| f.table.name == name)
                .with_context(|| {
                    format!(
                        "the data set has no file for {name}, which the measured tables ({}) need as a parent",
                        measured.iter().copied().collect::<Vec<_>>().join(", ")
                    )
                })?;
            parents.push(file.clone());
        }
        Ok(Self {
            main,
            others,
            parents,
        })
    }
}

/// How a data file is written: its header (as the file spells it), mapped
/// onto the table, and its delimiter and quote.
#[derive(Debug)]
pub(super) struct FileShape {
    pub header: Vec<String>,
    /// For each header field, the table column it fills.
    columns: Vec<&'static Column>,
    delimiter: u8,
    quote: Option<u8>,
}

impl FileShape {
    /// Reads the header as the loader does (the pack's CSV defaults).
    pub fn read(file: &DataFile, csv_options: &[(String, String)]) -> Result<Self> {
        let dialect = Dialect::from_options(csv_options.iter().map(|(k, v)| (k, v)))?;
        let names: Vec<&str> = file.table.columns.iter().map(|c| c.name.as_str()).collect();
        let reader = RecordReader::new(std::fs::File::open(&file.path)?, &dialect, &names)
            .with_context(|| format!("reading the header of {}", file.path.display()))?;
        let header = reader.header().to_vec();
        let map = match_header(file.table, &header)
            .with_context(|| format!("the header of {}", file.path.display()))?;
        if !map.ignored.is_empty() {
            bail!(
                "{}: header fields {:?} name no column of {}; the \\copy reference cannot skip them",
                file.path.display(),
                map.ignored,
                file.table.name
            );
        }
        let mut columns: Vec<(usize, &'static Column)> = file
            .table
            .columns
            .iter()
            .zip(&map.positions)
            .filter_map(|(c, p)| p.map(|p| (p, c)))
            .collect();
        columns.sort_by_key(|(p, _)| *p);
        Ok(Self {
            header,
            columns: columns.into_iter().map(|(_, c)| c).collect(),
            delimiter: reader.delimiter(),
            quote: dialect.quote,
        })
    }

    /// The file's columns, as SQL names in file order, quoted.
    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| quote_ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `COPY … WITH (…)` options reading this file (nothing added for
    /// comma-separated, double-quoted files).
    fn copy_options(&self) -> String {
        let literal = |byte: u8| match byte {
            b'\t' => "E'\\t'".to_string(),
            b'\'' => "''''".to_string(),
            other => format!("'{}'", char::from(other)),
        };
        let mut options = String::from("FORMAT csv, HEADER true");
        if self.delimiter != b',' {
            options.push_str(&format!(", DELIMITER {}", literal(self.delimiter)));
        }
        if let Some(quote) = self.quote.filter(|q| *q != b'"') {
            options.push_str(&format!(", QUOTE {}", literal(quote)));
        }
        options
    }

    pub fn csv_reader(&self, path: &Path) -> Result<csv::Reader<std::fs::File>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .quoting(self.quote.is_some())
            .quote(self.quote.unwrap_or(b'"'))
            .from_path(path)
            .with_context(|| format!("opening {}", path.display()))
    }
}

/// The same staging + merge SQL the loader runs, fed by `psql \copy` (CSV, parsed by the server).
fn ceiling_script(table: &Table, shape: &FileShape, file: &Path) -> Result<String> {
    let sql = TableSql::new(table, "stage_rows", &shape.columns)?;
    let columns = shape.column_list();
    let create = sql.create_stage.replace(
        &format!("{LINE_COLUMN} bigint NOT NULL"),
        &format!("{LINE_COLUMN} bigserial"),
    );
    let mut script = String::from("\\set ON_ERROR_STOP 1\nBEGIN;\n");
    script.push_str(&format!("{create};\n"));
    script.push_str(&format!(
        "\\copy stage_rows ({columns}) FROM '{}' WITH ({})\n",
        file.display(),
        shape.copy_options()
    ));
    for check in &sql.checks {
        script.push_str(&format!("{};\n", check.reject));
    }
    if let Some(forget) = &sql.forget_superseded_pending {
        script.push_str(&format!("{forget};\n"));
    }
    if let Some(drop_unchanged) = &sql.drop_unchanged {
        script.push_str(&format!("{drop_unchanged};\n"));
    }
    if let Some(hold) = &sql.hold_orphans {
        script.push_str(&format!("{};\n", hold.replace("$1", "0")));
    }
    script.push_str(&format!("{};\n", sql.merge.replace("$1", "0")));
    script.push_str("COMMIT;\n");
    Ok(script)
}

/// `psql \copy` of the file into an empty table like the loader's: the
/// same columns, defaults, CHECKs, indexes, primary key and foreign keys
/// (to the same parents). The engine's NOT NULL columns, which the loader
/// fills, get a default.
fn copy_into_table(
    url: &str,
    table: &Table,
    shape: &FileShape,
    file: &Path,
    out: &Path,
) -> Result<f64> {
    let copy = "bench_copy";
    let mut prepare = empty_copy(copy, table, "ALL");
    for fk in &table.foreign_keys {
        let parent = if fk.references == table.name {
            copy.to_string()
        } else {
            format!(
                "{}.{}",
                quote_ident(&table.schema),
                quote_ident(&fk.references)
            )
        };
        let list = |columns: &[String]| {
            columns
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        prepare.push_str(&format!(
            "ALTER TABLE {copy} ADD FOREIGN KEY ({}) REFERENCES {parent} ({});\n",
            list(&fk.columns),
            list(&fk.referenced_columns)
        ));
    }
    prepare.push_str(&engine_defaults(table, copy));
    timed_copy(url, copy, &prepare, shape, file, out)
}

/// `psql \copy` of the file into an empty table with the same columns and
/// defaults and only the primary key.
fn copy_pk_only(
    url: &str,
    table: &Table,
    shape: &FileShape,
    file: &Path,
    out: &Path,
) -> Result<f64> {
    let copy = "bench_pk_only";
    let mut prepare = empty_copy(copy, table, "DEFAULTS");
    if !table.primary_key.is_empty() {
        let key: Vec<String> = table.primary_key.iter().map(|c| quote_ident(c)).collect();
        prepare.push_str(&format!(
            "ALTER TABLE {copy} ADD PRIMARY KEY ({});\n",
            key.join(", ")
        ));
    }
    prepare.push_str(&engine_defaults(table, copy));
    timed_copy(url, copy, &prepare, shape, file, out)
}

/// Runs `prepare` (untimed), then the timed `\copy` into `copy`, then drops it.
fn timed_copy(
    url: &str,
    copy: &str,
    prepare: &str,
    shape: &FileShape,
    file: &Path,
    out: &Path,
) -> Result<f64> {
    run_psql(url, prepare, out).with_context(|| format!("creating {copy}"))?;
    let ms = run_psql(url, &copy_script(copy, shape, file), out)?;
    run_psql(url, &format!("DROP TABLE {copy};\n"), out)?;
    Ok(ms)
}

/// psql that creates `copy` afresh, empty, `LIKE` the table `INCLUDING`
/// what `including` names.
fn empty_copy(copy: &str, table: &Table, including: &str) -> String {
    format!(
        "\\set ON_ERROR_STOP 1\nDROP TABLE IF EXISTS {copy};\nCREATE TABLE {copy} (LIKE {} INCLUDING {including});\n",
        table.qualified_name()
    )
}

/// A default for each engine column of `copy` (the loader fills them).
fn engine_defaults(table: &Table, copy: &str) -> String {
    engine_columns(table)
        .iter()
        .map(|column| {
            format!(
                "ALTER TABLE {copy} ALTER {} SET DEFAULT 0;\n",
                quote_ident(column)
            )
        })
        .collect()
}

/// The engine's own NOT NULL columns of `table`.
fn engine_columns(table: &Table) -> Vec<&'static str> {
    let mut columns = vec![LOAD_BATCH_COLUMN];
    if table.mode == LoadMode::Append {
        columns.push(LOAD_ORIGIN_COLUMN);
    }
    columns
}

fn copy_script(target: &str, shape: &FileShape, file: &Path) -> String {
    format!(
        "\\set ON_ERROR_STOP 1\n\\copy {target} ({}) FROM '{}' WITH ({})\n",
        shape.column_list(),
        file.display(),
        shape.copy_options()
    )
}

fn run_psql(url: &str, script: &str, out: &Path) -> Result<f64> {
    let file = out.join("bench-ceiling.sql");
    std::fs::write(&file, script)?;
    let started = Instant::now();
    let output = Command::new("psql")
        .arg("-X")
        .arg("-q")
        .arg(url)
        .arg("-f")
        .arg(&file)
        // The generated files are UTF-8, whatever the locale says.
        .env("PGCLIENTENCODING", "UTF8")
        .output()
        .context("running psql")?;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    if !output.status.success() {
        bail!("psql failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(elapsed)
}

/// pgloader into an equivalent staging table, then the same merge SQL.
fn run_pgloader(
    url: &str,
    table: &Table,
    shape: &FileShape,
    file: &Path,
    out: &Path,
) -> Result<f64> {
    if Command::new("pgloader").arg("--version").output().is_err() {
        bail!("pgloader is not installed (Debian: apt-get install pgloader)");
    }
    let sql = TableSql::new(table, "pgl_stage", &shape.columns)?;
    let create = sql
        .create_stage
        .replace("CREATE TEMPORARY TABLE", "CREATE UNLOGGED TABLE")
        .replace(" ON COMMIT DROP", "")
        .replace(
            &format!("{LINE_COLUMN} bigint NOT NULL"),
            &format!("{LINE_COLUMN} bigserial"),
        );
    let setup = format!("DROP TABLE IF EXISTS pgl_stage; {create};");
    let status = Command::new("psql")
        .arg("-X")
        .arg("-q")
        .arg(url)
        .arg("-c")
        .arg(&setup)
        .status()?;
    if !status.success() {
        bail!("creating the pgloader staging table failed");
    }
    // The file's header names, as it spells them.
    let fields = shape.header.join(", ");
    // pgloader takes the target columns unquoted (the packs' are plain names).
    let columns = shape
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let pgloader_url = url.replace("?sslmode=disable", "");
    let command = format!(
        "LOAD CSV FROM '{}' ({fields})\n INTO {pgloader_url}?tablename=pgl_stage ({columns})\n WITH skip header = 1, fields optionally enclosed by '{}', fields escaped by double-quote, fields terminated by '{}';\n",
        file.display(),
        char::from(shape.quote.unwrap_or(b'"')),
        match shape.delimiter {
            b'\t' => "\\t".to_string(),
            other => char::from(other).to_string(),
        }
    );
    let command_file = out.join("bench-pgloader.load");
    std::fs::write(&command_file, command)?;
    let mut merge = String::from("\\set ON_ERROR_STOP 1\nBEGIN;\n");
    if let Some(hold) = &sql.hold_orphans {
        merge.push_str(&format!("{};\n", hold.replace("$1", "0")));
    }
    merge.push_str(&format!("{};\n", sql.merge.replace("$1", "0")));
    merge.push_str("COMMIT;\n");
    let started = Instant::now();
    let output = Command::new("pgloader")
        .arg("--quiet")
        .arg(&command_file)
        .output()?;
    if !output.status.success() {
        bail!(
            "pgloader failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let loaded_ms = started.elapsed().as_secs_f64() * 1000.0;
    let merge_ms = run_psql(url, &merge, out)?;
    Ok(loaded_ms + merge_ms)
}

/// The file's data records (the header aside).
pub(super) fn count_rows(shape: &FileShape, file: &Path) -> Result<u64> {
    let mut reader = shape.csv_reader(file)?;
    let mut record = csv::ByteRecord::new();
    let mut records = 0u64;
    while reader.read_byte_record(&mut record)? {
        records += 1;
    }
    Ok(records.saturating_sub(1))
}

fn is_integer(column: &Column) -> bool {
    matches!(
        column.ty,
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
    )
}

/// The largest value a column of this integer type holds.
fn integer_max(ty: ColumnType) -> i64 {
    match ty {
        ColumnType::SmallInt => i64::from(i16::MAX),
        ColumnType::Integer => i64::from(i32::MAX),
        _ => i64::MAX,
    }
}

/// The columns the grown files shift, per table: the main table's integer
/// primary-key columns; through every foreign key holding a shifted column,
/// the parent column it references (that table's rows are grown too, so the
/// grown rows find their parents); and the integer primary-key columns of
/// every table grown. Chinook's InvoiceLine: `invoice_line_id` alone;
/// classicmodels' orderdetails: `order_number`, so orders grow too.
fn shifted_columns<'a>(
    catalog: &'a Catalog,
    main: &'a Table,
) -> Result<BTreeMap<String, BTreeSet<String>>> {
    fn integer_keys(table: &Table) -> impl Iterator<Item = String> + '_ {
        table
            .primary_key
            .iter()
            .filter(|k| table.column(k).is_some_and(is_integer))
            .cloned()
    }
    let mut shifted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending: Vec<(&'a Table, String)> = integer_keys(main).map(|k| (main, k)).collect();
    while let Some((table, column)) = pending.pop() {
        let columns = shifted.entry(table.name.clone()).or_default();
        let first = columns.is_empty();
        if !columns.insert(column.clone()) {
            continue;
        }
        if first {
            pending.extend(integer_keys(table).map(|k| (table, k)));
        }
        for fk in &table.foreign_keys {
            let Some(i) = fk.columns.iter().position(|c| *c == column) else {
                continue;
            };
            if fk.references == table.name {
                continue;
            }
            let parent = catalog.table(&fk.references).with_context(|| {
                format!(
                    "{} references {}, not a table of the pack",
                    table.name, fk.references
                )
            })?;
            let referenced = fk
                .referenced_columns
                .get(i)
                .with_context(|| format!("foreign key {} of {}", fk.name, table.name))?;
            pending.push((parent, referenced.clone()));
        }
    }
    let grown = std::iter::once(main.name.as_str()).chain(shifted.keys().map(String::as_str));
    for name in grown {
        let table = catalog
            .table(name)
            .with_context(|| format!("{name} is not a table of the pack"))?;
        let columns = shifted.get(name);
        if !table.primary_key.is_empty()
            && !table
                .primary_key
                .iter()
                .any(|k| columns.is_some_and(|c| c.contains(k)))
        {
            bail!(
                "the growth file cannot keep {}'s keys unique: its primary key ({}) has no integer column to shift",
                table.name,
                table.primary_key.join(", ")
            );
        }
    }
    Ok(shifted)
}

/// One grown file: `table`'s rows `factor` times over.
#[derive(Debug)]
struct Grown {
    table: &'static Table,
    path: PathBuf,
    rows: u64,
}

/// A file to grow: its shape, where its shifted columns sit, its rows and
/// the span of each shifted column's values.
struct Growing<'a> {
    file: &'a DataFile,
    shape: FileShape,
    /// Header positions of the shifted columns, with their types.
    positions: Vec<(usize, ColumnType)>,
    rows: u64,
    /// (min, max) per shifted column, in `positions` order.
    ranges: Vec<(i64, i64)>,
}

fn integer_field(field: &[u8], path: &Path, line: u64) -> Result<Option<i64>> {
    let text = std::str::from_utf8(field)
        .with_context(|| format!("{} record {line}: not UTF-8", path.display()))?
        .trim();
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(text.parse().with_context(|| {
        format!(
            "{} record {line}: {text:?} is not an integer",
            path.display()
        )
    })?))
}

/// The memory check's files: the main file `factor` times over, and the
/// same for every table whose rows the grown rows reference through a
/// shifted key ([`shifted_columns`]), parents first. Copy `c` adds
/// `c × stride` to every shifted column, the stride being twice the main
/// file's rows or a shifted column's whole span if wider, so every copy's
/// keys are new and the references between grown files hold (Chinook:
/// `invoice_line_id + c × 2 × rows`). Made once per data set and factor,
/// in `dir`.
fn grow(
    main: &DataFile,
    files: &[DataFile],
    catalog: &Catalog,
    csv_options: &[(String, String)],
    factor: u32,
    dir: &Path,
) -> Result<Vec<Grown>> {
    let shifted = shifted_columns(catalog, main.table)?;
    let mut growing: Vec<Growing> = Vec::new();
    for table in catalog.load_order() {
        let columns = match shifted.get(&table.name) {
            Some(columns) => columns,
            None if table.name == main.table.name => &BTreeSet::new(),
            None => continue,
        };
        let file = files
            .iter()
            .find(|f| f.table.name == table.name)
            .with_context(|| {
                format!(
                    "the growth file needs {}'s rows grown too, and the data set has no file for it",
                    table.name
                )
            })?;
        let shape = FileShape::read(file, csv_options)?;
        let positions: Vec<(usize, ColumnType)> = shape
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| columns.contains(&c.name))
            .map(|(i, c)| (i, c.ty))
            .collect();
        let mut ranges = vec![(i64::MAX, i64::MIN); positions.len()];
        let mut reader = shape.csv_reader(&file.path)?;
        let mut record = csv::ByteRecord::new();
        let mut records = 0u64;
        while reader.read_byte_record(&mut record)? {
            records += 1;
            if records == 1 {
                continue;
            }
            for ((position, _), range) in positions.iter().zip(&mut ranges) {
                let field = record.get(*position).unwrap_or_default();
                if let Some(value) = integer_field(field, &file.path, records)? {
                    range.0 = range.0.min(value);
                    range.1 = range.1.max(value);
                }
            }
        }
        growing.push(Growing {
            file,
            shape,
            positions,
            rows: records.saturating_sub(1),
            ranges,
        });
    }
    let main_rows = growing
        .iter()
        .find(|g| g.file.table.name == main.table.name)
        .map_or(0, |g| g.rows);
    let span = growing
        .iter()
        .flat_map(|g| &g.ranges)
        .filter(|(min, max)| min <= max)
        .map(|(min, max)| max - min + 1)
        .max()
        .unwrap_or(0);
    let stride = span.max(i64::try_from(main_rows)? * 2);
    let copies = i64::from(factor.max(1));
    for g in &growing {
        for ((position, ty), (_, max)) in g.positions.iter().zip(&g.ranges) {
            if max.saturating_add((copies - 1).saturating_mul(stride)) > integer_max(*ty) {
                bail!(
                    "growing {} ×{factor} would take {} past its type's maximum (stride {stride}); use a smaller --growth or --scale",
                    g.file.name,
                    g.shape.columns[*position].name
                );
            }
        }
    }

    let marker = dir.join(".complete");
    let done = marker.exists();
    if !done {
        std::fs::create_dir_all(dir)?;
    }
    let mut grown = Vec::new();
    for g in &growing {
        let path = dir.join(&g.file.name);
        if !done {
            write_grown(g, copies, stride, &path)?;
        }
        grown.push(Grown {
            table: g.file.table,
            path,
            rows: g.rows * copies as u64,
        });
    }
    if !done {
        std::fs::write(&marker, format!("stride {stride}\n"))?;
    }
    Ok(grown)
}

/// A CSV writer in `shape`'s delimiter and quote, creating `path`.
pub(super) fn csv_writer(shape: &FileShape, path: &Path) -> Result<csv::Writer<std::fs::File>> {
    csv::WriterBuilder::new()
        .delimiter(shape.delimiter)
        .quote(shape.quote.unwrap_or(b'"'))
        .quote_style(if shape.quote.is_some() {
            csv::QuoteStyle::Necessary
        } else {
            csv::QuoteStyle::Never
        })
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(path)
        .with_context(|| format!("creating {}", path.display()))
}

/// Writes `g`'s file `copies` times over, copy `c` shifted by `c × stride`.
fn write_grown(g: &Growing, copies: i64, stride: i64, path: &Path) -> Result<()> {
    let partial = path.with_extension("partial");
    let mut writer = csv_writer(&g.shape, &partial)?;
    writer.write_record(&g.shape.header)?;
    let mut record = csv::ByteRecord::new();
    let mut shifted = csv::ByteRecord::new();
    for copy in 0..copies {
        let offset = copy * stride;
        let mut reader = g.shape.csv_reader(&g.file.path)?;
        let mut line = 0u64;
        while reader.read_byte_record(&mut record)? {
            line += 1;
            if line == 1 {
                continue;
            }
            if offset == 0 {
                writer.write_byte_record(&record)?;
                continue;
            }
            shifted.clear();
            for (i, field) in record.iter().enumerate() {
                if g.positions.iter().any(|(p, _)| *p == i)
                    && let Some(value) = integer_field(field, &g.file.path, line)?
                {
                    shifted.push_field((value + offset).to_string().as_bytes());
                } else {
                    shifted.push_field(field);
                }
            }
            writer.write_byte_record(&shifted)?;
        }
    }
    writer.flush()?;
    drop(writer);
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// Uploads `file` to `key` and loads it into every target (untimed); each
/// load must be clean.
pub(super) async fn load_untimed(
    sandbox: &Sandbox,
    targets: &[&Target],
    file: &Path,
    key: &str,
    sequencer: &mut u64,
) -> Result<()> {
    *sequencer += 1;
    let event = upload(sandbox, file, key, *sequencer).await?;
    for target in targets {
        let report = handle_event(&target.loader, serde_json::from_value(event.clone())?).await?;
        let load = &report.loads[0];
        if load.rows_pending > 0 || load.rows_rejected > 0 {
            bail!("{key} did not load cleanly: {load:?}");
        }
    }
    Ok(())
}

async fn bench(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    let dataset = args.dataset.name();
    let pack = Pack::embedded(dataset)?;
    eprintln!("starting the sandbox…");
    let sandbox = Sandbox::start().await?;
    let mut targets = Vec::new();
    for name in ["loader", "ceiling", "pgloader", "triggers"] {
        let url = sandbox.postgres().create_database(name).await?;
        let loader = loader_for(&sandbox, dataset, &url).await?;
        targets.push(Target { url, loader });
    }
    let catalog = targets[0].loader.catalog;
    let csv_options = targets[0].loader.csv_options.clone();
    let files = data_files(data, catalog)?;
    let plan = Plan::new(&files, catalog, &pack)?;
    // One event through the loader's own process, into `url`.
    let load = |url: &str, event: &Value, fk_triggers: FkTriggers| {
        child_load(&sandbox, dataset, url, event, out, fk_triggers)
    };
    let measured: Vec<&DataFile> = plan.others.iter().chain([&plan.main]).collect();
    eprintln!(
        "{dataset}: measuring {} (the largest file: {}), after {} untimed",
        measured
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        plan.main.name,
        plan.parents
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut sequencer = 0x100u64;
    eprintln!("loading parent tables (untimed)…");
    let all: Vec<&Target> = targets.iter().collect();
    for parent in &plan.parents {
        let key = format!("incoming/{}", parent.name);
        load_untimed(&sandbox, &all, &parent.path, &key, &mut sequencer).await?;
    }

    let mut results = Vec::new();
    for file in &measured {
        let table = file.table;
        let shape = FileShape::read(file, &csv_options)?;
        let rows = count_rows(&shape, &file.path)?;
        eprintln!("{}: {rows} rows", file.name);
        sequencer += 1;
        let event = upload(
            &sandbox,
            &file.path,
            &format!("incoming/{}", file.name),
            sequencer,
        )
        .await?;
        let (loader_ms, peak_rss_mb, summary) =
            load(&targets[0].url, &event, FkTriggers::WhereAllowed)?;
        if summary["rows_inserted"].as_u64() != Some(rows) {
            bail!("the loader did not insert every row: {summary}");
        }
        let ceiling_ms = run_psql(
            &targets[1].url,
            &ceiling_script(table, &shape, &file.path)?,
            out,
        )?;
        let pgloader = run_pgloader(&targets[2].url, table, &shape, &file.path, out);
        // The same file through the loader keeping every trigger.
        let (with_triggers_ms, _, with_triggers) =
            load(&targets[3].url, &event, FkTriggers::Always)?;
        if with_triggers["rows_inserted"].as_u64() != Some(rows) {
            bail!("the loader keeping its triggers did not insert every row: {with_triggers}");
        }
        // The physical limits, in the ceiling's database (its parents are
        // there): \copy into the table itself, then into a copy with only
        // its primary key.
        let copy_into_table = copy_into_table(&targets[1].url, table, &shape, &file.path, out);
        let copy_pk_only = copy_pk_only(&targets[1].url, table, &shape, &file.path, out);
        // The same file again under a new key: every row unchanged.
        sequencer += 1;
        let redrop_event = upload(
            &sandbox,
            &file.path,
            &format!("incoming/{}/redrop-{}", table.name, file.name),
            sequencer,
        )
        .await?;
        let (redrop_ms, _, redrop) =
            load(&targets[0].url, &redrop_event, FkTriggers::WhereAllowed)?;
        if redrop["rows_unchanged"].as_u64() != Some(rows) {
            bail!("the re-drop of an identical file changed rows: {redrop}");
        }
        let per_s = |ms: f64| rows as f64 / (ms / 1000.0);
        let ratio =
            |a: f64, b: &Result<f64>| b.as_ref().ok().map(|b| (a / b * 1000.0).round() / 1000.0);
        let result = json!({
            "table": table.name,
            "file": file.name,
            "rows": rows,
            "loader_ms": loader_ms.round(),
            "ceiling_ms": ceiling_ms.round(),
            "pgloader_ms": pgloader.as_ref().ok().map(|ms| ms.round()),
            "loader_rows_per_s": per_s(loader_ms).round(),
            "ceiling_rows_per_s": per_s(ceiling_ms).round(),
            "pgloader_rows_per_s": pgloader.as_ref().ok().map(|ms| per_s(*ms).round()),
            "pgloader_error": pgloader.as_ref().err().map(|e| e.to_string()),
            "loader_vs_ceiling": (per_s(loader_ms) / per_s(ceiling_ms) * 100.0).round() / 100.0,
            "peak_rss_mb": (peak_rss_mb * 10.0).round() / 10.0,
            "copy_into_table_ms": copy_into_table.as_ref().ok().map(|ms| ms.round()),
            "copy_into_table_error": copy_into_table.as_ref().err().map(|e| format!("{e:#}")),
            "copy_pk_only_ms": copy_pk_only.as_ref().ok().map(|ms| ms.round()),
            "copy_pk_only_error": copy_pk_only.as_ref().err().map(|e| format!("{e:#}")),
            "loader_time_vs_copy_into_table": ratio(loader_ms, &copy_into_table),
            "loader_with_fk_triggers_ms": with_triggers_ms.round(),
            "redrop_ms": redrop_ms.round(),
            "redrop_vs_first_load": ratio(redrop_ms, &Ok(loader_ms)),
            "redrop_vs_copy_into_table": ratio(redrop_ms, &copy_into_table),
            "targets": {
                "loader_time_vs_copy_into_table": "<= 0.6",
                "redrop_vs_copy_into_table": "<= 0.2",
                "peak_rss_mb": "<= 32",
            },
        });
        eprintln!("  {result}");
        results.push(result);
    }

    // Flat memory: the same loader on a file `growth` times larger (and,
    // untimed before it, the parents its shifted keys need).
    let data_name = data.file_name().and_then(|n| n.to_str()).unwrap_or("data");
    let grown_dir = data.with_file_name(format!("{data_name}-grown-x{}", args.growth));
    let grown = grow(
        &plan.main,
        &files,
        catalog,
        &csv_options,
        args.growth,
        &grown_dir,
    )?;
    let (grown_main, grown_parents) = grown.split_last().context("no grown file")?;
    for parent in grown_parents {
        eprintln!(
            "memory check: {} ×{} ({} rows, untimed)…",
            parent.table.name, args.growth, parent.rows
        );
        let key = format!("incoming/{}/grown.csv", parent.table.name);
        load_untimed(&sandbox, &all[..1], &parent.path, &key, &mut sequencer).await?;
    }
    let grown_rows = grown_main.rows;
    eprintln!(
        "memory check: {} ×{} ({grown_rows} rows)…",
        plan.main.name, args.growth
    );
    sequencer += 1;
    let event = upload(
        &sandbox,
        &grown_main.path,
        &format!("incoming/{}/grown.csv", grown_main.table.name),
        sequencer,
    )
    .await?;
    let (grown_ms, grown_rss_mb, grown_summary) =
        load(&targets[0].url, &event, FkTriggers::WhereAllowed)?;
    if grown_summary["status"] != "loaded" {
        bail!("the grown file did not load: {grown_summary}");
    }

    let concurrency = concurrency_section(
        args,
        &sandbox,
        &files,
        &plan.main,
        &csv_options,
        data,
        &mut sequencer,
    )
    .await?;

    let main_table = plan.main.table.name.as_str();
    let mut main = results
        .iter()
        .find(|r| r["table"] == main_table)
        .cloned()
        .with_context(|| format!("{main_table} result"))?;
    main["dataset"] = json!(dataset);
    main["scale"] = json!(args.scale);
    main["growth"] = json!({
        "factor": args.growth,
        "rows": grown_rows,
        "loader_ms": grown_ms.round(),
        "loader_rows_per_s": (grown_rows as f64 / (grown_ms / 1000.0)).round(),
        "peak_rss_mb": (grown_rss_mb * 10.0).round() / 10.0,
        "parents_grown": grown_parents
            .iter()
            .map(|p| json!({"table": p.table.name, "rows": p.rows}))
            .collect::<Vec<_>>(),
    });
    main["other_tables"] = json!(
        results
            .iter()
            .filter(|r| r["table"] != main_table)
            .collect::<Vec<_>>()
    );
    main["concurrency"] = json!(concurrency);
    let path = out.join("loader.json");
    std::fs::write(&path, serde_json::to_string_pretty(&main)?)?;

    println!(
        "\nloader benchmark ({dataset} scale {}; one run, side by side)",
        args.scale
    );
    println!(
        "{:<18} {:>10} {:>14} {:>14} {:>14} {:>10} {:>10}",
        "table", "rows", "loader rows/s", "\\copy rows/s", "pgloader r/s", "vs ceiling", "peak RSS"
    );
    // JSON values ignore widths: shown as text, a missing one as "-".
    let cell = |v: &Value| match v {
        Value::Null => "-".to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    };
    for r in &results {
        println!(
            "{:<18} {:>10} {:>14} {:>14} {:>14} {:>10} {:>8} MB",
            r["table"].as_str().unwrap_or(""),
            cell(&r["rows"]),
            cell(&r["loader_rows_per_s"]),
            cell(&r["ceiling_rows_per_s"]),
            cell(&r["pgloader_rows_per_s"]),
            cell(&r["loader_vs_ceiling"]),
            cell(&r["peak_rss_mb"]),
        );
    }
    println!(
        "{:<18} {:>10} {:>14} {:>14} {:>14} {:>10} {:>8} MB",
        format!("{main_table} ×{}", args.growth),
        grown_rows,
        cell(&main["growth"]["loader_rows_per_s"]),
        "-",
        "-",
        "-",
        cell(&main["growth"]["peak_rss_mb"])
    );
    for r in &results {
        println!(
            "{}: \\copy into the table {} ms, with only its primary key {} ms; loader {} ms (keeping its FK triggers {} ms), / \\copy into the table {} (target <= 0.6); unchanged re-drop {} ms, / \\copy into the table {} (target <= 0.2)",
            r["table"].as_str().unwrap_or(""),
            cell(&r["copy_into_table_ms"]),
            cell(&r["copy_pk_only_ms"]),
            cell(&r["loader_ms"]),
            cell(&r["loader_with_fk_triggers_ms"]),
            cell(&r["loader_time_vs_copy_into_table"]),
            cell(&r["redrop_ms"]),
            cell(&r["redrop_vs_copy_into_table"]),
        );
    }
    super::concurrency::print(&concurrency);
    println!("written to {}", path.display());
    Ok(())
}

/// Aggregate throughput with several loads at once, per-table locks beside
/// one global lock ([`super::concurrency`]); nothing when `--concurrency 0`.
async fn concurrency_section(
    args: &BenchArgs,
    sandbox: &Sandbox,
    files: &[DataFile],
    main: &DataFile,
    csv_options: &[(String, String)],
    data: &Path,
    sequencer: &mut u64,
) -> Result<Vec<Value>> {
    let levels: Vec<usize> = args
        .concurrency
        .iter()
        .copied()
        .filter(|n| *n > 0)
        .collect();
    if levels.is_empty() {
        return Ok(Vec::new());
    }
    let data_name = data.file_name().and_then(|n| n.to_str()).unwrap_or("data");
    let inputs = super::concurrency::Inputs {
        sandbox,
        dataset: args.dataset.name(),
        files,
        main,
        csv_options,
        parts_dir: data.with_file_name(format!("{data_name}-parts")),
        levels: &levels,
    };
    super::concurrency::measure(&inputs, sequencer).await
}

/// `--only concurrency`: the concurrency rounds alone, written into
/// loader.json's `concurrency` (the rest of the file kept when it is of the
/// same data set and scale).
pub fn run_concurrency(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let dataset = args.dataset.name();
        let pack = Pack::embedded(dataset)?;
        eprintln!("starting the sandbox…");
        let sandbox = Sandbox::start().await?;
        let url = sandbox.postgres().create_database("catalog").await?;
        let loader = loader_for(&sandbox, dataset, &url).await?;
        let files = data_files(data, loader.catalog)?;
        let plan = Plan::new(&files, loader.catalog, &pack)?;
        let mut sequencer = 0x100u64;
        let results = concurrency_section(
            args,
            &sandbox,
            &files,
            &plan.main,
            &loader.csv_options,
            data,
            &mut sequencer,
        )
        .await?;
        let path = out.join("loader.json");
        let mut doc: Value = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .filter(|doc: &Value| doc["dataset"] == dataset && doc["scale"] == args.scale)
            .unwrap_or_else(|| json!({"dataset": dataset, "scale": args.scale}));
        doc["concurrency"] = json!(results);
        std::fs::write(&path, serde_json::to_string_pretty(&doc)?)?;
        super::concurrency::print(&results);
        println!("written to {}", path.display());
        Ok(())
    })
}

/// The child side: one event through the real handler, then its own peak RSS.
#[derive(Debug, clap::Args)]
pub struct ChildArgs {
    #[arg(long)]
    pub event: PathBuf,
    /// Keep the per-row foreign-key triggers on every merge.
    #[arg(long)]
    pub fk_triggers: bool,
}

pub fn child(args: ChildArgs) -> Result<()> {
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let config = LoaderConfig::from_env()?;
        let aws = aws_config::load_from_env().await;
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&aws)
                .force_path_style(true)
                .build(),
        );
        let mut loader = Loader::connect(config, s3, None).await?;
        if args.fk_triggers {
            loader.trusted_tables.clear();
        }
        let event = serde_json::from_str(&std::fs::read_to_string(&args.event)?)?;
        let started = Instant::now();
        let report = handle_event(&loader, event).await?;
        let handler_ms = started.elapsed().as_secs_f64() * 1000.0;
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak_rss_kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        let output =
            json!({"handler_ms": handler_ms, "peak_rss_kb": peak_rss_kb, "report": report});
        std::io::stdout().write_all(output.to_string().as_bytes())?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use starlift_domain::catalog::{ForeignKey, LoadMode};

    use super::*;

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

    /// classicmodels' shape: orderdetails (order_number int → orders,
    /// product_code text → products), orders → customers.
    fn retail() -> &'static Catalog {
        use ColumnType::*;
        let customers = table(
            "customers",
            &[("customer_number", Integer), ("name", Text)],
            &["customer_number"],
        );
        let products = table(
            "products",
            &[("product_code", Text), ("name", Text)],
            &["product_code"],
        );
        let mut orders = table(
            "orders",
            &[("order_number", Integer), ("customer_number", Integer)],
            &["order_number"],
        );
        references(
            &mut orders,
            &["customer_number"],
            "customers",
            &["customer_number"],
        );
        let mut lines = table(
            "orderdetails",
            &[
                ("order_number", Integer),
                ("product_code", Text),
                ("quantity_ordered", Integer),
                ("order_line_number", SmallInt),
            ],
            &["order_number", "product_code"],
        );
        references(&mut lines, &["order_number"], "orders", &["order_number"]);
        references(&mut lines, &["product_code"], "products", &["product_code"]);
        Catalog::new("s".into(), vec![lines, orders, products, customers])
            .unwrap()
            .leak()
    }

    fn names(shifted: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, Vec<String>)> {
        shifted
            .iter()
            .map(|(t, c)| (t.clone(), c.iter().cloned().collect()))
            .collect()
    }

    /// An integer key column that is a reference grows its parent; a text
    /// key stays; an integer key that is no reference grows nothing else.
    #[test]
    fn shifted_columns_follow_integer_keys_into_parents() {
        let catalog = retail();
        let shifted = shifted_columns(catalog, catalog.table("orderdetails").unwrap()).unwrap();
        assert_eq!(
            names(&shifted),
            vec![
                ("orderdetails".to_string(), vec!["order_number".to_string()]),
                ("orders".to_string(), vec!["order_number".to_string()]),
            ]
        );
        let shifted = shifted_columns(catalog, catalog.table("orders").unwrap()).unwrap();
        assert_eq!(
            names(&shifted),
            vec![("orders".to_string(), vec!["order_number".to_string()])]
        );
        let error = shifted_columns(catalog, catalog.table("products").unwrap()).unwrap_err();
        assert!(
            error.to_string().contains("no integer column to shift"),
            "{error}"
        );
    }

    fn data_file(dir: &Path, catalog: &'static Catalog, name: &str, text: &str) -> DataFile {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let route = route_key(catalog, &format!("incoming/{name}"), "incoming/").unwrap();
        DataFile {
            path,
            name: name.to_string(),
            table: route.table,
            bytes: text.len() as u64,
        }
    }

    /// The growth file and its grown parent: camelCase headers and `;` as
    /// the export has them, keys shifted by a common stride per copy (here
    /// twice the order lines, wider than the order numbers' span), quoted
    /// text kept.
    #[test]
    fn grown_files_keep_keys_unique_and_references_whole() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = retail();
        let options = vec![("delimiter".to_string(), ";".to_string())];
        let files = vec![
            data_file(
                dir.path(),
                catalog,
                "orders.csv",
                "orderNumber;customerNumber\n10100;7\n10101;8\n",
            ),
            data_file(
                dir.path(),
                catalog,
                "orderdetails.csv",
                "orderNumber;productCode;quantityOrdered;orderLineNumber\n10100;\"S1;0\";5;1\n10100;S2;6;2\n10101;S1;7;1\n",
            ),
        ];
        let grown = grow(
            &files[1],
            &files,
            catalog,
            &options,
            3,
            &dir.path().join("grown"),
        )
        .unwrap();
        let summary: Vec<(&str, u64)> = grown
            .iter()
            .map(|g| (g.table.name.as_str(), g.rows))
            .collect();
        assert_eq!(summary, vec![("orders", 6), ("orderdetails", 9)]);
        assert_eq!(
            std::fs::read_to_string(&grown[0].path).unwrap(),
            "orderNumber;customerNumber\n10100;7\n10101;8\n10106;7\n10107;8\n10112;7\n10113;8\n"
        );
        assert_eq!(
            std::fs::read_to_string(&grown[1].path).unwrap(),
            "orderNumber;productCode;quantityOrdered;orderLineNumber\n\
             10100;\"S1;0\";5;1\n10100;S2;6;2\n10101;S1;7;1\n\
             10106;\"S1;0\";5;1\n10106;S2;6;2\n10107;S1;7;1\n\
             10112;\"S1;0\";5;1\n10112;S2;6;2\n10113;S1;7;1\n"
        );
        // Made once: a second call reuses the files.
        let again = grow(
            &files[1],
            &files,
            catalog,
            &options,
            3,
            &dir.path().join("grown"),
        )
        .unwrap();
        assert_eq!(again.len(), 2);
    }

    /// Chinook's InvoiceLine grows as before: `invoice_line_id + copy × 2 × rows`.
    #[test]
    fn a_key_that_is_no_reference_shifts_by_twice_the_rows() {
        use ColumnType::*;
        let invoice = table("invoice", &[("invoice_id", Integer)], &["invoice_id"]);
        let mut line = table(
            "invoice_line",
            &[
                ("invoice_line_id", Integer),
                ("invoice_id", Integer),
                ("quantity", Integer),
            ],
            &["invoice_line_id"],
        );
        references(&mut line, &["invoice_id"], "invoice", &["invoice_id"]);
        let catalog = Catalog::new("s".into(), vec![invoice, line])
            .unwrap()
            .leak();
        let dir = tempfile::tempdir().unwrap();
        let files = vec![data_file(
            dir.path(),
            catalog,
            "InvoiceLine.csv",
            "InvoiceLineId,InvoiceId,Quantity\r\n1,1,1\r\n2,1,1\r\n3,2,1\r\n",
        )];
        let grown = grow(&files[0], &files, catalog, &[], 2, &dir.path().join("g")).unwrap();
        assert_eq!(grown.len(), 1);
        assert_eq!(
            std::fs::read_to_string(&grown[0].path).unwrap(),
            "InvoiceLineId,InvoiceId,Quantity\n1,1,1\n2,1,1\n3,2,1\n7,1,1\n8,1,1\n9,2,1\n"
        );
    }

    /// On the real packs: the measured files, the untimed parents, the
    /// grown tables and the `\copy` options of the sample exports.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn plans_for_the_packs() {
        use starlift_domain::migrate::{ETL, migrate};

        let postgres = starlift_sandbox::Postgres::start().await.unwrap();
        let url = postgres.create_database("plan").await.unwrap();
        let mut client = starlift_sandbox::connect(&url).await.unwrap();
        migrate(&mut client, &ETL).await.unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        struct Case {
            pack: &'static str,
            /// The largest file at the bench scale.
            largest: &'static str,
            measured: &'static [&'static str],
            parents: &'static [&'static str],
            grown: &'static [&'static str],
        }
        let cases = [
            Case {
                pack: "chinook",
                largest: "InvoiceLine.csv",
                measured: &["track", "invoice_line"],
                parents: &[
                    "artist",
                    "album",
                    "employee",
                    "customer",
                    "genre",
                    "invoice",
                    "media_type",
                ],
                grown: &["invoice_line"],
            },
            Case {
                pack: "classicmodels",
                largest: "orderdetails.csv",
                measured: &["products", "orderdetails"],
                parents: &[
                    "offices",
                    "employees",
                    "customers",
                    "orders",
                    "productlines",
                ],
                grown: &["orders", "orderdetails"],
            },
        ];
        for Case {
            pack: name,
            largest,
            measured,
            parents,
            grown,
        } in cases
        {
            let pack = Pack::embedded(name).unwrap();
            migrate(&mut client, &pack.oltp).await.unwrap();
            let catalog = pack.read_catalog(&client).await.unwrap();
            let mut files = data_files(&root.join("data").join(name), catalog).unwrap();
            for file in &mut files {
                // The bench scale's sizes: the largest file is the lines'.
                file.bytes = u64::from(file.name == largest);
            }
            let plan = Plan::new(&files, catalog, &pack).unwrap();
            let got: Vec<&str> = plan
                .others
                .iter()
                .chain([&plan.main])
                .map(|f| f.table.name.as_str())
                .collect();
            assert_eq!(got, measured, "{name}");
            let mut got: Vec<&str> = plan.parents.iter().map(|f| f.table.name.as_str()).collect();
            got.sort_unstable();
            let mut want = parents.to_vec();
            want.sort_unstable();
            assert_eq!(got, want, "{name}");
            let shifted = shifted_columns(catalog, plan.main.table).unwrap();
            let got: BTreeSet<&str> = shifted.keys().map(String::as_str).collect();
            assert_eq!(got, grown.iter().copied().collect(), "{name}");
            let shape = FileShape::read(&plan.main, &pack.csv_options()).unwrap();
            let in_catalog: Vec<&str> = plan
                .main
                .table
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            let in_file: Vec<&str> = shape.columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(in_file, in_catalog, "{name}");
            let options = shape.copy_options();
            match name {
                "chinook" => assert_eq!(options, "FORMAT csv, HEADER true"),
                _ => assert_eq!(options, "FORMAT csv, HEADER true, DELIMITER ';'"),
            }
        }
    }
}
