//! The loader's SQL for one table: templates from `sql/engine/loader/`
//! filled with quoted identifiers and column lists from the pack's catalog.
//! Every table's statements are rendered once at cold start
//! ([`TableSql::check_all`]), so a template fault stops the container instead
//! of failing a file.

use starlift_domain::catalog::{
    Catalog, Column, LOAD_BATCH_COLUMN, LOAD_ORIGIN_COLUMN, LoadMode, Table, quote_ident,
    quote_literal,
};
use starlift_domain::sql::{TemplateError, render};

const STAGE: &str = include_str!("../../../sql/engine/loader/stage.sql");
const DEDUPE: &str = include_str!("../../../sql/engine/loader/dedupe.sql");
const HOLD_ORPHANS: &str = include_str!("../../../sql/engine/loader/hold_orphans.sql");
const MERGE: &str = include_str!("../../../sql/engine/loader/merge.sql");
const FORGET_SUPERSEDED_PENDING: &str =
    include_str!("../../../sql/engine/loader/forget_superseded_pending.sql");
const DROP_ORPHANS: &str = include_str!("../../../sql/engine/loader/drop_orphans.sql");
const CLAIM_PENDING: &str = include_str!("../../../sql/engine/loader/claim_pending.sql");
const RELEASE_RESOLVED: &str = include_str!("../../../sql/engine/loader/release_resolved.sql");
const REJECT_CHECK: &str = include_str!("../../../sql/engine/loader/reject_check.sql");
const REPLACE_APPEND: &str = include_str!("../../../sql/engine/loader/replace_append.sql");
const DROP_UNCHANGED: &str = include_str!("../../../sql/engine/loader/drop_unchanged.sql");
const LOCK_PARENTS: &str = include_str!("../../../sql/engine/loader/lock_parents.sql");
const UNCHANGED_SINCE: &str = include_str!("../../../sql/engine/loader/unchanged_since.sql");
const IS_EMPTY: &str = include_str!("../../../sql/engine/loader/is_empty.sql");

/// `drop_unchanged.sql`'s stage of the changed rows, renamed to the stage's
/// name once filled (so no two exist at a time).
const CHANGED_STAGE: &str = "stage_changed_rows";

/// The stage's own column: the CSV line a row came from (`stage.sql`).
pub const LINE_COLUMN: &str = "_starlift_line";

/// One CHECK constraint's reject statement.
#[derive(Debug, Clone)]
pub struct CheckSql {
    pub name: String,
    pub expression: String,
    pub reject: String,
}

/// The rendered statements for one table and one staging table.
#[derive(Debug, Clone)]
pub struct TableSql {
    /// The table's schema and name, unquoted.
    pub schema: String,
    pub table: String,
    /// A foreign key refers back to the table: orphan checks repeat until stable.
    pub self_referencing: bool,
    pub mode: LoadMode,
    pub stage_name: String,
    pub create_stage: String,
    /// `COPY <stage> (_starlift_line, …) FROM STDIN (FORMAT binary)`.
    pub copy_in: String,
    /// Upsert tables only: drops all but the last line of a repeated key.
    pub dedupe: Option<String>,
    pub checks: Vec<CheckSql>,
    pub hold_orphans: Option<String>,
    pub drop_orphans: Option<String>,
    /// Append tables only: removes what earlier versions of the key gave.
    pub replace_append: Option<String>,
    /// Upsert tables: removes the staged rows equal to the table's
    /// (`drop_unchanged.sql`, several statements for `simple_query`; its
    /// one row is `(unchanged, repeated)`).
    pub drop_unchanged: Option<String>,
    /// Tables with foreign keys: locks the referenced tables against other
    /// writers (`lock_parents.sql`), before a trusted merge's orphan check.
    pub lock_parents: Option<String>,
    /// Upsert tables: whether the table is as a given earlier load left it
    /// (`unchanged_since.sql`), for re-drops of the same content.
    pub unchanged_since: Option<String>,
    /// Whether the table holds no row (`is_empty.sql`).
    pub is_empty: String,
    pub merge: String,
    pub forget_superseded_pending: Option<String>,
    pub claim_pending: String,
    pub release_resolved: String,
}

