//! The database bootstrap against a real PostgreSQL (a throwaway sandbox
//! cluster per test: the roles are cluster-wide).
//!
//! The cluster is made to look like RDS: a NOLOGIN role `rds_iam`, and a
//! master user that is not a superuser but has CREATEROLE and CREATEDB, owns
//! the databases, and may grant `rds_iam`. Everything the bootstrap does runs
//! as that master; the superuser only sets the stage and inspects.

// The helpers outside #[test] functions panic on setup failures too.
#![allow(clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use oltp_loader::events::{PutObject, object_created};
use oltp_loader::{LoadStatus, Loader, handle_event};
use star_builder::bootstrap::{
    self, ANALYST_ROLE, BUILDER_USER, BootstrapAction, BootstrapDatabase, BootstrapError,
    BootstrapRequest, BootstrapUsers, LOADER_USER, Purpose, ROLES_SQL, apply_roles,
};
use starlift_domain::config::{DbAuth, DbSettings, LoaderConfig, TlsMode};
use starlift_domain::db::Connector;
use starlift_domain::migrate::{OLAP, migrate};
use starlift_domain::pack::Pack;
use starlift_sandbox::{BUCKET, Postgres, S3Server, connect};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

const MASTER: &str = "starlift_admin";
const MASTER_PASSWORD: &str = "master-pw-Zq7";

/// A throwaway cluster dressed up as an RDS instance.
struct Rds {
    pg: Postgres,
    superuser: Client,
}

impl Rds {
    async fn start() -> Self {
        // Always a local cluster: the bootstrap's roles are cluster-wide, so
        // a shared server (SANDBOX_DATABASE_URL) would mix the tests up.
        let pg = Postgres::start_local().await.expect("PostgreSQL starts");
        let superuser = pg.connect_superuser().await.expect("superuser connects");
        superuser
            .batch_execute(&format!(
                "CREATE ROLE rds_iam NOLOGIN;
                 CREATE ROLE {MASTER} LOGIN CREATEROLE CREATEDB PASSWORD '{MASTER_PASSWORD}';
                 GRANT rds_iam TO {MASTER} WITH ADMIN OPTION;"
            ))
            .await
            .expect("RDS-like roles");
        Self { pg, superuser }
    }

    /// A database owned by the master user, like the instance's initial one.
    async fn database(&self, name: &str) -> String {
        self.pg
            .create_database(name)
            .await
            .expect("create database");
        self.superuser
            .batch_execute(&format!("ALTER DATABASE {name} OWNER TO {MASTER}"))
            .await
            .expect("owner");
        name.to_string()
    }

    fn url(&self, user: &str, dbname: &str) -> String {
        format!(
            "postgres://{user}@127.0.0.1:{}/{dbname}?sslmode=disable",
            self.pg.port()
        )
    }

    async fn connect_as(&self, user: &str, dbname: &str) -> Result<Client, String> {
        connect(&self.url(user, dbname)).await.map_err(|e| {
            // The whole chain: the server's message is in the sources.
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text
        })
    }

    async fn master(&self, dbname: &str) -> Client {
        let url = format!(
            "postgres://{MASTER}:{MASTER_PASSWORD}@127.0.0.1:{}/{dbname}?sslmode=disable",
            self.pg.port()
        );
        connect(&url).await.expect("master connects")
    }

