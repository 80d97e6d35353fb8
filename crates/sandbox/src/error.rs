//! The one error type of the sandbox.

use std::path::PathBuf;

/// What went wrong while starting, using or stopping a sandbox part.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A program the sandbox runs is missing.
    #[error("`{binary}` not found ({detail}); {hint}")]
    BinaryNotFound {
        /// The program, e.g. `pg_config` or `/usr/lib/postgresql/15/bin/initdb`.
        binary: String,
        /// Why it was not found.
        detail: String,
        /// What to do about it.
        hint: &'static str,
    },

    /// A program ran but failed (e.g. `initdb`); `stderr` is its error output.
    #[error("`{command}` failed ({status}): {stderr}")]
    CommandFailed {
        /// The command line, shortened to the program and its arguments.
        command: String,
        /// Its exit status.
        status: String,
        /// Its standard error (and standard output when stderr was empty).
        stderr: String,
    },

    /// Running as root, but there is no `postgres` user to run PostgreSQL as.
    #[error(
        "running as root, but there is no `postgres` user to run PostgreSQL as \
         (initdb refuses to run as root): {detail}; create one (`useradd --system postgres`) \
         or run as an ordinary user"
    )]
    NoPostgresUser {
        /// What the lookup said.
        detail: String,
    },

    /// The `postgres` user cannot reach the temp directory.
    #[error(
        "the `postgres` user cannot traverse {path} (PostgreSQL runs as `postgres` when the \
         sandbox runs as root); point TMPDIR at a world-traversable directory such as /tmp"
    )]
    TempDirNotAccessible {
        /// The directory that lacks the execute bit for others.
        path: PathBuf,
    },

    /// The PostgreSQL server did not come up.
    #[error(
        "PostgreSQL did not start after {attempts} attempt(s): {reason}\n--- server log ---\n{log}"
    )]
    PostgresStart {
        /// How many times a start was tried.
        attempts: u32,
        /// The last failure.
        reason: String,
        /// The tail of the server log of the last attempt.
        log: String,
    },

    /// A file system operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A database statement or connection failed.
    #[error("{context}: {source}")]
    Database {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: tokio_postgres::Error,
    },

    /// `SANDBOX_DATABASE_URL` (or another URL given to the sandbox) is not usable.
    #[error("invalid database URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL, with any password removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The S3 server could not be set up, or an S3 request made by the sandbox failed.
    #[error("S3 sandbox: {context}: {message}")]
    S3 {
        /// What was being done.
        context: String,
        /// The error, with its causes.
        message: String,
    },
}

/// `Result` with the sandbox [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| Self::Io { context, source }
    }

    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Self {
        let context = context.into();
        move |source| Self::Database { context, source }
    }
}
