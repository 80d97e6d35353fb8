//! Configuration from the environment, with the variable names of DESIGN.md.
//! A missing or malformed variable stops the cold start with its name.
//!
//! `config/variables.json` lists the variables each function reads in AWS;
//! a test checks the readers here ask for exactly those, and Terraform sets
//! exactly those.

use std::path::PathBuf;

use url::Url;

/// Variable names, in one place.
pub mod env {
    pub const OLTP_DATABASE_URL: &str = "OLTP_DATABASE_URL";
    pub const OLAP_DATABASE_URL: &str = "OLAP_DATABASE_URL";
    pub const DB_AUTH: &str = "DB_AUTH";
    pub const DB_SSL_ROOT_CERT: &str = "DB_SSL_ROOT_CERT";
    pub const INCOMING_PREFIX: &str = "INCOMING_PREFIX";
    pub const REJECTED_PREFIX: &str = "REJECTED_PREFIX";
    pub const DQ_FAIL_HARD: &str = "DQ_FAIL_HARD";
    pub const DATASET: &str = "DATASET";
    pub const BUCKET: &str = "BUCKET";
}

/// The machine-readable contract shared with Terraform.
pub const VARIABLES_JSON: &str = include_str!("../config/variables.json");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {name} is not set ({hint})")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("environment variable {name} is malformed: {reason}")]
    Malformed { name: &'static str, reason: String },
}

/// How the functions authenticate to PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbAuth {
    /// The password in the URL, if any (local sandbox, development).
    Password,
    /// An RDS IAM authentication token, generated per connection.
    Iam,
}

/// TLS policy for a database connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain TCP; only when the URL says `sslmode=disable` (the sandbox).
    Disable,
    /// TLS without certificate verification (like libpq's `require`).
    Require,
    /// TLS, certificate chain checked against this PEM bundle, host name checked.
    VerifyFull { root_cert: PathBuf },
}

/// Where and how to connect to one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSettings {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub dbname: String,
    pub auth: DbAuth,
    pub tls: TlsMode,
}

impl DbSettings {
    /// The URL without its password, for logs.
    pub fn redacted(&self) -> String {
        format!(
            "postgres://{}@{}:{}/{}",
            self.user, self.host, self.port, self.dbname
        )
    }

    /// Parses `postgres://user[:password]@host[:port]/db[?sslmode=…]`.
    pub fn parse(
        name: &'static str,
        url: &str,
        auth: DbAuth,
        root_cert: Option<PathBuf>,
    ) -> Result<Self, ConfigError> {
        let malformed = |reason: String| ConfigError::Malformed { name, reason };
        let parsed = Url::parse(url).map_err(|e| malformed(format!("not a URL: {e}")))?;
        if parsed.scheme() != "postgres" && parsed.scheme() != "postgresql" {
            return Err(malformed(format!(
                "scheme must be postgres://, found {}://",
                parsed.scheme()
            )));
        }
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| malformed("no host".to_string()))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let user = percent_encoding::percent_decode_str(parsed.username())
            .decode_utf8_lossy()
            .into_owned();
        if user.is_empty() {
            return Err(malformed(
                "no user name (postgres://user@host/db)".to_string(),
            ));
        }
        let password = parsed.password().map(|p| {
            percent_encoding::percent_decode_str(p)
                .decode_utf8_lossy()
                .into_owned()
        });
        if auth == DbAuth::Iam && password.is_some() {
            return Err(malformed(
                "a password in the URL with DB_AUTH=iam; remove it".to_string(),
            ));
        }
        let dbname = parsed.path().trim_start_matches('/').to_string();
        if dbname.is_empty() || dbname.contains('/') {
            return Err(malformed(
                "no database name (postgres://user@host/db)".to_string(),
            ));
        }
        let mut sslmode = None;
        for (key, value) in parsed.query_pairs() {
            match key.as_ref() {
                "sslmode" => sslmode = Some(value.into_owned()),
                other => {
                    return Err(malformed(format!(
                        "unsupported URL parameter {other:?} (only sslmode)"
                    )));
                }
            }
        }
        let tls = match (sslmode.as_deref(), root_cert) {
            (Some("disable"), _) => TlsMode::Disable,
            (Some("prefer") | Some("allow"), _) => {
                return Err(malformed(
                    "sslmode=prefer/allow may fall back to plain text; use require or verify-full"
                        .to_string(),
                ));
            }
            (Some("require"), _) => TlsMode::Require,
            (Some("verify-full") | None, Some(root_cert)) => TlsMode::VerifyFull { root_cert },
            (Some("verify-full") | Some("verify-ca"), None) => {
                return Err(malformed(
                    "sslmode=verify-full needs DB_SSL_ROOT_CERT (a PEM file)".to_string(),
                ));
            }
            (None, None) => TlsMode::Require,
            (Some(other), _) => return Err(malformed(format!("unknown sslmode {other:?}"))),
        };
        let port = parsed.port().unwrap_or(5432);
        Ok(Self {
            host,
            port,
            user,
            password,
            dbname,
            auth,
            tls,
        })
    }
}

