//! The one-off database bootstrap: `{"action":"bootstrap", …}`, sent once by
//! Terraform (`terraform/bootstrap.tf`, `aws_lambda_invocation.db_bootstrap`).
//!
//! For each database of the event, in order: read the RDS-managed master
//! secret (`{"username","password"}`, each secret once), connect as the master
//! user with TLS verify-full (`DB_SSL_ROOT_CERT`) to the maintenance database
//! `postgres` and create the target database when it is missing (outside a
//! transaction: `CREATE DATABASE` cannot run in one), then connect to the
//! target database and run [`ROLES_SQL`] in one transaction after
//! `SELECT set_config('starlift.purpose', <purpose>, true)` ([`apply_roles`]).
//!
//! The user names are fixed in the SQL (and in Terraform's IAM policies and
//! the functions' URLs); the event repeats them so that a mismatch stops the
//! bootstrap instead of creating users nobody connects as. The report never
//! holds a password.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use starlift_domain::config::{DbAuth, DbSettings, TlsMode, env};
use starlift_domain::db::{Connector, DbError};
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

/// The bootstrap script (creates the users and grants), run once per database.
pub const ROLES_SQL: &str = include_str!("../../../sql/engine/bootstrap/0001_roles.sql");

/// oltp-loader's database user, as fixed in [`ROLES_SQL`].
pub const LOADER_USER: &str = "starlift_loader";
/// star-builder's database user, as fixed in [`ROLES_SQL`].
pub const BUILDER_USER: &str = "starlift_builder";
/// The NOLOGIN group for people and BI tools reading the OLAP database.
pub const ANALYST_ROLE: &str = "starlift_analyst";

/// The maintenance database the missing target database is created from.
const MAINTENANCE_DB: &str = "postgres";

/// Serializes concurrent bootstraps (the script takes the same lock).
const LOCK_SQL: &str = "SELECT pg_advisory_xact_lock(hashtext('starlift.bootstrap'))";

/// The bootstrap event, exactly as Terraform sends it (`action` included).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapRequest {
    pub action: BootstrapAction,
    pub users: BootstrapUsers,
    /// In order; Terraform sends OLTP first.
    pub databases: Vec<BootstrapDatabase>,
}

/// The only action this request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BootstrapAction {
    Bootstrap,
}

/// The functions' database user names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapUsers {
    pub loader: String,
    pub builder: String,
}

/// Which of the two databases an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    Oltp,
    Olap,
}

impl Purpose {
    /// The value of `starlift.purpose` the script reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Oltp => "oltp",
            Purpose::Olap => "olap",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One database to bootstrap.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapDatabase {
    pub purpose: Purpose,
    pub host: String,
    pub port: u16,
    pub dbname: String,
    /// The RDS-managed master secret (`{"username","password"}`).
    pub master_secret_arn: String,
}

impl BootstrapDatabase {
    fn target(&self) -> String {
        format!("{}:{}/{}", self.host, self.port, self.dbname)
    }
}

/// What the bootstrap did (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BootstrapReport {
    pub action: BootstrapAction,
    pub users: BootstrapUsers,
    pub databases: Vec<DatabaseReport>,
}

/// What the bootstrap did in one database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseReport {
    pub purpose: Purpose,
    pub host: String,
    pub port: u16,
    pub dbname: String,
    /// The master user it ran as (from the secret; the name only).
    pub master_user: String,
    /// Whether the database was missing and was created.
    pub database_created: bool,
    #[serde(flatten)]
    pub roles: RolesReport,
    pub elapsed_ms: u64,
}

/// What [`apply_roles`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RolesReport {
    /// Roles that did not exist before (empty on a re-run).
    pub roles_created: Vec<String>,
    /// Whether the users were granted `rds_iam` (always on RDS; false on a
    /// plain PostgreSQL, where they cannot log in with IAM tokens).
    pub iam_auth: bool,
}

