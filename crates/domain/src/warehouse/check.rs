//! The checks of a pack's warehouse declarations: against each other
//! ([`check_manifest`]), against the OLTP catalog ([`check`]) and against a
//! model's own SQL ([`check_declarations`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, Table};
use crate::pack::Pack;

use super::model::is_logical_name;
use super::{Model, Name, WarehouseError, is_qualified, mentioned, model_path};

const DATASET: &str = "dataset.toml";

fn invalid(path: impl Into<String>, reason: String) -> WarehouseError {
    WarehouseError::Invalid {
        path: path.into(),
        reason,
    }
}

/// Everything checkable without the catalog: the `[scd2.*]`, `[facts.*]`
/// and `[[tests]]` names and tables, the models' `scd2.*`/`affected.*`
/// reads, unique check names. Errors name `sql/<pack>/…`.
pub fn check_manifest(pack: &Pack) -> Result<(), WarehouseError> {
    manifest_errors(pack).map_err(|e| e.in_pack(pack.name()))
}

/// Everything [`check_manifest`] does, plus what needs the OLTP catalog:
/// the tables and columns the models and declarations name. The builder
/// runs it before its first build.
pub fn check(pack: &Pack, catalog: &Catalog) -> Result<(), WarehouseError> {
    manifest_errors(pack)
        .and_then(|()| catalog_errors(pack, catalog))
        .map_err(|e| e.in_pack(pack.name()))
}

fn manifest_errors(pack: &Pack) -> Result<(), WarehouseError> {
    let manifest = &pack.manifest;
    let written: BTreeSet<&str> = pack
        .models
        .iter()
        .flat_map(|m| m.writes.iter().map(String::as_str))
        .collect();
    let must_be_written = |what: String, table: &str| {
        if written.contains(table) {
            Ok(())
        } else {
            Err(invalid(
                DATASET,
                format!("{what} names {table:?}, which no model writes"),
            ))
        }
    };
    for (name, scd2) in &manifest.scd2 {
        if !is_logical_name(name) {
            return Err(invalid(
                DATASET,
                format!(
                    "[scd2.{name}]: the name must be a lowercase identifier (scd2.{name} in SQL)"
                ),
            ));
        }
        if let Some(table) = &scd2.table {
            must_be_written(format!("[scd2.{name}] table"), table)?;
        }
    }
    for (name, fact) in &manifest.facts {
        let at = format!("[facts.{name}]");
        if !is_logical_name(name) {
            return Err(invalid(
                DATASET,
                format!("{at}: the name must be a lowercase identifier (affected.{name} in SQL)"),
            ));
        }
        if fact.grain.is_empty() || fact.sources.is_empty() || fact.tables.is_empty() {
            return Err(invalid(
                DATASET,
                format!("{at}: grain, tables and sources may not be empty"),
            ));
        }
        for table in &fact.tables {
            must_be_written(format!("{at} tables"), table)?;
        }
        for (source, columns) in &fact.sources {
            if columns.len() != fact.grain.len() {
                return Err(invalid(
                    DATASET,
                    format!(
                        "{at} sources: {source} = {columns:?} has {} column(s) but the grain {:?} has {}",
                        columns.len(),
                        fact.grain,
                        fact.grain.len()
                    ),
                ));
            }
        }
    }
    let mut check_names: BTreeMap<String, String> = BTreeMap::new();
    for test in &manifest.tests {
        let name = test.check_name();
        if !is_qualified(&test.table) {
            return Err(invalid(
                DATASET,
                format!(
                    "[[tests]] {name}: table {:?} is not schema.table",
                    test.table
                ),
            ));
        }
        must_be_written(format!("[[tests]] {name}"), &test.table)?;
        if let Some(earlier) = check_names.insert(name.clone(), DATASET.into()) {
            return Err(invalid(
                DATASET,
                format!("two tests are called {name:?} ({earlier} and [[tests]]); give one a name"),
            ));
        }
    }
    for test in &pack.tests {
        let path = format!("tests/{}", test.name);
        if let Some(earlier) = check_names.insert(test.stem().to_string(), path.clone()) {
            return Err(invalid(
                path,
                format!("the check {:?} is also declared in {earlier}", test.stem()),
            ));
        }
    }
    for model in &pack.models {
        for name in &model.reads {
            let declared = match name {
                Name::Scd2(d) => manifest.scd2.contains_key(d),
                Name::Affected(f) => manifest.facts.contains_key(f),
                _ => true,
            };
            if !declared {
                let section = if matches!(name, Name::Scd2(_)) {
                    "[scd2.*]"
                } else {
                    "[facts.*]"
                };
                return Err(invalid(
                    model_path(&model.file),
                    format!("reads {name}, which dataset.toml does not declare in {section}"),
                ));
            }
        }
    }
    Ok(())
}