fn join(items: impl IntoIterator<Item = String>, separator: &str) -> String {
    items.into_iter().collect::<Vec<_>>().join(separator)
}

fn quoted(columns: &[String]) -> Vec<String> {
    columns.iter().map(|c| quote_ident(c)).collect()
}

/// A text key for a row: the primary key values joined with `|`; for a
/// key-less table, the load the row came from and its line.
fn row_key(table: &Table, alias: &str) -> String {
    if table.primary_key.is_empty() {
        return format!(
            "{alias}.{}::text || ':' || {alias}._starlift_line::text",
            quote_ident(LOAD_ORIGIN_COLUMN)
        );
    }
    join(
        table
            .primary_key
            .iter()
            .map(|c| format!("{alias}.{}::text", quote_ident(c))),
        " || '|' || ",
    )
}

/// `lock_parents.sql` over the tables `table` references (itself included
/// when it references itself), or `None` without foreign keys.
fn lock_parents(table: &Table) -> Result<Option<String>, TemplateError> {
    let parents: std::collections::BTreeSet<&str> = table
        .foreign_keys
        .iter()
        .map(|fk| fk.references.as_str())
        .collect();
    if parents.is_empty() {
        return Ok(None);
    }
    let quoted = join(
        parents
            .iter()
            .map(|p| format!("{}.{}", quote_ident(&table.schema), quote_ident(p))),
        ", ",
    );
    Ok(Some(render(LOCK_PARENTS, &[("parents", &quoted)])?))
}

/// `drop_unchanged.sql` for an upsert table whose file carries `present`.
fn drop_unchanged(
    table: &Table,
    stage_name: &str,
    present: &[String],
) -> Result<String, TemplateError> {
    let key = &table.primary_key;
    let compared: Vec<String> = present
        .iter()
        .filter(|name| !key.contains(name))
        .map(|name| quote_ident(name))
        .collect();
    // A key-only table: a row whose key is there is unchanged.
    let (target_values, stage_values) = if compared.is_empty() {
        ("true".to_string(), "true".to_string())
    } else {
        (
            join(compared.iter().map(|c| format!("target.{c}")), ", "),
            join(compared.iter().map(|c| format!("s.{c}")), ", "),
        )
    };
    render(
        DROP_UNCHANGED,
        &[
            ("stage", stage_name),
            ("target", &table.qualified_name()),
            ("key_match", &key_match(key, key, "s", "target")),
            ("target_values", &target_values),
            ("stage_values", &stage_values),
            ("changed_stage", CHANGED_STAGE),
            ("changed_key_match", &key_match(key, key, "c", "target")),
            ("repeat_match", &key_match(key, key, "o", "c")),
            (
                "key_columns",
                &join(key.iter().map(|c| quote_ident(c)), ", "),
            ),
        ],
    )
}

/// `(columns, referenced columns)` equality between a staged row and a parent.
fn key_match(fk_columns: &[String], parent_columns: &[String], row: &str, parent: &str) -> String {
    join(
        fk_columns
            .iter()
            .zip(parent_columns)
            .map(|(c, r)| format!("{parent}.{} = {row}.{}", quote_ident(r), quote_ident(c))),
        " AND ",
    )
}

