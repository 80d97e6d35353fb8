//! The checks of a pack's warehouse declarations: against each other
//! ([`check_manifest`]), against the OLTP catalog ([`check`]) and against a
//! model's own SQL ([`check_declarations`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, Table};
use crate::pack::Pack;

use super::{Model, Name, WarehouseError, is_identifier, is_qualified, mentioned, model_path};

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
        if !is_identifier(name) {
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
        if !is_identifier(name) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ColumnType;
    use crate::catalog::fixtures::{column, references, table};
    use crate::warehouse::{SqlFile, TestDecl, TestKind, parse_model};

    /// `crates/domain/tests/packs/tiny`: every declaration kind, valid.
    fn tiny() -> Pack {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs/tiny");
        Pack::from_dir(&dir).unwrap()
    }

    /// The catalog the tiny pack's DDL gives.
    fn tiny_catalog() -> Catalog {
        let customer = table(
            "customer",
            vec![
                column("customer_id", ColumnType::Integer, false),
                column("name", ColumnType::Text, false),
                column("city", ColumnType::Text, true),
            ],
            &["customer_id"],
        );
        let orders = references(
            table(
                "orders",
                vec![
                    column("order_id", ColumnType::Integer, false),
                    column("customer_id", ColumnType::Integer, false),
                    column("amount", ColumnType::Text, false),
                    column("ordered_at", ColumnType::Timestamp, false),
                ],
                &["order_id"],
            ),
            &["customer_id"],
            "customer",
            &["customer_id"],
        );
        Catalog::new("tiny".into(), vec![customer, orders]).unwrap()
    }

    /// `check` on a changed copy of the tiny pack; the error text.
    fn error_after(change: impl FnOnce(&mut Pack, &mut Catalog)) -> String {
        let mut pack = tiny();
        let mut catalog = tiny_catalog();
        change(&mut pack, &mut catalog);
        check(&pack, &catalog).unwrap_err().to_string()
    }

    fn assert_error(error: &str, path: &str, parts: &[&str]) {
        assert!(error.starts_with(&format!("sql/tiny/{path}: ")), "{error}");
        for part in parts {
            assert!(error.contains(part), "{part:?} not in {error}");
        }
    }

    #[test]
    fn the_tiny_pack_passes() {
        let pack = tiny();
        check_manifest(&pack).unwrap();
        check(&pack, &tiny_catalog()).unwrap();
        assert_eq!(written_schemas(&pack.models), ["dw"]);
        for model in &pack.models {
            check_declarations(model, &written_schemas(&pack.models)).unwrap();
        }
    }

    #[test]
    fn scd2_declarations_are_checked_against_the_catalog() {
        let e =
            error_after(|p, _| p.manifest.scd2.get_mut("customer").unwrap().source = "nope".into());
        assert_error(
            &e,
            "dataset.toml",
            &["[scd2.customer] source", "\"nope\"", "customer, orders"],
        );
        let e = error_after(|_, c| c.tables[0].primary_key.clear());
        assert_error(
            &e,
            "dataset.toml",
            &["[scd2.customer]", "no primary key", "key = [...]"],
        );
        let e = error_after(|p, _| {
            p.manifest.scd2.get_mut("customer").unwrap().key = Some(vec!["id".into()]);
        });
        assert_error(
            &e,
            "dataset.toml",
            &["[scd2.customer] key", "no column \"id\""],
        );
        let e = error_after(|p, _| {
            p.manifest
                .scd2
                .get_mut("customer")
                .unwrap()
                .type1
                .push("city".into())
        });
        assert_error(&e, "dataset.toml", &["\"city\"", "both tracked and type1"]);
        let e = error_after(|p, _| {
            p.manifest
                .scd2
                .get_mut("customer")
                .unwrap()
                .tracked
                .push("colour".into())
        });
        assert_error(
            &e,
            "dataset.toml",
            &["[scd2.customer] tracked", "\"colour\""],
        );
        let e = error_after(|p, _| p.manifest.scd2.get_mut("customer").unwrap().tracked.clear());
        assert_error(&e, "dataset.toml", &["tracked is empty"]);
        let e = error_after(|_, c| {
            let mut history = c.tables[0].clone();
            history.name = "customer_version".into();
            c.tables.push(history);
        });
        assert_error(&e, "dataset.toml", &["mirror.customer_version"]);
        let e = error_after(|p, _| {
            p.manifest.scd2.get_mut("customer").unwrap().table = Some("dw.dim_nope".into());
        });
        assert_error(
            &e,
            "dataset.toml",
            &["[scd2.customer] table", "dw.dim_nope", "no model writes"],
        );
    }

    #[test]
    fn facts_are_checked_against_the_catalog_and_the_models() {
        let fact = |p: &mut Pack| p.manifest.facts.get_mut("orders").unwrap().clone();
        let e = error_after(|p, _| {
            let mut f = fact(p);
            f.sources
                .insert("order_line".into(), vec!["order_id".into()]);
            p.manifest.facts.insert("orders".into(), f);
        });
        assert_error(
            &e,
            "dataset.toml",
            &["[facts.orders] sources", "\"order_line\""],
        );
        let e = error_after(|p, _| {
            p.manifest
                .facts
                .get_mut("orders")
                .unwrap()
                .sources
                .insert("customer".into(), vec!["order_id".into()]);
        });
        assert_error(&e, "dataset.toml", &["customer has no column \"order_id\""]);
        let e = error_after(|p, _| {
            p.manifest
                .facts
                .get_mut("orders")
                .unwrap()
                .sources
                .insert("customer".into(), vec![]);
        });
        assert_error(&e, "dataset.toml", &["has 0 column(s)", "has 1"]);
        let e = error_after(|p, _| {
            p.manifest
                .facts
                .get_mut("orders")
                .unwrap()
                .tables
                .push("dw.fact_nope".into())
        });
        assert_error(
            &e,
            "dataset.toml",
            &["[facts.orders] tables", "dw.fact_nope"],
        );
        let e = error_after(|p, _| {
            let f = fact(p);
            p.manifest.facts.insert("Orders".into(), f);
        });
        assert_error(
            &e,
            "dataset.toml",
            &["[facts.Orders]", "lowercase identifier"],
        );
    }

    #[test]
    fn model_reads_are_checked() {
        let e = error_after(|p, _| p.models[1].reads.push(Name::Changed("nope".into())));
        assert_error(
            &e,
            "models/fact_order.sql",
            &["changed.nope", "not an OLTP table"],
        );
        let e = error_after(|p, _| p.models[1].reads.push(Name::Affected("invoice".into())));
        assert_error(
            &e,
            "models/fact_order.sql",
            &["affected.invoice", "[facts.*]"],
        );
        let e = error_after(|p, _| {
            p.manifest.scd2.clear();
        });
        assert_error(
            &e,
            "models/scd_customer.sql",
            &["scd2.customer", "[scd2.*]"],
        );
    }

    #[test]
    fn tests_need_a_written_table_and_a_name_of_their_own() {
        let e = error_after(|p, _| p.manifest.tests[0].table = "dw.nope".into());
        assert_error(
            &e,
            "dataset.toml",
            &["[[tests]] nope__unique__customer_id", "no model writes"],
        );
        let e = error_after(|p, _| {
            let twin = p.manifest.tests[0].clone();
            p.manifest.tests.push(twin);
        });
        assert_error(
            &e,
            "dataset.toml",
            &["two tests are called \"dim_customer__unique__customer_id\""],
        );
        let e = error_after(|p, _| {
            p.manifest.tests.push(TestDecl {
                name: Some("orders_have_an_amount".into()),
                table: "dw.fact_order".into(),
                filter: None,
                kind: TestKind::NotNull(vec!["amount".into()]),
            });
        });
        assert_error(
            &e,
            "tests/orders_have_an_amount.sql",
            &["also declared in dataset.toml"],
        );
    }

    fn model(sql: &'static str) -> Model {
        parse_model(SqlFile { name: "m.sql", sql }).unwrap()
    }

    #[test]
    fn declarations_must_match_the_sql() {
        let ok = model(
            "-- reads: changed.a, dw.dim_x\n-- writes: dw.fact_y\n\
             INSERT INTO dw.fact_y SELECT * FROM changed.a JOIN dw.dim_x USING (id)",
        );
        check_declarations(&ok, &["dw"]).unwrap();
        let undeclared = model(
            "-- reads: changed.a\n-- writes: dw.fact_y\n\
             INSERT INTO dw.fact_y SELECT * FROM changed.a JOIN mirror.b USING (id) JOIN dw.dim_x USING (id)",
        );
        assert_eq!(
            check_declarations(&undeclared, &["dw"])
                .unwrap_err()
                .to_string(),
            "models/m.sql: the SQL uses dw.dim_x, mirror.b but the header does not declare it"
        );
        let unused = model(
            "-- reads: changed.a, affected.f\n-- writes: dw.fact_y, dw.fact_z\n\
             INSERT INTO dw.fact_y SELECT * FROM changed.a -- affected.f\n",
        );
        assert_eq!(
            check_declarations(&unused, &["dw"])
                .unwrap_err()
                .to_string(),
            "models/m.sql: the header declares affected.f, dw.fact_z but the SQL does not use it"
        );
    }
}
