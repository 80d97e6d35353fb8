//! The domain crate against a real PostgreSQL: migrations, the catalog read
//! back from a pack's migrated DDL (and refused when the DDL cannot be
//! loaded), the OLAP mirror's agreement with it, and the cached connection.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use starlift_domain::catalog::{
    self, CatalogError, Column, ColumnType, LOAD_BATCH_COLUMN, LoadMode, UnsupportedType,
};
use starlift_domain::config::{DbAuth, DbSettings};
use starlift_domain::db::{CachedClient, Connector};
use starlift_domain::migrate::{ETL, MigrateError, Migration, MigrationSet, OLAP, migrate};
use starlift_domain::pack::{Pack, PackError};
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
    let pack = Pack::embedded("chinook").unwrap();
    let chinook = pack.oltp;
    let engine = migrate(&mut client, &ETL).await.unwrap();
    assert_eq!(
        engine.applied,
        vec![
            "0001_etl.sql",
            "0002_etl_schema.sql",
            "0003_bounded_and_identical.sql"
        ]
    );
    let tables = migrate(&mut client, &chinook).await.unwrap();
    assert_eq!(tables.applied, vec!["0001_chinook.sql"]);
    for set in [&ETL, &chinook] {
        let again = migrate(&mut client, set).await.unwrap();
        assert!(again.applied.is_empty(), "{}", set.name);
        assert_eq!(again.already_applied, set.migrations.len(), "{}", set.name);
    }
    // The OLAP sets (the engine's, the pack's warehouse and analytics) can
    // share the database with OLTP.
    for set in [&OLAP, &pack.warehouse, &pack.analytics] {
        migrate(&mut client, set).await.unwrap();
    }
    let recorded: i64 = client
        .query_one("SELECT count(*) FROM starlift.schema_migration", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        recorded as usize,
        ETL.migrations.len()
            + chinook.migrations.len()
            + OLAP.migrations.len()
            + pack.warehouse.migrations.len()
            + pack.analytics.migrations.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cold_starts_apply_each_migration_once() {
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "concurrent").await;
    let chinook = Pack::embedded("chinook").unwrap().oltp;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = connect(&url).await.unwrap();
            let engine = migrate(&mut client, &ETL).await.unwrap();
            let tables = migrate(&mut client, &chinook).await.unwrap();
            engine.applied.len() + tables.applied.len()
        }));
    }
    let mut applied = 0;
    for task in tasks {
        applied += task.await.unwrap();
    }
    assert_eq!(
        applied,
        ETL.migrations.len() + chinook.migrations.len(),
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

/// The chinook pack's DDL, migrated and read back: what the loader will
/// validate is what the DDL declares.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chinook_catalog_is_read_from_the_migrated_ddl() {
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "catalog").await;
    let mut client = connect(&url).await.unwrap();
    let pack = Pack::embedded("chinook").unwrap();
    migrate(&mut client, &ETL).await.unwrap();
    migrate(&mut client, &pack.oltp).await.unwrap();
    let catalog = pack.read_catalog(&client).await.unwrap();

    assert_eq!(catalog.schema, "chinook");
    let mut names: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "album",
            "artist",
            "customer",
            "employee",
            "genre",
            "invoice",
            "invoice_line",
            "media_type",
            "playlist",
            "playlist_track",
            "track"
        ]
    );
    for (index, table) in catalog.tables.iter().enumerate() {
        assert_eq!(table.schema, "chinook");
        assert_eq!(table.mode, LoadMode::Upsert, "{} has a key", table.name);
        assert!(
            table.column(LOAD_BATCH_COLUMN).is_none(),
            "{}: the engine column is not a data column",
            table.name
        );
        for parent in table.parents() {
            let at = catalog
                .tables
                .iter()
                .position(|t| t.name == parent)
                .unwrap();
            assert!(
                at < index,
                "{parent} must load before {} ({})",
                table.name,
                catalog.names()
            );
        }
    }

    let line = catalog.table("invoice_line").unwrap();
    assert_eq!(line.primary_key, ["invoice_line_id"]);
    let mut foreign: Vec<(Vec<String>, &str, Vec<String>)> = line
        .foreign_keys
        .iter()
        .map(|fk| {
            (
                fk.columns.clone(),
                fk.references.as_str(),
                fk.referenced_columns.clone(),
            )
        })
        .collect();
    foreign.sort();
    assert_eq!(
        foreign,
        [
            (
                vec!["invoice_id".to_string()],
                "invoice",
                vec!["invoice_id".to_string()]
            ),
            (
                vec!["track_id".to_string()],
                "track",
                vec!["track_id".to_string()]
            ),
        ]
    );
    assert_eq!(
        line.column("quantity").map(|c| (c.ty, c.nullable)),
        Some((ColumnType::Integer, false))
    );

    let playlist_track = catalog.table("playlist_track").unwrap();
    assert_eq!(playlist_track.primary_key, ["playlist_id", "track_id"]);
    assert_eq!(playlist_track.parents().len(), 2);

    let employee = catalog.table("employee").unwrap();
    assert!(employee.is_self_referencing());
    assert!(employee.parents().is_empty());
    let reports_to = employee
        .foreign_keys
        .iter()
        .find(|fk| fk.references == "employee")
        .unwrap();
    assert_eq!(reports_to.columns, ["reports_to"]);
    assert_eq!(reports_to.referenced_columns, ["employee_id"]);
    assert_eq!(
        employee.column("birth_date").map(|c| (c.ty, c.nullable)),
        Some((ColumnType::Timestamp, true))
    );

    let track = catalog.table("track").unwrap();
    let columns: Vec<&str> = track.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        columns,
        [
            "track_id",
            "name",
            "album_id",
            "media_type_id",
            "genre_id",
            "composer",
            "milliseconds",
            "bytes",
            "unit_price"
        ]
    );
    assert_eq!(
        track.column("unit_price"),
        Some(&Column {
            name: "unit_price".to_string(),
            ty: ColumnType::Numeric {
                precision: Some(10),
                scale: Some(2)
            },
            nullable: false,
            has_default: false,
        })
    );
    assert_eq!(
        track.column("bytes").map(|c| (c.ty, c.nullable)),
        Some((ColumnType::BigInt, true))
    );
    assert!(track.column("name").unwrap().required());
    assert!(!track.column("composer").unwrap().required());
    let checks: Vec<(&str, &str)> = track
        .checks
        .iter()
        .map(|c| (c.name.as_str(), c.expression.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            ("track_bytes_check", "(bytes >= 0)"),
            ("track_milliseconds_check", "(milliseconds >= 0)"),
            ("track_unit_price_check", "(unit_price >= (0)::numeric)"),
        ]
    );

    // File stems of the official CSV export find their tables.
    assert_eq!(catalog.find("InvoiceLine").unwrap().name, "invoice_line");
    assert_eq!(catalog.find("MediaType").unwrap().name, "media_type");
    assert_eq!(
        catalog.find("PlaylistTrack").unwrap().qualified_name(),
        "\"chinook\".\"playlist_track\""
    );
}

