//! Data sets as packs. A pack is `sql/<name>/`: `dataset.toml` (name,
//! description, OLTP schema, CSV dialect, file-name aliases, load modes,
//! warehouse declarations), `oltp/NNNN_*.sql` (the DDL, the single source of
//! the loader's catalog) and its warehouse (`warehouse/`, `analytics/`,
//! `models/`, `tests/`, `summary.sql`: `docs/warehouse.md`), with sample
//! CSVs in `data/<name>/`. Every pack is embedded in the binaries
//! (`build.rs`); `DATASET` picks the one a function serves.

use std::collections::BTreeMap;

use tokio_postgres::Client;

use crate::catalog::{self, Catalog, CatalogError, TableSettings};
use crate::migrate::{Migration, MigrationSet};
use crate::warehouse::{self, Fact, Model, Scd2, SqlFile, TestDecl, WarehouseError};

/// The pack served when `DATASET` is not set.
pub const DEFAULT_DATASET: &str = "chinook";

/// Names a pack may not take: the engine's own folders and migration sets.
const RESERVED: [&str; 6] = ["engine", "etl", "olap", "analytics", "oltp", "starlift"];

/// A pack as the build embedded it.
#[derive(Debug)]
pub(crate) struct EmbeddedPack {
    folder: &'static str,
    manifest: &'static str,
    oltp: MigrationSet,
    warehouse: MigrationSet,
    analytics: MigrationSet,
    models: &'static [SqlFile],
    tests: &'static [SqlFile],
    summary: Option<&'static str>,
    dashboard: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// `dataset.toml`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The pack's name: its folder under `sql/` and `data/`.
    pub name: String,
    /// One line: what the data set is.
    pub description: String,
    /// The OLTP schema of its tables; the name by default.
    pub schema: Option<String>,
    /// CSV dialect defaults (`delimiter`, `quote`, `null`, …); a file
    /// overrides them with `name=value` folders in its key.
    #[serde(default)]
    pub csv: BTreeMap<String, OptionValue>,
    /// File stem or folder → table (`olist_orders_dataset = "orders"`).
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Per-table settings where the defaults do not fit (`mode = "append"`).
    #[serde(default)]
    pub tables: BTreeMap<String, TableSettings>,
    /// How star-builder's mirror departs from its defaults.
    #[serde(default)]
    pub mirror: MirrorSettings,
    /// SCD type 2 dimensions, by name (`scd2.<name>` in the models).
    #[serde(default)]
    pub scd2: BTreeMap<String, Scd2>,
    /// Facts rebuilt per grain key, by name (`affected.<name>`).
    #[serde(default)]
    pub facts: BTreeMap<String, Fact>,
    /// Generic data-quality tests on warehouse tables.
    #[serde(default)]
    pub tests: Vec<TestDecl>,
}

/// `[mirror]` in `dataset.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorSettings {
    /// Foreign keys whose mirror index no model probes, as
    /// `table.column` (`table.a,b` for a composite key): the mirror indexes
    /// every other foreign key. Each index costs every build that writes its
    /// table, so leave out the ones nothing reads through.
    #[serde(default)]
    pub unindexed: Vec<String>,
}

/// A CSV option's value in `dataset.toml`: one string or several (`null`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum OptionValue {
    One(String),
    Many(Vec<String>),
}

/// One pack: its manifest, DDL and warehouse.
#[derive(Debug, Clone)]
pub struct Pack {
    pub manifest: Manifest,
    /// The DDL as a migration set of its own (`pack/<name>`).
    pub oltp: MigrationSet,
    /// The warehouse DDL on OLAP (`pack/<name>/warehouse`).
    pub warehouse: MigrationSet,
    /// Views over the warehouse (`pack/<name>/analytics`), after it.
    pub analytics: MigrationSet,
    /// The models, in run order ([`warehouse::order`]).
    pub models: Vec<Model>,
    /// Singular data-quality tests, by file name.
    pub tests: Vec<SqlFile>,
    /// `summary.sql`: one row, one json column of headline analytics.
    pub summary: Option<&'static str>,
    /// `dashboard.toml`: the charts of the report each build publishes
    /// (parsed and checked by `starlift-report`).
    pub dashboard: Option<&'static str>,
}