/// The orphan condition over the staged row `row`, and the reason text.
fn orphans(table: &Table, stage_name: &str) -> Option<(String, String)> {
    if table.foreign_keys.is_empty() {
        return None;
    }
    let mut conditions = Vec::new();
    let mut reasons = Vec::new();
    for fk in &table.foreign_keys {
        let parent = format!(
            "{}.{}",
            quote_ident(&table.schema),
            quote_ident(&fk.references)
        );
        let orphan = |row: &str| {
            let not_null = join(
                fk.columns
                    .iter()
                    .map(|c| format!("{row}.{} IS NOT NULL", quote_ident(c))),
                " AND ",
            );
            let mut missing = format!(
                "NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {})",
                key_match(&fk.columns, &fk.referenced_columns, row, "p")
            );
            if fk.references == table.name {
                // A parent in the same file counts, unless it is itself held back.
                missing.push_str(&format!(
                    " AND NOT EXISTS (SELECT 1 FROM {stage_name} AS p WHERE {})",
                    key_match(&fk.columns, &fk.referenced_columns, row, "p")
                ));
            }
            format!("({not_null} AND {missing})")
        };
        let described = join(
            fk.columns.iter().map(|c| {
                format!(
                    "{} || o.{}::text",
                    quote_literal(&format!("{c}=")),
                    quote_ident(c)
                )
            }),
            " || ', ' || ",
        );
        reasons.push(format!(
            "CASE WHEN {} THEN {described} || {} END",
            orphan("o"),
            quote_literal(&format!(" not in {}.{}", table.schema, fk.references))
        ));
        conditions.push(orphan("s"));
    }
    Some((
        conditions.join(" OR "),
        format!("concat_ws('; ', {})", reasons.join(", ")),
    ))
}

/// The claim filter of `claim_pending.sql`: a pending row of `table` whose
/// parents are all there, over the row as `r`. A self-referencing table's
/// rows may be each other's parents, so all are claimed (`true`) and
/// `drop_orphans.sql` sorts them out in the stage.
fn resolvable(table: &Table, stage_name: &str) -> String {
    if table.is_self_referencing() {
        return "true".to_string();
    }
    match orphans(table, stage_name) {
        None => "true".to_string(),
        Some(_) => {
            let any_orphan: Vec<String> = table
                .foreign_keys
                .iter()
                .map(|fk| {
                    let not_null = join(
                        fk.columns
                            .iter()
                            .map(|c| format!("r.{} IS NOT NULL", quote_ident(c))),
                        " AND ",
                    );
                    format!(
                        "({not_null} AND NOT EXISTS (SELECT 1 FROM {}.{} AS parent WHERE {}))",
                        quote_ident(&table.schema),
                        quote_ident(&fk.references),
                        key_match(&fk.columns, &fk.referenced_columns, "r", "parent")
                    )
                })
                .collect();
            format!("NOT ({})", any_orphan.join(" OR "))
        }
    }
}

