//! The loader benchmark: oltp-loader end to end (sandbox S3 → OLTP) against
//! `psql \copy` of the same file into an equivalent staging table followed by
//! the same merge SQL (the ceiling), and pgloader. The loader runs as its own
//! process so its peak RSS is its own; it reports VmHWM when done.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use oltp_loader::events::{PutObject, object_created_json};
use oltp_loader::table_sql::{LINE_COLUMN, TableSql};
use oltp_loader::{Loader, handle_event};
use serde_json::{Value, json};
use starlift_domain::catalog::{Column, Table, quote_ident};
use starlift_domain::config::LoaderConfig;
use starlift_sandbox::Sandbox;

use super::BenchArgs;
use crate::generate::chinook;

/// Tables loaded (untimed) so the measured files find their parents.
const PARENTS: &[&str] = &[
    "Artist",
    "Album",
    "Genre",
    "MediaType",
    "Employee",
    "Customer",
    "Invoice",
];

struct Target {
    url: String,
    loader: Loader,
}

pub fn run(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench(args, data, out))
}

async fn loader_for(sandbox: &Sandbox, url: &str) -> Result<Loader> {
    let env = sandbox.env();
    let lookup = |name: &str| {
        if name == "OLTP_DATABASE_URL" {
            return Some(url.to_string());
        }
        env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    };
    Ok(Loader::connect(
        LoaderConfig::from_lookup(lookup)?,
        sandbox.s3_client(),
        None,
    )
    .await?)
}

