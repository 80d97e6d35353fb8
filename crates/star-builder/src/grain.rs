//! The affected grain keys of the facts declared in `dataset.toml`
//! (`[facts.<name>]`), the models' `affected.<name>`, rendered from
//! `sql/engine/build/grain.sql`.

use starlift_domain::catalog::{Catalog, Table, quote_ident};
use std::sync::LazyLock;

use starlift_domain::sql::{TemplateError, named_statements, render, statement};
use starlift_domain::warehouse::Fact;

use crate::BuildError;
use crate::mirror::changed_relation;

/// `sql/engine/build/grain.sql`, split once.
static GRAIN: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../sql/engine/build/grain.sql")));

/// The models' `affected.<name>` in this build (a temp table).
pub(crate) fn affected_relation(name: &str) -> String {
    quote_ident(&format!("affected_{name}"))
}

/// One source table of a fact: where its rows keep the grain key.
struct Source<'a> {
    table: &'a Table,
    columns: Vec<String>,
}

impl Source<'_> {
    /// Its grain columns, `prefix.`ed and named as the grain's.
    fn select(&self, prefix: &str, grain: &[String]) -> String {
        self.columns
            .iter()
            .zip(grain)
            .map(|(c, g)| format!("{prefix}.{} AS {}", quote_ident(c), quote_ident(g)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn not_null(&self, prefix: &str) -> String {
        self.columns
            .iter()
            .map(|c| format!("{prefix}.{} IS NOT NULL", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Its grain columns are its primary key: its rows are every grain key.
    fn is_home(&self) -> bool {
        !self.table.primary_key.is_empty() && self.table.primary_key == self.columns
    }

    /// How a changed row finds its mirror row: by primary key, or by origin
    /// file for a table without one.
    fn match_mirror(&self) -> String {
        if self.table.primary_key.is_empty() {
            return "m.load_origin_id = s.load_origin_id".to_string();
        }
        self.table
            .primary_key
            .iter()
            .map(|k| {
                let k = quote_ident(k);
                format!("m.{k} = s.{k}")
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}

/// One declared fact, its SQL pieces filled from the catalog.
pub(crate) struct FactSql<'a> {
    name: String,
    grain: Vec<String>,
    grain_definitions: String,
    sources: Vec<Source<'a>>,
}

impl<'a> FactSql<'a> {
    pub(crate) fn new(name: &str, fact: &Fact, catalog: &'a Catalog) -> Result<Self, BuildError> {
        let invalid = |what: String| BuildError::Warehouse(format!("[facts.{name}]: {what}"));
        let mut sources = Vec::new();
        for (table_name, columns) in &fact.sources {
            let table = catalog
                .table(table_name)
                .ok_or_else(|| invalid(format!("source {table_name:?} is not a table")))?;
            if columns.len() != fact.grain.len() {
                return Err(invalid(format!(
                    "source {table_name} lists {} columns for a grain of {}",
                    columns.len(),
                    fact.grain.len()
                )));
            }
            sources.push(Source {
                table,
                columns: columns.clone(),
            });
        }
        let first = sources
            .first()
            .ok_or_else(|| invalid("no [sources]".to_string()))?;
        let grain_definitions = first
            .columns
            .iter()
            .zip(&fact.grain)
            .map(|(c, g)| {
                let ty = first
                    .table
                    .column(c)
                    .map(|c| c.ty.sql_type())
                    .ok_or_else(|| invalid(format!("{}.{c} is not a column", first.table.name)))?;
                Ok(format!("{} {ty} NOT NULL", quote_ident(g)))
            })
            .collect::<Result<Vec<_>, BuildError>>()?
            .join(", ");
        Ok(Self {
            name: name.to_string(),
            grain: fact.grain.clone(),
            grain_definitions,
            sources,
        })
    }

    /// The OLTP tables whose changes rewrite this fact.
    pub(crate) fn source_tables(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.table.name.as_str())
    }

    fn grain_list(&self) -> String {
        self.grain
            .iter()
            .map(|g| quote_ident(g))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn template(
        &self,
        name: &str,
        relation: &str,
        extra: &[(&str, &str)],
    ) -> Result<String, TemplateError> {
        let grain = self.grain_list();
        let mut values: Vec<(&str, &str)> = vec![
            ("affected", relation),
            ("grain", &grain),
            ("grain_definitions", &self.grain_definitions),
        ];
        values.extend_from_slice(extra);
        render(statement(&GRAIN, name)?, &values)
    }

    /// Incremental, before the mirror merge: the table, and the grain keys
    /// the changed rows had until now.
    pub(crate) fn before_merge(&self) -> Result<String, TemplateError> {
        let relation = affected_relation(&self.name);
        let mut out = vec![self.template("create", &relation, &[])?];
        for source in &self.sources {
            let table = quote_ident(&source.table.name);
            let changed = changed_relation(&source.table.name);
            out.push(self.template(
                "before",
                &relation,
                &[
                    ("source_columns", &source.select("m", &self.grain)),
                    ("changed", &changed),
                    ("table", &table),
                    ("match", &source.match_mirror()),
                    ("not_null", &source.not_null("m")),
                ],
            )?);
        }
        Ok(out.join(";\n"))
    }

    /// Incremental, after the mirror merge: the grain keys of the changed
    /// rows; then statistics.
    pub(crate) fn after_merge(&self) -> Result<String, TemplateError> {
        let relation = affected_relation(&self.name);
        let mut out = Vec::new();
        for source in &self.sources {
            let changed = changed_relation(&source.table.name);
            out.push(self.template(
                "after",
                &relation,
                &[
                    ("source_columns", &source.select("s", &self.grain)),
                    ("changed", &changed),
                    ("not_null", &source.not_null("s")),
                ],
            )?);
        }
        out.push(self.template("analyze", &relation, &[])?);
        Ok(out.join(";\n"))
    }

    /// Every grain key, into `relation` (a full build's `affected.<name>`,
    /// or the whole scope of an incremental build's tests).
    pub(crate) fn every(&self, relation: &str) -> Result<String, TemplateError> {
        let select = |source: &Source| {
            format!(
                "SELECT {} FROM mirror.{} s WHERE {}",
                source.select("s", &self.grain),
                quote_ident(&source.table.name),
                source.not_null("s")
            )
        };
        let every = match self.sources.iter().find(|s| s.is_home()) {
            Some(home) => select(home),
            None => self
                .sources
                .iter()
                .map(select)
                .collect::<Vec<_>>()
                .join("\nUNION\n"),
        };
        Ok(format!(
            "{};\n{}",
            self.template("create_every", relation, &[("every", &every)])?,
            self.template("analyze", relation, &[])?
        ))
    }

    pub(crate) fn relation(&self) -> String {
        affected_relation(&self.name)
    }

    /// A condition on a fact table's rows: its grain key is in `relation`.
    pub(crate) fn scope(&self, relation: &str) -> String {
        let grain = self.grain_list();
        format!("({grain}) IN (SELECT {grain} FROM {relation})")
    }
}