impl TableSql {
    /// `present` are the columns the file carries: only they are compared and
    /// written on existing rows (all columns for pending-row retries).
    pub fn new(
        table: &Table,
        stage_name: &str,
        present: &[&Column],
    ) -> Result<Self, TemplateError> {
        let append = table.mode == LoadMode::Append;
        let schema_literal = quote_literal(&table.schema);
        let table_literal = quote_literal(&table.name);
        let target = table.qualified_name();
        let all_names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        // The stage: the line, the origin load of an append table, every column.
        let mut stage_columns: Vec<String> = Vec::new();
        if append {
            stage_columns.push(LOAD_ORIGIN_COLUMN.to_string());
        }
        stage_columns.extend(all_names.iter().cloned());
        let mut definitions: Vec<String> = Vec::new();
        if append {
            definitions.push(format!(
                "{} bigint NOT NULL",
                quote_ident(LOAD_ORIGIN_COLUMN)
            ));
        }
        definitions.extend(
            table
                .columns
                .iter()
                .map(|c| format!("{} {}", quote_ident(&c.name), c.ty.sql_type())),
        );
        let present_names: Vec<String> = present.iter().map(|c| c.name.clone()).collect();
        let mut insert_columns = quoted(&present_names);
        let mut select_values = quoted(&present_names);
        insert_columns.push(quote_ident(LOAD_BATCH_COLUMN));
        select_values.push("$1".to_string());
        if append {
            insert_columns.push(quote_ident(LOAD_ORIGIN_COLUMN));
            select_values.push(quote_ident(LOAD_ORIGIN_COLUMN));
        }
        let on_conflict = if append {
            String::new()
        } else {
            let primary_key = quoted(&table.primary_key).join(", ");
            let updatable: Vec<String> = present_names
                .iter()
                .filter(|name| !table.primary_key.contains(name))
                .map(|name| quote_ident(name))
                .collect();
            if updatable.is_empty() {
                format!("ON CONFLICT ({primary_key}) DO NOTHING")
            } else {
                let batch = quote_ident(LOAD_BATCH_COLUMN);
                format!(
                    "ON CONFLICT ({primary_key}) DO UPDATE SET {assignments}, {batch} = EXCLUDED.{batch}\n    WHERE ({target_values}) IS DISTINCT FROM ({excluded})",
                    assignments = join(
                        updatable.iter().map(|c| format!("{c} = EXCLUDED.{c}")),
                        ", "
                    ),
                    target_values = join(updatable.iter().map(|c| format!("target.{c}")), ", "),
                    excluded = join(updatable.iter().map(|c| format!("EXCLUDED.{c}")), ", "),
                )
            }
        };
        let drop_unchanged = if append {
            None
        } else {
            Some(drop_unchanged(table, stage_name, &present_names)?)
        };
        let (hold_orphans, drop_orphans) = match orphans(table, stage_name) {
            None => (None, None),
            Some((orphan_condition, missing_reason)) => (
                Some(render(
                    HOLD_ORPHANS,
                    &[
                        ("stage", stage_name),
                        ("orphan_condition", &orphan_condition),
                        ("schema_literal", &schema_literal),
                        ("table_literal", &table_literal),
                        ("row_key", &row_key(table, "o")),
                        ("missing_reason", &missing_reason),
                    ],
                )?),
                Some(render(
                    DROP_ORPHANS,
                    &[
                        ("stage", stage_name),
                        ("orphan_condition", &orphan_condition),
                    ],
                )?),
            ),
        };
        let checks = table
            .checks
            .iter()
            .map(|check| {
                Ok(CheckSql {
                    name: check.name.clone(),
                    expression: check.expression.clone(),
                    reject: render(
                        REJECT_CHECK,
                        &[("stage", stage_name), ("expression", &check.expression)],
                    )?,
                })
            })
            .collect::<Result<Vec<_>, TemplateError>>()?;
        let stage_row_key = row_key(table, "s");
        let with_pending = [
            ("stage", stage_name),
            ("schema_literal", schema_literal.as_str()),
            ("table_literal", table_literal.as_str()),
            ("stage_row_key", stage_row_key.as_str()),
        ];
        Ok(Self {
            schema: table.schema.clone(),
            table: table.name.clone(),
            self_referencing: table.is_self_referencing(),
            mode: table.mode,
            stage_name: stage_name.to_string(),
            create_stage: render(
                STAGE,
                &[
                    ("stage", stage_name),
                    ("column_definitions", &definitions.join(",\n    ")),
                ],
            )?,
            copy_in: format!(
                "COPY {stage_name} (_starlift_line, {}) FROM STDIN (FORMAT binary)",
                quoted(&stage_columns).join(", ")
            ),
            dedupe: if append {
                None
            } else {
                Some(render(
                    DEDUPE,
                    &[
                        ("stage", stage_name),
                        ("primary_key", &quoted(&table.primary_key).join(", ")),
                    ],
                )?)
            },
            checks,
            hold_orphans,
            drop_orphans,
            drop_unchanged,
            lock_parents: lock_parents(table)?,
            unchanged_since: if append {
                None
            } else {
                Some(render(
                    UNCHANGED_SINCE,
                    &[
                        ("target", &target),
                        ("schema_literal", &schema_literal),
                        ("table_literal", &table_literal),
                    ],
                )?)
            },
            is_empty: render(IS_EMPTY, &[("target", &target)])?,
            replace_append: if append {
                Some(render(
                    REPLACE_APPEND,
                    &[
                        ("target", &target),
                        ("schema_literal", &schema_literal),
                        ("table_literal", &table_literal),
                    ],
                )?)
            } else {
                None
            },
            merge: render(
                MERGE,
                &[
                    ("target", &target),
                    ("insert_columns", &insert_columns.join(", ")),
                    ("select_values", &select_values.join(", ")),
                    ("stage", stage_name),
                    ("on_conflict", &on_conflict),
                ],
            )?,
            forget_superseded_pending: if append {
                None
            } else {
                Some(render(FORGET_SUPERSEDED_PENDING, &with_pending)?)
            },
            claim_pending: render(
                CLAIM_PENDING,
                &[
                    ("stage", stage_name),
                    ("columns", &quoted(&stage_columns).join(", ")),
                    (
                        "r_columns",
                        &join(
                            stage_columns
                                .iter()
                                .map(|c| format!("r.{}", quote_ident(c))),
                            ", ",
                        ),
                    ),
                    ("schema_literal", &schema_literal),
                    ("table_literal", &table_literal),
                    ("resolvable", &resolvable(table, stage_name)),
                ],
            )?,
            release_resolved: render(RELEASE_RESOLVED, &with_pending)?,
        })
    }

