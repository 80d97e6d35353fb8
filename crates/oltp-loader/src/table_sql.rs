//! The loader's SQL for one table: templates from `sql/engine/loader/` filled with
//! column lists from the catalog.

use starlift_domain::catalog::{Column, Table};
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

/// The rendered statements for one table and one staging table.
#[derive(Debug, Clone)]
pub struct TableSql {
    /// A foreign key refers back to the table: orphan checks repeat until stable.
    pub self_referencing: bool,
    pub stage_name: String,
    pub create_stage: String,
    pub dedupe: String,
    pub hold_orphans: Option<String>,
    pub drop_orphans: Option<String>,
    pub merge: String,
    pub forget_superseded_pending: String,
    pub claim_pending: String,
    pub release_resolved: String,
}

fn join(items: impl IntoIterator<Item = String>, separator: &str) -> String {
    items.into_iter().collect::<Vec<_>>().join(separator)
}

/// A text key for a row: the primary key values joined with `|`.
fn row_key(table: &Table, alias: &str) -> String {
    join(
        table
            .primary_key
            .iter()
            .map(|c| format!("{alias}.{c}::text")),
        " || '|' || ",
    )
}

impl TableSql {
    /// `present` are the columns the file carries: only they are compared and
    /// updated on existing rows (all columns for pending-row retries).
    pub fn new(
        table: &'static Table,
        stage_name: &str,
        present: &[&'static Column],
    ) -> Result<Self, TemplateError> {
        let all_columns = join(table.columns.iter().map(|c| c.sql_name.to_string()), ", ");
        let column_definitions = join(
            table
                .columns
                .iter()
                .map(|c| format!("{} {}", c.sql_name, c.ty.sql_type())),
            ",\n    ",
        );
        let primary_key = table.primary_key.join(", ");
        let updatable: Vec<&str> = present
            .iter()
            .map(|c| c.sql_name)
            .filter(|name| !table.primary_key.contains(name))
            .collect();
        let on_conflict = if updatable.is_empty() {
            format!("ON CONFLICT ({primary_key}) DO NOTHING")
        } else {
            format!(
                "ON CONFLICT ({primary_key}) DO UPDATE SET {assignments}, load_batch_id = EXCLUDED.load_batch_id\n    WHERE ({target}) IS DISTINCT FROM ({excluded})",
                assignments = join(
                    updatable.iter().map(|c| format!("{c} = EXCLUDED.{c}")),
                    ", "
                ),
                target = join(updatable.iter().map(|c| format!("target.{c}")), ", "),
                excluded = join(updatable.iter().map(|c| format!("EXCLUDED.{c}")), ", "),
            )
        };
        let (hold_orphans, drop_orphans) = if table.foreign_keys.is_empty() {
            (None, None)
        } else {
            let mut conditions = Vec::new();
            let mut reasons = Vec::new();
            for fk in table.foreign_keys {
                // `row` is the alias of the staged row being checked.
                let orphan = |row: &str| {
                    let not_null = join(
                        fk.columns.iter().map(|c| format!("{row}.{c} IS NOT NULL")),
                        " AND ",
                    );
                    let matches_in = |parent: &str| {
                        join(
                            fk.columns
                                .iter()
                                .zip(fk.referenced_columns)
                                .map(|(c, r)| format!("{parent}.{r} = {row}.{c}")),
                            " AND ",
                        )
                    };
                    let mut missing = format!(
                        "NOT EXISTS (SELECT 1 FROM chinook.{} AS p WHERE {})",
                        fk.references,
                        matches_in("p")
                    );
                    if fk.references == table.name {
                        // A parent in the same file counts, unless it is itself held back.
                        missing.push_str(&format!(
                            " AND NOT EXISTS (SELECT 1 FROM {stage_name} AS p WHERE {})",
                            matches_in("p")
                        ));
                    }
                    format!("({not_null} AND {missing})")
                };
                let described = join(
                    fk.columns.iter().map(|c| format!("'{c}=' || o.{c}")),
                    " || ', ' || ",
                );
                reasons.push(format!(
                    "CASE WHEN {} THEN {described} || ' not in chinook.{}' END",
                    orphan("o"),
                    fk.references
                ));
                conditions.push(orphan("s"));
            }
            let missing_reason = format!("concat_ws('; ', {})", reasons.join(", "));
            let orphan_condition = conditions.join(" OR ");
            let drop = render(
                DROP_ORPHANS,
                &[
                    ("stage", stage_name),
                    ("orphan_condition", &orphan_condition),
                ],
            )?;
            let hold = render(
                HOLD_ORPHANS,
                &[
                    ("stage", stage_name),
                    ("orphan_condition", &orphan_condition),
                    ("table", table.name),
                    ("row_key", &row_key(table, "o")),
                    ("missing_reason", &missing_reason),
                ],
            )?;
            (Some(hold), Some(drop))
        };
        let present_columns = join(present.iter().map(|c| c.sql_name.to_string()), ", ");
        let stage_row_key = row_key(table, "s");
        let r_columns = join(
            table.columns.iter().map(|c| format!("r.{}", c.sql_name)),
            ", ",
        );
        Ok(Self {
            self_referencing: table.is_self_referencing(),
            stage_name: stage_name.to_string(),
            create_stage: render(
                STAGE,
                &[
                    ("stage", stage_name),
                    ("column_definitions", &column_definitions),
                ],
            )?,
            dedupe: render(
                DEDUPE,
                &[("stage", stage_name), ("primary_key", &primary_key)],
            )?,
            hold_orphans,
            drop_orphans,
            merge: render(
                MERGE,
                &[
                    ("table", table.name),
                    ("columns", &present_columns),
                    ("stage", stage_name),
                    ("on_conflict", &on_conflict),
                ],
            )?,
            forget_superseded_pending: render(
                FORGET_SUPERSEDED_PENDING,
                &[
                    ("stage", stage_name),
                    ("table", table.name),
                    ("stage_row_key", &stage_row_key),
                ],
            )?,
            claim_pending: render(
                CLAIM_PENDING,
                &[
                    ("stage", stage_name),
                    ("columns", &all_columns),
                    ("r_columns", &r_columns),
                    ("table", table.name),
                ],
            )?,
            release_resolved: render(
                RELEASE_RESOLVED,
                &[
                    ("stage", stage_name),
                    ("table", table.name),
                    ("stage_row_key", &stage_row_key),
                ],
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use starlift_domain::catalog::{TABLES, table};

    use super::*;

    #[test]
    fn every_table_renders() {
        for t in TABLES {
            let all: Vec<&'static Column> = t.columns.iter().collect();
            let sql = TableSql::new(t, "stage_rows", &all).unwrap();
            assert!(sql.merge.contains(&format!("chinook.{}", t.name)));
            assert_eq!(sql.hold_orphans.is_some(), !t.foreign_keys.is_empty());
        }
    }

    #[test]
    fn key_only_tables_do_nothing_on_conflict() {
        let t = table("playlist_track").unwrap();
        let all: Vec<&'static Column> = t.columns.iter().collect();
        assert!(
            TableSql::new(t, "s", &all)
                .unwrap()
                .merge
                .contains("DO NOTHING")
        );
    }

    #[test]
    fn self_reference_looks_in_the_stage() {
        let t = table("employee").unwrap();
        let all: Vec<&'static Column> = t.columns.iter().collect();
        let hold = TableSql::new(t, "stage_rows", &all)
            .unwrap()
            .hold_orphans
            .unwrap();
        assert!(
            hold.contains("FROM stage_rows AS p WHERE p.employee_id = s.reports_to"),
            "{hold}"
        );
    }
}