fn catalog_errors(pack: &Pack, catalog: &Catalog) -> Result<(), WarehouseError> {
    let manifest = &pack.manifest;
    for model in &pack.models {
        for name in &model.reads {
            if let Name::Changed(t) | Name::Mirror(t) = name
                && catalog.table(t).is_none()
            {
                return Err(invalid(
                    model_path(&model.file),
                    format!(
                        "reads {name}, but {t} is not an OLTP table (tables: {})",
                        catalog.names()
                    ),
                ));
            }
        }
    }
    let source_table = |at: &str, source: &str| {
        catalog.table(source).ok_or_else(|| {
            invalid(
                DATASET,
                format!(
                    "{at}: {source:?} is not an OLTP table (tables: {})",
                    catalog.names()
                ),
            )
        })
    };
    let columns_exist = |at: &str, table: &Table, columns: &[String]| match columns
        .iter()
        .find(|c| table.column(c).is_none())
    {
        Some(missing) => Err(invalid(
            DATASET,
            format!("{at}: {} has no column {missing:?}", table.name),
        )),
        None => Ok(()),
    };
    for (name, scd2) in &manifest.scd2 {
        let at = format!("[scd2.{name}]");
        let table = source_table(&format!("{at} source"), &scd2.source)?;
        let key = scd2
            .key
            .clone()
            .unwrap_or_else(|| table.primary_key.clone());
        if key.is_empty() {
            return Err(invalid(
                DATASET,
                format!(
                    "{at}: {} has no primary key; give its natural key as key = [...]",
                    table.name
                ),
            ));
        }
        if scd2.tracked.is_empty() {
            return Err(invalid(
                DATASET,
                format!("{at}: tracked is empty; without it the dimension never changes version"),
            ));
        }
        columns_exist(&format!("{at} key"), table, &key)?;
        columns_exist(&format!("{at} tracked"), table, &scd2.tracked)?;
        columns_exist(&format!("{at} type1"), table, &scd2.type1)?;
        let lists = [
            ("key", &key),
            ("tracked", &scd2.tracked),
            ("type1", &scd2.type1),
        ];
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (list, columns) in lists {
            for column in columns.iter() {
                if let Some(earlier) = seen.insert(column, list) {
                    return Err(invalid(
                        DATASET,
                        format!("{at}: {column:?} is listed in both {earlier} and {list}"),
                    ));
                }
            }
        }
        let history = format!("{name}_version");
        if catalog.table(&history).is_some() {
            return Err(invalid(
                DATASET,
                format!(
                    "{at}: the engine keeps its history in mirror.{history}, which is also an OLTP table; rename the dimension"
                ),
            ));
        }
    }
    for (name, fact) in &manifest.facts {
        for (source, columns) in &fact.sources {
            let at = format!("[facts.{name}] sources");
            let table = source_table(&at, source)?;
            columns_exist(&at, table, columns)?;
        }
    }
    Ok(())
}

/// The schemas the models write (`dw`): the warehouse tables
/// [`check_declarations`] looks for.
pub fn written_schemas(models: &[Model]) -> Vec<&str> {
    let schemas: BTreeSet<&str> = models
        .iter()
        .flat_map(|m| m.writes.iter())
        .filter_map(|w| w.split_once('.').map(|(schema, _)| schema))
        .collect();
    schemas.into_iter().collect()
}

/// A model's header against its SQL: every declared name appears in the
/// code, and every engine name or table of `schemas` the code mentions is
/// declared (read or written). Errors name `models/<file>`.
pub fn check_declarations(model: &Model, schemas: &[&str]) -> Result<(), WarehouseError> {
    let found = mentioned(model.file.sql, schemas);
    let declared: BTreeSet<String> = model
        .reads
        .iter()
        .map(Name::to_string)
        .chain(model.writes.iter().cloned())
        .collect();
    let undeclared: Vec<&str> = found.difference(&declared).map(String::as_str).collect();
    let unused: Vec<&str> = declared.difference(&found).map(String::as_str).collect();
    let mut problems = Vec::new();
    if !undeclared.is_empty() {
        problems.push(format!(
            "the SQL uses {} but the header does not declare it",
            undeclared.join(", ")
        ));
    }
    if !unused.is_empty() {
        problems.push(format!(
            "the header declares {} but the SQL does not use it",
            unused.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(WarehouseError::Declaration {
            path: model_path(&model.file),
            reason: problems.join("; "),
        })
    }
}
