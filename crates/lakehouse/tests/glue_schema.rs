//! `terraform/lakehouse/<pack>.json` (the Glue tables' columns) is what the
//! pack's dw schema gives: for every embedded pack with a warehouse, its
//! migrations run in the sandbox's PostgreSQL and the rendered schema must
//! equal the committed file. After changing a pack's dw schema, regenerate
//! with `LAKEHOUSE_SCHEMA_WRITE=1 cargo test -p starlift-lakehouse --test
//! glue_schema`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use starlift_domain::migrate::{OLAP, migrate};
use starlift_domain::pack::{Pack, names};
use starlift_sandbox::Sandbox;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terraform_glue_schemas_match_the_dw_schemas() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let write = std::env::var_os("LAKEHOUSE_SCHEMA_WRITE").is_some();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../terraform/lakehouse");
    let mut stale = Vec::new();
    for name in names() {
        let pack = Pack::embedded(name).unwrap();
        if pack.written_tables().is_empty() {
            continue;
        }
        let url = sandbox
            .postgres()
            .create_database(&format!("glue_{name}"))
            .await
            .unwrap();
        let mut client = starlift_sandbox::connect(&url).await.unwrap();
        for set in [&OLAP, &pack.warehouse] {
            migrate(&mut client, set).await.unwrap();
        }
        let schema = starlift_lakehouse::glue::schema(&client, &pack)
            .await
            .unwrap();
        let rendered = format!("{}\n", serde_json::to_string_pretty(&schema).unwrap());
        let path = root.join(format!("{name}.json"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != rendered {
            if write {
                std::fs::write(&path, &rendered).unwrap();
                eprintln!("wrote {}", path.display());
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale Glue schemas (the dw schema changed): {stale:?}; regenerate with LAKEHOUSE_SCHEMA_WRITE=1 cargo test -p starlift-lakehouse --test glue_schema"
    );
}
