//! A throwaway PostgreSQL cluster on loopback, or fresh databases on an
//! existing server named by `SANDBOX_DATABASE_URL`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use tokio_postgres::{Client, NoTls};
use url::Url;

use crate::error::{Error, Result};
use crate::util;

/// Environment variable naming an existing server (a superuser URL) to use
/// instead of starting a cluster.
pub const EXTERNAL_URL_VAR: &str = "SANDBOX_DATABASE_URL";
/// Environment variable naming the directory to create clusters in (default:
/// `/dev/shm` when there is one, else the system temp dir).
pub const TMPDIR_VAR: &str = "SANDBOX_TMPDIR";
/// Environment variable overriding the directory of `initdb` and `pg_ctl`
/// (default: `pg_config --bindir`).
pub const BINDIR_VAR: &str = "SANDBOX_PG_BINDIR";

/// Prefix of the per-cluster temp directories (also used to find ones left
/// behind by killed processes).
const CLUSTER_PREFIX: &str = "starlift-pg-";
/// Bump when the initdb options or [`STATIC_CONF`] change, so that old cached
/// templates are not reused.
const TEMPLATE_VERSION: &str = "v1";
/// How often a start is tried with a new port when the port was taken.
const START_ATTEMPTS: u32 = 5;
/// Cluster settings: fast and loopback-only. Durability is not a goal.
const STATIC_CONF: &str = "\n# starlift-sandbox\n\
    listen_addresses = '127.0.0.1'\n\
    fsync = off\n\
    synchronous_commit = off\n\
    full_page_writes = off\n\
    max_connections = 200\n";

const INSTALL_HINT: &str = "install the PostgreSQL server binaries (e.g. `apt-get install postgresql`, \
     `brew install postgresql`) so that `pg_config --bindir` finds them, or set SANDBOX_PG_BINDIR";

/// A PostgreSQL server for tests: either a throwaway cluster this value owns,
/// or (when `SANDBOX_DATABASE_URL` is set) an existing server on which it only
/// creates and drops its own databases.
///
/// Dropping it stops the cluster (`pg_ctl stop -m immediate`) and removes its
/// directory, or drops the databases it created on the external server. This
/// also happens when a test panics.
#[derive(Debug)]
pub struct Postgres {
    /// Superuser URL to the maintenance database.
    superuser_url: Url,
    /// Databases created by [`Postgres::create_database`].
    databases: Mutex<Vec<String>>,
    /// `None` for an external server.
    local: Option<LocalCluster>,
}

impl Postgres {
    /// Starts a throwaway cluster, or uses the server named by
    /// `SANDBOX_DATABASE_URL` when that is set.
    pub async fn start() -> Result<Self> {
        match std::env::var(EXTERNAL_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => Self::external(url.trim()).await,
            _ => Self::start_local().await,
        }
    }