    async fn bool(&self, sql: &str) -> bool {
        self.superuser.query_one(sql, &[]).await.expect(sql).get(0)
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The SQLSTATE of a failed statement; `None` when it succeeded.
fn sql_state(result: Result<impl Sized, tokio_postgres::Error>) -> Option<SqlState> {
    result.err().and_then(|e| e.code().cloned())
}

#[tokio::test]
async fn creates_the_roles_once_and_reruns_cleanly() {
    let rds = Rds::start().await;
    let oltp = rds.database("oltp").await;
    let olap = rds.database("olap").await;

    let mut master = rds.master(&oltp).await;
    let first = apply_roles(&mut master, Purpose::Oltp, "chinook")
        .await
        .expect("oltp bootstrap");
    assert_eq!(first.roles_created, strings(&[LOADER_USER, BUILDER_USER]));
    assert!(first.iam_auth, "rds_iam exists, so the users must get it");

    let again = apply_roles(&mut master, Purpose::Oltp, "chinook")
        .await
        .expect("oltp re-run");
    assert!(again.roles_created.is_empty(), "{again:?}");
    assert!(again.iam_auth);

    let mut master_olap = rds.master(&olap).await;
    let olap_first = apply_roles(&mut master_olap, Purpose::Olap, "chinook")
        .await
        .expect("olap");
    assert_eq!(olap_first.roles_created, strings(&[ANALYST_ROLE]));
    let olap_again = apply_roles(&mut master_olap, Purpose::Olap, "chinook")
        .await
        .expect("olap re-run");
    assert!(olap_again.roles_created.is_empty(), "{olap_again:?}");

    for user in [LOADER_USER, BUILDER_USER] {
        let row = rds
            .superuser
            .query_one(
                "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls,
                        rolpassword IS NULL,
                        pg_has_role(rolname, 'rds_iam', 'MEMBER')
                 FROM pg_authid WHERE rolname = $1",
                &[&user],
            )
            .await
            .expect("role exists");
        let flags: Vec<bool> = (0..8).map(|i| row.get(i)).collect();
        assert_eq!(
            flags,
            [true, false, false, false, false, false, true, true],
            "{user}: LOGIN, nothing else, no password, member of rds_iam"
        );
    }
    assert!(
        rds.bool(&format!(
            "SELECT NOT rolcanlogin FROM pg_roles WHERE rolname = '{ANALYST_ROLE}'"
        ))
        .await
    );

    // Database privileges per purpose; PUBLIC has none.
    let checks = [
        (LOADER_USER, "oltp", "CONNECT", true),
        (LOADER_USER, "oltp", "CREATE", true),
        (LOADER_USER, "olap", "CONNECT", false),
        (BUILDER_USER, "oltp", "CONNECT", true),
        (BUILDER_USER, "oltp", "CREATE", false),
        (BUILDER_USER, "olap", "CONNECT", true),
        (BUILDER_USER, "olap", "CREATE", true),
        (ANALYST_ROLE, "olap", "CONNECT", true),
        (ANALYST_ROLE, "olap", "CREATE", false),
        ("public", "oltp", "CONNECT", false),
        ("public", "olap", "CONNECT", false),
        ("public", "oltp", "TEMPORARY", false),
    ];
    for (role, db, privilege, expected) in checks {
        let sql = format!("SELECT has_database_privilege('{role}', '{db}', '{privilege}')");
        assert_eq!(rds.bool(&sql).await, expected, "{sql}");
    }
    assert!(
        !rds.bool("SELECT has_schema_privilege('public', 'public', 'CREATE')")
            .await
    );

    // Schemas the loader owns, for its migrations.
    let owners = rds
        .master(&oltp)
        .await
        .query(
            "SELECT nspname::text, pg_get_userbyid(nspowner)::text FROM pg_namespace
             WHERE nspname IN ('chinook', 'etl') ORDER BY 1",
            &[],
        )
        .await
        .expect("schemas");
    let owners: Vec<(String, String)> = owners.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        owners,
        [
            ("chinook".to_string(), LOADER_USER.to_string()),
            ("etl".to_string(), LOADER_USER.to_string())
        ]
    );

    // Someone else's login cannot even connect.
    rds.superuser
        .batch_execute("CREATE ROLE someone LOGIN")
        .await
        .expect("role");
    let err = rds
        .connect_as("someone", &oltp)
        .await
        .expect_err("no CONNECT");
    assert!(err.contains("permission denied"), "{err}");
}

/// Loads `csv` as `key` through the real loader and returns its status.
async fn load(loader: &Loader, s3: &S3Server, key: &str, csv: &str, sequencer: &str) -> LoadStatus {
    let put = s3
        .client()
        .put_object()
        .bucket(BUCKET)
        .key(key)
        .body(csv.as_bytes().to_vec().into())
        .send()
        .await
        .expect("put");
    let etag = put
        .e_tag()
        .unwrap_or_default()
        .trim_matches('"')
        .to_string();
    let event = object_created(&[PutObject {
        bucket: BUCKET,
        key,
        etag: &etag,
        size: csv.len() as i64,
        sequencer,
        version_id: None,
    }])
    .expect("event");
    let mut report = handle_event(loader, event).await.expect("load");
    assert_eq!(report.loads.len(), 1);
    let summary = report.loads.remove(0);
    assert_eq!(summary.error, None, "{summary:?}");
    summary.status
}

#[tokio::test]
async fn the_users_can_do_their_jobs_and_nothing_more() {
    let (rds, s3) = tokio::join!(Rds::start(), S3Server::start());
    let s3 = s3.expect("S3 server");
    s3.create_bucket(BUCKET).await.expect("bucket");
    let oltp = rds.database("oltp").await;
    let olap = rds.database("olap").await;
    apply_roles(&mut rds.master(&oltp).await, Purpose::Oltp, "chinook")
        .await
        .expect("oltp bootstrap");
    apply_roles(&mut rds.master(&olap).await, Purpose::Olap, "chinook")
        .await
        .expect("olap bootstrap");

    // oltp-loader as starlift_loader: its cold start applies the OLTP
    // migrations, then it loads files (chinook tables, etl ledger, rejects).
    let loader_url = rds.url(LOADER_USER, &oltp);
    let env: HashMap<&str, String> = [
        ("OLTP_DATABASE_URL", loader_url.clone()),
        ("INCOMING_PREFIX", "incoming/".to_string()),
        ("REJECTED_PREFIX", "rejected/".to_string()),
    ]
    .into_iter()
    .collect();
    let config = LoaderConfig::from_lookup(|name| env.get(name).cloned()).expect("config");
    let loader = Loader::connect(config, s3.client(), None)
        .await
        .expect("the loader migrates the OLTP database as starlift_loader");
    // It skips its merges' foreign-key triggers exactly when the bootstrap
    // could grant it the parameter.
    let granted = rds
        .bool(
            "SELECT has_parameter_privilege('starlift_loader', 'session_replication_role', 'SET')",
        )
        .await;
    assert_eq!(
        !loader.trusted_tables.is_empty(),
        granted,
        "{:?}",
        loader.trusted_tables
    );
    let artists = "ArtistId,Name\n1,Hollow Ghost\n2,The Electric Highways\nnot-a-number,Bad Row\n";
    let albums = "AlbumId,Title,ArtistId\n1,Velvet Stone,2\n2,Orphan,99\n";
    assert_eq!(
        load(&loader, &s3, "incoming/Artist.csv", artists, "0A").await,
        LoadStatus::Loaded
    );
    assert_eq!(
        load(&loader, &s3, "incoming/album/first batch.csv", albums, "0B").await,
        LoadStatus::Loaded
    );
    drop(loader);

    let as_loader = rds
        .connect_as(LOADER_USER, &oltp)
        .await
        .expect("loader connects");
    let counts = as_loader
        .query_one(
            "SELECT (SELECT count(*) FROM chinook.artist), (SELECT count(*) FROM chinook.album),
                    (SELECT count(*) FROM etl.load), (SELECT count(*) FROM etl.rejected_row)",
            &[],
        )
        .await
        .expect("counts");
    let counts: Vec<i64> = (0..4).map(|i| counts.get(i)).collect();
    assert_eq!(
        counts,
        [2, 1, 2, 1],
        "artists, albums, loads, rejected rows"
    );
    let err = rds
        .connect_as(LOADER_USER, &olap)
        .await
        .expect_err("no OLAP access");
    assert!(err.contains("permission denied"), "{err}");

    // star-builder on OLTP: reads every table the loader's migrations made
    // (default privileges), writes nothing, creates nothing.
    let builder_oltp = rds
        .connect_as(BUILDER_USER, &oltp)
        .await
        .expect("builder connects");
    let tables = builder_oltp
        .query(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
             WHERE schemaname IN ('chinook', 'etl') ORDER BY 1",
            &[],
        )
        .await
        .expect("tables");
    assert!(tables.len() >= 11 + 2, "{} tables", tables.len());
    for row in &tables {
        let table: String = row.get(0);
        builder_oltp
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .unwrap_or_else(|e| panic!("starlift_builder cannot read {table}: {e}"));
    }
    let denied = [
        "INSERT INTO chinook.artist (artist_id, name, load_batch_id) VALUES (100, 'x', 1)",
        "UPDATE chinook.artist SET name = 'x'",
        "DELETE FROM etl.load",
        "TRUNCATE chinook.album",
        "CREATE TABLE public.sneaky (id int)",
        "CREATE SCHEMA sneaky",
        "CREATE TABLE chinook.sneaky (id int)",
    ];
    for sql in denied {
        assert_eq!(
            sql_state(builder_oltp.batch_execute(sql).await),
            Some(SqlState::INSUFFICIENT_PRIVILEGE),
            "starlift_builder on OLTP: {sql}"
        );
    }
    let visible: i64 = builder_oltp
        .query_one("SELECT count(*) FROM chinook.artist", &[])
        .await
        .expect("read")
        .get(0);
    assert_eq!(visible, 2);

    // star-builder on OLAP: its migrations create and own the schemas.
    let mut builder_olap = rds
        .connect_as(BUILDER_USER, &olap)
        .await
        .expect("builder connects");
    migrate(&mut builder_olap, &OLAP)
        .await
        .expect("OLAP migrations as starlift_builder");
    let pack = Pack::embedded("chinook").expect("the chinook pack");
    migrate(&mut builder_olap, &pack.warehouse)
        .await
        .expect("the warehouse as starlift_builder");
    migrate(&mut builder_olap, &pack.analytics)
        .await
        .expect("analytics views as starlift_builder");
    builder_olap
        .batch_execute("CREATE TEMP TABLE scratch (id int)")
        .await
        .expect("TEMPORARY on OLAP");

    // An analyst reads what the builder made: tables made after the
    // bootstrap through default privileges, older ones after a re-run.
    apply_roles(&mut rds.master(&olap).await, Purpose::Olap, "chinook")
        .await
        .expect("olap re-run after the builder's migrations");
    rds.superuser
        .batch_execute(&format!("CREATE ROLE alice LOGIN IN ROLE {ANALYST_ROLE}"))
        .await
        .expect("analyst");
    builder_olap
        .batch_execute(
            "CREATE TABLE dw.made_later (id int); INSERT INTO dw.made_later VALUES (1); \
             CREATE TABLE mirror.made_later (id int)",
        )
        .await
        .expect("builder creates in dw");
    let alice = rds
        .connect_as("alice", &olap)
        .await
        .expect("analyst connects");
    for sql in [
        "SELECT count(*) FROM dw.made_later",
        "SELECT count(*) FROM mirror.made_later",
        "SELECT count(*) FROM starlift.schema_migration",
    ] {
        alice
            .query_one(sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let analytics_view: String = builder_olap
        .query_one(
            "SELECT format('%I.%I', schemaname, viewname) FROM pg_views WHERE schemaname = 'analytics' LIMIT 1",
            &[],
        )
        .await
        .expect("an analytics view")
        .get(0);
    alice
        .query_one(&format!("SELECT count(*) FROM {analytics_view}"), &[])
        .await
        .unwrap_or_else(|e| panic!("analyst reads {analytics_view}: {e}"));
    assert_eq!(
        sql_state(
            alice
                .batch_execute("INSERT INTO dw.made_later VALUES (2)")
                .await
        ),
        Some(SqlState::INSUFFICIENT_PRIVILEGE)
    );
}

#[tokio::test]
async fn refuses_roles_with_more_power_than_expected() {
    let rds = Rds::start().await;
    let oltp = rds.database("oltp").await;
    rds.superuser
        .batch_execute(&format!("CREATE ROLE {BUILDER_USER} LOGIN CREATEDB"))
        .await
        .expect("role");
    let err = apply_roles(&mut rds.master(&oltp).await, Purpose::Oltp, "chinook")
        .await
        .expect_err("a CREATEDB builder must stop the bootstrap");
    assert!(err.to_string().contains("unexpected attributes"), "{err}");
    // One transaction: the loader created before the failure is gone too.
    assert!(
        !rds.bool(&format!(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LOADER_USER}')"
        ))
        .await
    );
}

#[tokio::test]
async fn the_script_demands_a_purpose() {
    let rds = Rds::start().await;
    let oltp = rds.database("oltp").await;
    let master = rds.master(&oltp).await;
    let err = master
        .batch_execute(ROLES_SQL)
        .await
        .expect_err("no purpose");
    let message = err
        .as_db_error()
        .map(|e| e.message().to_string())
        .unwrap_or_default();
    assert!(message.contains("starlift.purpose"), "{message}");
}

/// A Secrets Manager stand-in: answers GetSecretValue from a map and counts
/// the requests per secret id.
struct FakeSecretsManager {
    endpoint: String,
    requests: Arc<Mutex<HashMap<String, usize>>>,
}

impl FakeSecretsManager {
    async fn start(secrets: HashMap<String, String>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(HashMap::new()));
        let counter = Arc::clone(&requests);
        let secrets = Arc::new(secrets);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (secrets, counter) = (Arc::clone(&secrets), Arc::clone(&counter));
                tokio::spawn(async move { serve_one(stream, &secrets, &counter).await });
            }
        });
        Self { endpoint, requests }
    }

    fn client(&self) -> aws_sdk_secretsmanager::Client {
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_sdk_secretsmanager::config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            ))
            .build();
        aws_sdk_secretsmanager::Client::from_conf(config)
    }

    fn requests(&self) -> HashMap<String, usize> {
        self.requests.lock().expect("lock").clone()
    }
}

