//! The domain crate against a real PostgreSQL: migrations, the catalog's
//! agreement with the schema, and the cached connection.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use starlift_domain::catalog::{ColumnType, LOAD_BATCH_COLUMN, TABLES};
use starlift_domain::config::{DbAuth, DbSettings};
use starlift_domain::db::{CachedClient, Connector};
use starlift_domain::migrate::{
    ANALYTICS, MigrateError, Migration, MigrationSet, OLAP, OLTP, migrate,
};
use starlift_sandbox::{Postgres, connect};

async fn fresh_database(postgres: &Postgres, hint: &str) -> String {
    postgres
        .create_database(hint)
        .await
        .expect("create database")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_apply_once_and_are_idempotent() {
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "migrate").await;
    let mut client = connect(&url).await.unwrap();
    let first = migrate(&mut client, &OLTP).await.unwrap();
    assert_eq!(first.applied, vec!["0001_chinook.sql", "0002_etl.sql"]);
    let second = migrate(&mut client, &OLTP).await.unwrap();
    assert!(second.applied.is_empty());
    assert_eq!(second.already_applied, 2);
    // OLAP and analytics can share the database with OLTP.
    migrate(&mut client, &OLAP).await.unwrap();
    migrate(&mut client, &ANALYTICS).await.unwrap();
    let recorded: i64 = client
        .query_one("SELECT count(*) FROM starlift.schema_migration", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        recorded as usize,
        OLTP.migrations.len() + OLAP.migrations.len() + ANALYTICS.migrations.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cold_starts_apply_each_migration_once() {
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "concurrent").await;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = connect(&url).await.unwrap();
            migrate(&mut client, &OLTP).await.unwrap()
        }));
    }
    let mut applied = 0;
    for task in tasks {
        applied += task.await.unwrap().applied.len();
    }
    assert_eq!(
        applied,
        OLTP.migrations.len(),
        "each file applied by exactly one starter"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_applied_migration_is_an_error_and_a_failed_one_applies_nothing() {
    static ORIGINAL: &[Migration] = &[Migration {
        version: 1,
        name: "0001_t.sql",
        sql: "CREATE TABLE t (id int)",
    }];
    static CHANGED: &[Migration] = &[Migration {
        version: 1,
        name: "0001_t.sql",
        sql: "CREATE TABLE t (id bigint)",
    }];
    static BROKEN: &[Migration] = &[
        Migration {
            version: 1,
            name: "0001_t.sql",
            sql: "CREATE TABLE t2 (id int)",
        },
        Migration {
            version: 2,
            name: "0002_u.sql",
            sql: "CREATE TABLE u (id int)",
        },
        Migration {
            version: 3,
            name: "0003_bad.sql",
            sql: "CREATE TABLE v (id nosuchtype)",
        },
    ];
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "checksum").await;
    let mut client = connect(&url).await.unwrap();
    migrate(
        &mut client,
        &MigrationSet {
            name: "test",
            migrations: ORIGINAL,
        },
    )
    .await
    .unwrap();
    let error = migrate(
        &mut client,
        &MigrationSet {
            name: "test",
            migrations: CHANGED,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, MigrateError::ChecksumMismatch { version: 1, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("0001_t.sql"));

    let error = migrate(
        &mut client,
        &MigrationSet {
            name: "broken",
            migrations: BROKEN,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            error,
            MigrateError::Apply {
                name: "0003_bad.sql",
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error.to_string().contains("nosuchtype"),
        "the server's reason is in the message: {error}"
    );
    let u_exists: bool = client
        .query_one("SELECT to_regclass('public.u') IS NOT NULL", &[])
        .await
        .unwrap()
        .get(0);
    assert!(!u_exists, "a failed run rolls back the files before it");
}

/// `sql/oltp` and the catalog describe the same tables, columns, types,
/// nullability and keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_matches_the_migrated_schema() {
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "catalog").await;
    let mut client = connect(&url).await.unwrap();
    migrate(&mut client, &OLTP).await.unwrap();
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'chinook'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables as usize, TABLES.len());
    assert_tables_match_catalog(&client, "chinook", true).await;
}

/// The OLAP mirror (`sql/olap/0001_mirror.sql`) copies the chinook tables
/// column for column: star-builder's binary COPY and its upserts are built
/// from the catalog, so the mirror must agree with it too (no foreign keys:
/// rows arrive per batch).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mirror_matches_the_catalog() {
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "mirror").await;
    let mut client = connect(&url).await.unwrap();
    migrate(&mut client, &OLAP).await.unwrap();
    assert_tables_match_catalog(&client, "mirror", false).await;
}

