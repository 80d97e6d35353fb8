-- star-builder: the affected grain keys of a declared fact ([facts.<name>]
-- in dataset.toml), the models' affected.<name>: the grain keys whose fact
-- rows the models delete and insert again. Filled from the declaration
-- (crates/star-builder/src/grain.rs): {affected} the temp table, {grain}
-- its columns, {source_columns} a source's columns holding the grain key
-- (s. or m. prefixed, in grain order), {not_null} those columns IS NOT NULL.

-- name: create
CREATE TEMP TABLE {affected} ({grain_definitions}, PRIMARY KEY ({grain})) ON COMMIT DROP

-- name: before
-- Incremental, before the change set is merged into the mirror: the grain
-- key each changed row had until now (a line that moves to another invoice
-- rewrites the one it leaves). {match} joins the changed row to its mirror
-- row: by primary key, or by origin file for a table without one.
INSERT INTO {affected} ({grain})
SELECT DISTINCT {source_columns}
FROM {changed} s
JOIN mirror.{table} m ON {match}
WHERE {not_null}
ON CONFLICT DO NOTHING

-- name: after
-- Incremental: the grain key of every changed row.
INSERT INTO {affected} ({grain})
SELECT DISTINCT {source_columns}
FROM {changed} s
WHERE {not_null}
ON CONFLICT DO NOTHING

-- name: create_every
-- Full, instead of create: every grain key. {every} is the rows of the
-- source whose grain columns are its primary key, or else the UNION of
-- every source's grain keys; CREATE TABLE AS writes them in bulk.
CREATE TEMP TABLE {affected} ON COMMIT DROP AS {every}

-- name: analyze
ANALYZE {affected}
