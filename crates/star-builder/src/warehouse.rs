//! The pack's warehouse as the engine runs it: the steps of a build (the
//! engine's SCD2 and affected-grain steps, each placed before the first
//! model that reads it, and the pack's models in their declared order), the
//! relations the models' logical names stand for, and the data-quality
//! tests with their scope.

use std::collections::BTreeSet;

use starlift_domain::catalog::{Catalog, quote_ident, quote_literal};
use starlift_domain::pack::Pack;
use starlift_domain::warehouse::{self, Model, Name, TestDecl, TestKind};

use crate::BuildError;
use crate::grain::FactSql;
use crate::mirror::changed_relation;
use crate::request::Mode;
use crate::scd2::{Scd2Sql, versions_relation};

/// One step of a build, in the order the build runs them.
pub(crate) enum Step<'p> {
    /// Append the versions of an SCD2 dimension and fill `scd2.<name>`.
    Scd2(usize),
    /// A full build's `affected.<name>` (an incremental build fills it while
    /// merging the change set).
    Affected(usize),
    /// One of the pack's models.
    Model(&'p Model),
}

/// The warehouse of one pack over one catalog.
pub(crate) struct Warehouse<'p> {
    pub(crate) pack: &'p Pack,
    pub(crate) catalog: &'static Catalog,
    pub(crate) scd2: Vec<(String, Scd2Sql)>,
    pub(crate) facts: Vec<(String, FactSql<'static>)>,
    pub(crate) steps: Vec<Step<'p>>,
    /// The foreign keys the mirror leaves without an index.
    pub(crate) unindexed: crate::mirror::Unindexed,
}

/// One data-quality test as this build runs it.
pub(crate) struct Test {
    pub(crate) name: String,
    pub(crate) query: String,
    pub(crate) scope: String,
}

impl<'p> Warehouse<'p> {
    pub(crate) fn new(pack: &'p Pack, catalog: &'static Catalog) -> Result<Self, BuildError> {
        let scd2 = pack
            .manifest
            .scd2
            .iter()
            .map(|(name, declared)| Ok((name.clone(), Scd2Sql::new(name, declared, catalog)?)))
            .collect::<Result<Vec<_>, BuildError>>()?;
        let facts = pack
            .manifest
            .facts
            .iter()
            .map(|(name, fact)| Ok((name.clone(), FactSql::new(name, fact, catalog)?)))
            .collect::<Result<Vec<_>, BuildError>>()?;
        let mut steps = Vec::new();
        let mut placed_scd2 = BTreeSet::new();
        let mut placed_facts = BTreeSet::new();
        for model in &pack.models {
            for read in &model.reads {
                match read {
                    Name::Scd2(name) => {
                        let index = position(&scd2, name, "scd2", model)?;
                        if placed_scd2.insert(index) {
                            steps.push(Step::Scd2(index));
                        }
                    }
                    Name::Affected(name) => {
                        let index = position(&facts, name, "affected", model)?;
                        if placed_facts.insert(index) {
                            steps.push(Step::Affected(index));
                        }
                    }
                    _ => {}
                }
            }
            steps.push(Step::Model(model));
        }
        // Declared but read by no model: the history is kept all the same,
        // and the tests scope by every fact's affected keys.
        steps.extend(
            (0..scd2.len())
                .filter(|i| !placed_scd2.contains(i))
                .map(Step::Scd2),
        );
        steps.extend(
            (0..facts.len())
                .filter(|i| !placed_facts.contains(i))
                .map(Step::Affected),
        );
        let unindexed = crate::mirror::Unindexed::new(&pack.manifest.mirror.unindexed, catalog)
            .map_err(BuildError::Warehouse)?;
        Ok(Self {
            pack,
            catalog,
            scd2,
            facts,
            steps,
            unindexed,
        })
    }

    /// The tables of the models declared `full: bulk`.
    pub(crate) fn bulk_tables(&self) -> Vec<&str> {
        let mut tables: Vec<&str> = Vec::new();
        for table in self
            .pack
            .models
            .iter()
            .filter(|m| m.bulk)
            .flat_map(|m| &m.writes)
        {
            if !tables.contains(&table.as_str()) {
                tables.push(table);
            }
        }
        tables
    }