/// A pack's files, as embedded or read from its folder.
#[derive(Debug, Clone)]
struct Files {
    oltp: MigrationSet,
    warehouse: MigrationSet,
    analytics: MigrationSet,
    models: Vec<SqlFile>,
    tests: Vec<SqlFile>,
    summary: Option<&'static str>,
    dashboard: Option<&'static str>,
}

/// Why a pack cannot be served. All of these stop the cold start.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("DATASET {name:?} names no pack (packs: {known})")]
    Unknown { name: String, known: String },
    #[error("sql/{folder}/dataset.toml: {reason}")]
    Manifest { folder: String, reason: String },
    #[error("cannot read pack folder {path}: {reason}")]
    Folder { path: String, reason: String },
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A model's header or the models' order (the error names the file).
    #[error(transparent)]
    Warehouse(#[from] WarehouseError),
}

/// The names of the embedded packs.
pub fn names() -> Vec<&'static str> {
    EMBEDDED.iter().map(|p| p.folder).collect()
}

impl Pack {
    /// The embedded pack called `name`.
    pub fn embedded(name: &str) -> Result<Self, PackError> {
        let embedded =
            EMBEDDED
                .iter()
                .find(|p| p.folder == name)
                .ok_or_else(|| PackError::Unknown {
                    name: name.to_string(),
                    known: names().join(", "),
                })?;
        let files = Files {
            oltp: embedded.oltp,
            warehouse: embedded.warehouse,
            analytics: embedded.analytics,
            models: embedded.models.to_vec(),
            tests: embedded.tests.to_vec(),
            summary: embedded.summary,
            dashboard: embedded.dashboard,
        };
        Self::new(embedded.folder, embedded.manifest, files)
    }

