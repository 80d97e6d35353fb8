//! `cargo xtask demo --lakehouse-dir DIR`: the builds' Parquet export,
//! copied from the sandbox's bucket through the manifests, laid out as in
//! S3 below `warehouse/`; per table its files and rows, printed and
//! returned for `summary.json`.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use starlift_domain::pack::Pack;

pub async fn copy(s3: &aws_sdk_s3::Client, bucket: &str, pack: &Pack, dir: &Path) -> Result<Value> {
    let copied = starlift_lakehouse::local::copy_to_dir(
        s3,
        bucket,
        pack.name(),
        &pack.written_tables(),
        dir,
    )
    .await
    .context("copying the lakehouse export")?;
    let root = dir.join(pack.name());
    let mut out = format!("\nlakehouse (Parquet, copied to {}):\n", root.display());
    let mut tables = serde_json::Map::new();
    for table in &copied {
        let m = &table.manifest;
        let partitions = m
            .files
            .iter()
            .filter_map(|f| f.partition.as_deref())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        out.push_str(&format!(
            "  {:<28} {:>4} files {:>10} rows {:>12} bytes{}\n",
            table.table,
            m.files.len(),
            m.rows,
            m.bytes,
            m.partition_by
                .as_ref()
                .map(|c| format!("  ({partitions} partitions by {c})"))
                .unwrap_or_default()
        ));
        tables.insert(
            table.table.clone(),
            json!({
                "files": m.files.len(),
                "rows": m.rows,
                "bytes": m.bytes,
                "partition_by": m.partition_by,
                "partitions": partitions,
                "export_id": m.export_id,
            }),
        );
    }
    eprint!("{out}");
    Ok(json!({
        "dir": root.display().to_string(),
        "location": format!("s3://{bucket}/warehouse/{}/", pack.name()),
        "tables": tables,
    }))
}
