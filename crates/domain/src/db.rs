//! Database connections: tokio-postgres over rustls, with password or RDS IAM
//! authentication, and a per-container cached client that is replaced when
//! broken.
//!
//! TLS follows [`TlsMode`]: verify-full against a PEM bundle, `require`
//! (encrypted, unverified, with a warning), or plain TCP only when the URL says
//! `sslmode=disable`. tokio-postgres' own `prefer` silently falls back to plain
//! text, so it is never used.

use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::sync::{Mutex, MutexGuard};
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::config::{DbAuth, DbSettings, TlsMode};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot read the TLS root certificates from {path}: {reason}")]
    RootCert { path: String, reason: String },
    #[error("TLS setup failed: {0}")]
    Tls(#[from] rustls::Error),
    #[error("cannot create an RDS IAM auth token for {user}@{host}: {reason}")]
    IamToken {
        user: String,
        host: String,
        reason: String,
    },
    #[error("cannot connect to {target}: {}", describe(source))]
    Connect {
        target: String,
        source: tokio_postgres::Error,
    },
    #[error("connecting to {target} timed out after {seconds} s")]
    ConnectTimeout { target: String, seconds: u64 },
    #[error("no connection to {target}")]
    NotConnected { target: String },
}

impl DbError {
    /// Whether retrying later may succeed (the database was unreachable, say),
    /// as opposed to a configuration problem that a retry will not fix.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            DbError::Connect { .. } | DbError::ConnectTimeout { .. } | DbError::IamToken { .. }
        )
    }
}

/// A database error with its cause: the server's message and SQLSTATE, or
/// the chain of sources (tokio-postgres' Display says only "db error" or
/// "error performing TLS handshake").
pub fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{} (SQLSTATE {})", db.message(), db.code().code());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(": {detail}"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Makes connections for one database: holds the TLS configuration and, for
/// IAM auth, the AWS configuration used to sign tokens.
#[derive(Clone)]
pub struct Connector {
    settings: DbSettings,
    tls: Option<MakeRustlsConnect>,
    aws: Option<aws_config::SdkConfig>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("target", &self.settings.redacted())
            .field("tls", &self.settings.tls)
            .finish()
    }
}

impl Connector {
    /// `aws` is needed only when `settings.auth` is [`DbAuth::Iam`].
    pub fn new(settings: DbSettings, aws: Option<aws_config::SdkConfig>) -> Result<Self, DbError> {
        let tls = match &settings.tls {
            TlsMode::Disable => None,
            TlsMode::Require => {
                tracing::warn!(
                    target = %settings.redacted(),
                    "DB_SSL_ROOT_CERT is not set: the connection is encrypted but the server certificate is not verified"
                );
                Some(MakeRustlsConnect::new(unverified_tls_config()?))
            }
            TlsMode::VerifyFull { root_cert } => {
                Some(MakeRustlsConnect::new(verified_tls_config(root_cert)?))
            }
        };
        Ok(Self { settings, tls, aws })
    }

    pub fn settings(&self) -> &DbSettings {
        &self.settings
    }

    /// Opens a new connection and spawns its connection task.
    pub async fn connect(&self) -> Result<Client, DbError> {
        let target = self.settings.redacted();
        let mut config = tokio_postgres::Config::new();
        config
            .host(&self.settings.host)
            .port(self.settings.port)
            .user(&self.settings.user)
            .dbname(&self.settings.dbname)
            .application_name("starlift")
            .connect_timeout(CONNECT_TIMEOUT)
            .keepalives(true);
        match self.settings.auth {
            DbAuth::Password => {
                if let Some(password) = &self.settings.password {
                    config.password(password);
                }
            }
            DbAuth::Iam => {
                config.password(self.iam_token().await?);
            }
        }
        let attempt = async {
            match &self.tls {
                None => {
                    config.ssl_mode(SslMode::Disable);
                    let (client, connection) = config.connect(NoTls).await?;
                    tokio::spawn(drive(connection, target.clone()));
                    Ok(client)
                }
                Some(tls) => {
                    config.ssl_mode(SslMode::Require);
                    let (client, connection) = config.connect(tls.clone()).await?;
                    tokio::spawn(drive(connection, target.clone()));
                    Ok(client)
                }
            }
        };
        match tokio::time::timeout(CONNECT_TIMEOUT + Duration::from_secs(5), attempt).await {
            Ok(Ok(client)) => Ok(client),
            Ok(Err(source)) => Err(DbError::Connect { target, source }),
            Err(_) => Err(DbError::ConnectTimeout {
                target,
                seconds: CONNECT_TIMEOUT.as_secs() + 5,
            }),
        }
    }

