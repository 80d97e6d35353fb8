//! Generic data-quality tests as SQL: a query returning the failing rows.

use crate::catalog::{quote_ident, quote_literal};

use super::{TestDecl, TestKind, quote_table};

/// The query returning the rows that fail `test`, within `scope` (an
/// alias-free SQL condition over the table's rows; `None` tests them all)
/// and the test's `where`. Declared names are quoted; `where`, `expression`
/// and `scope` are SQL and go in as written, parenthesized.
pub fn failing_rows_sql(test: &TestDecl, scope: Option<&str>) -> String {
    let table = quote_table(&test.table);
    let restrictions: Vec<String> = [scope, test.filter.as_deref()]
        .into_iter()
        .flatten()
        .map(|sql| format!("({sql})"))
        .collect();
    // Scope and filter first, then the test's own conditions.
    let conditions = |own: Vec<String>| {
        let mut all = restrictions.clone();
        all.extend(own);
        all.join("\n  AND ")
    };
    match &test.kind {
        TestKind::Unique(columns) => {
            let quoted: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
            // NULLs are distinct, as in a UNIQUE constraint (not_null is its own test).
            let not_null = quoted.iter().map(|c| format!("{c} IS NOT NULL")).collect();
            let keys = quoted.join(", ");
            format!(
                "SELECT {keys}, count(*) AS row_count\nFROM {table}\nWHERE {}\nGROUP BY {keys}\nHAVING count(*) > 1",
                conditions(not_null)
            )
        }
        TestKind::NotNull(columns) => {
            let any_null: Vec<String> = columns
                .iter()
                .map(|c| format!("{} IS NULL", quote_ident(c)))
                .collect();
            format!(
                "SELECT *\nFROM {table}\nWHERE {}",
                conditions(vec![format!("({})", any_null.join(" OR "))])
            )
        }
        TestKind::Relationships(r) => {
            // The child is aliased so that the parent's same-named column
            // cannot capture it; scope and where stay outside the subquery.
            let column = quote_ident(&r.column);
            let own = vec![
                format!("child.{column} IS NOT NULL"),
                format!(
                    "NOT EXISTS (SELECT 1 FROM {} AS parent WHERE parent.{} = child.{column})",
                    quote_table(&r.to),
                    quote_ident(&r.field)
                ),
            ];
            format!(
                "SELECT child.*\nFROM {table} AS child\nWHERE {}",
                conditions(own)
            )
        }
        TestKind::AcceptedValues(a) => {
            let column = quote_ident(&a.column);
            let values: Vec<String> = a.values.iter().map(|v| quote_literal(v)).collect();
            let own = vec![
                format!("{column} IS NOT NULL"),
                format!("{column}::text NOT IN ({})", values.join(", ")),
            ];
            format!("SELECT *\nFROM {table}\nWHERE {}", conditions(own))
        }
        TestKind::Expression(sql) => format!(
            "SELECT *\nFROM {table}\nWHERE {}",
            conditions(vec![format!("NOT coalesce(({sql}), false)")])
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AcceptedValues, Relationship};
    use super::*;

    fn decl(kind: TestKind, filter: Option<&str>) -> TestDecl {
        TestDecl {
            name: None,
            table: "dw.fact_sales".into(),
            filter: filter.map(str::to_string),
            kind,
        }
    }

    const SCOPE: &str = "(invoice_id) IN (SELECT invoice_id FROM affected_invoice)";

    #[test]
    fn unique_groups_the_key_within_scope_and_filter() {
        let test = decl(
            TestKind::Unique(vec!["customer_id".into(), "version_no".into()]),
            Some("is_current"),
        );
        assert_eq!(
            failing_rows_sql(&test, Some(SCOPE)),
            "SELECT \"customer_id\", \"version_no\", count(*) AS row_count\n\
             FROM \"dw\".\"fact_sales\"\n\
             WHERE ((invoice_id) IN (SELECT invoice_id FROM affected_invoice))\n  \
             AND (is_current)\n  \
             AND \"customer_id\" IS NOT NULL\n  \
             AND \"version_no\" IS NOT NULL\n\
             GROUP BY \"customer_id\", \"version_no\"\n\
             HAVING count(*) > 1"
        );
    }

    #[test]
    fn not_null_selects_rows_with_any_null() {
        let test = decl(TestKind::NotNull(vec!["a".into(), "b\"c".into()]), None);
        assert_eq!(
            failing_rows_sql(&test, None),
            "SELECT *\nFROM \"dw\".\"fact_sales\"\nWHERE (\"a\" IS NULL OR \"b\"\"c\" IS NULL)"
        );
    }

    #[test]
    fn relationships_look_for_a_parent() {
        let test = decl(
            TestKind::Relationships(Relationship {
                column: "track_key".into(),
                to: "dw.dim_track".into(),
                field: "track_key".into(),
            }),
            Some("quantity > 0"),
        );
        assert_eq!(
            failing_rows_sql(&test, Some(SCOPE)),
            "SELECT child.*\nFROM \"dw\".\"fact_sales\" AS child\n\
             WHERE ((invoice_id) IN (SELECT invoice_id FROM affected_invoice))\n  \
             AND (quantity > 0)\n  \
             AND child.\"track_key\" IS NOT NULL\n  \
             AND NOT EXISTS (SELECT 1 FROM \"dw\".\"dim_track\" AS parent \
             WHERE parent.\"track_key\" = child.\"track_key\")"
        );
    }

    #[test]
    fn accepted_values_compare_as_text() {
        let test = decl(
            TestKind::AcceptedValues(AcceptedValues {
                column: "quarter".into(),
                values: vec!["1".into(), "it's".into()],
            }),
            None,
        );
        assert_eq!(
            failing_rows_sql(&test, None),
            "SELECT *\nFROM \"dw\".\"fact_sales\"\n\
             WHERE \"quarter\" IS NOT NULL\n  AND \"quarter\"::text NOT IN ('1', 'it''s')"
        );
    }

    #[test]
    fn an_expression_fails_unless_true() {
        let test = decl(TestKind::Expression("valid_from < valid_to".into()), None);
        assert_eq!(
            failing_rows_sql(&test, Some("true")),
            "SELECT *\nFROM \"dw\".\"fact_sales\"\n\
             WHERE (true)\n  AND NOT coalesce((valid_from < valid_to), false)"
        );
    }
}
