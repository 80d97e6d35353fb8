-- The lakehouse export's statements (crates/lakehouse/src/export.rs). It
-- runs after a build committed, in one transaction on the OLAP connection
-- that holds the builder's advisory lock, so no build changes dw meanwhile.

-- name: try_lock
SELECT pg_try_advisory_xact_lock($1)

-- name: begin_export
SELECT nextval('etl.lakehouse_export_seq')::bigint, (SELECT max(build_id) FROM etl.build_run)

-- name: columns
-- A table's columns in order: name, type (format_type), the type's name,
-- numeric precision and scale (NULL when not declared), NOT NULL.
SELECT a.attname::text,
       format_type(a.atttypid, a.atttypmod),
       t.typname::text,
       CASE WHEN t.typname = 'numeric' AND a.atttypmod >= 4
            THEN ((a.atttypmod - 4) >> 16) & 65535 END,
       CASE WHEN t.typname = 'numeric' AND a.atttypmod >= 4
            THEN (a.atttypmod - 4) & 65535 END,
       a.attnotnull
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum

-- name: triggers
-- Marks a table's changed parts in etl.lakehouse_dirty (0002_lakehouse.sql).
-- A partitioned fact: the partitions of the rows each statement wrote or
-- removed; any other table: the whole table, when a statement changed a
-- row. TRUNCATE: the whole table. {year}, {month}: SQL literals of the
-- partition expressions ('' for an unpartitioned table).
-- Created again (OR REPLACE) by every export, so a changed partition_by
-- takes effect.
CREATE OR REPLACE TRIGGER starlift_lakehouse_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS lakehouse_new FOR EACH STATEMENT EXECUTE FUNCTION etl.lakehouse_mark({year}, {month}, 'lakehouse_new');
CREATE OR REPLACE TRIGGER starlift_lakehouse_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS lakehouse_old NEW TABLE AS lakehouse_new FOR EACH STATEMENT EXECUTE FUNCTION etl.lakehouse_mark({year}, {month}, 'lakehouse_old', 'lakehouse_new');
CREATE OR REPLACE TRIGGER starlift_lakehouse_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS lakehouse_old FOR EACH STATEMENT EXECUTE FUNCTION etl.lakehouse_mark({year}, {month}, 'lakehouse_old');
CREATE OR REPLACE TRIGGER starlift_lakehouse_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION etl.lakehouse_mark_table()

-- name: dirty
SELECT table_name, year, month FROM etl.lakehouse_dirty ORDER BY 1, 2, 3

-- name: copy
-- A dimension's rows.
COPY (SELECT {columns} FROM {table}) TO STDOUT (FORMAT binary)

-- name: copy_partitioned
-- A fact's rows (all, or those of some partitions), each with its partition
-- (year, month) last, grouped by partition ({year_at}, {month_at}: their
-- positions).
COPY (SELECT {columns}, {year} AS _starlift_year, {month} AS _starlift_month
      FROM {table} r WHERE {filter} ORDER BY {year_at}, {month_at}) TO STDOUT (FORMAT binary)

-- name: clear
-- What this export wrote is on S3 and switched: forget the marks it read
-- (the lock kept anyone from adding new ones).
DELETE FROM etl.lakehouse_dirty

-- name: log
INSERT INTO etl.lakehouse_export (export_id, build_id, report) VALUES ($1, $2, $3)
