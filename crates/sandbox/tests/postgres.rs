//! The throwaway PostgreSQL cluster: start, databases, queries, cleanup.

use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use starlift_sandbox::{Postgres, connect};

/// Alive and not a zombie (an exited postmaster waits for init to reap it).
fn process_exists(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().next());
            state != Some("Z")
        }
        Err(_) => false,
    }
}

fn accepts_connections(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500)).is_ok()
}

/// The postmaster's pid is gone once pg_ctl stop returns, but give a slow
/// machine a moment before calling it a leak.
fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    condition()
}

#[tokio::test]
async fn cluster_starts_serves_two_databases_and_is_removed_on_drop() {
    let started = Instant::now();
    let pg = Postgres::start_local().await.unwrap();
    eprintln!("cluster start: {:?}", started.elapsed());

    let dir = pg.temp_dir().unwrap().to_path_buf();
    let port = pg.port();
    let pid = pg.pid().unwrap();
    assert!(dir.join("data/PG_VERSION").is_file());
    assert!(process_exists(pid));
    assert_eq!(
        pg.superuser_url(),
        format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable")
    );

    let t = Instant::now();
    let oltp = pg.create_database("oltp").await.unwrap();
    let olap = pg.create_database("olap").await.unwrap();
    let again = pg.create_database("oltp").await.unwrap();
    eprintln!("3 × create database: {:?}", t.elapsed());
    assert_eq!(
        oltp,
        format!("postgres://postgres@127.0.0.1:{port}/oltp?sslmode=disable")
    );
    assert_eq!(
        olap,
        format!("postgres://postgres@127.0.0.1:{port}/olap?sslmode=disable")
    );
    assert_ne!(
        again, oltp,
        "a second database with the same hint gets its own name"
    );

    // The databases are separate: a table made in one is not in the other.
    let a = connect(&oltp).await.unwrap();
    let b = connect(&olap).await.unwrap();
    a.batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);")
        .await
        .unwrap();
    let n: i64 = a
        .query_one("SELECT count(*) FROM t", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3);
    assert!(b.query_one("SELECT count(*) FROM t", &[]).await.is_err());
    let (db, user, superuser): (String, String, bool) = {
        let row = b
            .query_one("SELECT current_database(), current_user, usesuper FROM pg_user WHERE usename = current_user", &[])
            .await
            .unwrap();
        (row.get(0), row.get(1), row.get(2))
    };
    assert_eq!(
        (db.as_str(), user.as_str(), superuser),
        ("olap", "postgres", true)
    );

    // The settings that make it fast and loopback-only.
    let su = pg.connect_superuser().await.unwrap();
    for (name, expected) in [
        ("fsync", "off"),
        ("synchronous_commit", "off"),
        ("full_page_writes", "off"),
        ("listen_addresses", "127.0.0.1"),
        ("server_encoding", "UTF8"),
    ] {
        let value: String = su
            .query_one(&format!("SHOW {name}"), &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(value, expected, "setting {name}");
    }

    drop((a, b, su));
    let t = Instant::now();
    drop(pg);
    eprintln!("cluster stop + remove: {:?}", t.elapsed());
    assert!(!dir.exists(), "{} still exists", dir.display());
    assert!(
        eventually(|| !process_exists(pid)),
        "postmaster {pid} still runs"
    );
    assert!(
        !accepts_connections(port),
        "port {port} still accepts connections"
    );
}

#[tokio::test]
async fn clusters_are_independent() {
    let (one, two) = tokio::join!(Postgres::start_local(), Postgres::start_local());
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_ne!(one.port(), two.port());
    assert_ne!(one.temp_dir(), two.temp_dir());
    let url = one.create_database("only_in_one").await.unwrap();
    connect(&url).await.unwrap();
    let two_url = two.database_url("only_in_one");
    assert!(connect(&two_url).await.is_err());
}

#[test]
fn cluster_is_removed_when_the_test_panics() {
    let (tx, rx) = std::sync::mpsc::channel::<(PathBuf, u16, u32)>();
    let outcome = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let pg = Postgres::start_local().await.unwrap();
            let url = pg.create_database("doomed").await.unwrap();
            connect(&url)
                .await
                .unwrap()
                .batch_execute("SELECT 1")
                .await
                .unwrap();
            tx.send((
                pg.temp_dir().unwrap().to_path_buf(),
                pg.port(),
                pg.pid().unwrap(),
            ))
            .unwrap();
            panic!("a failing test");
        })
    })
    .join();
    assert!(outcome.is_err(), "the block was meant to panic");

    let (dir, port, pid) = rx.recv().unwrap();
    assert!(!dir.exists(), "{} survived the panic", dir.display());
    assert!(
        eventually(|| !process_exists(pid)),
        "postmaster {pid} survived the panic"
    );
    assert!(
        !accepts_connections(port),
        "port {port} still accepts connections after the panic"
    );
}

#[tokio::test]
async fn external_server_gets_fresh_databases_that_are_dropped() {
    // A throwaway cluster stands in for the existing server.
    let server = Postgres::start_local().await.unwrap();
    let external = Postgres::external(server.superuser_url()).await.unwrap();
    assert!(external.is_external());
    assert_eq!(external.temp_dir(), None);

    let url = external.create_database("ext-test").await.unwrap();
    let name = url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    assert!(name.starts_with("ext_test_"), "{name}");
    assert!(url.ends_with("?sslmode=disable"), "{url}");
    connect(&url)
        .await
        .unwrap()
        .batch_execute("CREATE TABLE x (a int)")
        .await
        .unwrap();

    let su = server.connect_superuser().await.unwrap();
    let exists = |name: String| {
        let su = &su;
        async move {
            su.query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
                .await
                .unwrap()
                .is_some()
        }
    };
    assert!(exists(name.clone()).await);
    drop(external);
    assert!(!exists(name).await, "the external database was not dropped");
}

#[tokio::test]
async fn bad_external_url_is_refused_with_a_message() {
    let err = Postgres::external("mysql://root@localhost/x")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("postgres://"), "{err}");
    let err = Postgres::external("postgres://postgres:secret@127.0.0.1:1/postgres")
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("connecting to") && !msg.contains("secret"),
        "{msg}"
    );
}