/// oltp-loader's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoaderConfig {
    /// The pack served (`DATASET`, default [`crate::pack::DEFAULT_DATASET`]).
    pub dataset: String,
    pub oltp: DbSettings,
    pub incoming_prefix: String,
    pub rejected_prefix: String,
}

/// star-builder's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderConfig {
    /// The pack served (`DATASET`, default [`crate::pack::DEFAULT_DATASET`]).
    pub dataset: String,
    pub oltp: DbSettings,
    pub olap: DbSettings,
    pub dq_fail_hard: bool,
    /// The data bucket the builder publishes to after a build (`BUCKET`):
    /// the lakehouse export under `warehouse/<dataset>/` and the report
    /// under `reports/<dataset>/`. Unset: nothing is published.
    pub bucket: Option<String>,
}

impl LoaderConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (the process environment in production).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let (auth, root_cert) = read_auth(&lookup)?;
        let oltp = read_database(&lookup, env::OLTP_DATABASE_URL, auth, root_cert)?;
        let incoming_prefix = read_prefix(&lookup, env::INCOMING_PREFIX, "incoming/")?;
        let rejected_prefix = read_prefix(&lookup, env::REJECTED_PREFIX, "rejected/")?;
        if incoming_prefix.starts_with(&rejected_prefix)
            || rejected_prefix.starts_with(&incoming_prefix)
        {
            return Err(ConfigError::Malformed {
                name: env::REJECTED_PREFIX,
                reason: format!(
                    "{rejected_prefix:?} overlaps INCOMING_PREFIX {incoming_prefix:?}; rejects would be loaded again"
                ),
            });
        }
        Ok(Self {
            dataset: read_dataset(&lookup)?,
            oltp,
            incoming_prefix,
            rejected_prefix,
        })
    }
}

impl BuilderConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (the process environment in production).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let (auth, root_cert) = read_auth(&lookup)?;
        let oltp = read_database(&lookup, env::OLTP_DATABASE_URL, auth, root_cert.clone())?;
        let olap = read_database(&lookup, env::OLAP_DATABASE_URL, auth, root_cert)?;
        let dq_fail_hard = match non_empty(&lookup, env::DQ_FAIL_HARD).as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                return Err(ConfigError::Malformed {
                    name: env::DQ_FAIL_HARD,
                    reason: format!("{other:?} is not true or false"),
                });
            }
        };
        Ok(Self {
            dataset: read_dataset(&lookup)?,
            oltp,
            olap,
            dq_fail_hard,
            bucket: non_empty(&lookup, env::BUCKET),
        })
    }
}

/// `DATASET`: one of the embedded packs.
fn read_dataset(lookup: &impl Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    let dataset =
        non_empty(lookup, env::DATASET).unwrap_or_else(|| crate::pack::DEFAULT_DATASET.to_string());
    let known = crate::pack::names();
    if !known.contains(&dataset.as_str()) {
        return Err(ConfigError::Malformed {
            name: env::DATASET,
            reason: format!("{dataset:?} is not a pack (packs: {})", known.join(", ")),
        });
    }
    Ok(dataset)
}

