//! SCD type 2 dimensions declared in `dataset.toml` (`[scd2.<name>]`): the
//! history table, the versions a build appends and the models'
//! `scd2.<name>`, rendered from `sql/engine/build/scd2.sql`.

use starlift_domain::catalog::{Catalog, quote_ident, quote_literal};
use std::sync::LazyLock;

use starlift_domain::sql::{TemplateError, named_statements, render, statement};
use starlift_domain::warehouse::Scd2;

use crate::BuildError;

/// `sql/engine/build/scd2.sql`, split once.
static SCD2: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../sql/engine/build/scd2.sql")));

/// The models' `scd2.<name>` in this build (a temp table).
pub(crate) fn versions_relation(name: &str) -> String {
    quote_ident(&format!("scd2_{name}"))
}

/// The history table of a dimension, `mirror.<name>_version`.
pub(crate) fn history_relation(name: &str) -> String {
    format!("mirror.{}", quote_ident(&format!("{name}_version")))
}

/// One declared dimension, its SQL pieces filled from the catalog.
pub(crate) struct Scd2Sql {
    name: String,
    /// The OLTP source table.
    pub(crate) source: String,
    /// The history table's columns, in order.
    history_columns: Vec<String>,
    values: Vec<(&'static str, String)>,
}

impl Scd2Sql {
    pub(crate) fn new(name: &str, declared: &Scd2, catalog: &Catalog) -> Result<Self, BuildError> {
        let table = catalog.table(&declared.source).ok_or_else(|| {
            BuildError::Warehouse(format!(
                "[scd2.{name}] source {:?} is not a table of the pack",
                declared.source
            ))
        })?;
        let key: Vec<String> = declared
            .key
            .clone()
            .unwrap_or_else(|| table.primary_key.clone());
        let definition = |column: &str, not_null: bool| -> Result<String, BuildError> {
            let ty = table.column(column).map(|c| c.ty).ok_or_else(|| {
                BuildError::Warehouse(format!(
                    "[scd2.{name}]: {}.{column} is not a column",
                    table.name
                ))
            })?;
            let not_null = if not_null { " NOT NULL" } else { "" };
            Ok(format!(
                "{} {}{not_null}",
                quote_ident(column),
                ty.sql_type()
            ))
        };
        let list = |columns: &[String], prefix: &str| -> String {
            columns
                .iter()
                .map(|c| format!("{prefix}{}", quote_ident(c)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let join = |left: &str, right: &str| -> String {
            key.iter()
                .map(|c| {
                    let c = quote_ident(c);
                    format!("{left}.{c} = {right}.{c}")
                })
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let type1 = if declared.type1.is_empty() {
            String::new()
        } else {
            format!(", {}", list(&declared.type1, "s."))
        };
        let values = vec![
            ("history", history_relation(name)),
            (
                "history_name",
                quote_literal(&format!("mirror.{name}_version")),
            ),
            ("versions", versions_relation(name)),
            (
                "key_definitions",
                key.iter()
                    .map(|c| definition(c, true))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(", "),
            ),
            (
                "tracked_definitions",
                declared
                    .tracked
                    .iter()
                    .map(|c| definition(c, false))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(", "),
            ),
            ("key", list(&key, "")),
            ("key_s", list(&key, "s.")),
            ("key_v", list(&key, "v.")),
            ("key_c", list(&key, "c.")),
            ("tracked", list(&declared.tracked, "")),
            ("tracked_s", list(&declared.tracked, "s.")),
            ("tracked_v", list(&declared.tracked, "v.")),
            ("tracked_c", list(&declared.tracked, "c.")),
            ("type1_s", type1),
            ("key_join_lc", join("l", "c")),
            ("key_join_sv", join("s", "v")),
        ];
        let history_columns = key
            .iter()
            .cloned()
            .chain(["version_no".to_string(), "attr_hash".to_string()])
            .chain(declared.tracked.iter().cloned())
            .chain(
                ["first_seen_at", "first_seen_build_id", "load_batch_id"]
                    .into_iter()
                    .map(String::from),
            )
            .collect();
        Ok(Self {
            name: name.to_string(),
            source: table.name.clone(),
            history_columns,
            values,
        })
    }

    /// The history table, if it exists, must have the declared shape: the
    /// history cannot be re-derived from the OLTP, so a changed declaration
    /// is refused rather than guessed at.
    pub(crate) fn check_history(
        &self,
        mirror: &std::collections::BTreeMap<String, Vec<String>>,
    ) -> Result<(), BuildError> {
        let table = format!("{}_version", self.name);
        match mirror.get(&table) {
            Some(columns) if *columns != self.history_columns => {
                Err(BuildError::Warehouse(format!(
                    "mirror.{table} has the columns ({}) but [scd2.{}] declares ({}); the SCD2 history cannot be re-derived from the OLTP, so it is not changed in place: migrate it with ALTER TABLE, or drop it to start the history over",
                    columns.join(", "),
                    self.name,
                    self.history_columns.join(", ")
                )))
            }
            _ => Ok(()),
        }
    }

    /// `name` of `scd2.sql` with `source` as the rows in scope.
    pub(crate) fn render(&self, name: &str, source: &str) -> Result<String, TemplateError> {
        let mut values: Vec<(&str, &str)> =
            self.values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        values.push(("source", source));
        render(statement(&SCD2, name)?, &values)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use starlift_domain::pack::Pack;

    use super::*;
    use crate::test_catalog::chinook;

    #[test]
    fn a_history_of_another_shape_is_refused() {
        let pack = Pack::embedded("chinook").unwrap();
        let catalog = chinook();
        let customer = Scd2Sql::new("customer", &pack.manifest.scd2["customer"], &catalog).unwrap();
        let mut mirror = BTreeMap::new();
        assert!(customer.check_history(&mirror).is_ok(), "no history yet");
        let mut columns: Vec<String> = [
            "customer_id",
            "version_no",
            "attr_hash",
            "company",
            "address",
            "city",
            "state",
            "country",
            "postal_code",
            "support_rep_id",
            "first_seen_at",
            "first_seen_build_id",
            "load_batch_id",
        ]
        .map(String::from)
        .to_vec();
        mirror.insert("customer_version".to_string(), columns.clone());
        assert!(
            customer.check_history(&mirror).is_ok(),
            "the declared shape"
        );
        columns.retain(|c| c != "city");
        mirror.insert("customer_version".to_string(), columns);
        let error = customer.check_history(&mirror).unwrap_err().to_string();
        assert!(
            error.contains("mirror.customer_version") && error.contains("[scd2.customer]"),
            "{error}"
        );
        let versions = customer.render("versions", "\"changed_customer\"").unwrap();
        assert!(
            versions.contains("CREATE TEMP TABLE \"scd2_customer\""),
            "{versions}"
        );
        assert!(
            versions.contains("FROM \"changed_customer\" s"),
            "{versions}"
        );
    }
}
