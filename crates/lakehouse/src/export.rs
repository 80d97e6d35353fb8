//! One export: under the builder's lock, per written table, decide what to
//! rewrite, stream it to new Parquet files, switch the manifest, delete what
//! it superseded; then clear the marks and log the export.

use std::collections::{BTreeMap, BTreeSet};
use std::pin::pin;
use std::time::Instant;

use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use futures_util::StreamExt;
use starlift_domain::catalog::{quote_ident, quote_literal};
use starlift_domain::pack::Pack;
use starlift_domain::sql::render;
use starlift_domain::warehouse::quote_table;
use tokio_postgres::{Client, Transaction};

use crate::columns::{self, Column, Kind, arrow_schema};
use crate::decode::{CopyDecoder, Partition, Step};
use crate::file::ParquetFile;
use crate::layout;
use crate::manifest::{self, FORMAT, FileEntry, Manifest};
use crate::sql::statement;
use crate::upload::Upload;
use crate::{BATCH_ROWS, LakehouseError, LakehouseReport, TablePlan, TableReport};

/// Where the export writes.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub s3: &'a aws_sdk_s3::Client,
    pub bucket: &'a str,
}

/// A written table and its partition column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    /// `schema.table`.
    pub table: String,
    pub partition_by: Option<String>,
}

impl TableSpec {
    pub fn short_name(&self) -> &str {
        layout::short_name(&self.table)
    }
}

/// Every table the pack's models write, with the `partition_by` of the
/// fact that lists it.
pub fn table_specs(pack: &Pack) -> Result<Vec<TableSpec>, LakehouseError> {
    let mut specs: Vec<TableSpec> = Vec::new();
    for table in pack.written_tables() {
        let partition_by = pack
            .manifest
            .facts
            .values()
            .find(|f| f.tables.iter().any(|t| t == table))
            .and_then(|f| f.partition_by.clone());
        let spec = TableSpec {
            table: table.to_string(),
            partition_by,
        };
        if specs.iter().any(|s| s.short_name() == spec.short_name()) {
            return Err(LakehouseError::DuplicateName(spec.short_name().to_string()));
        }
        specs.push(spec);
    }
    Ok(specs)
}

/// The partition column's year and month as SQL over a row `r`.
#[derive(Debug, Clone)]
struct PartitionSql {
    year: String,
    month: String,
}

/// Finds the partition column and how its year and month are computed: a
/// date or timestamp by its calendar (timestamptz in UTC), an integer as a
/// `YYYYMMDD` date key.
pub fn partition_column<'c>(
    table: &str,
    columns: &'c [Column],
    name: &str,
) -> Result<&'c Column, LakehouseError> {
    let invalid = |message: &str| LakehouseError::PartitionBy {
        table: table.to_string(),
        column: name.to_string(),
        message: message.to_string(),
    };
    let column = columns
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| invalid("no such column"))?;
    match column.kind {
        Kind::Date | Kind::Timestamp | Kind::TimestampUtc | Kind::Int32 | Kind::Int64 => Ok(column),
        _ => Err(invalid(
            "must be a date, a timestamp or an integer YYYYMMDD date key",
        )),
    }
}

fn partition_sql(column: &Column) -> PartitionSql {
    let c = format!("r.{}", quote_ident(&column.name));
    match column.kind {
        Kind::Int32 | Kind::Int64 | Kind::Int16 => PartitionSql {
            year: format!("({c} / 10000)::integer"),
            month: format!("({c} / 100 % 100)::integer"),
        },
        Kind::TimestampUtc => PartitionSql {
            year: format!("extract(year FROM {c} AT TIME ZONE 'UTC')::integer"),
            month: format!("extract(month FROM {c} AT TIME ZONE 'UTC')::integer"),
        },
        _ => PartitionSql {
            year: format!("extract(year FROM {c})::integer"),
            month: format!("extract(month FROM {c})::integer"),
        },
    }
}

/// A table ready to export.
struct Prepared {
    spec: TableSpec,
    columns: Vec<Column>,
    partition: Option<PartitionSql>,
}