    /// A pack from a folder on disk (tests and experiments: a pack is
    /// embedded by putting it under `sql/`). Its texts live as long as the
    /// process.
    pub fn from_dir(dir: &std::path::Path) -> Result<Self, PackError> {
        let unreadable = |reason: std::io::Error| PackError::Folder {
            path: dir.display().to_string(),
            reason: reason.to_string(),
        };
        let folder = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let manifest = std::fs::read_to_string(dir.join("dataset.toml")).map_err(unreadable)?;
        let migrations = |sub: &str, set: String, required: bool| {
            read_migrations(dir, &folder, sub, required).map(|migrations| MigrationSet {
                name: leak(set),
                migrations: Box::leak(migrations.into_boxed_slice()),
            })
        };
        let optional = |file: &str| match std::fs::read_to_string(dir.join(file)) {
            Ok(text) => Ok(Some(leak(text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(unreadable(e)),
        };
        let summary = optional("summary.sql")?;
        let dashboard = optional("dashboard.toml")?;
        let files = Files {
            oltp: migrations("oltp", format!("pack/{folder}"), true)?,
            warehouse: migrations("warehouse", format!("pack/{folder}/warehouse"), false)?,
            analytics: migrations("analytics", format!("pack/{folder}/analytics"), false)?,
            models: read_sql_files(&dir.join("models"))?,
            tests: read_sql_files(&dir.join("tests"))?,
            summary,
            dashboard,
        };
        Self::new(leak(folder), leak(manifest), files)
    }

    fn new(folder: &str, manifest: &str, files: Files) -> Result<Self, PackError> {
        let invalid = |reason: String| PackError::Manifest {
            folder: folder.to_string(),
            reason,
        };
        let manifest: Manifest = toml::from_str(manifest).map_err(|e| invalid(e.to_string()))?;
        if manifest.name != folder {
            return Err(invalid(format!(
                "name = {:?} but the folder is {folder:?}; they must agree",
                manifest.name
            )));
        }
        if RESERVED.contains(&folder) {
            return Err(invalid(format!("{folder:?} is reserved for the engine")));
        }
        if let Some(schema) = &manifest.schema
            && (RESERVED.contains(&schema.as_str())
                || schema.starts_with("pg_")
                || schema == "public")
        {
            return Err(invalid(format!("schema = {schema:?} is reserved")));
        }
        crate::dialect::Dialect::from_options(csv_pairs(&manifest))
            .map_err(|e| invalid(format!("[csv]: {e}")))?;
        if files.oltp.migrations.is_empty() {
            return Err(invalid(
                "no oltp/NNNN_*.sql files: the pack has no tables".into(),
            ));
        }
        for (alias, table) in &manifest.aliases {
            if alias.trim().is_empty() || table.trim().is_empty() {
                return Err(invalid(format!("alias {alias:?} = {table:?} is empty")));
            }
        }
        let models = files
            .models
            .into_iter()
            .map(warehouse::parse_model)
            .collect::<Result<Vec<_>, _>>()
            .and_then(warehouse::order)
            .map_err(|e| e.in_pack(folder))?;
        Ok(Self {
            manifest,
            oltp: files.oltp,
            warehouse: files.warehouse,
            analytics: files.analytics,
            models,
            tests: files.tests,
            summary: files.summary,
            dashboard: files.dashboard,
        })
    }

    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// The warehouse tables the pack's models write (`schema.table`), in the
    /// order they are first written.
    pub fn written_tables(&self) -> Vec<&str> {
        let mut tables: Vec<&str> = Vec::new();
        for table in self.models.iter().flat_map(|m| &m.writes) {
            if !tables.contains(&table.as_str()) {
                tables.push(table);
            }
        }
        tables
    }

    /// The OLTP schema the pack's tables live in.
    pub fn schema(&self) -> &str {
        self.manifest
            .schema
            .as_deref()
            .unwrap_or(&self.manifest.name)
    }

    /// The pack's CSV defaults as `(option, value)` pairs, in the order a
    /// file's own options are applied after them.
    pub fn csv_options(&self) -> Vec<(String, String)> {
        csv_pairs(&self.manifest)
    }

    /// The per-table settings with the aliases folded in.
    fn table_settings(&self) -> BTreeMap<String, TableSettings> {
        let mut settings = self.manifest.tables.clone();
        for (alias, table) in &self.manifest.aliases {
            settings
                .entry(table.clone())
                .or_default()
                .aliases
                .push(alias.clone());
        }
        settings
    }

    /// Reads the catalog of the migrated pack (see [`catalog::read`]).
    pub async fn read_catalog(&self, client: &Client) -> Result<&'static Catalog, PackError> {
        Ok(catalog::read(client, self.schema(), &self.table_settings())
            .await?
            .leak())
    }
}

/// `[csv]` as `(option, value)` pairs; a list gives one pair per value.
fn csv_pairs(manifest: &Manifest) -> Vec<(String, String)> {
    let mut options = Vec::new();
    for (name, value) in &manifest.csv {
        match value {
            OptionValue::One(v) => options.push((name.clone(), v.clone())),
            OptionValue::Many(values) => {
                options.extend(values.iter().map(|v| (name.clone(), v.clone())));
            }
        }
    }
    options
}

/// The numbered migrations of `dir/sub` (none when `sub` is missing and
/// not `required`).
fn read_migrations(
    dir: &std::path::Path,
    folder: &str,
    sub: &str,
    required: bool,
) -> Result<Vec<Migration>, PackError> {
    let path = dir.join(sub);
    if !required && !path.exists() {
        return Ok(Vec::new());
    }
    let unreadable = |reason: std::io::Error| PackError::Folder {
        path: path.display().to_string(),
        reason: reason.to_string(),
    };
    let mut files: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(&path)
        .map_err(unreadable)?
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(name, _)| {
            name.ends_with(".sql") && name.as_bytes().first().is_some_and(u8::is_ascii_digit)
        })
        .collect();
    files.sort();
    let mut migrations = Vec::with_capacity(files.len());
    for (name, file) in files {
        let sql = std::fs::read_to_string(&file).map_err(unreadable)?;
        let version =
            name.get(..4)
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| PackError::Manifest {
                    folder: folder.to_string(),
                    reason: format!("{sub}/{name} does not start with a 4-digit number"),
                })?;
        migrations.push(Migration {
            version,
            name: leak(name),
            sql: leak(sql),
        });
    }
    Ok(migrations)
}

