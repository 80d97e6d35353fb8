//! Dev/test only: a throwaway PostgreSQL cluster and an in-process
//! S3-compatible server on loopback.
//!
//! ```no_run
//! # async fn demo() -> starlift_sandbox::Result<()> {
//! let sandbox = starlift_sandbox::Sandbox::start().await?;
//! let db = sandbox.connect_oltp().await?;
//! db.batch_execute("CREATE TABLE t (id int)").await.ok();
//! sandbox.s3_client().put_object().bucket(sandbox.bucket()).key("incoming/x.csv").send().await.ok();
//! // sandbox.env() gives OLTP_DATABASE_URL, AWS_ENDPOINT_URL_S3, ... for the functions.
//! # Ok(()) }
//! ```
//!
//! - [`Postgres`]: `initdb`/`pg_ctl` from `pg_config --bindir` (as root through
//!   `runuser -u postgres`), a free port on 127.0.0.1, fsync off, in
//!   `/dev/shm` when there is one (`SANDBOX_TMPDIR` overrides). Set
//!   `SANDBOX_DATABASE_URL` to a superuser URL to use an existing server
//!   instead (only fresh databases are created and dropped there).
//! - [`S3Server`]: `s3s` + `s3s-fs` on `127.0.0.1:0` with a per-server key pair.
//! - [`Sandbox`]: both, with databases `oltp` and `olap` and the bucket
//!   [`BUCKET`]; [`Sandbox::env`] gives the functions' environment.
//!
//! Everything is stopped and removed on drop, also when a test panics.
//! What a killed process (Ctrl-C in `cargo test`) left behind is removed by
//! the next process that starts a sandbox.

pub mod chinook;
mod error;
pub mod faults;
mod postgres;
mod s3;
mod sandbox;
mod util;

pub use error::{Error, Result};
pub use postgres::{BINDIR_VAR, EXTERNAL_URL_VAR, Postgres, TMPDIR_VAR, connect, rows_as_json};
pub use s3::{REGION, S3Server};
pub use sandbox::{BUCKET, Sandbox};