async fn serve_one(
    mut stream: tokio::net::TcpStream,
    secrets: &HashMap<String, String>,
    counter: &Mutex<HashMap<String, usize>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let body = loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if buf.len() >= end + 4 + length {
            assert!(
                head.contains("x-amz-target: secretsmanager.getsecretvalue"),
                "{head}"
            );
            break buf[end + 4..end + 4 + length].to_vec();
        }
    };
    let request: serde_json::Value = serde_json::from_slice(&body).expect("JSON request");
    let id = request["SecretId"].as_str().unwrap_or_default().to_string();
    *counter.lock().expect("lock").entry(id.clone()).or_default() += 1;
    let (status, reply) = match secrets.get(&id) {
        Some(secret) => (
            "200 OK",
            serde_json::json!({
                "ARN": id, "Name": "rds!db-test", "SecretString": secret,
                "VersionId": "v1", "VersionStages": ["AWSCURRENT"], "CreatedDate": 1.7e9
            }),
        ),
        None => (
            "400 Bad Request",
            serde_json::json!({
                "__type": "ResourceNotFoundException",
                "message": "Secrets Manager can't find the specified secret."
            }),
        ),
    };
    let reply = reply.to_string();
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn request(rds: &Rds, arn: &str, oltp: &str, olap: &str) -> BootstrapRequest {
    let database = |purpose, dbname: &str| BootstrapDatabase {
        purpose,
        host: "127.0.0.1".to_string(),
        port: rds.pg.port(),
        dbname: dbname.to_string(),
        master_secret_arn: arn.to_string(),
    };
    BootstrapRequest {
        action: BootstrapAction::Bootstrap,
        users: BootstrapUsers {
            loader: LOADER_USER.to_string(),
            builder: BUILDER_USER.to_string(),
        },
        databases: vec![database(Purpose::Oltp, oltp), database(Purpose::Olap, olap)],
    }
}