/// The `*.sql` files of `dir`, by name (none when it is missing).
fn read_sql_files(dir: &std::path::Path) -> Result<Vec<SqlFile>, PackError> {
    let unreadable = |reason: std::io::Error| PackError::Folder {
        path: dir.display().to_string(),
        reason: reason.to_string(),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(unreadable(e)),
    };
    let mut files: Vec<(String, std::path::PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(name, _)| name.ends_with(".sql"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|(name, path)| {
            let sql = std::fs::read_to_string(&path).map_err(unreadable)?;
            Ok(SqlFile {
                name: leak(name),
                sql: leak(sql),
            })
        })
        .collect()
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(oltp: MigrationSet) -> Files {
        let empty = |name| MigrationSet {
            name,
            migrations: &[],
        };
        Files {
            oltp,
            warehouse: empty("pack/x/warehouse"),
            analytics: empty("pack/x/analytics"),
            models: Vec::new(),
            tests: Vec::new(),
            summary: None,
            dashboard: None,
        }
    }

    #[test]
    fn every_embedded_pack_parses_and_chinook_is_one() {
        assert!(names().contains(&DEFAULT_DATASET));
        for name in names() {
            let pack = Pack::embedded(name).unwrap();
            assert_eq!(pack.name(), name);
            for window in pack.oltp.migrations.windows(2) {
                assert!(window[0].version < window[1].version, "{name}");
            }
        }
    }

    /// docs/warehouse.md: every model's header matches its SQL, and the
    /// declarations agree with each other (the catalog checks need the
    /// database: tests/database.rs).
    #[test]
    fn every_embedded_pack_declares_what_its_models_use() {
        for name in names() {
            let pack = Pack::embedded(name).unwrap();
            assert_eq!(pack.warehouse.name, format!("pack/{name}/warehouse"));
            assert_eq!(pack.analytics.name, format!("pack/{name}/analytics"));
            let schemas = warehouse::written_schemas(&pack.models);
            for model in &pack.models {
                if let Err(error) = warehouse::check_declarations(model, &schemas) {
                    panic!("{}", error.in_pack(name));
                }
            }
            if let Err(error) = warehouse::check_manifest(&pack) {
                panic!("{error}");
            }
        }
    }

    fn tiny_dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs/tiny")
    }

    #[test]
    fn a_folder_gives_the_whole_warehouse() {
        let pack = Pack::from_dir(&tiny_dir()).unwrap();
        assert_eq!(pack.warehouse.name, "pack/tiny/warehouse");
        assert_eq!(pack.warehouse.migrations[0].name, "0001_dw.sql");
        assert_eq!(pack.warehouse.migrations[0].version, 1);
        assert_eq!(pack.analytics.name, "pack/tiny/analytics");
        assert_eq!(pack.analytics.migrations.len(), 1);
        let models: Vec<(&str, bool)> = pack.models.iter().map(|m| (m.file.name, m.bulk)).collect();
        // The dimension first: the fact reads it.
        assert_eq!(
            models,
            [("scd_customer.sql", false), ("fact_order.sql", true)]
        );
        assert_eq!(pack.tests.len(), 1);
        assert_eq!(pack.tests[0].stem(), "orders_have_an_amount");
        assert!(
            pack.summary
                .is_some_and(|s| s.contains("json_build_object"))
        );
        assert_eq!(pack.manifest.scd2["customer"].tracked, ["city"]);
        assert_eq!(pack.manifest.facts["orders"].grain, ["order_id"]);
        assert_eq!(pack.manifest.tests.len(), 2);
    }

    #[test]
    fn a_folder_without_a_warehouse_has_empty_sets() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("bare");
        std::fs::create_dir_all(folder.join("oltp")).unwrap();
        std::fs::write(
            folder.join("dataset.toml"),
            "name = \"bare\"\ndescription = \"d\"\n",
        )
        .unwrap();
        std::fs::write(folder.join("oltp/0001_bare.sql"), "CREATE SCHEMA bare;").unwrap();
        let pack = Pack::from_dir(&folder).unwrap();
        assert!(pack.warehouse.migrations.is_empty());
        assert!(pack.analytics.migrations.is_empty());
        assert!(pack.models.is_empty() && pack.tests.is_empty() && pack.summary.is_none());

        std::fs::create_dir_all(folder.join("models")).unwrap();
        std::fs::write(folder.join("models/b.sql"), "-- writes: dw.b\nSELECT 1").unwrap();
        std::fs::write(
            folder.join("models/a.sql"),
            "-- reads: dw.nope\n-- writes: dw.a\n",
        )
        .unwrap();
        let error = Pack::from_dir(&folder).unwrap_err().to_string();
        assert_eq!(
            error,
            "sql/bare/models/a.sql: reads dw.nope, which no model writes"
        );
        std::fs::write(folder.join("models/a.sql"), "SELECT 1").unwrap();
        let error = Pack::from_dir(&folder).unwrap_err().to_string();
        assert!(error.starts_with("sql/bare/models/a.sql: "), "{error}");
    }

    #[test]
    fn unknown_pack_names_the_known_ones() {
        let error = Pack::embedded("nope").unwrap_err().to_string();
        assert!(error.contains("chinook"), "{error}");
    }

    #[test]
    fn manifest_errors_name_the_file() {
        let oltp = MigrationSet {
            name: "pack/x",
            migrations: &[Migration {
                version: 1,
                name: "0001_x.sql",
                sql: "CREATE TABLE x.t (id int)",
            }],
        };
        let wrong_name =
            Pack::new("x", "name = \"y\"\ndescription = \"d\"", files(oltp)).unwrap_err();
        assert!(
            wrong_name.to_string().contains("sql/x/dataset.toml"),
            "{wrong_name}"
        );
        let unknown_key = Pack::new(
            "x",
            "name = \"x\"\ndescription = \"d\"\ncolour = 1",
            files(oltp),
        )
        .unwrap_err();
        assert!(unknown_key.to_string().contains("colour"), "{unknown_key}");
        let reserved = Pack::new(
            "engine",
            "name = \"engine\"\ndescription = \"d\"",
            files(oltp),
        )
        .unwrap_err();
        assert!(reserved.to_string().contains("reserved"), "{reserved}");
        let ok = Pack::new(
            "x",
            "name = \"x\"\ndescription = \"d\"\nschema = \"s\"\n[csv]\ndelimiter = \";\"\nnull = [\"NULL\", \"\\\\N\"]\n[aliases]\nx_dataset = \"t\"\n[tables.t]\nmode = \"append\"",
            files(oltp),
        )
        .unwrap();
        assert_eq!(ok.schema(), "s");
        assert_eq!(
            ok.csv_options(),
            vec![
                ("delimiter".into(), ";".into()),
                ("null".into(), "NULL".into()),
                ("null".into(), "\\N".into())
            ]
        );
        assert_eq!(
            ok.table_settings()["t"].aliases,
            vec!["x_dataset".to_string()]
        );
    }
}