    /// Starts a throwaway cluster whatever the environment says.
    pub async fn start_local() -> Result<Self> {
        match tokio::task::spawn_blocking(LocalCluster::start).await {
            Ok(result) => {
                let (local, port) = result?;
                let url = format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable");
                let superuser_url = Url::parse(&url).map_err(|e| Error::InvalidUrl {
                    url,
                    reason: e.to_string(),
                })?;
                Ok(Self {
                    superuser_url,
                    databases: Mutex::new(Vec::new()),
                    local: Some(local),
                })
            }
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Error::Io {
                context: "starting PostgreSQL".to_string(),
                source: std::io::Error::other(e),
            }),
        }
    }

    /// Uses an existing server; `superuser_url` is
    /// `postgres://user[:password]@host[:port][/db][?sslmode=…]` of a role
    /// that may create databases. Connections are made without TLS.
    pub async fn external(superuser_url: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::InvalidUrl {
            url: redact(superuser_url),
            reason: reason.to_string(),
        };
        let mut url = Url::parse(superuser_url).map_err(|e| invalid(&e.to_string()))?;
        if url.scheme() != "postgres" && url.scheme() != "postgresql" {
            return Err(invalid("the scheme must be postgres://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("no host"));
        }
        if url.username().is_empty() {
            return Err(invalid("no user name"));
        }
        let sslmode = url
            .query_pairs()
            .find(|(k, _)| k == "sslmode")
            .map_or_else(|| "disable".to_string(), |(_, v)| v.into_owned());
        url.set_query(Some(&format!("sslmode={sslmode}")));
        if url.path().trim_start_matches('/').is_empty() {
            url.set_path("/postgres");
        }
        let pg = Self {
            superuser_url: url,
            databases: Mutex::new(Vec::new()),
            local: None,
        };
        // Fail now, with a clear message, rather than at the first test query.
        pg.connect_superuser().await?;
        Ok(pg)
    }

    /// The superuser URL (maintenance database `postgres`), e.g.
    /// `postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable`.
    pub fn superuser_url(&self) -> &str {
        self.superuser_url.as_str()
    }

    /// The server's TCP port.
    pub fn port(&self) -> u16 {
        self.superuser_url.port().unwrap_or(5432)
    }

    /// Whether this is an existing server (`SANDBOX_DATABASE_URL`) rather
    /// than a throwaway cluster.
    pub fn is_external(&self) -> bool {
        self.local.is_none()
    }

    /// The throwaway cluster's temp directory (data dir, socket, server log);
    /// `None` for an external server.
    pub fn temp_dir(&self) -> Option<&Path> {
        self.local.as_ref().and_then(LocalCluster::dir)
    }

    /// Restarts the throwaway cluster the way a crash would (`pg_ctl restart
    /// -m immediate`: every connection dropped, crash recovery on start), on
    /// the same port; fault-injection tests call it mid-load and mid-build.
    /// An external server is not restarted (an error).
    pub fn restart(&self) -> Result<()> {
        let Some(local) = &self.local else {
            return Err(Error::PostgresStart {
                attempts: 0,
                reason: "an external server (SANDBOX_DATABASE_URL) is not restarted by tests"
                    .into(),
                log: String::new(),
            });
        };
        local.restart(self.port())
    }

    /// The process id of the throwaway cluster's postmaster.
    pub fn pid(&self) -> Option<u32> {
        self.local.as_ref().and_then(|l| l.pid)
    }

    /// Creates a new, empty database and returns its URL
    /// (`postgres://postgres@127.0.0.1:PORT/NAME?sslmode=disable` for a local
    /// cluster). The name is `name_hint` made into a plain identifier, with a
    /// suffix when needed to keep it unique (always on an external server).
    pub async fn create_database(&self, name_hint: &str) -> Result<String> {
        let name = self.reserve_name(name_hint);
        let client = self.connect_superuser().await?;
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .map_err(Error::db(format!("creating database {name}")))?;
        Ok(self.database_url(&name))
    }

    /// Creates a database as a copy of `template` (a database of this
    /// server, by name) and returns its URL; sessions still open on the
    /// template are ended first, as PostgreSQL copies only an idle one.
    pub async fn copy_database(&self, template: &str, name_hint: &str) -> Result<String> {
        let name = self.reserve_name(name_hint);
        let client = self.connect_superuser().await?;
        client
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
                &[&template],
            )
            .await
            .map_err(Error::db(format!("ending the sessions on {template}")))?;
        client
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{}\"",
                template.replace('"', "\"\"")
            ))
            .await
            .map_err(Error::db(format!("copying database {template} to {name}")))?;
        Ok(self.database_url(&name))
    }

    /// Drops database `name` now (ending its sessions) instead of when the
    /// sandbox stops: for work that makes many large ones.
    pub async fn drop_database(&self, name: &str) -> Result<()> {
        let client = self.connect_superuser().await?;
        client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                name.replace('"', "\"\"")
            ))
            .await
            .map_err(Error::db(format!("dropping database {name}")))?;
        self.databases
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|n| n != name);
        Ok(())
    }

    /// The URL of database `name` on this server (same user and options as the
    /// superuser URL).
    pub fn database_url(&self, name: &str) -> String {
        let mut url = self.superuser_url.clone();
        url.set_path(&format!("/{name}"));
        url.into()
    }

    /// A superuser connection to the maintenance database.
    pub async fn connect_superuser(&self) -> Result<Client> {
        connect(self.superuser_url.as_str()).await
    }

    fn reserve_name(&self, hint: &str) -> String {
        let mut base: String = hint
            .chars()
            .take(40)
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert_str(0, "db_");
        }
        let mut taken = self
            .databases
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let name = if self.is_external() {
            // Other processes share the server: always make it unique.
            format!(
                "{base}_{}_{:08x}",
                std::process::id(),
                util::random_u64() as u32
            )
        } else {
            let in_use = |n: &str| {
                ["postgres", "template0", "template1"].contains(&n) || taken.iter().any(|t| t == n)
            };
            let mut name = base.clone();
            let mut n = 1;
            while in_use(&name) {
                n += 1;
                name = format!("{base}_{n}");
            }
            name
        };
        taken.push(name.clone());
        name
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A throwaway cluster goes away as a whole (LocalCluster::drop).
        if self.local.is_some() {
            return;
        }
        let names = std::mem::take(
            self.databases
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner),
        );
        if names.is_empty() {
            return;
        }
        // Drop may run inside a runtime (or while unwinding); do the async work
        // on a thread of its own with its own runtime and wait for it.
        let url = self.superuser_url.to_string();
        let worker = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let work = async {
                    let client = connect(&url).await?;
                    for name in &names {
                        client
                            .batch_execute(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await
                            .map_err(Error::db(format!("dropping database {name}")))?;
                    }
                    Ok::<_, Error>(())
                };
                match tokio::time::timeout(Duration::from_secs(30), work).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "sandbox: could not drop test databases")
                    }
                    Err(_) => tracing::warn!("sandbox: dropping test databases timed out"),
                }
            });
        });
        let _ = worker.join();
    }
}