fn non_empty(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn read_auth(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<(DbAuth, Option<PathBuf>), ConfigError> {
    let auth = match non_empty(lookup, env::DB_AUTH).as_deref() {
        None | Some("password") => DbAuth::Password,
        Some("iam") => DbAuth::Iam,
        Some(other) => {
            return Err(ConfigError::Malformed {
                name: env::DB_AUTH,
                reason: format!("{other:?} is not password or iam"),
            });
        }
    };
    let root_cert = non_empty(lookup, env::DB_SSL_ROOT_CERT).map(PathBuf::from);
    if let Some(path) = &root_cert
        && !path.is_file()
    {
        return Err(ConfigError::Malformed {
            name: env::DB_SSL_ROOT_CERT,
            reason: format!("{} is not a readable file", path.display()),
        });
    }
    Ok((auth, root_cert))
}

fn read_database(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    auth: DbAuth,
    root_cert: Option<PathBuf>,
) -> Result<DbSettings, ConfigError> {
    let url = non_empty(lookup, name).ok_or(ConfigError::Missing {
        name,
        hint: "postgres://user@host:port/db",
    })?;
    DbSettings::parse(name, &url, auth, root_cert)
}

fn read_prefix(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: &str,
) -> Result<String, ConfigError> {
    let value = non_empty(lookup, name).unwrap_or_else(|| default.to_string());
    if value.starts_with('/') || !value.ends_with('/') {
        return Err(ConfigError::Malformed {
            name,
            reason: format!(
                "{value:?} must be a key prefix like {default:?} (no leading /, a trailing /)"
            ),
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::{BTreeSet, HashMap};

    use super::*;

    fn lookup_from(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn loader_reads_defaults_and_url() {
        let config = LoaderConfig::from_lookup(lookup_from(&[(
            "OLTP_DATABASE_URL",
            "postgres://app@db.internal:5433/oltp",
        )]))
        .unwrap();
        assert_eq!(config.oltp.host, "db.internal");
        assert_eq!(config.oltp.port, 5433);
        assert_eq!(config.oltp.dbname, "oltp");
        assert_eq!(
            config.oltp.tls,
            TlsMode::Require,
            "no root cert: require, never prefer"
        );
        assert_eq!(config.incoming_prefix, "incoming/");
        assert_eq!(config.rejected_prefix, "rejected/");
    }

    #[test]
    fn missing_url_names_the_variable() {
        let err = LoaderConfig::from_lookup(lookup_from(&[])).unwrap_err();
        assert!(err.to_string().contains("OLTP_DATABASE_URL"), "{err}");
        let err =
            BuilderConfig::from_lookup(lookup_from(&[("OLTP_DATABASE_URL", "postgres://a@h/db")]))
                .unwrap_err();
        assert!(err.to_string().contains("OLAP_DATABASE_URL"), "{err}");
    }

    #[test]
    fn malformed_values_name_the_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("OLTP_DATABASE_URL", "mysql://a@h/db")],
                "OLTP_DATABASE_URL",
            ),
            (
                &[("OLTP_DATABASE_URL", "postgres://h/db")],
                "OLTP_DATABASE_URL",
            ),
            (
                &[("OLTP_DATABASE_URL", "postgres://a@h/")],
                "OLTP_DATABASE_URL",
            ),
            (
                &[("OLTP_DATABASE_URL", "postgres://a@h/db?sslmode=prefer")],
                "OLTP_DATABASE_URL",
            ),
            (
                &[("OLTP_DATABASE_URL", "postgres://a@h/db?sslmode=verify-full")],
                "OLTP_DATABASE_URL",
            ),
            (
                &[
                    ("OLTP_DATABASE_URL", "postgres://a:secret@h/db"),
                    ("DB_AUTH", "iam"),
                ],
                "OLTP_DATABASE_URL",
            ),
            (
                &[
                    ("OLTP_DATABASE_URL", "postgres://a@h/db"),
                    ("DB_AUTH", "kerberos"),
                ],
                "DB_AUTH",
            ),
            (
                &[
                    ("OLTP_DATABASE_URL", "postgres://a@h/db"),
                    ("DB_SSL_ROOT_CERT", "/no/such/file.pem"),
                ],
                "DB_SSL_ROOT_CERT",
            ),
            (
                &[
                    ("OLTP_DATABASE_URL", "postgres://a@h/db"),
                    ("INCOMING_PREFIX", "incoming"),
                ],
                "INCOMING_PREFIX",
            ),
            (
                &[
                    ("OLTP_DATABASE_URL", "postgres://a@h/db"),
                    ("REJECTED_PREFIX", "incoming/bad/"),
                ],
                "REJECTED_PREFIX",
            ),
        ];
        for (pairs, name) in cases {
            let err = LoaderConfig::from_lookup(lookup_from(pairs)).unwrap_err();
            assert!(err.to_string().contains(name), "{pairs:?}: {err}");
        }
        let err = BuilderConfig::from_lookup(lookup_from(&[
            ("OLTP_DATABASE_URL", "postgres://a@h/db"),
            ("OLAP_DATABASE_URL", "postgres://a@h/db2"),
            ("DQ_FAIL_HARD", "yes"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("DQ_FAIL_HARD"));
    }

    #[test]
    fn sslmode_disable_and_verify_full() {
        let plain = DbSettings::parse(
            "X",
            "postgres://a@127.0.0.1:5/db?sslmode=disable",
            DbAuth::Password,
            None,
        )
        .unwrap();
        assert_eq!(plain.tls, TlsMode::Disable);
        let cert = tempfile::NamedTempFile::new().unwrap();
        let config = LoaderConfig::from_lookup(lookup_from(&[
            ("OLTP_DATABASE_URL", "postgres://a@h/db"),
            ("DB_SSL_ROOT_CERT", cert.path().to_str().unwrap()),
            ("DB_AUTH", "iam"),
        ]))
        .unwrap();
        assert_eq!(
            config.oltp.tls,
            TlsMode::VerifyFull {
                root_cert: cert.path().to_path_buf()
            }
        );
        assert_eq!(config.oltp.auth, DbAuth::Iam);
    }

    #[test]
    fn password_is_decoded_and_redacted() {
        let s = DbSettings::parse(
            "X",
            "postgres://app:p%40ss@h/db?sslmode=disable",
            DbAuth::Password,
            None,
        )
        .unwrap();
        assert_eq!(s.password.as_deref(), Some("p@ss"));
        assert!(!s.redacted().contains("p@ss"));
    }

    /// The names each reader asks for are exactly those in config/variables.json,
    /// the list Terraform sets.
    #[test]
    fn readers_ask_for_exactly_the_documented_variables() {
        let contract: serde_json::Value = serde_json::from_str(VARIABLES_JSON).unwrap();
        let documented = |function: &str| -> BTreeSet<String> {
            contract[function]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let cert = tempfile::NamedTempFile::new().unwrap();
        let cert_path = cert.path().to_str().unwrap().to_string();
        let asked = RefCell::new(BTreeSet::new());
        let recording = |name: &str| {
            asked.borrow_mut().insert(name.to_string());
            match name {
                "DB_SSL_ROOT_CERT" => Some(cert_path.clone()),
                n if n.ends_with("_DATABASE_URL") => Some("postgres://a@h/db".to_string()),
                _ => None,
            }
        };
        LoaderConfig::from_lookup(recording).unwrap();
        assert_eq!(*asked.borrow(), documented("oltp-loader"));
        asked.borrow_mut().clear();
        BuilderConfig::from_lookup(recording).unwrap();
        assert_eq!(*asked.borrow(), documented("star-builder"));
    }
}
