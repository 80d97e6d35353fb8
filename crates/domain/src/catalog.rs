//! A pack's OLTP table catalog: columns, types, nullability, keys, foreign
//! keys, CHECK constraints and load order. It has one source, the pack's DDL
//! (`sql/<pack>/oltp/*.sql`): the loader migrates it and [`read`] reads the
//! result back from PostgreSQL's own catalog at cold start, so what the
//! loader validates is exactly what the database enforces.
//!
//! A catalog lives as long as the process; [`Catalog::leak`] gives the
//! `&'static` references the streaming parser threads hold.

mod read;
mod types;

use std::collections::BTreeSet;

pub use read::{CatalogError, TableSettings, read};
pub use types::{ColumnType, UnsupportedType};

/// The column every pack table carries: the load that last inserted or
/// changed the row (star-builder copies by it).
pub const LOAD_BATCH_COLUMN: &str = "load_batch_id";
/// The column an `append` table also carries: the load (object version) the
/// row came from, so a later version of the same key replaces exactly it.
pub const LOAD_ORIGIN_COLUMN: &str = "load_origin_id";

/// One data column of a table (the engine's columns are not listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The SQL name, as the DDL spells it.
    pub name: String,
    pub ty: ColumnType,
    /// `NOT NULL` is absent.
    pub nullable: bool,
    /// The column has a DEFAULT (or is an identity): a file may leave it out.
    pub has_default: bool,
}

impl Column {
    /// A file must carry this column: NOT NULL and nothing fills it otherwise.
    pub fn required(&self) -> bool {
        !self.nullable && !self.has_default
    }
}

/// `columns` of this table refer to `referenced_columns` of `references`
/// (same schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub references: String,
    pub referenced_columns: Vec<String>,
}

/// A CHECK constraint, as PostgreSQL deparses it. The loader evaluates it
/// set-based over the staged rows, so a violating row is rejected with the
/// constraint's name instead of failing the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckConstraint {
    pub name: String,
    /// The boolean expression, over the table's column names.
    pub expression: String,
}

/// How a file's rows reach the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LoadMode {
    /// Insert new keys, update changed rows, leave identical rows alone
    /// (needs a primary key; the default when there is one).
    Upsert,
    /// Key-less tables: an object version's rows are inserted once; a later
    /// version of the same S3 key replaces exactly the rows the key gave.
    Append,
}

/// One table of a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The pack's OLTP schema.
    pub schema: String,
    /// The SQL name.
    pub name: String,
    pub columns: Vec<Column>,
    /// Column names of the primary key; empty for a key-less table.
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<CheckConstraint>,
    pub mode: LoadMode,
    /// Other names a file may use for this table (dataset.toml `aliases`).
    pub aliases: Vec<String>,
}

impl Table {
    /// The column with this SQL name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Position of a column in [`Table::columns`].
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Tables this one refers to, other than itself.
    pub fn parents(&self) -> BTreeSet<&str> {
        self.foreign_keys
            .iter()
            .map(|fk| fk.references.as_str())
            .filter(|r| *r != self.name)
            .collect()
    }

    /// Whether a foreign key refers back to this table (a manager column).
    pub fn is_self_referencing(&self) -> bool {
        self.foreign_keys
            .iter()
            .any(|fk| fk.references == self.name)
    }

    /// `"schema"."table"`, quoted.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }

    /// Whether `name` (a file stem or folder) names this table: the SQL name
    /// or an alias, case-insensitively, ignoring `_`, `-` and spaces.
    pub fn answers_to(&self, name: &str) -> bool {
        let wanted = normalize_name(name);
        !wanted.is_empty()
            && (normalize_name(&self.name) == wanted
                || self.aliases.iter().any(|a| normalize_name(a) == wanted))
    }
}

/// The tables of one pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// The OLTP schema the tables live in.
    pub schema: String,
    /// In foreign-key order: parents before children (self references
    /// aside); ties by name, so the order is deterministic.
    pub tables: Vec<Table>,
}

impl Catalog {
    /// Orders `tables` parents first. A cycle across tables is refused:
    /// rows in it could never all resolve.
    pub fn new(schema: String, mut tables: Vec<Table>) -> Result<Self, CatalogError> {
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        let mut ordered: Vec<Table> = Vec::with_capacity(tables.len());
        while !tables.is_empty() {
            let placed: BTreeSet<&str> = ordered.iter().map(|t| t.name.as_str()).collect();
            let next = tables
                .iter()
                .position(|t| t.parents().iter().all(|p| placed.contains(p)));
            match next {
                Some(index) => ordered.push(tables.remove(index)),
                None => {
                    return Err(CatalogError::ForeignKeyCycle {
                        schema,
                        tables: tables.iter().map(|t| t.name.clone()).collect(),
                    });
                }
            }
        }
        Ok(Self {
            schema,
            tables: ordered,
        })
    }

