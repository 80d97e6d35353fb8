//! One PostgreSQL server with the OLTP and OLAP databases plus one S3 server
//! with one bucket: everything the two functions need.

use tokio_postgres::Client;

use crate::error::Result;
use crate::postgres::{Postgres, connect};
use crate::s3::{REGION, S3Server};

/// The bucket a [`Sandbox`] creates.
pub const BUCKET: &str = "starlift-sandbox";

/// A PostgreSQL server with two databases (`oltp`, `olap`) and an S3 server
/// with the bucket [`BUCKET`]. Dropping it stops and removes both.
#[derive(Debug)]
pub struct Sandbox {
    oltp_url: String,
    olap_url: String,
    bucket: String,
    postgres: Postgres,
    s3: S3Server,
}

impl Sandbox {
    /// Starts PostgreSQL (see [`Postgres::start`]) with two databases and the
    /// S3 server with one bucket.
    pub async fn start() -> Result<Self> {
        Self::start_with(false).await
    }

    /// Like [`Sandbox::start`], but the OLTP and OLAP URLs name one database.
    pub async fn start_single_database() -> Result<Self> {
        Self::start_with(true).await
    }

    async fn start_with(single_database: bool) -> Result<Self> {
        let (postgres, s3) = tokio::join!(Postgres::start(), S3Server::start());
        let (postgres, s3) = (postgres?, s3?);
        s3.create_bucket(BUCKET).await?;
        let (oltp_url, olap_url) = if single_database {
            let url = postgres.create_database("starlift").await?;
            (url.clone(), url)
        } else {
            let (oltp, olap) = tokio::join!(
                postgres.create_database("oltp"),
                postgres.create_database("olap")
            );
            (oltp?, olap?)
        };
        Ok(Self {
            oltp_url,
            olap_url,
            bucket: BUCKET.to_string(),
            postgres,
            s3,
        })
    }

    /// `OLTP_DATABASE_URL`.
    pub fn oltp_url(&self) -> &str {
        &self.oltp_url
    }

    /// `OLAP_DATABASE_URL` (the same as [`Sandbox::oltp_url`] for
    /// [`Sandbox::start_single_database`]).
    pub fn olap_url(&self) -> &str {
        &self.olap_url
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The PostgreSQL server.
    pub fn postgres(&self) -> &Postgres {
        &self.postgres
    }

    /// The S3 server.
    pub fn s3(&self) -> &S3Server {
        &self.s3
    }

    /// A client for the S3 server (see [`S3Server::client`]).
    pub fn s3_client(&self) -> aws_sdk_s3::Client {
        self.s3.client()
    }

    /// A connection to the OLTP database.
    pub async fn connect_oltp(&self) -> Result<Client> {
        connect(&self.oltp_url).await
    }

    /// A connection to the OLAP database.
    pub async fn connect_olap(&self) -> Result<Client> {
        connect(&self.olap_url).await
    }

    /// The environment that points the functions at this sandbox.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("OLTP_DATABASE_URL", self.oltp_url.as_str()),
            ("OLAP_DATABASE_URL", self.olap_url.as_str()),
            ("DB_AUTH", "password"),
            ("INCOMING_PREFIX", "incoming/"),
            ("REJECTED_PREFIX", "rejected/"),
            ("AWS_ENDPOINT_URL_S3", self.s3.endpoint_url()),
            ("S3_FORCE_PATH_STYLE", "true"),
            ("AWS_ACCESS_KEY_ID", self.s3.access_key_id()),
            ("AWS_SECRET_ACCESS_KEY", self.s3.secret_access_key()),
            ("AWS_REGION", REGION),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }
}