    /// The stage of a pending-row retry of `table`: every column.
    pub fn for_pending(table: &Table) -> Result<Self, TemplateError> {
        let all: Vec<&Column> = table.columns.iter().collect();
        Self::new(table, &pending_stage_name(table), &all)
    }

    /// Every statement of this set, for [`TableSql::verify_all`].
    fn statements(&self) -> impl Iterator<Item = &str> {
        [
            &self.dedupe,
            &self.hold_orphans,
            &self.drop_orphans,
            &self.replace_append,
            &self.lock_parents,
            &self.unchanged_since,
            &self.forget_superseded_pending,
        ]
        .into_iter()
        .flatten()
        .chain([
            &self.is_empty,
            &self.merge,
            &self.claim_pending,
            &self.release_resolved,
        ])
        .chain(self.checks.iter().map(|c| &c.reject))
        .map(String::as_str)
    }

    /// Renders every table's statements (a file's stage and a pending
    /// retry's) and has the server parse and plan each against its stage
    /// table, in a transaction that is rolled back: run at cold start, so a
    /// template or SQL fault stops the container instead of waiting for a
    /// file (where it could only be retried).
    pub async fn verify_all(
        client: &mut tokio_postgres::Client,
        catalog: &Catalog,
    ) -> Result<(), VerifyError> {
        let transaction = client
            .transaction()
            .await
            .map_err(VerifyError::transaction)?;
        for table in catalog.load_order() {
            let all: Vec<&Column> = table.columns.iter().collect();
            for sql in [
                Self::new(table, "stage_rows", &all)?,
                Self::for_pending(table)?,
            ] {
                transaction
                    .batch_execute(&sql.create_stage)
                    .await
                    .map_err(|e| VerifyError::statement(table, &sql.create_stage, e))?;
                for statement in sql.statements() {
                    transaction
                        .prepare(statement)
                        .await
                        .map_err(|e| VerifyError::statement(table, statement, e))?;
                }
                // Several statements, run as one simple query: run on the
                // empty stage (it renames a copy of it to its own name).
                if let Some(drop_unchanged) = &sql.drop_unchanged {
                    transaction
                        .simple_query(drop_unchanged)
                        .await
                        .map_err(|e| VerifyError::statement(table, drop_unchanged, e))?;
                }
                transaction
                    .batch_execute(&format!("DROP TABLE {}", sql.stage_name))
                    .await
                    .map_err(VerifyError::transaction)?;
            }
        }
        transaction
            .rollback()
            .await
            .map_err(VerifyError::transaction)
    }
}

/// A loader statement the server refuses for a pack's table: a fault of the
/// engine or the pack, found at cold start.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("loader SQL does not render: {0}")]
    Template(#[from] TemplateError),
    #[error("loader SQL for table {table} is refused by the server: {reason}\n{statement}")]
    Statement {
        table: String,
        statement: String,
        reason: String,
    },
    #[error("verifying the loader SQL: {0}")]
    Transaction(String),
}

impl VerifyError {
    fn statement(table: &Table, statement: &str, error: tokio_postgres::Error) -> Self {
        Self::Statement {
            table: table.qualified_name(),
            statement: statement.to_string(),
            reason: starlift_domain::db::describe(&error),
        }
    }

    fn transaction(error: tokio_postgres::Error) -> Self {
        Self::Transaction(starlift_domain::db::describe(&error))
    }
}

/// A temporary table name for one table's pending retry (its position in the
/// load order would do, but the name helps whoever reads the server log).
fn pending_stage_name(table: &Table) -> String {
    let safe: String = table
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    quote_ident(&format!("pending_{safe}"))
}