/// A pack whose DDL has a column of a type the loader cannot load is refused
/// when its catalog is read, naming the table and the column.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pack_with_an_unsupported_column_type_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("oddtypes");
    std::fs::create_dir_all(folder.join("oltp")).unwrap();
    std::fs::write(
        folder.join("dataset.toml"),
        "name = \"oddtypes\"\ndescription = \"a json column\"\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("oltp/0001_oddtypes.sql"),
        "CREATE SCHEMA oddtypes;
         CREATE TABLE oddtypes.event (
             event_id integer PRIMARY KEY,
             payload json,
             load_batch_id bigint NOT NULL
         );",
    )
    .unwrap();
    let pack = Pack::from_dir(&folder).unwrap();
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "unsupported").await;
    let mut client = connect(&url).await.unwrap();
    migrate(&mut client, &pack.oltp).await.unwrap();
    let error = pack.read_catalog(&client).await.unwrap_err();
    assert!(
        matches!(
            &error,
            PackError::Catalog(CatalogError::UnsupportedType(UnsupportedType { table, column, sql_type }))
                if table == "oddtypes.event" && column == "payload" && sql_type == "json"
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("oddtypes.event.payload") && message.contains("json"),
        "{message}"
    );
}

/// Every pack table needs the engine's `load_batch_id bigint NOT NULL`; a
/// table without it is refused by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_without_load_batch_id_is_refused() {
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "nobatch").await;
    let client = connect(&url).await.unwrap();
    client
        .batch_execute(
            "CREATE SCHEMA nobatch;
             CREATE TABLE nobatch.fine (id integer PRIMARY KEY, load_batch_id bigint NOT NULL);
             CREATE TABLE nobatch.forgetful (id integer PRIMARY KEY, name text);",
        )
        .await
        .unwrap();
    let error = catalog::read(&client, "nobatch", &BTreeMap::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            CatalogError::MissingEngineColumn { table, column, .. }
                if table == "forgetful" && *column == LOAD_BATCH_COLUMN
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("nobatch.forgetful") && message.contains(LOAD_BATCH_COLUMN),
        "{message}"
    );
    // A nullable load_batch_id is not enough either.
    client
        .batch_execute(
            "DROP TABLE nobatch.forgetful;
             CREATE TABLE nobatch.lax (id integer PRIMARY KEY, load_batch_id bigint);",
        )
        .await
        .unwrap();
    let error = catalog::read(&client, "nobatch", &BTreeMap::new())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("nobatch.lax"), "{error}");
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