/// Every row of `table` (schema-qualified, quoted) as JSON text without
/// the columns `without`, sorted: what tests compare between two runs.
pub async fn rows_as_json(client: &Client, table: &str, without: &[&str]) -> Result<Vec<String>> {
    let dropped: String = without
        .iter()
        .map(|c| format!(" - '{}'", c.replace('\'', "''")))
        .collect();
    let sql = format!("SELECT (to_jsonb(t){dropped})::text FROM {table} t ORDER BY 1");
    let rows = client
        .query(&sql, &[])
        .await
        .map_err(Error::db(format!("reading {table}")))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Connects without TLS and drives the connection on a spawned task of the
/// current tokio runtime.
pub async fn connect(url: &str) -> Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(Error::db(format!("connecting to {}", redact(url))))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "sandbox database connection ended");
        }
    });
    Ok(client)
}

fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.into()
        }
        Err(_) => "<unparsable URL>".to_string(),
    }
}

// ---------------------------------------------------------------------------
// The throwaway cluster.

/// How PostgreSQL programs are run: directly, or as `postgres` through
/// `runuser` when we are root (initdb and postgres refuse to run as root).
#[derive(Debug, Clone, Copy)]
enum RunAs {
    Me,
    Postgres { uid: u32, gid: u32 },
}