    /// The OLTP tables whose mirror a step reads (a full build runs it once
    /// the reload has committed them).
    pub(crate) fn mirror_tables<'s>(&'s self, step: &'s Step<'p>) -> Vec<&'s str> {
        match step {
            Step::Scd2(i) => vec![self.scd2[*i].1.source.as_str()],
            Step::Affected(i) => self.facts[*i].1.source_tables().collect(),
            Step::Model(model) => {
                let mut tables = Vec::new();
                for read in &model.reads {
                    match read {
                        Name::Changed(t) | Name::Mirror(t) => tables.push(t.as_str()),
                        Name::Scd2(name) => {
                            if let Some((_, d)) = self.scd2.iter().find(|(n, _)| n == name) {
                                tables.push(d.source.as_str());
                            }
                        }
                        Name::Affected(name) => {
                            if let Some((_, f)) = self.facts.iter().find(|(n, _)| n == name) {
                                tables.extend(f.source_tables());
                            }
                        }
                        Name::Table(_) => {}
                    }
                }
                tables
            }
        }
    }

    /// A step's SQL for a build of `mode`; `None` when the step has nothing
    /// to do in that mode.
    pub(crate) fn step_sql(&self, step: &Step, mode: Mode) -> Result<Option<String>, BuildError> {
        match step {
            Step::Scd2(i) => {
                let dimension = &self.scd2[*i].1;
                let source = changed(&dimension.source, mode);
                Ok(Some(format!(
                    "{};\n{}",
                    dimension.render("append_versions", &source)?,
                    dimension.render("versions", &source)?
                )))
            }
            Step::Affected(i) => match mode {
                Mode::Incremental => Ok(None),
                Mode::Full => {
                    let fact = &self.facts[*i].1;
                    Ok(Some(fact.every(&fact.relation())?))
                }
            },
            Step::Model(model) => Ok(Some(warehouse::render(
                model.file.sql,
                |namespace, name| self.resolve(namespace, name, mode),
            ))),
        }
    }

    /// A step's name in logs and errors.
    pub(crate) fn step_name(&self, step: &Step) -> String {
        match step {
            Step::Scd2(i) => format!("scd2.{}", self.scd2[*i].0),
            Step::Affected(i) => format!("affected.{}", self.facts[*i].0),
            Step::Model(model) => format!("models/{}", model.file.name),
        }
    }

    /// The relation a logical name stands for in a build of `mode`.
    fn resolve(&self, namespace: &str, name: &str, mode: Mode) -> Option<String> {
        match namespace {
            "changed" => Some(changed(name, mode)),
            "scd2" => Some(versions_relation(name)),
            "affected" => Some(crate::grain::affected_relation(name)),
            _ => None,
        }
    }

    /// Whether a build tests everything (a full build, or `dq_full`).
    fn whole(mode: Mode, dq_full: bool) -> bool {
        mode == Mode::Full || dq_full
    }

    /// The relation holding every grain key of fact `index` for the tests of
    /// an incremental `dq_full` build.
    fn every_relation(&self, index: usize) -> String {
        quote_ident(&format!("affected_all_{}", self.facts[index].0))
    }

    /// What an incremental build that tests everything prepares first:
    /// every grain key of each fact.
    pub(crate) fn whole_scope_sql(&self, mode: Mode, dq_full: bool) -> Result<String, BuildError> {
        if mode == Mode::Full || !dq_full {
            return Ok(String::new());
        }
        let mut out = Vec::new();
        for (index, (_, fact)) in self.facts.iter().enumerate() {
            out.push(fact.every(&self.every_relation(index))?);
        }
        Ok(out.join(";\n"))
    }

    /// The tests of this build: the generic ones, scoped, then the singular
    /// ones, with the relations their names stand for.
    pub(crate) fn tests(&self, mode: Mode, dq_full: bool) -> Vec<Test> {
        let whole = Self::whole(mode, dq_full);
        let mut tests = Vec::new();
        for test in &self.pack.manifest.tests {
            let (scope, label) = if whole {
                (None, "whole table".to_string())
            } else {
                self.generic_scope(test)
            };
            tests.push(Test {
                name: test.check_name(),
                query: warehouse::failing_rows_sql(test, scope.as_deref()),
                scope: label,
            });
        }
        for file in &self.pack.tests {
            let query = warehouse::render(file.sql, |namespace, name| match namespace {
                "changed" if whole => Some(changed(name, Mode::Full)),
                "affected" if whole && mode == Mode::Incremental => self
                    .facts
                    .iter()
                    .position(|(n, _)| n == name)
                    .map(|i| self.every_relation(i)),
                _ => self.resolve(namespace, name, mode),
            });
            tests.push(Test {
                name: file.stem().to_string(),
                query,
                scope: if whole {
                    "whole warehouse".to_string()
                } else {
                    "this build's change set".to_string()
                },
            });
        }
        tests
    }

    /// How an incremental build scopes a generic test: a fact table by its
    /// affected grain keys, an SCD2 dimension by the natural keys of its
    /// changed source rows, any other table whole if this build wrote it.
    fn generic_scope(&self, test: &TestDecl) -> (Option<String>, String) {
        let table = test.table.as_str();
        for (name, fact) in &self.facts {
            let declared = &self.pack.manifest.facts[name];
            if declared.tables.iter().any(|t| t == table) {
                return (
                    Some(fact.scope(&fact.relation())),
                    format!("rows of affected.{name}"),
                );
            }
        }
        for (name, declared) in &self.pack.manifest.scd2 {
            if declared.table.as_deref() == Some(table) {
                let source = self
                    .catalog
                    .table(&declared.source)
                    .map(|t| t.primary_key.clone())
                    .unwrap_or_default();
                let key = declared.key.clone().unwrap_or(source);
                let key = key
                    .iter()
                    .map(|k| quote_ident(k))
                    .collect::<Vec<_>>()
                    .join(", ");
                return (
                    Some(format!(
                        "({key}) IN (SELECT {key} FROM {})",
                        changed_relation(&declared.source)
                    )),
                    format!(
                        "rows of the keys in changed.{} (scd2.{name})",
                        declared.source
                    ),
                );
            }
        }
        let mut tested = vec![table];
        if let TestKind::Relationships(relationship) = &test.kind {
            tested.push(&relationship.to);
        }
        (
            Some(written_in_build(&tested)),
            format!("whole table if this build wrote {}", tested.join(" or ")),
        )
    }
}