/// What to rewrite.
#[derive(Debug)]
enum Plan {
    Unchanged,
    Whole(String),
    Partitions(BTreeSet<Partition>),
}

/// Exports what changed since the last export of each written table (all
/// of it the first time). Runs after a build committed, on its OLAP
/// connection; `lock_key` is the builder's advisory lock, held for the
/// export. If a build holds it, nothing is done: that build exports after
/// it commits.
pub async fn export(
    olap: &mut Client,
    target: Target<'_>,
    pack: &Pack,
    lock_key: i64,
) -> Result<LakehouseReport, LakehouseError> {
    let started = Instant::now();
    let dataset = pack.name();
    let mut report = LakehouseReport {
        location: format!("s3://{}/{}", target.bucket, layout::dataset_prefix(dataset)),
        export_id: None,
        tables: BTreeMap::new(),
        milliseconds: 0,
        message: None,
    };
    let specs = table_specs(pack)?;
    let tx = olap
        .transaction()
        .await
        .map_err(LakehouseError::db("begin"))?;
    let locked: bool = tx
        .query_one(statement("try_lock")?, &[&lock_key])
        .await
        .map_err(LakehouseError::db("take the builder's lock"))?
        .get(0);
    if !locked {
        report.message = Some(
            "another build holds the builder's lock; it exports what changed after it commits"
                .into(),
        );
        report.milliseconds = elapsed_ms(started);
        return Ok(report);
    }
    let ids = tx
        .query_one(statement("begin_export")?, &[])
        .await
        .map_err(LakehouseError::db("start the export"))?;
    let export_id: i64 = ids.get(0);
    let build_id: Option<i64> = ids.get(1);
    report.export_id = Some(export_id);

    let mut prepared = Vec::with_capacity(specs.len());
    for spec in specs {
        prepared.push(prepare(&tx, spec).await?);
    }
    let dirty = tx
        .query(statement("dirty")?, &[])
        .await
        .map_err(LakehouseError::db("read etl.lakehouse_dirty"))?;
    let mut marks: BTreeMap<String, BTreeSet<Partition>> = BTreeMap::new();
    for row in dirty {
        marks
            .entry(row.get(0))
            .or_default()
            .insert((row.get(1), row.get(2)));
    }

    for table in &prepared {
        let name = table.spec.short_name().to_string();
        let manifest_key = layout::manifest_key(dataset, &name);
        let previous = manifest::read(target.s3, target.bucket, &manifest_key).await?;
        let plan = plan(table, previous.as_ref(), marks.get(&table.spec.table));
        let table_started = Instant::now();
        let mut table_report = match plan {
            Plan::Unchanged => unchanged(previous.as_ref()),
            plan => {
                let ctx = Ctx {
                    tx: &tx,
                    target,
                    dataset,
                    export_id,
                    build_id,
                };
                rewrite(&ctx, table, plan, previous).await?
            }
        };
        table_report.milliseconds = elapsed_ms(table_started);
        tracing::info!(table = name, plan = ?table_report.plan, files = table_report.files, rows = table_report.rows, bytes = table_report.bytes, "exported");
        report.tables.insert(name, table_report);
    }

    let summary = serde_json::to_value(&report.tables).unwrap_or_default();
    tx.execute(statement("clear")?, &[])
        .await
        .map_err(LakehouseError::db("clear etl.lakehouse_dirty"))?;
    tx.execute(statement("log")?, &[&export_id, &build_id, &summary])
        .await
        .map_err(LakehouseError::db("log the export"))?;
    tx.commit()
        .await
        .map_err(LakehouseError::db("commit the export"))?;
    report.milliseconds = elapsed_ms(started);
    Ok(report)
}

