//! The mirror: `mirror.<table>` for every table of the pack's OLTP catalog,
//! generated from the catalog (`sql/engine/build/mirror.sql`), and the
//! catalog-derived pieces of the statements that move rows into it
//! (`statements.sql`, `mirror_reload.sql`).

use std::collections::BTreeMap;

use starlift_domain::catalog::{
    Catalog, ColumnType, LOAD_BATCH_COLUMN, LOAD_ORIGIN_COLUMN, LoadMode, Table, quote_ident,
    quote_literal,
};
use std::sync::LazyLock;

use starlift_domain::sql::{TemplateError, named_statements, render, statement};
use tokio_postgres::Transaction;

use crate::BuildError;
use crate::build::at;

/// `sql/engine/build/mirror.sql`, split once.
static MIRROR: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| named_statements(include_str!("../../../sql/engine/build/mirror.sql")));

/// The engine's load columns a mirror table carries after the pack's own.
fn engine_columns(table: &Table) -> Vec<(&'static str, ColumnType)> {
    let mut columns = vec![(LOAD_BATCH_COLUMN, ColumnType::BigInt)];
    if table.mode == LoadMode::Append {
        columns.push((LOAD_ORIGIN_COLUMN, ColumnType::BigInt));
    }
    columns
}

/// The changed rows of `table` in an incremental build (the models'
/// `changed.<table>`).
pub(crate) fn changed_relation(table: &str) -> String {
    quote_ident(&format!("changed_{table}"))
}

/// The catalog-derived pieces of one table's statements: its columns in
/// table order with the engine's load columns last, as in `mirror.<table>`
/// and `changed_<table>`.
pub(crate) struct TableSql {
    pub(crate) name: String,
    /// The OLTP schema, quoted.
    schema: String,
    columns: String,
    column_definitions: String,
    primary_key: String,
    key_clause: String,
    assignments: String,
    current: String,
    incoming: String,
    changed: String,
    /// `'mirror.<table>'`: the table's label in build_counts and
    /// etl.mirror_index_pending (a string literal).
    mirror_label: String,
    /// Whether the table has a primary key (else it is an append table,
    /// replaced per origin file).
    pub(crate) keyed: bool,
}

impl TableSql {
    pub(crate) fn new(table: &Table) -> Self {
        let engine = engine_columns(table);
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| quote_ident(&c.name))
            .chain(engine.iter().map(|(c, _)| quote_ident(c)))
            .collect();
        let column_definitions: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let not_null = if c.nullable { "" } else { " NOT NULL" };
                format!("{} {}{not_null}", quote_ident(&c.name), c.ty.sql_type())
            })
            .chain(
                engine
                    .iter()
                    .map(|(c, ty)| format!("{} {} NOT NULL", quote_ident(c), ty.sql_type())),
            )
            .collect();
        let key: Vec<String> = table.primary_key.iter().map(|k| quote_ident(k)).collect();
        let non_key: Vec<&str> = columns
            .iter()
            .map(String::as_str)
            .filter(|c| !key.iter().any(|k| k == c))
            .collect();
        let list = |format_column: &dyn Fn(&str) -> String| {
            non_key
                .iter()
                .map(|c| format_column(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Self {
            name: quote_ident(&table.name),
            schema: quote_ident(&table.schema),
            columns: columns.join(", "),
            column_definitions: column_definitions.join(", "),
            primary_key: key.join(", "),
            key_clause: if key.is_empty() {
                String::new()
            } else {
                format!(", PRIMARY KEY ({})", key.join(", "))
            },
            assignments: list(&|c| format!("{c} = EXCLUDED.{c}")),
            current: list(&|c| format!("m.{c}")),
            incoming: list(&|c| format!("EXCLUDED.{c}")),
            changed: changed_relation(&table.name),
            mirror_label: quote_literal(&format!("mirror.{}", table.name)),
            keyed: !key.is_empty(),
        }
    }

    pub(crate) fn values<'a>(&'a self, batch_list: &'a str) -> [(&'static str, &'a str); 12] {
        [
            ("table", &self.name),
            ("schema", &self.schema),
            ("columns", &self.columns),
            ("column_definitions", &self.column_definitions),
            ("primary_key", &self.primary_key),
            ("key_clause", &self.key_clause),
            ("assignments", &self.assignments),
            ("current", &self.current),
            ("incoming", &self.incoming),
            ("changed", &self.changed),
            ("mirror_label", &self.mirror_label),
            ("batch_ids", batch_list),
        ]
    }
}