/// SQL true when the models of this build wrote any of `tables` (their
/// `build_counts` rows; a table a model does not count is taken as written),
/// so that a test of a table no model touched does not scan it again.
fn written_in_build(tables: &[&str]) -> String {
    let names = tables
        .iter()
        .map(|t| quote_literal(t))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "coalesce((SELECT bool_or(rows_changed <> 0) FROM build_counts WHERE table_name IN ({names})), true)"
    )
}

/// The relation of `changed.<table>` in a build of `mode`.
fn changed(table: &str, mode: Mode) -> String {
    match mode {
        Mode::Incremental => changed_relation(table),
        Mode::Full => format!("mirror.{}", quote_ident(table)),
    }
}

/// Where a model's `scd2.`/`affected.` read is declared.
fn position<T>(
    declared: &[(String, T)],
    name: &str,
    namespace: &str,
    model: &Model,
) -> Result<usize, BuildError> {
    declared.iter().position(|(n, _)| n == name).ok_or_else(|| {
        BuildError::Warehouse(format!(
            "models/{} reads {namespace}.{name}, which dataset.toml does not declare",
            model.file.name
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_catalog::chinook;

    fn chinook_warehouse(pack: &Pack) -> Warehouse<'_> {
        Warehouse::new(pack, chinook().leak()).unwrap()
    }

    fn names(warehouse: &Warehouse) -> Vec<String> {
        warehouse
            .steps
            .iter()
            .map(|s| warehouse.step_name(s))
            .collect()
    }

    #[test]
    fn engine_steps_run_just_before_their_first_reader() {
        let pack = Pack::embedded("chinook").unwrap();
        let warehouse = chinook_warehouse(&pack);
        let steps = names(&warehouse);
        let at = |name: &str| {
            steps
                .iter()
                .position(|s| s == name)
                .unwrap_or_else(|| panic!("{name} in {steps:?}"))
        };
        assert_eq!(at("scd2.customer") + 1, at("models/15_dim_customer.sql"));
        assert_eq!(
            at("affected.invoice") + 1,
            at("models/21_fact_invoice_summary.sql")
        );
        assert!(at("models/21_fact_invoice_summary.sql") < at("models/22_fact_sales.sql"));
        assert_eq!(steps.len(), pack.models.len() + 2, "{steps:?}");
    }

    #[test]
    fn a_full_build_reads_the_mirror_where_an_incremental_one_reads_the_change_set() {
        let pack = Pack::embedded("chinook").unwrap();
        let warehouse = chinook_warehouse(&pack);
        let model = warehouse
            .steps
            .iter()
            .find(|s| warehouse.step_name(s) == "models/16_dim_date.sql")
            .unwrap();
        let incremental = warehouse
            .step_sql(model, Mode::Incremental)
            .unwrap()
            .unwrap();
        let full = warehouse.step_sql(model, Mode::Full).unwrap().unwrap();
        assert!(
            incremental.contains("FROM \"changed_invoice\""),
            "{incremental}"
        );
        assert!(full.contains("FROM mirror.\"invoice\""), "{full}");
        assert!(!full.contains("FROM changed"), "{full}");
        // The affected keys: computed while merging in an incremental build.
        let affected = warehouse
            .steps
            .iter()
            .find(|s| matches!(s, Step::Affected(_)))
            .unwrap();
        assert!(
            warehouse
                .step_sql(affected, Mode::Incremental)
                .unwrap()
                .is_none()
        );
        let every = warehouse.step_sql(affected, Mode::Full).unwrap().unwrap();
        // invoice's grain column is its key: its rows are every grain key.
        assert!(every.contains("FROM mirror.\"invoice\" s"), "{every}");
        assert!(!every.contains("UNION"), "{every}");
    }

    #[test]
    fn incremental_tests_cover_what_the_build_wrote() {
        let pack = Pack::embedded("chinook").unwrap();
        let warehouse = chinook_warehouse(&pack);
        let scoped = warehouse.tests(Mode::Incremental, false);
        let nulls = scoped
            .iter()
            .find(|t| t.name == "fact_sales.no_null_keys")
            .unwrap();
        assert!(
            nulls
                .query
                .contains("IN (SELECT \"invoice_id\" FROM \"affected_invoice\")"),
            "{}",
            nulls.query
        );
        assert_eq!(nulls.scope, "rows of affected.invoice");
        // A table that is neither a fact nor an SCD2 dimension is tested
        // whole, if the build wrote it.
        let tracks = scoped
            .iter()
            .find(|t| t.name == "dim_track.unique_track_id")
            .unwrap();
        assert!(
            tracks.query.contains(
                "(SELECT bool_or(rows_changed <> 0) FROM build_counts WHERE table_name IN ('dw.dim_track'))"
            ),
            "{}",
            tracks.query
        );
        let whole = warehouse.tests(Mode::Full, false);
        let nulls = whole
            .iter()
            .find(|t| t.name == "fact_sales.no_null_keys")
            .unwrap();
        assert!(!nulls.query.contains("affected_invoice"), "{}", nulls.query);
        // A singular test of an incremental build that tests everything reads
        // every grain key.
        let dq_full = warehouse.tests(Mode::Incremental, true);
        let singular = dq_full
            .iter()
            .find(|t| t.name == "fact_invoice_summary.total_equals_sum_of_lines")
            .unwrap();
        assert!(
            !singular.query.contains("\"affected_invoice\""),
            "{}",
            singular.query
        );
        assert_eq!(singular.scope, "whole warehouse");
        assert_eq!(
            scoped.len(),
            pack.manifest.tests.len() + pack.tests.len(),
            "every test runs"
        );
    }
}
