//! Test harness: a sandbox (real PostgreSQL, real S3 protocol server) and a
//! loader pointed at it; files are dropped into the bucket and the S3 event
//! AWS would send is handed to the real handler.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadReport, LoadSummary, Loader, TransientError, handle_event};
use starlift_domain::config::LoaderConfig;
use starlift_domain::pack::Pack;
use starlift_sandbox::Sandbox;
use tokio_postgres::Client;

pub struct Harness {
    pub sandbox: Sandbox,
    pub loader: Loader,
    pub oltp: Client,
    sequencer: AtomicU64,
}

/// The loader's configuration for the database at `oltp_url`, with the
/// sandbox's S3.
fn config_for(sandbox: &Sandbox, oltp_url: &str) -> LoaderConfig {
    let env = sandbox.env();
    let lookup = |name: &str| {
        if name == "OLTP_DATABASE_URL" {
            return Some(oltp_url.to_string());
        }
        env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    };
    LoaderConfig::from_lookup(lookup).expect("sandbox config")
}

/// Builds a loader for the database at `oltp_url`, with the sandbox's S3.
pub async fn loader_for(sandbox: &Sandbox, oltp_url: &str) -> Loader {
    Loader::connect(config_for(sandbox, oltp_url), sandbox.s3_client(), None)
        .await
        .expect("loader starts")
}

/// A loader for the database at `oltp_url` reading S3 through `s3` (a
/// fault-injecting proxy, say).
pub async fn loader_with_s3(sandbox: &Sandbox, oltp_url: &str, s3: aws_sdk_s3::Client) -> Loader {
    Loader::connect(config_for(sandbox, oltp_url), s3, None)
        .await
        .expect("loader starts")
}

/// The test-only pack in `tests/packs/<name>/`, read from its folder.
pub fn test_pack(name: &str) -> Pack {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/packs")
        .join(name);
    Pack::from_dir(&dir).unwrap_or_else(|e| panic!("pack {}: {e}", dir.display()))
}

/// Builds a loader serving `pack` for the database at `oltp_url`.
pub async fn loader_for_pack(sandbox: &Sandbox, oltp_url: &str, pack: Pack) -> Loader {
    Loader::connect_pack(
        config_for(sandbox, oltp_url),
        sandbox.s3_client(),
        None,
        pack,
    )
    .await
    .expect("loader starts with the pack")
}

impl Harness {
    pub async fn start() -> Self {
        let sandbox = Sandbox::start().await.expect("sandbox starts");
        let loader = loader_for(&sandbox, sandbox.oltp_url()).await;
        let oltp = sandbox.connect_oltp().await.expect("connect");
        Self {
            sandbox,
            loader,
            oltp,
            sequencer: AtomicU64::new(0x10),
        }
    }

    /// A sandbox whose loader serves the test pack `tests/packs/<name>/`.
    pub async fn start_pack(name: &str) -> Self {
        let sandbox = Sandbox::start().await.expect("sandbox starts");
        let loader = loader_for_pack(&sandbox, sandbox.oltp_url(), test_pack(name)).await;
        let oltp = sandbox.connect_oltp().await.expect("connect");
        Self {
            sandbox,
            loader,
            oltp,
            sequencer: AtomicU64::new(0x10),
        }
    }

    pub fn next_sequencer(&self) -> String {
        format!("{:016X}", self.sequencer.fetch_add(1, Ordering::SeqCst))
    }

    /// Uploads `bytes` to `key`; returns the ETag.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> String {
        let response = self
            .sandbox
            .s3_client()
            .put_object()
            .bucket(self.sandbox.bucket())
            .key(key)
            .body(bytes.into())
            .send()
            .await
            .expect("put object");
        response
            .e_tag()
            .expect("etag")
            .trim_matches('"')
            .to_string()
    }

    /// Delivers the event of a put to the handler.
    pub async fn deliver(
        &self,
        loader: &Loader,
        key: &str,
        etag: &str,
        size: i64,
        sequencer: &str,
    ) -> Result<LoadReport, TransientError> {
        let event = object_created(&[PutObject {
            bucket: self.sandbox.bucket(),
            key,
            etag,
            size,
            sequencer,
            version_id: None,
        }])
        .expect("event");
        handle_event(loader, event).await
    }

    /// Uploads and delivers; returns the one summary.
    pub async fn drop_file(&self, key: &str, bytes: Vec<u8>) -> LoadSummary {
        self.drop_file_with(&self.loader, key, bytes).await
    }

    pub async fn drop_file_with(&self, loader: &Loader, key: &str, bytes: Vec<u8>) -> LoadSummary {
        let deadline = std::time::Instant::now() + oltp_loader::LAMBDA_MAX_DURATION;
        self.drop_file_until(loader, key, bytes, deadline).await
    }

    /// Uploads and delivers to an invocation ending at `deadline`; returns
    /// the one summary.
    pub async fn drop_file_until(
        &self,
        loader: &Loader,
        key: &str,
        bytes: Vec<u8>,
        deadline: std::time::Instant,
    ) -> LoadSummary {
        let size = bytes.len() as i64;
        let etag = self.put(key, bytes).await;
        let sequencer = self.next_sequencer();
        let event = object_created(&[PutObject {
            bucket: self.sandbox.bucket(),
            key,
            etag: &etag,
            size,
            sequencer: &sequencer,
            version_id: None,
        }])
        .expect("event");
        let mut report = oltp_loader::handle_event_until(loader, event, deadline)
            .await
            .expect("load succeeds");
        assert_eq!(report.loads.len(), 1);
        report.loads.remove(0)
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.oltp.query_one(sql, &[]).await.expect(sql).get(0)
    }

    pub async fn get_object(&self, key: &str) -> Option<Vec<u8>> {
        let response = self
            .sandbox
            .s3_client()
            .get_object()
            .bucket(self.sandbox.bucket())
            .key(key)
            .send()
            .await
            .ok()?;
        Some(response.body.collect().await.ok()?.into_bytes().to_vec())
    }
}

// Not every test binary that includes this module uses them.
#[allow(unused_imports)]
pub use starlift_sandbox::chinook::{CHINOOK_ROWS, chinook_dir};