#[cfg(test)]
mod tests {
    use starlift_domain::catalog::{CheckConstraint, ColumnType, ForeignKey};

    use super::*;

    fn column(name: &str) -> Column {
        Column {
            name: name.into(),
            ty: ColumnType::Integer,
            nullable: false,
            has_default: false,
        }
    }

    fn table(name: &str, columns: &[&str], primary_key: &[&str]) -> Table {
        Table {
            schema: "shop".into(),
            name: name.into(),
            columns: columns.iter().map(|c| column(c)).collect(),
            primary_key: primary_key.iter().map(|c| c.to_string()).collect(),
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

    fn render_all(t: &Table) -> TableSql {
        let all: Vec<&Column> = t.columns.iter().collect();
        TableSql::new(t, "stage_rows", &all).unwrap()
    }

    #[test]
    fn identifiers_are_quoted_and_schema_qualified() {
        let t = table("Order", &["id", "select"], &["id"]);
        let sql = render_all(&t);
        assert!(
            sql.merge.contains("INSERT INTO \"shop\".\"Order\""),
            "{}",
            sql.merge
        );
        assert!(
            sql.merge.contains("\"select\" = EXCLUDED.\"select\""),
            "{}",
            sql.merge
        );
        assert!(
            sql.copy_in.contains("(_starlift_line, \"id\", \"select\")"),
            "{}",
            sql.copy_in
        );
        assert!(sql.claim_pending.contains("p.schema_name = 'shop'"));
    }

    #[test]
    fn key_only_tables_do_nothing_on_conflict() {
        let t = table("pair", &["a", "b"], &["a", "b"]);
        assert!(render_all(&t).merge.contains("DO NOTHING"));
    }

    #[test]
    fn append_tables_insert_with_their_origin_and_replace_by_key() {
        let t = table("geo", &["zip", "lat"], &[]);
        let sql = render_all(&t);
        assert!(!sql.merge.contains("ON CONFLICT"), "{}", sql.merge);
        assert!(sql.merge.contains("\"load_origin_id\""), "{}", sql.merge);
        assert!(sql.replace_append.is_some());
        assert!(sql.dedupe.is_none() && sql.forget_superseded_pending.is_none());
        assert!(
            sql.release_resolved
                .contains("s.\"load_origin_id\"::text || ':' || s._starlift_line::text")
        );
    }

    #[test]
    fn self_reference_looks_in_the_stage_and_composite_keys_match_pairwise() {
        let mut t = table("employee", &["employee_id", "reports_to"], &["employee_id"]);
        t.foreign_keys.push(ForeignKey {
            name: "employee_reports_to_fkey".into(),
            columns: vec!["reports_to".into()],
            references: "employee".into(),
            referenced_columns: vec!["employee_id".into()],
        });
        let hold = render_all(&t).hold_orphans.unwrap();
        assert!(
            hold.contains("FROM stage_rows AS p WHERE p.\"employee_id\" = s.\"reports_to\""),
            "{hold}"
        );
        let mut line = table("line", &["order_id", "product_id", "n"], &["order_id", "n"]);
        line.foreign_keys.push(ForeignKey {
            name: "line_fkey".into(),
            columns: vec!["order_id".into(), "product_id".into()],
            references: "offer".into(),
            referenced_columns: vec!["o_id".into(), "p_id".into()],
        });
        let hold = render_all(&line).hold_orphans.unwrap();
        assert!(
            hold.contains("p.\"o_id\" = s.\"order_id\" AND p.\"p_id\" = s.\"product_id\""),
            "{hold}"
        );
    }

    #[test]
    fn checks_render_one_reject_statement_each() {
        let mut t = table("track", &["ms"], &["ms"]);
        t.checks.push(CheckConstraint {
            name: "track_ms_check".into(),
            expression: "(ms >= 0)".into(),
        });
        let sql = render_all(&t);
        assert_eq!(sql.checks.len(), 1);
        assert!(
            sql.checks[0].reject.contains("WHERE ((ms >= 0)) IS FALSE"),
            "{}",
            sql.checks[0].reject
        );
    }
}