    /// Keeps the catalog for the rest of the process (one per container).
    pub fn leak(self) -> &'static Catalog {
        Box::leak(Box::new(self))
    }

    /// The table a file stem, folder or alias names.
    pub fn find(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.answers_to(name))
    }

    /// The table with this exact SQL name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The tables in foreign-key order (the order of [`Catalog::tables`]).
    pub fn load_order(&self) -> impl Iterator<Item = &Table> {
        self.tables.iter()
    }

    /// Every table `table` refers to, directly or through its parents
    /// (itself aside).
    pub fn ancestors<'a>(&'a self, table: &'a Table) -> BTreeSet<&'a str> {
        let mut found: BTreeSet<&str> = BTreeSet::new();
        let mut next: Vec<&str> = table.parents().into_iter().collect();
        while let Some(name) = next.pop() {
            if name != table.name
                && found.insert(name)
                && let Some(parent) = self.table(name)
            {
                next.extend(parent.parents());
            }
        }
        found
    }

    /// Table names, for messages.
    pub fn names(&self) -> String {
        self.tables
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Lower case, `_`, `-` and spaces dropped: how table and column names match.
pub fn normalize_name(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Quotes an SQL identifier (`"` doubled), as PostgreSQL's `quote_ident`
/// would for any name: pack identifiers never reach SQL unquoted.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes an SQL string literal (`'` doubled).
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Small hand-built tables for unit tests that need no database.
    use super::*;

    pub fn column(name: &str, ty: ColumnType, nullable: bool) -> Column {
        Column {
            name: name.to_string(),
            ty,
            nullable,
            has_default: false,
        }
    }

    pub fn table(name: &str, columns: Vec<Column>, primary_key: &[&str]) -> Table {
        Table {
            schema: "test".to_string(),
            name: name.to_string(),
            columns,
            primary_key: primary_key.iter().map(|s| s.to_string()).collect(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            mode: if primary_key.is_empty() {
                LoadMode::Append
            } else {
                LoadMode::Upsert
            },
            aliases: Vec::new(),
        }
    }

    pub fn references(
        mut child: Table,
        columns: &[&str],
        parent: &str,
        parent_columns: &[&str],
    ) -> Table {
        child.foreign_keys.push(ForeignKey {
            name: format!("{}_{}_fkey", child.name, columns.join("_")),
            columns: columns.iter().map(|s| s.to_string()).collect(),
            references: parent.to_string(),
            referenced_columns: parent_columns.iter().map(|s| s.to_string()).collect(),
        });
        child
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn sample() -> Catalog {
        let parent = table(
            "invoice",
            vec![column("invoice_id", ColumnType::Integer, false)],
            &["invoice_id"],
        );
        let employee = references(
            table(
                "employee",
                vec![
                    column("employee_id", ColumnType::Integer, false),
                    column("reports_to", ColumnType::Integer, true),
                ],
                &["employee_id"],
            ),
            &["reports_to"],
            "employee",
            &["employee_id"],
        );
        let line = references(
            table(
                "invoice_line",
                vec![
                    column("invoice_line_id", ColumnType::Integer, false),
                    column("invoice_id", ColumnType::Integer, false),
                ],
                &["invoice_line_id"],
            ),
            &["invoice_id"],
            "invoice",
            &["invoice_id"],
        );
        Catalog::new("test".into(), vec![line, employee, parent]).unwrap()
    }

    #[test]
    fn load_order_puts_parents_first_and_ignores_self_references() {
        let catalog = sample();
        let order: Vec<&str> = catalog.load_order().map(|t| t.name.as_str()).collect();
        assert_eq!(order, vec!["employee", "invoice", "invoice_line"]);
        assert!(catalog.table("employee").unwrap().is_self_referencing());
    }

    #[test]
    fn ancestors_follow_parents_and_leave_out_the_table_itself() {
        let catalog = sample();
        let of = |name: &str| {
            catalog
                .ancestors(catalog.table(name).unwrap())
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(of("invoice_line"), vec!["invoice"]);
        assert!(of("employee").is_empty());
        assert!(of("invoice").is_empty());
    }

    #[test]
    fn a_cycle_across_tables_is_refused() {
        let a = references(
            table(
                "a",
                vec![
                    column("id", ColumnType::Integer, false),
                    column("b_id", ColumnType::Integer, true),
                ],
                &["id"],
            ),
            &["b_id"],
            "b",
            &["id"],
        );
        let b = references(
            table(
                "b",
                vec![
                    column("id", ColumnType::Integer, false),
                    column("a_id", ColumnType::Integer, true),
                ],
                &["id"],
            ),
            &["a_id"],
            "a",
            &["id"],
        );
        let error = Catalog::new("test".into(), vec![a, b]).unwrap_err();
        assert!(error.to_string().contains("cycle"), "{error}");
    }

    #[test]
    fn table_names_match_loosely_and_by_alias() {
        let mut catalog = sample();
        catalog.tables[2].aliases.push("olist_lines_dataset".into());
        assert_eq!(catalog.find("InvoiceLine").unwrap().name, "invoice_line");
        assert_eq!(catalog.find("INVOICE-LINE").unwrap().name, "invoice_line");
        assert_eq!(
            catalog.find("olist_lines_dataset").unwrap().name,
            "invoice_line"
        );
        assert!(catalog.find("invoices").is_none());
        assert!(catalog.find("").is_none());
    }

    #[test]
    fn identifiers_and_literals_are_quoted() {
        assert_eq!(quote_ident("order"), "\"order\"");
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
        let t = table("Order Lines", vec![], &[]);
        assert_eq!(t.qualified_name(), "\"test\".\"Order Lines\"");
    }
}
