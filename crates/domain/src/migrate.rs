//! The migrations runner: numbered SQL files embedded into the binaries, each
//! applied once, in order, recorded with a checksum; a changed applied file is
//! an error. It runs under an advisory lock so concurrent cold starts are safe.

use sha2::{Digest, Sha256};
use tokio_postgres::Client;

/// One numbered SQL file.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// An ordered list of migrations for one database role (`oltp`, `olap`, …).
#[derive(Debug, Clone, Copy)]
pub struct MigrationSet {
    pub name: &'static str,
    pub migrations: &'static [Migration],
}

macro_rules! migration {
    ($version:expr, $dir:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $file,
            sql: include_str!(concat!("../../../sql/", $dir, "/", $file)),
        }
    };
}

/// The OLTP database's engine schema: the load ledger, rejected and pending
/// rows (`etl`). Each pack's own tables are a set of their own
/// ([`crate::pack::Pack::oltp`]).
pub static ETL: MigrationSet = MigrationSet {
    name: "etl",
    migrations: &[
        migration!(1, "engine/oltp", "0001_etl.sql"),
        migration!(2, "engine/oltp", "0002_etl_schema.sql"),
        migration!(3, "engine/oltp", "0003_bounded_and_identical.sql"),
    ],
};

/// The OLAP database's engine schemas, `etl` and `mirror` (whose tables the
/// builder generates from the pack's catalog). Each pack's warehouse and
/// analytics are sets of their own ([`crate::pack::Pack`]).
pub static OLAP: MigrationSet = MigrationSet {
    name: "engine/olap",
    migrations: &[
        migration!(1, "engine/olap", "0001_engine.sql"),
        migration!(2, "engine/olap", "0002_lakehouse.sql"),
    ],
};

/// The table recording applied migrations. In its own schema so it works when
/// OLTP and OLAP share a database.
const LEDGER_DDL: &str = "CREATE SCHEMA IF NOT EXISTS starlift;
CREATE TABLE IF NOT EXISTS starlift.schema_migration (
    migration_set text NOT NULL,
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (migration_set, version)
)";

/// Key of the session-independent advisory lock serializing migrations.
const LOCK_KEY: i64 = 0x5374_6172_4d69_6772; // "StarMigr"

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "migration {set}/{name} (version {version}) was changed after it was applied (checksum {applied} in the database, {embedded} in this build); add a new migration instead"
    )]
    ChecksumMismatch {
        set: &'static str,
        version: i32,
        name: &'static str,
        applied: String,
        embedded: String,
    },
    #[error("migration {set}/{name} failed: {reason}")]
    Apply {
        set: &'static str,
        name: &'static str,
        reason: String,
        source: tokio_postgres::Error,
    },
    #[error("migrations bookkeeping failed: {0}")]
    Ledger(#[from] tokio_postgres::Error),
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<&'static str>,
    pub already_applied: usize,
}

pub fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

/// Applies the pending migrations of `set`, all in one transaction under an
/// advisory lock: either every pending file applies or none does.
pub async fn migrate(
    client: &mut Client,
    set: &MigrationSet,
) -> Result<MigrationReport, MigrateError> {
    let transaction = client.transaction().await?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await?;
    transaction.batch_execute(LEDGER_DDL).await?;
    let rows = transaction
        .query(
            "SELECT version, checksum FROM starlift.schema_migration WHERE migration_set = $1",
            &[&set.name],
        )
        .await?;
    let applied: std::collections::HashMap<i32, String> =
        rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let mut report = MigrationReport::default();
    for migration in set.migrations {
        let embedded = checksum(migration.sql);
        if let Some(recorded) = applied.get(&migration.version) {
            if *recorded != embedded {
                return Err(MigrateError::ChecksumMismatch {
                    set: set.name,
                    version: migration.version,
                    name: migration.name,
                    applied: recorded.clone(),
                    embedded,
                });
            }
            report.already_applied += 1;
            continue;
        }
        transaction
            .batch_execute(migration.sql)
            .await
            .map_err(|source| MigrateError::Apply {
                set: set.name,
                name: migration.name,
                reason: crate::db::describe(&source),
                source,
            })?;
        transaction
            .execute(
                "INSERT INTO starlift.schema_migration (migration_set, version, name, checksum) VALUES ($1, $2, $3, $4)",
                &[&set.name, &migration.version, &migration.name, &embedded],
            )
            .await?;
        tracing::info!(
            set = set.name,
            migration = migration.name,
            "applied migration"
        );
        report.applied.push(migration.name);
    }
    transaction.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every numbered file in sql/<dir> is in its set, in order, with the
    /// version its file name says.
    fn assert_set_matches_directory(set: &MigrationSet, dirs: &[&str]) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sql");
        let mut on_disk: Vec<String> = Vec::new();
        for dir in dirs {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                if name.ends_with(".sql") && name.as_bytes()[0].is_ascii_digit() {
                    on_disk.push(name);
                }
            }
        }
        on_disk.sort();
        let listed: Vec<String> = set.migrations.iter().map(|m| m.name.to_string()).collect();
        let mut sorted_listed = listed.clone();
        sorted_listed.sort();
        assert_eq!(
            sorted_listed, on_disk,
            "every file in sql/{dirs:?} must be listed in migrate.rs"
        );
        for window in set.migrations.windows(2) {
            assert!(
                window[0].version < window[1].version,
                "versions increase in {}",
                set.name
            );
        }
    }

    #[test]
    fn every_set_lists_every_file() {
        for (set, dir) in [(&ETL, "engine/oltp"), (&OLAP, "engine/olap")] {
            assert_set_matches_directory(set, &[dir]);
            for m in set.migrations {
                let number: i32 = m.name[..4].parse().unwrap();
                assert_eq!(number, m.version, "{}", m.name);
            }
        }
    }

    #[test]
    fn checksum_changes_with_content() {
        assert_ne!(checksum("a"), checksum("b"));
        assert_eq!(checksum("a").len(), 64);
    }
}