/// The whole handler on the one-instance topology: one master secret, read
/// once; the OLAP database is missing and gets created.
#[tokio::test]
async fn run_reads_the_secret_once_and_creates_the_missing_database() {
    let rds = Rds::start().await;
    let oltp = rds.database("oltp").await;
    let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf";
    let secret = serde_json::json!({"username": MASTER, "password": MASTER_PASSWORD}).to_string();
    let secrets = FakeSecretsManager::start([(arn.to_string(), secret)].into()).await;
    let client = secrets.client();

    let report = bootstrap::run_with(
        request(&rds, arn, &oltp, "olap_shared"),
        "chinook",
        &client,
        &TlsMode::Disable,
    )
    .await
    .expect("bootstrap");
    assert_eq!(secrets.requests(), HashMap::from([(arn.to_string(), 1)]));
    let json = serde_json::to_value(&report).expect("report serializes");
    assert!(!json.to_string().contains(MASTER_PASSWORD), "{json}");
    assert_eq!(json["action"], "bootstrap");
    assert_eq!(json["databases"][0]["purpose"], "oltp");
    assert_eq!(json["databases"][0]["database_created"], false);
    assert_eq!(json["databases"][0]["master_user"], MASTER);
    assert_eq!(
        json["databases"][0]["roles_created"],
        serde_json::json!([LOADER_USER, BUILDER_USER])
    );
    assert_eq!(json["databases"][1]["purpose"], "olap");
    assert_eq!(json["databases"][1]["dbname"], "olap_shared");
    assert_eq!(json["databases"][1]["database_created"], true);
    assert_eq!(
        json["databases"][1]["roles_created"],
        serde_json::json!([ANALYST_ROLE])
    );
    assert_eq!(json["databases"][1]["iam_auth"], true);
    assert!(
        rds.bool(&format!(
            "SELECT pg_get_userbyid(datdba) = '{MASTER}' FROM pg_database WHERE datname = 'olap_shared'"
        ))
        .await
    );
    assert!(
        rds.bool(&format!(
            "SELECT has_database_privilege('{BUILDER_USER}', 'olap_shared', 'CREATE')"
        ))
        .await
    );

    // The re-run Terraform makes when the script changes: nothing new.
    let again = bootstrap::run_with(
        request(&rds, arn, &oltp, "olap_shared"),
        "chinook",
        &client,
        &TlsMode::Disable,
    )
    .await
    .expect("re-run");
    assert!(
        again
            .databases
            .iter()
            .all(|d| !d.database_created && d.roles.roles_created.is_empty())
    );
    assert_eq!(secrets.requests()[arn], 2, "once per invocation");
}