/// Why the bootstrap failed.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("bootstrap event: {0}")]
    InvalidRequest(String),
    #[error(
        "bootstrap event: users.{function} is {given:?}, but the bootstrap SQL creates {expected:?} (the name Terraform's IAM policy and the function's database URL use)"
    )]
    UserMismatch {
        function: &'static str,
        expected: &'static str,
        given: String,
    },
    #[error(
        "{} is not set: the bootstrap sends the master password only over TLS verify-full",
        env::DB_SSL_ROOT_CERT
    )]
    NoRootCert,
    #[error("{} is {path}, which is not a readable file", env::DB_SSL_ROOT_CERT)]
    RootCertMissing { path: String },
    #[error("reading the master secret {arn}: {reason}")]
    Secret { arn: String, reason: String },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{step}: {reason}")]
    Sql { step: &'static str, reason: String },
    #[error("{purpose} database {target}: {source}")]
    Database {
        purpose: Purpose,
        target: String,
        source: Box<BootstrapError>,
    },
}

impl BootstrapError {
    fn sql(step: &'static str) -> impl Fn(tokio_postgres::Error) -> BootstrapError {
        move |error| BootstrapError::Sql {
            step,
            reason: describe(&error),
        }
    }

    fn in_database(self, database: &BootstrapDatabase) -> BootstrapError {
        BootstrapError::Database {
            purpose: database.purpose,
            target: database.target(),
            source: Box::new(self),
        }
    }
}

/// The server's message (with detail and hint) rather than tokio-postgres'
/// bare "db error".
fn describe(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut text = format!("{} ({})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(&format!("; {detail}"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!("; hint: {hint}"));
            }
            text
        }
        None => error.to_string(),
    }
}

impl BootstrapRequest {
    /// Checks what can be checked before touching AWS or a database.
    pub fn validate(&self) -> Result<(), BootstrapError> {
        for (function, expected, given) in [
            ("loader", LOADER_USER, &self.users.loader),
            ("builder", BUILDER_USER, &self.users.builder),
        ] {
            if given != expected {
                return Err(BootstrapError::UserMismatch {
                    function,
                    expected,
                    given: given.clone(),
                });
            }
        }
        if self.databases.is_empty() {
            return Err(BootstrapError::InvalidRequest(
                "no databases to bootstrap".to_string(),
            ));
        }
        let mut seen = BTreeSet::new();
        for database in &self.databases {
            let invalid = |what: &str| {
                BootstrapError::InvalidRequest(format!(
                    "{} database entry: {what}",
                    database.purpose
                ))
            };
            if database.host.trim().is_empty() {
                return Err(invalid("empty host"));
            }
            if database.port == 0 {
                return Err(invalid("port 0"));
            }
            if database.dbname.is_empty() || database.dbname.len() > 63 {
                return Err(invalid("the database name must have 1 to 63 characters"));
            }
            if database.dbname.contains('\0') {
                return Err(invalid("the database name contains a NUL character"));
            }
            if database.master_secret_arn.trim().is_empty() {
                return Err(invalid("empty master_secret_arn"));
            }
            if !seen.insert((
                database.host.as_str(),
                database.port,
                database.dbname.as_str(),
            )) {
                return Err(invalid("the same database is listed twice"));
            }
        }
        Ok(())
    }
}

/// The master user's credentials. The password never appears in `Debug`.
#[derive(Clone, Deserialize)]
struct MasterCredentials {
    username: String,
    password: String,
}

impl fmt::Debug for MasterCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterCredentials")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// Runs the bootstrap: reads the master secrets with `aws` (the function's
/// configuration; loaded from the environment when `None`) and connects with
/// TLS verify-full against `DB_SSL_ROOT_CERT`.
pub async fn run(
    request: BootstrapRequest,
    oltp_schema: &str,
    aws: Option<&aws_config::SdkConfig>,
) -> Result<BootstrapReport, BootstrapError> {
    request.validate()?;
    let tls = tls_from_env()?;
    let loaded;
    let aws = match aws {
        Some(aws) => aws,
        None => {
            loaded = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            &loaded
        }
    };
    let secrets = aws_sdk_secretsmanager::Client::new(aws);
    run_with(request, oltp_schema, &secrets, &tls).await
}

