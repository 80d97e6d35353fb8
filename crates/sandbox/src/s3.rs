//! An in-process S3-compatible server: `s3s` + `s3s-fs` over a temp dir.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use tokio::sync::oneshot;

use crate::error::{Error, Result};
use crate::util;

/// The region the sandbox clients and environment use.
pub const REGION: &str = "us-east-1";

/// Prefix of the server's temp directories.
const DIR_PREFIX: &str = "starlift-s3-";

/// An S3-compatible server on `127.0.0.1:<random port>` storing objects in a
/// temp dir, with signature-v4 authentication under a key pair made for this
/// server.
///
/// It runs on a thread (and tokio runtime) of its own, so it keeps serving
/// whatever the caller's runtime does, and can be shared between tests.
/// Dropping it stops the server and removes the directory.
#[derive(Debug)]
pub struct S3Server {
    endpoint_url: String,
    addr: SocketAddr,
    access_key_id: String,
    secret_access_key: String,
    root: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    dir: Option<tempfile::TempDir>,
}

impl S3Server {
    /// Starts a server with an empty store.
    pub async fn start() -> Result<Self> {
        let fail = |context: &str| {
            let context = context.to_string();
            move |e: std::io::Error| Error::S3 {
                context,
                message: e.to_string(),
            }
        };
        let base = std::env::temp_dir();
        util::reap_stale(&base, DIR_PREFIX, |_| {});
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir_in(&base)
            .map_err(fail("creating the storage directory"))?;
        util::write_owner(dir.path())?;
        let root = dir.path().join("store");
        std::fs::create_dir(&root).map_err(fail("creating the storage directory"))?;
        let fs = s3s_fs::FileSystem::new(&root).map_err(|e| Error::S3 {
            context: format!("opening the store {}", root.display()),
            message: format!("{e:?}"),
        })?;

        let access_key_id = format!("SANDBOX{:016X}", util::random_u64());
        let secret_access_key = format!("{:016x}{:016x}", util::random_u64(), util::random_u64());
        let service = {
            let mut builder = S3ServiceBuilder::new(fs);
            builder.set_auth(SimpleAuth::from_single(
                access_key_id.clone(),
                secret_access_key.as_str(),
            ));
            builder.build()
        };

        let listener =
            std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(fail("binding 127.0.0.1:0"))?;
        listener
            .set_nonblocking(true)
            .map_err(fail("binding 127.0.0.1:0"))?;
        let addr = listener.local_addr().map_err(fail("binding 127.0.0.1:0"))?;

        let (shutdown_tx, shutdown_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = oneshot::channel::<std::io::Result<()>>();
        let thread = std::thread::Builder::new()
            .name(format!("s3-sandbox-{}", addr.port()))
            .spawn(move || serve_on_own_runtime(listener, service, shutdown_rx, ready_tx))
            .map_err(fail("spawning the server thread"))?;
        let mut server = Self {
            endpoint_url: format!("http://{addr}"),
            addr,
            access_key_id,
            secret_access_key,
            root,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
            dir: Some(dir),
        };
        match ready_rx.await {
            Ok(Ok(())) => Ok(server),
            Ok(Err(e)) => Err(fail("starting the server runtime")(e)),
            Err(_) => {
                server.thread.take().map(std::thread::JoinHandle::join);
                Err(Error::S3 {
                    context: "starting the server".to_string(),
                    message: "the server thread ended early".to_string(),
                })
            }
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint_url(&self) -> &str {
        &self.endpoint_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The access key id the server accepts.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key that goes with [`S3Server::access_key_id`].
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The directory holding the buckets (one sub-directory each).
    pub fn root_dir(&self) -> &Path {
        &self.root
    }

    /// A client for this server: its endpoint, path-style addressing,
    /// `us-east-1`, its credentials, and checksums only when an operation
    /// requires them.
    pub fn client(&self) -> aws_sdk_s3::Client {
        self.client_via(&self.endpoint_url)
    }

    /// [`S3Server::client`] reaching this server through `endpoint_url` (a
    /// fault-injecting proxy, say).
    pub fn client_via(&self, endpoint_url: &str) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint_url)
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new(
                &self.access_key_id,
                &self.secret_access_key,
                None,
                None,
                "starlift-sandbox",
            ))
            .force_path_style(true)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// Creates a bucket.
    pub async fn create_bucket(&self, name: &str) -> Result<()> {
        self.client()
            .create_bucket()
            .bucket(name)
            .send()
            .await
            .map_err(|e| Error::S3 {
                context: format!("creating bucket {name}"),
                message: aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
            })?;
        Ok(())
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(dir) = self.dir.take() {
            let path = dir.path().to_path_buf();
            if let Err(e) = dir.close() {
                tracing::warn!(dir = %path.display(), error = %e, "sandbox: could not remove the S3 directory");
            }
        }
    }
}

fn serve_on_own_runtime(
    listener: std::net::TcpListener,
    service: S3Service,
    shutdown: oneshot::Receiver<()>,
    ready: oneshot::Sender<std::io::Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("s3-sandbox-worker")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let _ = ready.send(Ok(()));
        serve(listener, service, shutdown).await;
    });
    // Connections still open are cut; a blocked file operation gets a moment.
    runtime.shutdown_timeout(Duration::from_secs(2));
}

async fn serve(
    listener: tokio::net::TcpListener,
    service: S3Service,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            // Sent by Drop, or the sender was dropped: stop either way.
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let service = service.clone();
                    connections.spawn(async move {
                        let builder = ConnBuilder::new(TokioExecutor::new());
                        if let Err(e) = builder.serve_connection(TokioIo::new(stream), service).await {
                            tracing::debug!(error = %e, "sandbox S3 connection ended with an error");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "sandbox S3 server: accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
}