/// Reads the table's columns and (re)creates its change triggers.
async fn prepare(tx: &Transaction<'_>, spec: TableSpec) -> Result<Prepared, LakehouseError> {
    let columns = columns::read(tx, &spec.table).await?;
    let partition = match &spec.partition_by {
        Some(name) => Some(partition_sql(partition_column(
            &spec.table,
            &columns,
            name,
        )?)),
        None => None,
    };
    let (year, month) = match &partition {
        Some(p) => (quote_literal(&p.year), quote_literal(&p.month)),
        None => ("''".to_string(), "''".to_string()),
    };
    let table = quote_table(&spec.table);
    tx.batch_execute(&render(
        statement("triggers")?,
        &[("table", &table), ("year", &year), ("month", &month)],
    )?)
    .await
    .map_err(LakehouseError::db(format!(
        "create the change triggers on {}",
        spec.table
    )))?;
    Ok(Prepared {
        spec,
        columns,
        partition,
    })
}

fn plan(
    table: &Prepared,
    previous: Option<&Manifest>,
    marks: Option<&BTreeSet<Partition>>,
) -> Plan {
    let Some(previous) = previous else {
        return Plan::Whole("first export (no manifest)".into());
    };
    if previous.columns != table.columns {
        return Plan::Whole("its columns changed".into());
    }
    if previous.partition_by != table.spec.partition_by {
        return Plan::Whole("its partitioning changed".into());
    }
    let Some(marks) = marks.filter(|m| !m.is_empty()) else {
        return Plan::Unchanged;
    };
    if table.partition.is_none() {
        return Plan::Whole("changed".into());
    }
    if marks.contains(&(0, 0)) {
        return Plan::Whole("rewritten or truncated".into());
    }
    Plan::Partitions(marks.clone())
}

fn unchanged(previous: Option<&Manifest>) -> TableReport {
    TableReport {
        plan: TablePlan::Unchanged,
        reason: None,
        files: 0,
        rows: 0,
        bytes: 0,
        partitions_rewritten: Vec::new(),
        files_deleted: 0,
        table_files: previous.map_or(0, |m| m.files.len()),
        table_rows: previous.map_or(0, |m| m.rows),
        table_bytes: previous.map_or(0, |m| m.bytes),
        milliseconds: 0,
    }
}

/// What every table's export shares.
struct Ctx<'a> {
    tx: &'a Transaction<'a>,
    target: Target<'a>,
    dataset: &'a str,
    export_id: i64,
    build_id: Option<i64>,
}

/// Writes the new files, switches the manifest, deletes the superseded
/// files.
async fn rewrite(
    ctx: &Ctx<'_>,
    table: &Prepared,
    plan: Plan,
    previous: Option<Manifest>,
) -> Result<TableReport, LakehouseError> {
    let name = table.spec.short_name();
    let (reason, only) = match plan {
        Plan::Whole(reason) => (Some(reason), None),
        Plan::Partitions(partitions) => (None, Some(partitions)),
        Plan::Unchanged => (None, Some(BTreeSet::new())),
    };
    let written = write_files(ctx, table, only.as_ref()).await?;

    let mut files: Vec<FileEntry> = match (&only, previous) {
        (Some(partitions), Some(previous)) => {
            let rewritten: BTreeSet<String> = partitions
                .iter()
                .map(|p| layout::partition_path(*p))
                .collect();
            previous
                .files
                .into_iter()
                .filter(|f| f.partition.as_ref().is_none_or(|p| !rewritten.contains(p)))
                .collect()
        }
        _ => Vec::new(),
    };
    files.extend(written.iter().cloned());
    files.sort_by(|a, b| a.key.cmp(&b.key));
    let manifest = Manifest {
        format: FORMAT,
        table: table.spec.table.clone(),
        export_id: ctx.export_id,
        build_id: ctx.build_id,
        exported_at: chrono::Utc::now(),
        partition_by: table.spec.partition_by.clone(),
        columns: table.columns.clone(),
        rows: files.iter().map(|f| f.rows).sum(),
        bytes: files.iter().map(|f| f.bytes).sum(),
        files,
    };
    let manifest_key = layout::manifest_key(ctx.dataset, name);
    manifest::write(ctx.target.s3, ctx.target.bucket, &manifest_key, &manifest).await?;

    let prefixes: Vec<String> = match &only {
        Some(partitions) => partitions
            .iter()
            .map(|p| layout::prefix(ctx.dataset, name, Some(*p)))
            .collect(),
        None => vec![layout::table_prefix(ctx.dataset, name)],
    };
    let keep: BTreeSet<&str> = manifest
        .files
        .iter()
        .map(|f| f.key.as_str())
        .chain(std::iter::once(manifest_key.as_str()))
        .collect();
    let mut files_deleted = 0;
    for prefix in prefixes {
        files_deleted += delete_superseded(ctx.target, &prefix, &keep).await?;
    }
    Ok(TableReport {
        plan: if only.is_some() {
            TablePlan::Partitions
        } else {
            TablePlan::Whole
        },
        reason,
        files: written.len(),
        rows: written.iter().map(|f| f.rows).sum(),
        bytes: written.iter().map(|f| f.bytes).sum(),
        partitions_rewritten: only
            .iter()
            .flatten()
            .map(|p| layout::partition_path(*p))
            .collect(),
        files_deleted,
        table_files: manifest.files.len(),
        table_rows: manifest.rows,
        table_bytes: manifest.bytes,
        milliseconds: 0,
    })
}

