//! A pack's warehouse, as `docs/warehouse.md` specifies it: the models with
//! their `-- reads:`/`-- writes:` headers and run order, the `[scd2.*]`,
//! `[facts.*]` and `[[tests]]` declarations of `dataset.toml`, their checks
//! against the OLTP catalog, the logical names a model's SQL uses, and the
//! generic data-quality tests as SQL. The star-builder engine runs them.

mod check;
mod decl;
mod dq;
mod model;
mod scan;

pub use check::{check, check_declarations, check_manifest, written_schemas};
pub use decl::{AcceptedValues, Fact, Relationship, Scd2, TestDecl, TestKind};
pub use dq::failing_rows_sql;
pub use model::{Model, Name, order, parse_model};
pub use scan::{ENGINE_NAMESPACES, mentioned, render};

/// One SQL file of a pack (a model, a singular test).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqlFile {
    /// The file name, `dim_customer.sql`.
    pub name: &'static str,
    pub sql: &'static str,
}

impl SqlFile {
    /// The file name without `.sql`: a singular test's check name.
    pub fn stem(&self) -> &'static str {
        self.name.strip_suffix(".sql").unwrap_or(self.name)
    }
}

/// Why a pack's warehouse cannot be built. Each names the file (a path under
/// the pack folder until [`WarehouseError::in_pack`] makes it `sql/<pack>/…`)
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarehouseError {
    /// A model's header cannot be read.
    #[error("{path}: {reason}")]
    Header { path: String, reason: String },
    #[error("{path}: the header declares no `-- writes:`; every model writes a table")]
    NoWrites { path: String },
    #[error("{path}: reads {table}, which no model writes")]
    Unwritten { path: String, table: String },
    #[error("{path}: the models wait on each other, so none can run first: {cycle}")]
    Cycle { path: String, cycle: String },
    /// A declaration disagrees with the OLTP catalog or the other declarations.
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
    /// A model's header disagrees with its SQL.
    #[error("{path}: {reason}")]
    Declaration { path: String, reason: String },
}

impl WarehouseError {
    /// The same error with its path under `sql/<folder>/`.
    pub fn in_pack(self, folder: &str) -> Self {
        let prefix = |path: String| format!("sql/{folder}/{path}");
        match self {
            Self::Header { path, reason } => Self::Header {
                path: prefix(path),
                reason,
            },
            Self::NoWrites { path } => Self::NoWrites { path: prefix(path) },
            Self::Unwritten { path, table } => Self::Unwritten {
                path: prefix(path),
                table,
            },
            Self::Cycle { path, cycle } => Self::Cycle {
                path: prefix(path),
                cycle,
            },
            Self::Invalid { path, reason } => Self::Invalid {
                path: prefix(path),
                reason,
            },
            Self::Declaration { path, reason } => Self::Declaration {
                path: prefix(path),
                reason,
            },
        }
    }
}

/// `models/<file>`: where a model's errors point, relative to its pack.
fn model_path(file: &SqlFile) -> String {
    format!("models/{}", file.name)
}

/// `"schema"."table"` for a `schema.table` declaration (one quoted name
/// when it has no schema).
pub fn quote_table(name: &str) -> String {
    use crate::catalog::quote_ident;
    match name.split_once('.') {
        Some((schema, table)) => format!("{}.{}", quote_ident(schema), quote_ident(table)),
        None => quote_ident(name),
    }
}

/// Whether `text` is a plain lowercase SQL identifier, as logical names and
/// declared tables must be written (they are matched textually).
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `schema.table`, both plain identifiers.
fn is_qualified(text: &str) -> bool {
    text.split_once('.')
        .is_some_and(|(schema, table)| is_identifier(schema) && is_identifier(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_quoting() {
        let file = SqlFile {
            name: "dim_customer.sql",
            sql: "",
        };
        assert_eq!(file.stem(), "dim_customer");
        assert_eq!(quote_table("dw.fact_sales"), "\"dw\".\"fact_sales\"");
        assert_eq!(quote_table("t"), "\"t\"");
        assert!(is_qualified("dw.dim_date"));
        assert!(!is_qualified("dw.Dim"));
        assert!(!is_qualified("dw"));
        assert!(!is_qualified("a.b.c"));
    }

    #[test]
    fn errors_move_under_the_pack_folder() {
        let error = WarehouseError::NoWrites {
            path: "models/x.sql".into(),
        }
        .in_pack("chinook");
        assert!(
            error.to_string().starts_with("sql/chinook/models/x.sql:"),
            "{error}"
        );
    }
}