/// Every catalog table exists in `schema` with exactly the catalog's columns
/// (and `load_batch_id` last), types, nullability and primary key, and, when
/// `foreign_keys`, its foreign keys (otherwise none).
async fn assert_tables_match_catalog(
    client: &tokio_postgres::Client,
    schema: &str,
    foreign_keys: bool,
) {
    for table in TABLES {
        let rows = client
            .query(
                "SELECT column_name::text, data_type::text, is_nullable = 'YES', numeric_precision, numeric_scale
                 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                &[&schema, &table.name],
            )
            .await
            .unwrap();
        let names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        let mut expected: Vec<String> = table
            .columns
            .iter()
            .map(|c| c.sql_name.to_string())
            .collect();
        expected.push(LOAD_BATCH_COLUMN.to_string());
        assert_eq!(names, expected, "columns of {schema}.{}", table.name);
        for (column, row) in table.columns.iter().zip(&rows) {
            let data_type: String = row.get(1);
            let want = match column.ty {
                ColumnType::Int => "integer",
                ColumnType::BigInt => "bigint",
                ColumnType::Text => "text",
                ColumnType::Money => "numeric",
                ColumnType::Timestamp => "timestamp without time zone",
            };
            assert_eq!(
                data_type, want,
                "{schema}.{}.{}",
                table.name, column.sql_name
            );
            assert_eq!(
                row.get::<_, bool>(2),
                column.nullable,
                "nullability of {schema}.{}.{}",
                table.name,
                column.sql_name
            );
            if column.ty == ColumnType::Money {
                assert_eq!(
                    (row.get::<_, Option<i32>>(3), row.get::<_, Option<i32>>(4)),
                    (Some(10), Some(2)),
                    "{schema}.{}.{}",
                    table.name,
                    column.sql_name
                );
            }
        }
        let qualified = format!("{schema}.{}", table.name);
        let key: Vec<String> = client
            .query(
                "SELECT a.attname::text FROM pg_index i
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                 WHERE i.indrelid = $1::text::regclass AND i.indisprimary
                 ORDER BY array_position(i.indkey::int2[], a.attnum)",
                &[&qualified],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(key, table.primary_key, "primary key of {qualified}");
        let foreign: Vec<(String, String)> = client
            .query(
                "SELECT a.attname::text, c.confrelid::regclass::text FROM pg_constraint c
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                 WHERE c.conrelid = $1::text::regclass AND c.contype = 'f' ORDER BY 1",
                &[&qualified],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut want: Vec<(String, String)> = table
            .foreign_keys
            .iter()
            .filter(|_| foreign_keys)
            .map(|fk| {
                (
                    fk.columns[0].to_string(),
                    format!("{schema}.{}", fk.references),
                )
            })
            .collect();
        want.sort();
        assert_eq!(foreign, want, "foreign keys of {qualified}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_cached_connection_is_replaced() {
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "cached").await;
    let settings = DbSettings::parse("TEST_URL", &url, DbAuth::Password, None).unwrap();
    let cached = CachedClient::new(Connector::new(settings, None).unwrap());
    let first_pid: i32 = cached
        .get()
        .await
        .unwrap()
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0);
    let admin = connect(&url).await.unwrap();
    admin
        .execute("SELECT pg_terminate_backend($1)", &[&first_pid])
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let second_pid: i32 = cached
        .get()
        .await
        .unwrap()
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0);
    assert_ne!(
        first_pid, second_pid,
        "a new connection replaced the terminated one"
    );
    let reused: i32 = cached
        .get()
        .await
        .unwrap()
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(reused, second_pid, "a healthy connection is reused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_is_a_transient_error() {
    let settings = DbSettings::parse(
        "TEST_URL",
        "postgres://nobody@127.0.0.1:1/db?sslmode=disable",
        DbAuth::Password,
        None,
    )
    .unwrap();
    let error = Connector::new(settings, None)
        .unwrap()
        .connect()
        .await
        .unwrap_err();
    assert!(error.is_transient(), "{error}");
    assert!(error.to_string().contains("127.0.0.1:1"), "{error}");
}