#[tokio::test]
async fn run_reports_secret_problems_without_the_secret() {
    let rds = Rds::start().await;
    let oltp = rds.database("oltp").await;
    let not_json = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:plain";
    let secrets = FakeSecretsManager::start(
        [(not_json.to_string(), "hunter2-plain-text".to_string())].into(),
    )
    .await;
    let client = secrets.client();

    let err = bootstrap::run_with(
        request(&rds, not_json, &oltp, "olap"),
        "chinook",
        &client,
        &TlsMode::Disable,
    )
    .await
    .expect_err("not JSON");
    let text = err.to_string();
    assert!(matches!(err, BootstrapError::Secret { .. }), "{text}");
    assert!(
        text.contains(not_json) && !text.contains("hunter2"),
        "{text}"
    );

    let missing = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:missing";
    let err = bootstrap::run_with(
        request(&rds, missing, &oltp, "olap"),
        "chinook",
        &client,
        &TlsMode::Disable,
    )
    .await
    .expect_err("missing secret");
    let text = err.to_string();
    assert!(
        text.contains(missing) && text.contains("ResourceNotFound"),
        "{text}"
    );
}

#[tokio::test]
async fn run_validates_the_event_before_touching_anything() {
    // An endpoint nobody listens on: validation must fail first.
    let client = aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .endpoint_url("http://127.0.0.1:9")
            .region(aws_sdk_secretsmanager::config::Region::new("eu-west-1"))
            .build(),
    );
    let event = |users: serde_json::Value, databases: serde_json::Value| {
        serde_json::from_value::<BootstrapRequest>(serde_json::json!({
            "action": "bootstrap", "users": users, "databases": databases
        }))
        .expect("parses")
    };
    let one_db = serde_json::json!([{
        "purpose": "oltp", "host": "h", "port": 5432, "dbname": "oltp", "master_secret_arn": "arn"
    }]);
    let users = serde_json::json!({"loader": LOADER_USER, "builder": BUILDER_USER});

    let wrong_user = event(
        serde_json::json!({"loader": "app_loader", "builder": BUILDER_USER}),
        one_db.clone(),
    );
    let err = bootstrap::run_with(wrong_user, "chinook", &client, &TlsMode::Disable)
        .await
        .expect_err("user mismatch");
    assert!(
        matches!(
            &err,
            BootstrapError::UserMismatch {
                function: "loader",
                ..
            }
        ),
        "{err}"
    );
    let none = event(users.clone(), serde_json::json!([]));
    assert!(matches!(
        bootstrap::run_with(none, "chinook", &client, &TlsMode::Disable).await,
        Err(BootstrapError::InvalidRequest(_))
    ));
    let twice = event(
        users,
        serde_json::json!([one_db[0].clone(), one_db[0].clone()]),
    );
    assert!(matches!(
        bootstrap::run_with(twice, "chinook", &client, &TlsMode::Disable).await,
        Err(BootstrapError::InvalidRequest(_))
    ));
}