/// What the mirror DDL of one table is and whether the database has it.
pub(crate) struct MirrorState {
    /// The catalog tables the mirror has.
    pub(crate) present: Vec<String>,
    /// Every table of the mirror schema and its column names (the SCD2
    /// history tables included).
    pub(crate) columns: BTreeMap<String, Vec<String>>,
    /// Tables whose columns differ from the catalog: a full build replaces
    /// them; an incremental build cannot use them.
    pub(crate) stale: Vec<String>,
}

impl MirrorState {
    pub(crate) fn message(&self) -> Option<String> {
        (!self.stale.is_empty()).then(|| {
            format!(
                "the mirror's {} no longer match{} the pack's OLTP DDL",
                self.stale
                    .iter()
                    .map(|t| format!("mirror.{t}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if self.stale.len() == 1 { "es" } else { "" }
            )
        })
    }
}

/// Compares the mirror's tables with the catalog: a table that exists with
/// other columns, types or nullability than the catalog's is stale.
pub(crate) async fn inspect(
    olap: &Transaction<'_>,
    catalog: &Catalog,
) -> Result<MirrorState, BuildError> {
    let rows = olap
        .query(statement(&MIRROR, "columns")?, &[])
        .await
        .map_err(at("read the mirror's columns"))?;
    let mut present: BTreeMap<String, Vec<(String, Option<ColumnType>, bool)>> = BTreeMap::new();
    for row in rows {
        let sql_type: String = row.get(2);
        present.entry(row.get(0)).or_default().push((
            row.get(1),
            ColumnType::from_format_type(&sql_type),
            !row.get::<_, bool>(3),
        ));
    }
    let mut stale = Vec::new();
    let mut found = Vec::new();
    for table in &catalog.tables {
        let Some(columns) = present.get(&table.name) else {
            continue;
        };
        found.push(table.name.clone());
        let expected: Vec<(String, Option<ColumnType>, bool)> = table
            .columns
            .iter()
            .map(|c| (c.name.clone(), Some(c.ty), c.nullable))
            .chain(
                engine_columns(table)
                    .into_iter()
                    .map(|(c, ty)| (c.to_string(), Some(ty), false)),
            )
            .collect();
        if *columns != expected {
            stale.push(table.name.clone());
        }
    }
    let columns = present
        .iter()
        .map(|(table, columns)| {
            (
                table.clone(),
                columns.iter().map(|(name, _, _)| name.clone()).collect(),
            )
        })
        .collect();
    Ok(MirrorState {
        present: found,
        columns,
        stale,
    })
}

/// The DDL that gives the mirror every table of the catalog it lacks, with
/// its foreign-key indexes and comment, and the indexes a present table may
/// lack (idempotent). A stale table is left for a full build's reload.
pub(crate) fn ddl(
    catalog: &Catalog,
    state: &MirrorState,
    unindexed: &Unindexed,
) -> Result<String, TemplateError> {
    let mut out = Vec::new();
    for table in &catalog.tables {
        if state.stale.contains(&table.name) {
            continue;
        }
        let sql = table_ddl(table, unindexed)?;
        if state.present.contains(&table.name) {
            // Only indexes a new foreign key may need.
            out.extend(sql.into_iter().filter(|s| s.starts_with("CREATE INDEX")));
        } else {
            out.extend(sql);
        }
    }
    Ok(out.join(";\n"))
}

/// Drops `mirror.<table>` and creates it again as the catalog says.
pub(crate) fn replace_table(table: &Table, unindexed: &Unindexed) -> Result<String, TemplateError> {
    let sql = TableSql::new(table);
    Ok(format!(
        "{};\n{}",
        render(statement(&MIRROR, "drop_table")?, &sql.values(""))?.trim(),
        table_ddl(table, unindexed)?.join(";\n")
    ))
}

/// The foreign keys a pack leaves without a mirror index (`[mirror]
/// unindexed`), as (table, columns).
#[derive(Debug, Default)]
pub(crate) struct Unindexed(Vec<(String, Vec<String>)>);

impl Unindexed {
    /// Parses `table.column` / `table.a,b` entries and checks that each
    /// names a foreign key of the catalog.
    pub(crate) fn new(entries: &[String], catalog: &Catalog) -> Result<Self, String> {
        let mut keys = Vec::new();
        for entry in entries {
            let (table, columns) = entry
                .split_once('.')
                .ok_or_else(|| format!("[mirror] unindexed: {entry:?} is not table.column"))?;
            let columns: Vec<String> = columns.split(',').map(|c| c.trim().to_string()).collect();
            let known = catalog
                .table(table)
                .is_some_and(|t| t.foreign_keys.iter().any(|k| k.columns == columns));
            if !known {
                return Err(format!(
                    "[mirror] unindexed: {entry:?} names no foreign key of the pack's tables"
                ));
            }
            keys.push((table.to_string(), columns));
        }
        Ok(Self(keys))
    }

    fn contains(&self, table: &str, columns: &[String]) -> bool {
        self.0.iter().any(|(t, c)| t == table && c == columns)
    }
}

/// One table's statements: the table, its foreign-key indexes, its comment.
fn table_ddl(table: &Table, unindexed: &Unindexed) -> Result<Vec<String>, TemplateError> {
    let sql = TableSql::new(table);
    let values = sql.values("");
    let mut out = vec![render(statement(&MIRROR, "create_table")?, &values)?];
    // The primary key's index already serves a foreign key that leads it.
    let led_by_key = |columns: &[String]| table.primary_key.starts_with(columns);
    for key in table
        .foreign_keys
        .iter()
        .filter(|k| !led_by_key(&k.columns) && !unindexed.contains(&table.name, &k.columns))
    {
        let index = quote_ident(&format!("{}_{}_idx", table.name, key.columns.join("_")));
        let columns = key
            .columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let mut values = values.to_vec();
        values.push(("index", &index));
        values.push(("index_columns", &columns));
        out.push(render(statement(&MIRROR, "create_index")?, &values)?);
    }
    let comment = quote_literal(&format!(
        "Copy of OLTP {}.{} (same columns and key), refreshed from the changed rows of each load batch; load_batch_id = the OLTP load that last changed the row.",
        table.schema, table.name
    ));
    let mut values = values.to_vec();
    values.push(("comment", &comment));
    out.push(render(statement(&MIRROR, "comment_table")?, &values)?);
    Ok(out.into_iter().map(|s| s.trim().to_string()).collect())
}

#[cfg(test)]
mod tests {
    use starlift_domain::sql::{named_statements, render, statement};

    use super::*;
    use crate::test_catalog::chinook;

    #[test]
    fn the_mirror_has_the_catalog_key_and_an_index_per_foreign_key() {
        let catalog = chinook();
        let empty = MirrorState {
            present: Vec::new(),
            columns: BTreeMap::new(),
            stale: Vec::new(),
        };
        let sql = ddl(&catalog, &empty, &Unindexed::default()).unwrap();
        assert!(
            sql.contains(
                "CREATE TABLE IF NOT EXISTS mirror.\"invoice_line\" (\"invoice_line_id\" integer NOT NULL, \
                 \"invoice_id\" integer NOT NULL, \"track_id\" integer NOT NULL, \"unit_price\" numeric(10,2) NOT NULL, \
                 \"quantity\" integer NOT NULL, \"load_batch_id\" bigint NOT NULL, PRIMARY KEY (\"invoice_line_id\"))"
            ),
            "{sql}"
        );
        assert!(
            sql.contains(
                "CREATE INDEX IF NOT EXISTS \"invoice_line_invoice_id_idx\" ON mirror.\"invoice_line\" (\"invoice_id\")"
            ),
            "{sql}"
        );
        // An existing table only gets the indexes it may lack.
        let present: Vec<String> = catalog.tables.iter().map(|t| t.name.clone()).collect();
        let mut state = MirrorState {
            present,
            columns: BTreeMap::new(),
            stale: vec!["invoice".to_string()],
        };
        let again = ddl(&catalog, &state, &Unindexed::default()).unwrap();
        // A stale table gets nothing: the reload replaces it.
        assert!(!again.contains("mirror.\"invoice\""), "{again}");
        state.stale.clear();
        let again = ddl(&catalog, &state, &Unindexed::default()).unwrap();
        assert!(!again.contains("CREATE TABLE"), "{again}");
        assert!(again.contains("CREATE INDEX IF NOT EXISTS"), "{again}");
        // playlist_track's key (playlist_id, track_id) serves the first
        // foreign key; the second gets an index.
        assert!(!sql.contains("\"playlist_track_playlist_id_idx\""), "{sql}");
        assert!(sql.contains("\"playlist_track_track_id_idx\""), "{sql}");
    }

    #[test]
    fn a_pack_may_leave_foreign_keys_unindexed() {
        let catalog = chinook();
        let unindexed = Unindexed::new(&["invoice_line.track_id".to_string()], &catalog).unwrap();
        let table = catalog.table("invoice_line").unwrap();
        let sql = table_ddl(table, &unindexed).unwrap().join(";\n");
        assert!(!sql.contains("invoice_line_track_id_idx"), "{sql}");
        assert!(sql.contains("invoice_line_invoice_id_idx"), "{sql}");
        for wrong in ["invoice_line.quantity", "nope.track_id", "invoice_line"] {
            let error = Unindexed::new(&[wrong.to_string()], &catalog).unwrap_err();
            assert!(error.contains(wrong), "{error}");
        }
    }

    #[test]
    fn a_replaced_table_is_dropped_and_created_again() {
        let catalog = chinook();
        let sql = replace_table(catalog.table("invoice").unwrap(), &Unindexed::default()).unwrap();
        assert!(
            sql.starts_with("DROP TABLE IF EXISTS mirror.\"invoice\";"),
            "{sql}"
        );
        assert!(
            sql.contains("CREATE TABLE IF NOT EXISTS mirror.\"invoice\""),
            "{sql}"
        );
    }

    #[test]
    fn upserts_compare_every_column_but_the_key() {
        let statements = named_statements(include_str!("../../../sql/engine/build/statements.sql"));
        let catalog = chinook();
        let table = TableSql::new(catalog.table("playlist_track").unwrap());
        let upsert = render(
            statement(&statements, "upsert_mirror").unwrap(),
            &table.values(""),
        )
        .unwrap();
        assert!(
            upsert.contains(
                "ON CONFLICT (\"playlist_id\", \"track_id\") DO UPDATE SET \"load_batch_id\" = EXCLUDED.\"load_batch_id\"\n        \
                 WHERE ROW(m.\"load_batch_id\") IS DISTINCT FROM ROW(EXCLUDED.\"load_batch_id\")"
            ),
            "{upsert}"
        );
        assert!(
            upsert.contains("SELECT 'mirror.playlist_track', count(*)"),
            "{upsert}"
        );
        let out = render(
            statement(&statements, "copy_out_changed").unwrap(),
            &table.values("3,5"),
        )
        .unwrap();
        assert!(out.contains("WHERE load_batch_id IN (3,5)"), "{out}");
    }
}