impl RunAs {
    fn detect() -> Result<Self> {
        if !util::is_root() {
            return Ok(Self::Me);
        }
        static IDS: OnceLock<(u32, u32)> = OnceLock::new();
        if let Some(&(uid, gid)) = IDS.get() {
            return Ok(Self::Postgres { uid, gid });
        }
        let id = |flag: &str| -> Result<u32> {
            let out = util::run(
                Command::new("id").args([flag, "postgres"]),
                "`id` is part of coreutils",
            )
            .map_err(|e| Error::NoPostgresUser {
                detail: e.to_string(),
            })?;
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .map_err(|e| Error::NoPostgresUser {
                    detail: format!("`id {flag} postgres` printed no number: {e}"),
                })
        };
        let ids = (id("-u")?, id("-g")?);
        let (uid, gid) = *IDS.get_or_init(|| ids);
        Ok(Self::Postgres { uid, gid })
    }

    fn command(self, program: &Path) -> Command {
        match self {
            Self::Me => Command::new(program),
            Self::Postgres { .. } => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", "postgres", "--"]).arg(program);
                cmd
            }
        }
    }

    fn chown(self, path: &Path) -> Result<()> {
        match self {
            Self::Me => Ok(()),
            Self::Postgres { uid, gid } => std::os::unix::fs::lchown(path, Some(uid), Some(gid))
                .map_err(Error::io(format!("chown postgres {}", path.display()))),
        }
    }
}

#[derive(Debug)]
struct LocalCluster {
    /// Owned by the cluster's user; holds `data/`, the socket and `server.log`.
    dir: Option<tempfile::TempDir>,
    data_dir: PathBuf,
    bindir: PathBuf,
    run_as: RunAs,
    pid: Option<u32>,
}

impl LocalCluster {
    fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(tempfile::TempDir::path)
    }

    /// Creates and starts a cluster; returns it with its port.
    fn start() -> Result<(Self, u16)> {
        let started = Instant::now();
        let bindir = bindir()?;
        let run_as = RunAs::detect()?;
        let (base, dir) = cluster_dir(run_as, &bindir)?;
        util::write_owner(dir.path())?;
        run_as.chown(dir.path())?;
        let data_dir = dir.path().join("data");
        // From here on, Drop stops whatever runs in `dir` and removes it.
        let mut cluster = Self {
            dir: Some(dir),
            data_dir,
            bindir,
            run_as,
            pid: None,
        };
        let root = cluster
            .data_dir
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();

        let mut from_template = match template(&cluster.bindir, run_as, &base) {
            Ok(template) => match copy_tree(&template, &cluster.data_dir, run_as) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "sandbox: copying the cached cluster template failed; running initdb");
                    let _ = std::fs::remove_dir_all(&cluster.data_dir);
                    false
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "sandbox: no cached cluster template; running initdb");
                false
            }
        };
        if !from_template {
            cluster.init_fresh(&root)?;
        } else {
            append_conf(&cluster.data_dir, &socket_conf(&root))?;
        }
        tracing::debug!(elapsed = ?started.elapsed(), from_template, "sandbox: data dir ready");

        let log = root.join("server.log");
        let mut attempts = 0;
        let port = loop {
            attempts += 1;
            let port = free_port()?;
            let _ = std::fs::remove_file(&log);
            let mut cmd = run_as.command(&cluster.bindir.join("pg_ctl"));
            cmd.arg("start")
                .arg("-D")
                .arg(&cluster.data_dir)
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-s", "-o"])
                .arg(format!("-p {port}"));
            let Err(e) = util::run(&mut cmd, INSTALL_HINT) else {
                break port;
            };
            // pg_ctl may give up while the postmaster still runs.
            cluster.stop();
            let log_text = log_tail(&log);
            let port_taken = [
                "could not bind",
                "already in use",
                "could not create any TCP/IP sockets",
            ]
            .iter()
            .any(|s| log_text.contains(s));
            if port_taken && attempts < START_ATTEMPTS {
                tracing::debug!(port, "sandbox: port taken, retrying");
                continue;
            }
            if from_template && !port_taken {
                // The cached template may be damaged (e.g. by a /tmp cleaner).
                tracing::warn!(error = %e, "sandbox: cluster from cached template did not start; rebuilding it");
                let _ = std::fs::remove_dir_all(template_path(&base, &cluster.bindir));
                std::fs::remove_dir_all(&cluster.data_dir).map_err(Error::io(format!(
                    "removing {}",
                    cluster.data_dir.display()
                )))?;
                cluster.init_fresh(&root)?;
                from_template = false;
                continue;
            }
            return Err(Error::PostgresStart {
                attempts,
                reason: e.to_string(),
                log: log_text,
            });
        };
        cluster.pid = read_postmaster_pid(&cluster.data_dir);
        tracing::debug!(port, elapsed = ?started.elapsed(), "sandbox: PostgreSQL started");
        Ok((cluster, port))
    }

    /// `pg_ctl restart -m immediate` on `port`, waiting until it accepts
    /// connections again.
    fn restart(&self, port: u16) -> Result<()> {
        let log = self
            .data_dir
            .parent()
            .map(|root| root.join("server.log"))
            .unwrap_or_default();
        let mut cmd = self.run_as.command(&self.bindir.join("pg_ctl"));
        cmd.arg("restart")
            .arg("-D")
            .arg(&self.data_dir)
            .arg("-l")
            .arg(&log)
            .args(["-m", "immediate", "-w", "-t", "60", "-s", "-o"])
            .arg(format!("-p {port}"));
        util::run(&mut cmd, INSTALL_HINT)
            .map(|_| ())
            .map_err(|e| Error::PostgresStart {
                attempts: 1,
                reason: e.to_string(),
                log: log_tail(&log),
            })
    }

    /// initdb straight into the data dir (no template).
    fn init_fresh(&self, root: &Path) -> Result<()> {
        initdb(&self.bindir, self.run_as, &self.data_dir, true)?;
        append_conf(&self.data_dir, STATIC_CONF)?;
        append_conf(&self.data_dir, &socket_conf(root))
    }

    /// Stops the server at once if it runs; best effort, never panics.
    fn stop(&self) {
        if !self.data_dir.join("postmaster.pid").exists() {
            return;
        }
        let pid = read_postmaster_pid(&self.data_dir).or(self.pid);
        stop_cluster(&self.bindir, self.run_as, &self.data_dir, pid);
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        self.stop();
        if let Some(dir) = self.dir.take() {
            let path = dir.path().to_path_buf();
            if let Err(e) = dir.close() {
                tracing::warn!(dir = %path.display(), error = %e, "sandbox: could not remove the cluster directory");
            }
        }
    }
}