#[tokio::test]
async fn run_refuses_to_send_the_password_without_verify_full() {
    if std::env::var_os("DB_SSL_ROOT_CERT").is_some() {
        return; // the environment provides one; nothing to check here
    }
    let rds = Rds::start().await;
    let err = bootstrap::run(request(&rds, "arn", "oltp", "olap"), "chinook", None)
        .await
        .expect_err("no DB_SSL_ROOT_CERT");
    assert!(matches!(err, BootstrapError::NoRootCert), "{err}");
}

/// The event exactly as terraform/bootstrap.tf builds it (README "Database bootstrap").
#[test]
fn parses_the_terraform_event() {
    let event = r#"{
      "action": "bootstrap",
      "users": { "loader": "starlift_loader", "builder": "starlift_builder" },
      "databases": [
        { "purpose": "oltp", "host": "starlift-oltp.abc.eu-west-1.rds.amazonaws.com", "port": 5432, "dbname": "oltp",
          "master_secret_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1" },
        { "purpose": "olap", "host": "starlift-olap.abc.eu-west-1.rds.amazonaws.com", "port": 5432, "dbname": "olap",
          "master_secret_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-2" }
      ]
    }"#;
    let request: BootstrapRequest = serde_json::from_str(event).expect("parses");
    request.validate().expect("valid");
    assert_eq!(request.databases[0].purpose, Purpose::Oltp);
    assert_eq!(request.databases[1].dbname, "olap");

    let typo = event.replace("\"dbname\": \"olap\"", "\"db_name\": \"olap\"");
    assert!(
        serde_json::from_str::<BootstrapRequest>(&typo).is_err(),
        "unknown field"
    );
    let bad_purpose = event.replace("\"purpose\": \"olap\"", "\"purpose\": \"dw\"");
    assert!(serde_json::from_str::<BootstrapRequest>(&bad_purpose).is_err());
    let other_action = event.replace("\"action\": \"bootstrap\"", "\"action\": \"build\"");
    assert!(serde_json::from_str::<BootstrapRequest>(&other_action).is_err());
}