/// `warehouse::check` against the catalog each pack's DDL gives: every
/// embedded pack, and the test pack declaring every kind of warehouse
/// declaration. The builder runs the same check at cold start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pack_warehouse_agrees_with_its_catalog() {
    let postgres = Postgres::start().await.unwrap();
    let tiny = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs/tiny");
    let mut packs: Vec<Pack> = starlift_domain::pack::names()
        .into_iter()
        .map(|name| Pack::embedded(name).unwrap())
        .collect();
    packs.push(Pack::from_dir(&tiny).unwrap());
    for pack in packs {
        let url = fresh_database(&postgres, &format!("check_{}", pack.name())).await;
        let mut client = connect(&url).await.unwrap();
        migrate(&mut client, &ETL).await.unwrap();
        migrate(&mut client, &pack.oltp).await.unwrap();
        let catalog = pack.read_catalog(&client).await.unwrap();
        if let Err(error) = starlift_domain::warehouse::check(&pack, catalog) {
            panic!("{error}");
        }
    }
}

/// Each generic test kind's SQL runs and returns exactly the failing rows,
/// with and without a scope (the tiny pack's warehouse, by hand).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_tests_return_the_failing_rows() {
    use starlift_domain::warehouse::{
        AcceptedValues, Relationship, TestDecl, TestKind, failing_rows_sql,
    };
    let postgres = Postgres::start().await.unwrap();
    let url = fresh_database(&postgres, "dq").await;
    let client = connect(&url).await.unwrap();
    let tiny = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs/tiny");
    let pack = Pack::from_dir(&tiny).unwrap();
    client.batch_execute("CREATE SCHEMA dw").await.unwrap();
    client
        .batch_execute(pack.warehouse.migrations[0].sql)
        .await
        .unwrap();
    client
        .batch_execute(
            "INSERT INTO dw.dim_customer
                 (customer_id, version_no, name, city, valid_from, valid_to, is_current)
             VALUES (1, 1, 'a', 'Oslo', '-infinity', '2024-01-01', false),
                    (1, 2, 'a', NULL, '2024-01-01', 'infinity', true),
                    (2, 1, 'b', 'Rome', '2024-01-01', 'infinity', true),
                    (2, 2, 'b', 'Rome', '2024-02-01', '2024-01-01', true);
             INSERT INTO dw.fact_order VALUES (10, 1, 5), (11, 99, 6), (12, 3, -1);",
        )
        .await
        .unwrap();
    let decl = |table: &str, filter: Option<&str>, kind: TestKind| TestDecl {
        name: None,
        table: table.into(),
        filter: filter.map(str::to_string),
        kind,
    };
    let customers = "dw.dim_customer";
    let cases = [
        (
            decl(
                customers,
                Some("is_current"),
                TestKind::Unique(vec!["customer_id".into()]),
            ),
            None,
            1,
        ),
        (
            decl(
                customers,
                None,
                TestKind::Unique(vec!["customer_id".into()]),
            ),
            Some("customer_id = 1"),
            1,
        ),
        (
            decl(
                customers,
                None,
                TestKind::NotNull(vec!["name".into(), "city".into()]),
            ),
            None,
            1,
        ),
        (
            decl(
                "dw.fact_order",
                Some("amount > 0"),
                TestKind::Relationships(Relationship {
                    column: "customer_key".into(),
                    to: customers.into(),
                    field: "customer_key".into(),
                }),
            ),
            Some("(order_id) IN (SELECT 11 UNION SELECT 12)"),
            1,
        ),
        (
            decl(
                customers,
                None,
                TestKind::AcceptedValues(AcceptedValues {
                    column: "city".into(),
                    values: vec!["Oslo".into()],
                }),
            ),
            None,
            2,
        ),
        (
            decl(
                customers,
                None,
                TestKind::Expression("valid_from < valid_to".into()),
            ),
            None,
            1,
        ),
    ];
    for (test, scope, failing) in cases {
        let sql = failing_rows_sql(&test, scope);
        let rows = client
            .query(&sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}\n{e}"));
        assert_eq!(rows.len(), failing, "{}:\n{sql}", test.check_name());
    }
}