/// Streams the table (or the partitions in `only`) into new Parquet files,
/// one per partition.
async fn write_files(
    ctx: &Ctx<'_>,
    table: &Prepared,
    only: Option<&BTreeSet<Partition>>,
) -> Result<Vec<FileEntry>, LakehouseError> {
    let column_list = table
        .columns
        .iter()
        .map(|c| format!("r.{}", quote_ident(&c.name)))
        .collect::<Vec<_>>()
        .join(", ");
    let relation = format!("{} r", quote_table(&table.spec.table));
    let sql = match &table.partition {
        Some(p) => {
            let filter = match only {
                Some(partitions) if !partitions.is_empty() => format!(
                    "({}, {}) IN ({})",
                    p.year,
                    p.month,
                    partitions
                        .iter()
                        .map(|(y, m)| format!("({y}, {m})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(_) => "false".to_string(),
                None => "true".to_string(),
            };
            let n = table.columns.len();
            render(
                statement("copy_partitioned")?,
                &[
                    ("columns", &column_list),
                    ("table", &quote_table(&table.spec.table)),
                    ("year", &p.year),
                    ("month", &p.month),
                    ("filter", &filter),
                    ("year_at", &(n + 1).to_string()),
                    ("month_at", &(n + 2).to_string()),
                ],
            )?
        }
        None => render(
            statement("copy")?,
            &[("columns", &column_list), ("table", &relation)],
        )?,
    };
    let mut writer = Writer {
        ctx,
        table,
        open: None,
        done: Vec::new(),
    };
    match writer.stream(&sql).await {
        Ok(()) => Ok(writer.done),
        Err(error) => {
            if let Some((_, file)) = writer.open.take() {
                file.abort().await;
            }
            Err(error)
        }
    }
}

/// The files of one table's COPY.
struct Writer<'a> {
    ctx: &'a Ctx<'a>,
    table: &'a Prepared,
    open: Option<(Option<Partition>, ParquetFile<'a>)>,
    done: Vec<FileEntry>,
}

impl Writer<'_> {
    async fn stream(&mut self, sql: &str) -> Result<(), LakehouseError> {
        let name = &self.table.spec.table;
        let stream = self
            .ctx
            .tx
            .copy_out(sql)
            .await
            .map_err(LakehouseError::db(format!("COPY {name}")))?;
        let mut stream = pin!(stream);
        let mut decoder = CopyDecoder::new(&self.table.columns, self.table.partition.is_some());
        let decode_error = |e: crate::decode::DecodeError| LakehouseError::Decode {
            table: name.clone(),
            message: e.0,
        };
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(LakehouseError::db(format!("COPY {name}")))?;
            decoder.feed(&chunk);
            loop {
                match decoder.step().map_err(decode_error)? {
                    Step::Row if decoder.rows() >= BATCH_ROWS => self.flush(&mut decoder).await?,
                    Step::Row => {}
                    Step::NewPartition => {
                        self.flush(&mut decoder).await?;
                        self.close().await?;
                    }
                    Step::NeedMore | Step::End => break,
                }
            }
        }
        if !decoder.ended() {
            return Err(LakehouseError::Decode {
                table: name.clone(),
                message: "the COPY stream ended without its trailer".into(),
            });
        }
        self.flush(&mut decoder).await?;
        // A dimension with no rows still gets a file: readers need its schema.
        if self.table.partition.is_none() && self.open.is_none() && self.done.is_empty() {
            self.open(None)?;
        }
        self.close().await
    }

    fn open(&mut self, partition: Option<Partition>) -> Result<(), LakehouseError> {
        let name = self.table.spec.short_name();
        let key = layout::file_key(
            self.ctx.dataset,
            name,
            partition,
            self.ctx.export_id,
            self.done.len(),
        );
        let upload = Upload::new(self.ctx.target.s3, self.ctx.target.bucket, key);
        let file = ParquetFile::new(upload, arrow_schema(&self.table.columns))?;
        self.open = Some((partition, file));
        Ok(())
    }

    /// Writes the decoded rows to the file of their partition.
    async fn flush(&mut self, decoder: &mut CopyDecoder) -> Result<(), LakehouseError> {
        if decoder.rows() == 0 {
            return Ok(());
        }
        let partition = decoder.partition();
        let batch = decoder.take_batch().map_err(|e| LakehouseError::Decode {
            table: self.table.spec.table.clone(),
            message: e.to_string(),
        })?;
        if self.open.as_ref().is_none_or(|(p, _)| *p != partition) {
            self.close().await?;
            self.open(partition)?;
        }
        if let Some((_, file)) = self.open.as_mut() {
            file.write(&batch).await?;
        }
        Ok(())
    }

    async fn close(&mut self) -> Result<(), LakehouseError> {
        let Some((partition, file)) = self.open.take() else {
            return Ok(());
        };
        let key = layout::file_key(
            self.ctx.dataset,
            self.table.spec.short_name(),
            partition,
            self.ctx.export_id,
            self.done.len(),
        );
        let (rows, bytes) = file.finish().await?;
        self.done.push(FileEntry {
            key,
            partition: partition.map(layout::partition_path),
            rows,
            bytes,
        });
        Ok(())
    }
}

/// Deletes the objects under `prefix` that are not in `keep`: the files the
/// switch superseded, and any a failed export left. Returns how many.
async fn delete_superseded(
    target: Target<'_>,
    prefix: &str,
    keep: &BTreeSet<&str>,
) -> Result<usize, LakehouseError> {
    let mut stale = Vec::new();
    let mut pages = target
        .s3
        .list_objects_v2()
        .bucket(target.bucket)
        .prefix(prefix)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(LakehouseError::s3(format!("list {prefix}")))?;
        for object in page.contents() {
            if let Some(key) = object.key()
                && !keep.contains(key)
            {
                stale.push(key.to_string());
            }
        }
    }
    for chunk in stale.chunks(1000) {
        let objects = chunk
            .iter()
            .map(|key| ObjectIdentifier::builder().key(key).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(LakehouseError::s3("list the files to delete"))?;
        let delete = Delete::builder()
            .set_objects(Some(objects))
            .quiet(true)
            .build()
            .map_err(LakehouseError::s3("list the files to delete"))?;
        let result = target
            .s3
            .delete_objects()
            .bucket(target.bucket)
            .delete(delete)
            .send()
            .await
            .map_err(LakehouseError::s3(format!(
                "delete superseded files under {prefix}"
            )))?;
        if let Some(error) = result.errors().first() {
            return Err(LakehouseError::S3 {
                action: format!("delete {}", error.key().unwrap_or(prefix)),
                message: error.message().unwrap_or("refused").to_string(),
            });
        }
    }
    Ok(stale.len())
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