/// `DB_SSL_ROOT_CERT` as verify-full; the bootstrap never sends the master
/// password without verifying the server.
fn tls_from_env() -> Result<TlsMode, BootstrapError> {
    let path = std::env::var(env::DB_SSL_ROOT_CERT)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or(BootstrapError::NoRootCert)?;
    let root_cert = PathBuf::from(&path);
    if !root_cert.is_file() {
        return Err(BootstrapError::RootCertMissing { path });
    }
    Ok(TlsMode::VerifyFull { root_cert })
}

/// [`run`] with an explicit Secrets Manager client and TLS mode (tests use a
/// local endpoint and a plain-TCP sandbox).
pub async fn run_with(
    request: BootstrapRequest,
    oltp_schema: &str,
    secrets: &aws_sdk_secretsmanager::Client,
    tls: &TlsMode,
) -> Result<BootstrapReport, BootstrapError> {
    request.validate()?;
    let mut credentials: HashMap<String, MasterCredentials> = HashMap::new();
    let mut reports = Vec::with_capacity(request.databases.len());
    for database in &request.databases {
        let started = Instant::now();
        let master = match credentials.get(&database.master_secret_arn) {
            Some(master) => master.clone(),
            None => {
                let master = read_master_secret(secrets, &database.master_secret_arn).await?;
                credentials.insert(database.master_secret_arn.clone(), master.clone());
                master
            }
        };
        let report = bootstrap_database(database, oltp_schema, &master, tls)
            .await
            .map_err(|e| e.in_database(database))?;
        let report = DatabaseReport {
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            ..report
        };
        tracing::info!(
            purpose = %report.purpose,
            target = %database.target(),
            database_created = report.database_created,
            roles_created = ?report.roles.roles_created,
            iam_auth = report.roles.iam_auth,
            "bootstrap: database ready"
        );
        reports.push(report);
    }
    Ok(BootstrapReport {
        action: BootstrapAction::Bootstrap,
        users: request.users,
        databases: reports,
    })
}

