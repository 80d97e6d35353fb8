//! starlift's shared core: packs and their table catalogs, warehouse
//! declarations, CSV validation, S3 key routing, configuration, database
//! connections and the migrations runner.

pub mod catalog;
pub mod config;
pub mod db;
pub mod dialect;
pub mod metrics;
pub mod migrate;
pub mod pack;
pub mod records;
pub mod routing;
pub mod s3;
pub mod sql;
pub mod validate;
pub mod warehouse;
