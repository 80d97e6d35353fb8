//! Reads a pack's catalog back from a migrated database.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use tokio_postgres::GenericClient;

use super::{
    Catalog, CheckConstraint, Column, ColumnType, ForeignKey, LOAD_BATCH_COLUMN,
    LOAD_ORIGIN_COLUMN, LoadMode, Table, UnsupportedType,
};
use crate::sql::{named_statements, statement};

/// The prefix of the engine's own columns in staging tables.
pub const ENGINE_PREFIX: &str = "_starlift_";

static CATALOG_SQL: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../../sql/engine/catalog.sql")));

/// What a pack declares about a table beyond its DDL (dataset.toml).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSettings {
    /// `upsert` or `append`; by default `upsert` with a primary key and
    /// `append` without.
    pub mode: Option<LoadMode>,
    /// Other file stems or folder names for this table.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Why a pack's catalog cannot be used. Every one of these is a fault of the
/// pack (or the engine), found at cold start, never while loading a file.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("reading the catalog of schema {schema}: {source}")]
    Database {
        schema: String,
        source: tokio_postgres::Error,
    },
    #[error("schema {0} has no tables: was the pack's DDL migrated?")]
    Empty(String),
    #[error(transparent)]
    UnsupportedType(#[from] UnsupportedType),
    #[error(
        "table {schema}.{table} has no {column} bigint NOT NULL column, which the engine needs ({why})"
    )]
    MissingEngineColumn {
        schema: String,
        table: String,
        column: &'static str,
        why: &'static str,
    },
    #[error("column {table}.{column}: names starting with _starlift_ are the engine's")]
    ReservedColumn { table: String, column: String },
    #[error("table {schema}.{table} is declared mode = \"upsert\" but has no primary key")]
    UpsertWithoutKey { schema: String, table: String },
    #[error(
        "foreign key {constraint} of {schema}.{table} refers to {referenced}, outside the pack's schema"
    )]
    ForeignSchema {
        schema: String,
        table: String,
        constraint: String,
        referenced: String,
    },
    #[error(
        "foreign keys form a cycle across tables {tables:?} in schema {schema}: rows in it could never all load"
    )]
    ForeignKeyCycle { schema: String, tables: Vec<String> },
    #[error(
        "dataset.toml names table {table}, which schema {schema} does not have (tables: {known})"
    )]
    UnknownTable {
        schema: String,
        table: String,
        known: String,
    },
    #[error("{0}")]
    Statement(#[from] crate::sql::TemplateError),
}

/// Reads the tables of `schema` as the database has them, with the pack's
/// per-table `settings`.
pub async fn read(
    client: &impl GenericClient,
    schema: &str,
    settings: &BTreeMap<String, TableSettings>,
) -> Result<Catalog, CatalogError> {
    let db = |source| CatalogError::Database {
        schema: schema.to_string(),
        source,
    };
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut engine_columns: BTreeMap<String, Vec<(String, String, bool)>> = BTreeMap::new();
    for row in client
        .query(statement(&CATALOG_SQL, "columns")?, &[&schema])
        .await
        .map_err(db)?
    {
        let table_name: String = row.get("table_name");
        let name: String = row.get("column_name");
        let sql_type: String = row.get("sql_type");
        let not_null: bool = row.get("not_null");
        let table = tables.entry(table_name.clone()).or_insert_with(|| Table {
            schema: schema.to_string(),
            name: table_name.clone(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            mode: LoadMode::Upsert,
            aliases: Vec::new(),
        });
        if name == LOAD_BATCH_COLUMN || name == LOAD_ORIGIN_COLUMN {
            engine_columns
                .entry(table_name)
                .or_default()
                .push((name, sql_type, not_null));
            continue;
        }
        if name.starts_with(ENGINE_PREFIX) {
            return Err(CatalogError::ReservedColumn {
                table: format!("{schema}.{table_name}"),
                column: name,
            });
        }
        let ty = ColumnType::from_format_type(&sql_type).ok_or_else(|| UnsupportedType {
            table: format!("{schema}.{table_name}"),
            column: name.clone(),
            sql_type: sql_type.clone(),
        })?;
        table.columns.push(Column {
            name,
            ty,
            nullable: !not_null,
            has_default: row.get("has_default"),
        });
    }
    if tables.is_empty() {
        return Err(CatalogError::Empty(schema.to_string()));
    }
    for row in client
        .query(statement(&CATALOG_SQL, "constraints")?, &[&schema])
        .await
        .map_err(db)?
    {
        let table_name: String = row.get("table_name");
        let Some(table) = tables.get_mut(&table_name) else {
            continue;
        };
        let name: String = row.get("constraint_name");
        let columns: Vec<String> = row.get("columns");
        match row.get::<_, String>("kind").as_str() {
            "p" => table.primary_key = columns,
            "f" => {
                let referenced_schema: Option<String> = row.get("referenced_schema");
                let references: String = row
                    .get::<_, Option<String>>("referenced_table")
                    .unwrap_or_default();
                if referenced_schema.as_deref() != Some(schema) {
                    return Err(CatalogError::ForeignSchema {
                        schema: schema.to_string(),
                        table: table_name,
                        constraint: name,
                        referenced: format!(
                            "{}.{references}",
                            referenced_schema.unwrap_or_default()
                        ),
                    });
                }
                table.foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    references,
                    referenced_columns: row.get("referenced_columns"),
                });
            }
            _ => {
                if let Some(expression) = row.get::<_, Option<String>>("expression") {
                    table.checks.push(CheckConstraint { name, expression });
                }
            }
        }
    }
    for name in settings.keys() {
        if !tables.contains_key(name) {
            return Err(CatalogError::UnknownTable {
                schema: schema.to_string(),
                table: name.clone(),
                known: tables.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        }
    }
    for table in tables.values_mut() {
        let declared = settings.get(&table.name);
        table.aliases = declared.map(|s| s.aliases.clone()).unwrap_or_default();
        table.mode = match declared.and_then(|s| s.mode) {
            Some(LoadMode::Upsert) if table.primary_key.is_empty() => {
                return Err(CatalogError::UpsertWithoutKey {
                    schema: schema.to_string(),
                    table: table.name.clone(),
                });
            }
            Some(mode) => mode,
            None if table.primary_key.is_empty() => LoadMode::Append,
            None => LoadMode::Upsert,
        };
        check_engine_columns(table, engine_columns.get(&table.name))?;
    }
    Catalog::new(schema.to_string(), tables.into_values().collect())
}

/// Every table needs `load_batch_id bigint NOT NULL`; an append table also
/// `load_origin_id bigint NOT NULL`.
fn check_engine_columns(
    table: &Table,
    found: Option<&Vec<(String, String, bool)>>,
) -> Result<(), CatalogError> {
    let mut needed = vec![(
        LOAD_BATCH_COLUMN,
        "the load that last changed the row, which star-builder copies by",
    )];
    if table.mode == LoadMode::Append {
        needed.push((
            LOAD_ORIGIN_COLUMN,
            "an append table's rows are replaced by the object they came from",
        ));
    }
    for (column, why) in needed {
        let ok = found.is_some_and(|columns| {
            columns
                .iter()
                .any(|(name, ty, not_null)| name == column && ty == "bigint" && *not_null)
        });
        if !ok {
            return Err(CatalogError::MissingEngineColumn {
                schema: table.schema.clone(),
                table: table.name.clone(),
                column,
                why,
            });
        }
    }
    Ok(())
}