fn stop_cluster(bindir: &Path, run_as: RunAs, data_dir: &Path, pid: Option<u32>) {
    let stopped = run_as
        .command(&bindir.join("pg_ctl"))
        .arg("stop")
        .arg("-D")
        .arg(data_dir)
        .args(["-m", "immediate", "-w", "-t", "10", "-s"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !stopped && let Some(pid) = pid {
        tracing::warn!(pid, "sandbox: pg_ctl stop failed; killing the postmaster");
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn read_postmaster_pid(data_dir: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(data_dir.join("postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

/// Creates the cluster's temp dir in the first usable base directory:
/// `SANDBOX_TMPDIR` if set, else `/dev/shm` (RAM: copying the template and
/// CREATE DATABASE are several times faster than on a disk), else the system
/// temp dir.
fn cluster_dir(run_as: RunAs, bindir: &Path) -> Result<(PathBuf, tempfile::TempDir)> {
    let bases = match std::env::var_os(TMPDIR_VAR) {
        Some(dir) if !dir.is_empty() => vec![PathBuf::from(dir)],
        _ => {
            let shm = Path::new("/dev/shm");
            let mut bases = if shm.is_dir() {
                vec![shm.to_path_buf()]
            } else {
                Vec::new()
            };
            bases.push(std::env::temp_dir());
            bases
        }
    };
    reap_stale_clusters(&bases, bindir, run_as);
    let mut last_error = None;
    for base in bases {
        if matches!(run_as, RunAs::Postgres { .. })
            && let Err(e) = check_traversable(&base)
        {
            last_error = Some(e);
            continue;
        }
        match tempfile::Builder::new()
            .prefix(CLUSTER_PREFIX)
            .tempdir_in(&base)
        {
            Ok(dir) => return Ok((base, dir)),
            Err(e) => {
                last_error = Some(Error::Io {
                    context: format!("creating a temp dir in {}", base.display()),
                    source: e,
                });
            }
        }
    }
    Err(last_error.unwrap_or_else(|| Error::Io {
        context: "choosing a temp dir".to_string(),
        source: std::io::Error::other("no candidate directory"),
    }))
}

/// Stops and removes clusters left by processes that died without dropping
/// them (e.g. Ctrl-C during `cargo test`). Once per process.
fn reap_stale_clusters(bases: &[PathBuf], bindir: &Path, run_as: RunAs) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for base in bases {
            util::reap_stale(base, CLUSTER_PREFIX, |dir| {
                let data_dir = dir.join("data");
                if data_dir.join("postmaster.pid").exists() {
                    stop_cluster(bindir, run_as, &data_dir, read_postmaster_pid(&data_dir));
                }
            });
        }
    });
}

/// The directory holding `initdb` and `pg_ctl`.
fn bindir() -> Result<PathBuf> {
    static BINDIR: OnceLock<PathBuf> = OnceLock::new();
    if let Some(dir) = BINDIR.get() {
        return Ok(dir.clone());
    }
    let dir = match std::env::var_os(BINDIR_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => match util::run(Command::new("pg_config").arg("--bindir"), INSTALL_HINT) {
            Ok(out) => PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()),
            // Debian/Ubuntu install the server without pg_config on PATH.
            Err(e) => debian_bindir().ok_or(e)?,
        },
    };
    for program in ["initdb", "pg_ctl", "postgres"] {
        let path = dir.join(program);
        if !path.is_file() {
            return Err(Error::BinaryNotFound {
                binary: path.display().to_string(),
                detail: format!("{} has no {program}", dir.display()),
                hint: INSTALL_HINT,
            });
        }
    }
    Ok(BINDIR.get_or_init(|| dir).clone())
}

fn debian_bindir() -> Option<PathBuf> {
    let entries = std::fs::read_dir("/usr/lib/postgresql").ok()?;
    entries
        .flatten()
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
}

fn check_traversable(base: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let base = base
        .canonicalize()
        .map_err(Error::io(format!("resolving {}", base.display())))?;
    for dir in base.ancestors() {
        let mode = std::fs::metadata(dir)
            .map_err(Error::io(format!("reading {}", dir.display())))?
            .permissions()
            .mode();
        if mode & 0o001 == 0 {
            return Err(Error::TempDirNotAccessible {
                path: dir.to_path_buf(),
            });
        }
    }
    Ok(())
}

fn initdb(bindir: &Path, run_as: RunAs, data_dir: &Path, no_sync: bool) -> Result<()> {
    let started = Instant::now();
    let mut cmd = run_as.command(&bindir.join("initdb"));
    cmd.arg("-D")
        .arg(data_dir)
        .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"])
        // 1 MB WAL segments: a data dir 15 MB smaller to create and copy.
        .arg("--wal-segsize=1");
    if no_sync {
        cmd.arg("--no-sync");
    }
    util::run(&mut cmd, INSTALL_HINT)?;
    tracing::debug!(elapsed = ?started.elapsed(), "sandbox: initdb");
    Ok(())
}

fn template_path(base: &Path, bindir: &Path) -> PathBuf {
    let tag: String = bindir
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let uid = util::euid().unwrap_or(u32::MAX);
    base.join(format!(
        "starlift-sandbox-pgtemplate-{TEMPLATE_VERSION}-u{uid}{tag}"
    ))
}

fn template_ok(path: &Path) -> bool {
    [
        "PG_VERSION",
        "global/pg_control",
        "postgresql.conf",
        "pg_hba.conf",
    ]
    .iter()
    .all(|f| path.join(f).is_file())
}

/// A data dir made by initdb once and shared by every later cluster (also
/// across processes: it lives in the temp dir). Copying it is several times
/// faster than initdb.
fn template(bindir: &Path, run_as: RunAs, base: &Path) -> Result<PathBuf> {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    let path = template_path(base, bindir);
    if template_ok(&path) {
        return Ok(path);
    }
    if path.exists() {
        let _ = std::fs::remove_dir_all(&path);
    }
    // Build under a cluster-style name so that a build killed halfway is reaped.
    let build = tempfile::Builder::new()
        .prefix(CLUSTER_PREFIX)
        .tempdir_in(base)
        .map_err(Error::io(format!(
            "creating a temp dir in {}",
            base.display()
        )))?;
    util::write_owner(build.path())?;
    run_as.chown(build.path())?;
    let data = build.path().join("data");
    // Synced: the template outlives this process.
    initdb(bindir, run_as, &data, false)?;
    append_conf(&data, STATIC_CONF)?;
    match std::fs::rename(&data, &path) {
        Ok(()) => Ok(path),
        // Another process was faster.
        Err(_) if template_ok(&path) => Ok(path),
        Err(e) => Err(Error::Io {
            context: format!("moving the cluster template to {}", path.display()),
            source: e,
        }),
    }
}

/// Copies a data dir, keeping modes and giving everything to the cluster user.
fn copy_tree(from: &Path, to: &Path, run_as: RunAs) -> Result<()> {
    let meta = std::fs::metadata(from).map_err(Error::io(format!("reading {}", from.display())))?;
    std::fs::create_dir(to).map_err(Error::io(format!("creating {}", to.display())))?;
    std::fs::set_permissions(to, meta.permissions())
        .map_err(Error::io(format!("chmod {}", to.display())))?;
    run_as.chown(to)?;
    let entries =
        std::fs::read_dir(from).map_err(Error::io(format!("reading {}", from.display())))?;
    for entry in entries {
        let entry = entry.map_err(Error::io(format!("reading {}", from.display())))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(Error::io(format!("reading {}", src.display())))?;
        if kind.is_dir() {
            copy_tree(&src, &dst, run_as)?;
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&src)
                .map_err(Error::io(format!("reading {}", src.display())))?;
            std::os::unix::fs::symlink(target, &dst)
                .map_err(Error::io(format!("creating {}", dst.display())))?;
            run_as.chown(&dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(Error::io(format!("copying {}", src.display())))?;
            run_as.chown(&dst)?;
        }
    }
    Ok(())
}

fn socket_conf(root: &Path) -> String {
    let dir = root.to_string_lossy();
    // A unix socket path is limited to ~107 bytes; without one, TCP still works.
    if dir.len() > 80 {
        return "unix_socket_directories = ''\n".to_string();
    }
    let quoted = dir.replace('\\', "\\\\").replace('\'', "''");
    format!("unix_socket_directories = '{quoted}'\n")
}

fn append_conf(data_dir: &Path, text: &str) -> Result<()> {
    let path = data_dir.join("postgresql.conf");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(Error::io(format!("opening {}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(Error::io(format!("writing {}", path.display())))
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(Error::io("finding a free port on 127.0.0.1"))?;
    let port = listener
        .local_addr()
        .map_err(Error::io("finding a free port on 127.0.0.1"))?
        .port();
    Ok(port)
}

fn log_tail(path: &Path) -> String {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => return format!("(no server log at {}: {e})", path.display()),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut tail = String::new();
    for line in &lines[lines.len().saturating_sub(30)..] {
        let _ = writeln!(tail, "{line}");
    }
    tail
}