    async fn iam_token(&self) -> Result<String, DbError> {
        let failure = |reason: String| DbError::IamToken {
            user: self.settings.user.clone(),
            host: self.settings.host.clone(),
            reason,
        };
        let aws = self
            .aws
            .as_ref()
            .ok_or_else(|| failure("no AWS configuration was provided".to_string()))?;
        let generator = aws_sdk_rds::auth_token::AuthTokenGenerator::new(
            aws_sdk_rds::auth_token::Config::builder()
                .hostname(&self.settings.host)
                .port(u64::from(self.settings.port))
                .username(&self.settings.user)
                .build()
                .map_err(|e| failure(e.to_string()))?,
        );
        let token = generator
            .auth_token(aws)
            .await
            .map_err(|e| failure(e.to_string()))?;
        Ok(token.as_str().to_string())
    }
}

async fn drive<S, T>(connection: tokio_postgres::Connection<S, T>, target: String)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    if let Err(error) = connection.await {
        tracing::warn!(%target, %error, "database connection closed with an error");
    }
}

fn provider() -> Arc<CryptoProvider> {
    // Explicit: other crates may enable a second rustls provider, and then the
    // process-wide default is ambiguous.
    Arc::new(rustls::crypto::ring::default_provider())
}

fn verified_tls_config(root_cert: &std::path::Path) -> Result<ClientConfig, DbError> {
    let path = root_cert.display().to_string();
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(root_cert).map_err(|e| DbError::RootCert {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    for cert in certs {
        let cert = cert.map_err(|e| DbError::RootCert {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        roots.add(cert).map_err(|e| DbError::RootCert {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    }
    if roots.is_empty() {
        return Err(DbError::RootCert {
            path,
            reason: "no certificates in the file".to_string(),
        });
    }
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn unverified_tls_config() -> Result<ClientConfig, DbError> {
    let provider = provider();
    let verifier = Arc::new(EncryptOnly {
        algorithms: provider.signature_verification_algorithms,
    });
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// `sslmode=require`: any certificate is accepted, but the handshake's
/// signatures are still checked so the session keys belong to that certificate.
#[derive(Debug)]
struct EncryptOnly {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// One connection per Lambda container, reused across invocations and
/// replaced when it has broken (the server restarted, a fail-over, an idle
/// timeout). Lambda runs one invocation per container at a time, so a mutex
/// around a single client is all the pooling needed.
#[derive(Debug)]
pub struct CachedClient {
    connector: Connector,
    client: Mutex<Option<Client>>,
}

/// Exclusive use of the cached connection.
pub type ClientGuard<'a> = tokio::sync::MappedMutexGuard<'a, Client>;

impl CachedClient {
    pub fn new(connector: Connector) -> Self {
        Self {
            connector,
            client: Mutex::new(None),
        }
    }

    pub fn connector(&self) -> &Connector {
        &self.connector
    }

    /// The live connection, reconnecting first if there is none or it broke.
    pub async fn get(&self) -> Result<ClientGuard<'_>, DbError> {
        let mut slot = self.client.lock().await;
        let usable = match slot.as_ref() {
            Some(client) if !client.is_closed() => client.simple_query("").await.is_ok(),
            _ => false,
        };
        if !usable {
            if slot.is_some() {
                tracing::info!(target = %self.connector.settings().redacted(), "replacing a broken database connection");
            }
            *slot = Some(self.connector.connect().await?);
        }
        MutexGuard::try_map(slot, |s| s.as_mut()).map_err(|_| DbError::NotConnected {
            target: self.connector.settings().redacted(),
        })
    }

    /// Drops the cached connection (after an error that may have left it unusable).
    pub async fn discard(&self) {
        *self.client.lock().await = None;
    }
}
