-- star-builder: the mirror, generated from the pack's OLTP catalog (no
-- restated DDL). Run in the build transaction before the change set comes
-- in; every statement is idempotent, so a build on an existing mirror only
-- checks it. {placeholders} come from the catalog (crates/star-builder/src/mirror.rs).

-- name: create_table
-- mirror.{table}: the OLTP table's columns and types (NOT NULL kept), the
-- engine's load columns, and its primary key ({key_clause} is empty for a
-- table without one). No foreign keys: rows arrive per changed batch and
-- the OLTP side enforces references.
CREATE TABLE IF NOT EXISTS mirror.{table} ({column_definitions}{key_clause})

-- name: create_index
-- An index on a foreign key's columns: the models propagate a parent's
-- change to its children by probing these.
CREATE INDEX IF NOT EXISTS {index} ON mirror.{table} ({index_columns})

-- name: comment_table
COMMENT ON TABLE mirror.{table} IS {comment}

-- name: drop_table
-- A full build replaces a mirror table whose columns no longer match the
-- catalog (the pack's DDL changed); it is reloaded whole right after.
DROP TABLE IF EXISTS mirror.{table}

-- name: columns
-- The mirror's tables and columns as they are, to compare with the catalog.
SELECT c.relname::text AS table_name,
       a.attname::text AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS sql_type,
       a.attnotnull AS not_null
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'mirror'::regnamespace AND c.relkind = 'r'
ORDER BY c.relname, a.attnum
