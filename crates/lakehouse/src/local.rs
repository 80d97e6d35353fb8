//! A local copy of a dataset's export, laid out as in S3 below
//! `warehouse/`: `<dir>/<dataset>/<table>/…`. Only the files the manifests
//! list are copied (what a reader honoring the manifests sees). Used by
//! `cargo xtask demo --lakehouse-dir` and the DuckDB test.

use std::path::{Path, PathBuf};

use aws_sdk_s3::Client;

use crate::LakehouseError;
use crate::layout;
use crate::manifest::{self, Manifest};

/// One table of the copy.
#[derive(Debug, Clone)]
pub struct CopiedTable {
    pub table: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// Copies every table of `dataset` that has a manifest into `dir`.
pub async fn copy_to_dir(
    s3: &Client,
    bucket: &str,
    dataset: &str,
    tables: &[&str],
    dir: &Path,
) -> Result<Vec<CopiedTable>, LakehouseError> {
    let mut copied = Vec::new();
    let local_root = dir.join(dataset);
    for table in tables {
        let name = layout::short_name(table);
        let key = layout::manifest_key(dataset, name);
        let Some(manifest) = manifest::read(s3, bucket, &key).await? else {
            continue;
        };
        let table_dir = local_root.join(name);
        if table_dir.exists() {
            std::fs::remove_dir_all(&table_dir).map_err(io(&table_dir))?;
        }
        let prefix = layout::dataset_prefix(dataset);
        for file in manifest
            .files
            .iter()
            .map(|f| f.key.as_str())
            .chain([key.as_str()])
        {
            let relative = file.strip_prefix(&prefix).unwrap_or(file);
            let path = local_root.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            let object = s3
                .get_object()
                .bucket(bucket)
                .key(file)
                .send()
                .await
                .map_err(LakehouseError::s3(format!("read {file}")))?;
            let bytes = object
                .body
                .collect()
                .await
                .map_err(|e| LakehouseError::S3 {
                    action: format!("read {file}"),
                    message: e.to_string(),
                })?
                .into_bytes();
            std::fs::write(&path, &bytes).map_err(io(&path))?;
        }
        copied.push(CopiedTable {
            table: name.to_string(),
            dir: table_dir,
            manifest,
        });
    }
    Ok(copied)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LakehouseError {
    let path = path.display().to_string();
    move |source| LakehouseError::Io { path, source }
}