/// Uploads `path` to `key` and returns the event AWS would send.
async fn upload(sandbox: &Sandbox, path: &Path, key: &str, sequencer: u64) -> Result<Value> {
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
    url: &str,
    event: &Value,
    out: &Path,
) -> Result<(f64, f64, Value)> {
    let event_file = out.join("bench-event.json");
    std::fs::write(&event_file, event.to_string())?;
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("bench-loader-child")
        .arg("--event")
        .arg(&event_file);
    for (key, value) in sandbox.env() {
        command.env(key, value);
    }
    command
        .env("OLTP_DATABASE_URL", url)
        .env("RUST_LOG", "warn");
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

/// The table's columns, quoted, in the order of the catalog (the DDL's, which
/// is also the generated files' column order).
fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|c| quote_ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The same staging + merge SQL the loader runs, fed by `psql \copy` (CSV, parsed by the server).
fn ceiling_script(table: &Table, file: &Path) -> Result<String> {
    let all: Vec<&Column> = table.columns.iter().collect();
    let sql = TableSql::new(table, "stage_rows", &all)?;
    let columns = column_list(table);
    let create = sql.create_stage.replace(
        &format!("{LINE_COLUMN} bigint NOT NULL"),
        &format!("{LINE_COLUMN} bigserial"),
    );
    let mut script = String::from("\\set ON_ERROR_STOP 1\nBEGIN;\n");
    script.push_str(&format!("{create};\n"));
    script.push_str(&format!(
        "\\copy stage_rows ({columns}) FROM '{}' WITH (FORMAT csv, HEADER true)\n",
        file.display()
    ));
    for check in &sql.checks {
        script.push_str(&format!("{};\n", check.reject));
    }
    if let Some(hold) = &sql.hold_orphans {
        script.push_str(&format!("{};\n", hold.replace("$1", "0")));
    }
    if let Some(forget) = &sql.forget_superseded_pending {
        script.push_str(&format!("{forget};\n"));
    }
    script.push_str(&format!("{};\n", sql.merge.replace("$1", "0")));
    script.push_str("COMMIT;\n");
    Ok(script)
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
        .output()
        .context("running psql")?;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    if !output.status.success() {
        bail!("psql failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(elapsed)
}

/// pgloader into an equivalent staging table, then the same merge SQL.
fn run_pgloader(url: &str, table: &Table, file: &Path, out: &Path) -> Result<f64> {
    if Command::new("pgloader").arg("--version").output().is_err() {
        bail!("pgloader is not installed (Debian: apt-get install pgloader)");
    }
    let all: Vec<&Column> = table.columns.iter().collect();
    let sql = TableSql::new(table, "pgl_stage", &all)?;
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
    // The generated file's header names (Chinook's PascalCase layout).
    let layout = chinook::TABLES
        .iter()
        .find(|t| t.name == table.name)
        .with_context(|| format!("{} is not a Chinook file", table.name))?;
    let fields = layout
        .columns
        .iter()
        .map(|c| c.csv_name)
        .collect::<Vec<_>>()
        .join(", ");
    // pgloader takes the target columns unquoted (Chinook's are plain names).
    let columns = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let pgloader_url = url.replace("?sslmode=disable", "");
    let command = format!(
        "LOAD CSV FROM '{}' ({fields})\n INTO {pgloader_url}?tablename=pgl_stage ({columns})\n WITH skip header = 1, fields optionally enclosed by '\"', fields escaped by double-quote, fields terminated by ',';\n",
        file.display()
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

fn count_rows(file: &Path) -> Result<u64> {
    let reader = BufReader::new(std::fs::File::open(file)?);
    Ok(reader.lines().count().saturating_sub(1) as u64)
}

/// InvoiceLine `factor` times over, ids shifted so every row is new.
fn grown_invoice_lines(source: &Path, factor: u32, out: &Path) -> Result<PathBuf> {
    let target = out.join(format!("InvoiceLine-x{factor}.csv"));
    if target.exists() {
        return Ok(target);
    }
    let rows = count_rows(source)?;
    let mut writer = BufWriter::new(std::fs::File::create(&target)?);
    let mut header = String::new();
    BufReader::new(std::fs::File::open(source)?).read_line(&mut header)?;
    writer.write_all(header.as_bytes())?;
    for copy in 0..u64::from(factor) {
        let mut lines = BufReader::new(std::fs::File::open(source)?).lines();
        lines.next();
        for line in lines {
            let line = line?;
            let (id, rest) = line.split_once(',').context("malformed InvoiceLine row")?;
            let id: u64 = id.parse()?;
            writeln!(writer, "{},{rest}", id + copy * rows * 2)?;
        }
    }
    writer.flush()?;
    Ok(target)
}

async fn bench(args: &BenchArgs, data: &Path, out: &Path) -> Result<()> {
    eprintln!("starting the sandbox…");
    let sandbox = Sandbox::start().await?;
    let mut targets = Vec::new();
    for name in ["loader", "ceiling", "pgloader"] {
        let url = sandbox.postgres().create_database(name).await?;
        let loader = loader_for(&sandbox, &url).await?;
        targets.push(Target { url, loader });
    }
    let mut sequencer = 0x100u64;
    eprintln!("loading parent tables (untimed)…");
    for parent in PARENTS {
        let file = data.join(format!("{parent}.csv"));
        let key = format!("incoming/{parent}.csv");
        sequencer += 1;
        let event = upload(&sandbox, &file, &key, sequencer).await?;
        for target in &targets {
            let report =
                handle_event(&target.loader, serde_json::from_value(event.clone())?).await?;
            if report.loads[0].rows_pending > 0 || report.loads[0].rows_rejected > 0 {
                bail!(
                    "parent {parent} did not load cleanly: {:?}",
                    report.loads[0]
                );
            }
        }
    }

    let mut results = Vec::new();
    for csv_name in ["Track", "InvoiceLine"] {
        let table = targets[0]
            .loader
            .catalog
            .find(csv_name)
            .with_context(|| format!("no table for {csv_name}.csv in the catalog"))?;
        let file = std::fs::canonicalize(data.join(format!("{csv_name}.csv")))?;
        let rows = count_rows(&file)?;
        eprintln!("{csv_name}: {rows} rows");
        sequencer += 1;
        let event = upload(
            &sandbox,
            &file,
            &format!("incoming/{csv_name}.csv"),
            sequencer,
        )
        .await?;
        let (loader_ms, peak_rss_mb, summary) = child_load(&sandbox, &targets[0].url, &event, out)?;
        if summary["rows_inserted"].as_u64() != Some(rows) {
            bail!("the loader did not insert every row: {summary}");
        }
        let ceiling_ms = run_psql(&targets[1].url, &ceiling_script(table, &file)?, out)?;
        let pgloader = run_pgloader(&targets[2].url, table, &file, out);
        let per_s = |ms: f64| rows as f64 / (ms / 1000.0);
        let result = json!({
            "table": table.name,
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
        });
        eprintln!("  {result}");
        results.push(result);
    }

    // Flat memory: the same loader on an InvoiceLine file `growth` times larger.
    let grown = grown_invoice_lines(&data.join("InvoiceLine.csv"), args.growth, out)?;
    let grown_rows = count_rows(&grown)?;
    eprintln!(
        "memory check: InvoiceLine ×{} ({grown_rows} rows)…",
        args.growth
    );
    sequencer += 1;
    let event = upload(
        &sandbox,
        &grown,
        "incoming/invoice_line/grown.csv",
        sequencer,
    )
    .await?;
    let (grown_ms, grown_rss_mb, grown_summary) =
        child_load(&sandbox, &targets[0].url, &event, out)?;
    if grown_summary["status"] != "loaded" {
        bail!("the grown file did not load: {grown_summary}");
    }

    let mut main = results
        .iter()
        .find(|r| r["table"] == "invoice_line")
        .cloned()
        .context("invoice_line result")?;
    main["growth"] = json!({
        "factor": args.growth,
        "rows": grown_rows,
        "loader_ms": grown_ms.round(),
        "loader_rows_per_s": (grown_rows as f64 / (grown_ms / 1000.0)).round(),
        "peak_rss_mb": (grown_rss_mb * 10.0).round() / 10.0,
    });
    main["other_tables"] = json!(
        results
            .iter()
            .filter(|r| r["table"] != "invoice_line")
            .collect::<Vec<_>>()
    );
    let path = out.join("loader.json");
    std::fs::write(&path, serde_json::to_string_pretty(&main)?)?;

    println!(
        "\nloader benchmark (scale {}; one run, side by side)",
        args.scale
    );
    println!(
        "{:<14} {:>10} {:>14} {:>14} {:>14} {:>10} {:>10}",
        "table", "rows", "loader rows/s", "\\copy rows/s", "pgloader r/s", "vs ceiling", "peak RSS"
    );
    for r in &results {
        println!(
            "{:<14} {:>10} {:>14} {:>14} {:>14} {:>10} {:>8} MB",
            r["table"].as_str().unwrap_or(""),
            r["rows"],
            r["loader_rows_per_s"],
            r["ceiling_rows_per_s"],
            r["pgloader_rows_per_s"],
            r["loader_vs_ceiling"],
            r["peak_rss_mb"],
        );
    }
    println!(
        "{:<14} {:>10} {:>14} {:>14} {:>14} {:>10} {:>8} MB",
        format!("×{} lines", args.growth),
        grown_rows,
        main["growth"]["loader_rows_per_s"],
        "-",
        "-",
        "-",
        main["growth"]["peak_rss_mb"]
    );
    println!("written to {}", path.display());
    Ok(())
}

/// The child side: one event through the real handler, then its own peak RSS.
#[derive(Debug, clap::Args)]
pub struct ChildArgs {
    #[arg(long)]
    pub event: PathBuf,
}

pub fn child(args: ChildArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let config = LoaderConfig::from_env()?;
        let aws = aws_config::load_from_env().await;
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&aws)
                .force_path_style(true)
                .build(),
        );
        let loader = Loader::connect(config, s3, None).await?;
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