/// The user names in the code, the SQL and Terraform agree.
#[test]
fn user_names_agree_with_the_sql_and_terraform() {
    for name in [LOADER_USER, BUILDER_USER, ANALYST_ROLE] {
        assert!(
            ROLES_SQL.contains(&format!("'{name}'")) || ROLES_SQL.contains(name),
            "{name}"
        );
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let main_tf =
        std::fs::read_to_string(root.join("terraform/main.tf")).expect("terraform/main.tf");
    for (function, user) in [("oltp-loader", LOADER_USER), ("star-builder", BUILDER_USER)] {
        assert!(
            main_tf
                .lines()
                .any(|l| l.contains(&format!("\"{function}\""))
                    && l.contains(&format!("\"{user}\""))),
            "terraform/main.tf must map {function} to {user}"
        );
    }
}

/// The RDS CA bundle `make package` puts into the zips is a usable verify-full
/// trust store; a file without certificates is refused.
#[test]
fn the_vendored_rds_ca_bundle_loads() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let settings = |root_cert: PathBuf| DbSettings {
        host: "db.example.eu-west-1.rds.amazonaws.com".to_string(),
        port: 5432,
        user: MASTER.to_string(),
        password: None,
        dbname: "postgres".to_string(),
        auth: DbAuth::Password,
        tls: TlsMode::VerifyFull { root_cert },
    };
    let bundle = root.join("terraform/rds-ca-bundle.pem");
    let text = std::fs::read_to_string(&bundle).expect("terraform/rds-ca-bundle.pem");
    assert!(text.matches("-----BEGIN CERTIFICATE-----").count() >= 60);
    Connector::new(settings(bundle), None).expect("the bundle loads as a trust store");
    let not_pem = root.join("Cargo.toml");
    assert!(Connector::new(settings(not_pem), None).is_err());
}