async fn read_master_secret(
    secrets: &aws_sdk_secretsmanager::Client,
    arn: &str,
) -> Result<MasterCredentials, BootstrapError> {
    let failure = |reason: String| BootstrapError::Secret {
        arn: arn.to_string(),
        reason,
    };
    let output = secrets
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| failure(aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string()))?;
    let text = output
        .secret_string()
        .ok_or_else(|| failure("the secret has no SecretString".to_string()))?;
    // serde_json's message may quote a value; report only where it failed.
    let credentials: MasterCredentials = serde_json::from_str(text).map_err(|e| {
        failure(format!(
            "the secret is not JSON with string fields username and password ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    if credentials.username.is_empty() || credentials.password.is_empty() {
        return Err(failure(
            "the secret's username or password is empty".to_string(),
        ));
    }
    Ok(credentials)
}

async fn connect(
    database: &BootstrapDatabase,
    dbname: &str,
    master: &MasterCredentials,
    tls: &TlsMode,
) -> Result<Client, BootstrapError> {
    let settings = DbSettings {
        host: database.host.clone(),
        port: database.port,
        user: master.username.clone(),
        password: Some(master.password.clone()),
        dbname: dbname.to_string(),
        auth: DbAuth::Password,
        tls: tls.clone(),
    };
    Ok(Connector::new(settings, None)?.connect().await?)
}

async fn bootstrap_database(
    database: &BootstrapDatabase,
    oltp_schema: &str,
    master: &MasterCredentials,
    tls: &TlsMode,
) -> Result<DatabaseReport, BootstrapError> {
    let database_created = {
        let maintenance = connect(database, MAINTENANCE_DB, master, tls).await?;
        ensure_database(&maintenance, &database.dbname).await?
    };
    let mut client = connect(database, &database.dbname, master, tls).await?;
    let roles = apply_roles(&mut client, database.purpose, oltp_schema).await?;
    Ok(DatabaseReport {
        purpose: database.purpose,
        host: database.host.clone(),
        port: database.port,
        dbname: database.dbname.clone(),
        master_user: master.username.clone(),
        database_created,
        roles,
        elapsed_ms: 0,
    })
}

/// Creates database `dbname` when it is missing (the connected user becomes
/// its owner). Returns whether it created it. Runs outside a transaction.
pub async fn ensure_database(client: &Client, dbname: &str) -> Result<bool, BootstrapError> {
    let exists = client
        .query_opt(
            "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1",
            &[&dbname],
        )
        .await
        .map_err(BootstrapError::sql("looking up the database"))?
        .is_some();
    if exists {
        return Ok(false);
    }
    match client
        .batch_execute(&format!("CREATE DATABASE {}", quote_ident(dbname)))
        .await
    {
        Ok(()) => {
            tracing::info!(dbname, "bootstrap: created the database");
            Ok(true)
        }
        // Created meanwhile by a concurrent bootstrap.
        Err(e) if e.code() == Some(&SqlState::DUPLICATE_DATABASE) => Ok(false),
        Err(e) => Err(BootstrapError::sql("creating the database")(e)),
    }
}

/// Runs [`ROLES_SQL`] for `purpose` in one transaction on `client`, which is
/// connected as the master user (a CREATEROLE user, superuser or not) to the
/// target database. `oltp_schema` is the served pack's schema, which the
/// loader will own.
pub async fn apply_roles(
    client: &mut Client,
    purpose: Purpose,
    oltp_schema: &str,
) -> Result<RolesReport, BootstrapError> {
    let transaction = client
        .transaction()
        .await
        .map_err(BootstrapError::sql("starting the transaction"))?;
    // Taken before the snapshot of existing roles, so a concurrent run cannot
    // create them in between. The script takes it again (it is re-entrant).
    transaction
        .execute(LOCK_SQL, &[])
        .await
        .map_err(BootstrapError::sql("taking the bootstrap lock"))?;
    transaction
        .query_one(
            "SELECT set_config('starlift.purpose', $1, true)",
            &[&purpose.as_str()],
        )
        .await
        .map_err(BootstrapError::sql("setting starlift.purpose"))?;
    transaction
        .query_one(
            "SELECT set_config('starlift.oltp_schema', $1, true)",
            &[&oltp_schema],
        )
        .await
        .map_err(BootstrapError::sql("setting starlift.oltp_schema"))?;
    let ours = [LOADER_USER, BUILDER_USER, ANALYST_ROLE];
    let existing = |step: &'static str| {
        let transaction = &transaction;
        async move {
            let rows = transaction
                .query(
                    "SELECT rolname::text FROM pg_catalog.pg_roles WHERE rolname = ANY($1)",
                    &[&&ours[..]],
                )
                .await
                .map_err(BootstrapError::sql(step))?;
            Ok::<BTreeSet<String>, BootstrapError>(rows.iter().map(|r| r.get(0)).collect())
        }
    };
    let before = existing("listing the roles").await?;
    transaction
        .batch_execute(ROLES_SQL)
        .await
        .map_err(BootstrapError::sql(
            "running sql/engine/bootstrap/0001_roles.sql",
        ))?;
    let after = existing("listing the roles").await?;
    let wanted: &[&str] = match purpose {
        Purpose::Oltp => &[LOADER_USER, BUILDER_USER],
        Purpose::Olap => &[BUILDER_USER],
    };
    let iam_auth = transaction
        .query_one(
            "SELECT coalesce(bool_and(pg_catalog.pg_has_role(u, 'rds_iam', 'MEMBER')), false)
             FROM unnest($1::text[]) AS u
             WHERE EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'rds_iam')",
            &[&wanted],
        )
        .await
        .map_err(BootstrapError::sql("checking rds_iam"))?
        .get(0);
    transaction
        .commit()
        .await
        .map_err(BootstrapError::sql("committing"))?;
    let roles_created = ours
        .iter()
        .filter(|r| after.contains(**r) && !before.contains(**r))
        .map(|r| r.to_string())
        .collect();
    Ok(RolesReport {
        roles_created,
        iam_auth,
    })
}

/// `name` as a quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_identifiers() {
        assert_eq!(quote_ident("olap"), "\"olap\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn credentials_debug_hides_the_password() {
        let credentials = MasterCredentials {
            username: "admin".to_string(),
            password: "hunter2".to_string(),
        };
        let shown = format!("{credentials:?}");
        assert!(
            shown.contains("admin") && !shown.contains("hunter2"),
            "{shown}"
        );
    }
}
