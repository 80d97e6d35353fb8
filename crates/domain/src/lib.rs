//! starlift's shared core: the Chinook table catalog, CSV validation, S3 key
//! routing, configuration, database connections and the migrations runner.

pub mod catalog;
pub mod config;
pub mod db;
pub mod migrate;
pub mod routing;
pub mod sql;
pub mod validate;
