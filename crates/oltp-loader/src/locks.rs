//! Which loads may merge at the same time. A load of table T writes T and,
//! by resolving pending rows, every table below T (its descendants through
//! foreign keys); it reads the parents of what it writes. It holds a
//! transaction-level advisory lock per table, exclusive on what it writes
//! and shared on those parents, all taken in one global order (so two loads
//! cannot deadlock). Loads whose tables are unrelated, or that only share
//! parents, merge in parallel; a child and its parent never do, so a row
//! held back for a missing parent always sees that parent's load commit
//! before it or resolve it after (the any-order guarantee).

use std::collections::BTreeMap;

use starlift_domain::catalog::{Catalog, Table};
use tokio_postgres::Transaction;

use crate::ledger::ledger;

/// How a load holds one table's lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hold {
    /// Others may hold it shared too (parents the load only reads).
    Shared,
    /// Alone (tables the load writes).
    Exclusive,
}

/// The locks of a load of `table`, by table name in lock order.
pub fn plan(catalog: &Catalog, table: &Table) -> BTreeMap<String, Hold> {
    let mut written = vec![table.name.clone()];
    let mut i = 0;
    while i < written.len() {
        let parent = written[i].clone();
        for child in catalog.load_order() {
            if child.foreign_keys.iter().any(|fk| fk.references == parent)
                && !written.contains(&child.name)
            {
                written.push(child.name.clone());
            }
        }
        i += 1;
    }
    let mut locks: BTreeMap<String, Hold> = BTreeMap::new();
    for name in &written {
        if let Some(t) = catalog.table(name) {
            for fk in &t.foreign_keys {
                locks.entry(fk.references.clone()).or_insert(Hold::Shared);
            }
        }
    }
    for name in written {
        locks.insert(name, Hold::Exclusive);
    }
    locks
}

/// Which tables a load locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// What [`plan`] names (the default).
    #[default]
    PerTable,
    /// Every table exclusive ([`all`]): one load merges at a time, as
    /// before the per-table locks. The benchmark's side-by-side reference.
    Global,
}

/// The locks of a load of `table` under `scope`.
pub fn for_load(catalog: &Catalog, table: &Table, scope: Scope) -> BTreeMap<String, Hold> {
    match scope {
        Scope::PerTable => plan(catalog, table),
        Scope::Global => all(catalog),
    }
}

/// Every table exclusive: work that may write any table (a reconcile's
/// resolution of what loads left behind).
pub fn all(catalog: &Catalog) -> BTreeMap<String, Hold> {
    catalog
        .load_order()
        .map(|t| (t.name.clone(), Hold::Exclusive))
        .collect()
}

/// Takes the locks of `plan` in order (waits for loads holding them).
pub(crate) async fn take(
    tx: &Transaction<'_>,
    schema: &str,
    plan: &BTreeMap<String, Hold>,
) -> Result<(), LockError> {
    for (table, hold) in plan {
        let statement = match hold {
            Hold::Shared => ledger("lock_table_shared"),
            Hold::Exclusive => ledger("lock_table_exclusive"),
        }
        .map_err(LockError::Statement)?;
        tx.execute(statement, &[&format!("{schema}.{table}")])
            .await
            .map_err(LockError::Database)?;
    }
    Ok(())
}

/// Why the locks (or an arrival mark, [`crate::arrivals`]) could not be taken.
#[derive(Debug)]
pub enum LockError {
    Statement(crate::TransientError),
    Database(tokio_postgres::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use starlift_domain::catalog::{Column, ColumnType, ForeignKey, LoadMode};

    fn table(name: &str, parents: &[&str]) -> Table {
        let mut columns = vec![Column {
            name: "id".into(),
            ty: ColumnType::Integer,
            nullable: false,
            has_default: false,
        }];
        for p in parents {
            columns.push(Column {
                name: format!("{p}_id"),
                ty: ColumnType::Integer,
                nullable: true,
                has_default: false,
            });
        }
        Table {
            schema: "s".into(),
            name: name.into(),
            columns,
            primary_key: vec!["id".into()],
            foreign_keys: parents
                .iter()
                .map(|p| ForeignKey {
                    name: format!("{name}_{p}_fkey"),
                    columns: vec![format!("{p}_id")],
                    references: p.to_string(),
                    referenced_columns: vec!["id".into()],
                })
                .collect(),
            checks: Vec::new(),
            mode: LoadMode::Upsert,
            aliases: Vec::new(),
        }
    }

    #[test]
    fn a_load_writes_its_table_and_everything_below_and_reads_their_parents() {
        // artist <- album <- track -> genre ; track <- line -> invoice
        let catalog = Catalog::new(
            "s".into(),
            vec![
                table("line", &["track", "invoice"]),
                table("track", &["album", "genre"]),
                table("album", &["artist"]),
                table("artist", &[]),
                table("genre", &[]),
                table("invoice", &[]),
            ],
        )
        .unwrap();
        let of = |name: &str| plan(&catalog, catalog.table(name).unwrap());
        let album = of("album");
        assert_eq!(album["album"], Hold::Exclusive);
        assert_eq!(album["track"], Hold::Exclusive);
        assert_eq!(album["line"], Hold::Exclusive);
        assert_eq!(album["artist"], Hold::Shared);
        assert_eq!(album["genre"], Hold::Shared);
        assert_eq!(album["invoice"], Hold::Shared);
        // A leaf writes itself and reads its parents only.
        let line = of("line");
        assert_eq!(line.len(), 3);
        assert_eq!(line["track"], Hold::Shared);
        // A parent and its child always collide.
        assert_eq!(of("invoice")["line"], Hold::Exclusive);
        assert!(all(&catalog).values().all(|h| *h == Hold::Exclusive));
        let line_table = catalog.table("line").unwrap();
        assert_eq!(for_load(&catalog, line_table, Scope::PerTable), line);
        assert_eq!(for_load(&catalog, line_table, Scope::Global), all(&catalog));
    }
}
