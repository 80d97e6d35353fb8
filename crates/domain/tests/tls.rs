//! TLS to PostgreSQL: verify-full checks the chain and the host name against
//! DB_SSL_ROOT_CERT; `require` encrypts without verifying. The server gets a
//! certificate made here and turns TLS on with a reload.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use starlift_domain::config::{DbAuth, DbSettings};
use starlift_domain::db::Connector;
use starlift_sandbox::{Postgres, connect};

struct Pki {
    ca_pem: String,
    server_cert_pem: String,
    server_key_pem: String,
}

fn make_pki(server_names: Vec<String>) -> Pki {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "starlift test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server_params = rcgen::CertificateParams::new(server_names).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let server = server_params.signed_by(&server_key, &issuer).unwrap();
    Pki {
        ca_pem: ca.pem(),
        server_cert_pem: server.pem(),
        server_key_pem: server_key.serialize_pem(),
    }
}

/// Files the server can read: owned by the user PostgreSQL runs as, key 0600.
fn write_server_files(dir: &Path, pki: &Pki) {
    use std::os::unix::fs::PermissionsExt;
    let cert = dir.join("server.crt");
    let key = dir.join("server.key");
    std::fs::write(&cert, &pki.server_cert_pem).unwrap();
    std::fs::write(&key, &pki.server_key_pem).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let running_as_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    if running_as_root {
        let uid = std::process::Command::new("id")
            .args(["-u", "postgres"])
            .output()
            .unwrap();
        let uid: u32 = String::from_utf8_lossy(&uid.stdout).trim().parse().unwrap();
        std::os::unix::fs::chown(&cert, Some(uid), None).unwrap();
        std::os::unix::fs::chown(&key, Some(uid), None).unwrap();
    }
}

async fn enable_tls(postgres: &Postgres, dir: &Path) {
    let admin = postgres.connect_superuser().await.unwrap();
    let cert = dir.join("server.crt");
    let key = dir.join("server.key");
    admin
        .batch_execute(&format!(
            "ALTER SYSTEM SET ssl_cert_file = '{}'",
            cert.display()
        ))
        .await
        .unwrap();
    admin
        .batch_execute(&format!(
            "ALTER SYSTEM SET ssl_key_file = '{}'",
            key.display()
        ))
        .await
        .unwrap();
    admin
        .batch_execute("ALTER SYSTEM SET ssl = on")
        .await
        .unwrap();
    admin
        .batch_execute("SELECT pg_reload_conf()")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let on: String = admin.query_one("SHOW ssl", &[]).await.unwrap().get(0);
    assert_eq!(on, "on", "the server turned TLS on");
}

fn settings(url: &str, sslmode: &str, root_cert: Option<&Path>) -> DbSettings {
    let url = url.replace("sslmode=disable", &format!("sslmode={sslmode}"));
    DbSettings::parse(
        "TEST_URL",
        &url,
        DbAuth::Password,
        root_cert.map(Path::to_path_buf),
    )
    .unwrap()
}

async fn uses_tls(connector: &Connector) -> Result<bool, String> {
    let client = connector.connect().await.map_err(|e| e.to_string())?;
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(row.get(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_checks_the_chain_and_require_still_encrypts() {
    if std::env::var_os(starlift_sandbox::EXTERNAL_URL_VAR).is_some() {
        eprintln!("SKIPPED: TLS test needs a throwaway cluster (SANDBOX_DATABASE_URL is set)");
        return;
    }
    let postgres = Postgres::start().await.unwrap();
    let url = postgres.create_database("tls").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(vec!["127.0.0.1".to_string(), "localhost".to_string()]);
    write_server_files(dir.path(), &pki);
    enable_tls(&postgres, dir.path()).await;
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();

    let verified = Connector::new(settings(&url, "verify-full", Some(&ca)), None).unwrap();
    assert_eq!(
        uses_tls(&verified).await,
        Ok(true),
        "verify-full with the right CA connects over TLS"
    );

    let other = make_pki(vec!["127.0.0.1".to_string()]);
    let wrong_ca = dir.path().join("other-ca.pem");
    std::fs::write(&wrong_ca, &other.ca_pem).unwrap();
    let refused = Connector::new(settings(&url, "verify-full", Some(&wrong_ca)), None).unwrap();
    let error = uses_tls(&refused).await.unwrap_err();
    assert!(
        error.to_lowercase().contains("certificate"),
        "a certificate from another CA is refused: {error}"
    );

    let encrypted = Connector::new(settings(&url, "require", None), None).unwrap();
    assert_eq!(
        uses_tls(&encrypted).await,
        Ok(true),
        "require encrypts without verifying"
    );

    let plain = connect(&url).await.unwrap();
    let ssl: bool = plain
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        !ssl,
        "sslmode=disable is plain TCP: the check above can tell the difference"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_checks_the_host_name() {
    if std::env::var_os(starlift_sandbox::EXTERNAL_URL_VAR).is_some() {
        eprintln!("SKIPPED: TLS test needs a throwaway cluster (SANDBOX_DATABASE_URL is set)");
        return;
    }
    let postgres = Postgres::start().await.unwrap();
    let url = postgres.create_database("tlsname").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(vec!["db.example.internal".to_string()]);
    write_server_files(dir.path(), &pki);
    enable_tls(&postgres, dir.path()).await;
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let connector = Connector::new(settings(&url, "verify-full", Some(&ca)), None).unwrap();
    let error = uses_tls(&connector).await.unwrap_err();
    assert!(
        error.to_lowercase().contains("certificate"),
        "a certificate for another host is refused: {error}"
    );
}
