-- star-builder: the small statements the Rust layer runs around the build
-- files (README.md in this directory is the contract). Split by
-- `-- name:` lines (starlift_domain::sql::named_statements). {placeholders}
-- are filled from the catalog (starlift_domain::sql::render), never from
-- input. "OLAP" / "OLTP" says which connection runs the statement.

-- name: try_lock
-- OLAP, first statement of the build transaction: one build at a time. A
-- transaction-level advisory lock, so a crashed or cancelled build releases
-- it with its transaction. $1 = the builder's lock key.
SELECT pg_try_advisory_xact_lock($1::bigint)

-- name: consumed_batches
-- OLAP: the OLTP load batches already consumed.
SELECT coalesce(array_agg(batch_id), '{}')::bigint[] FROM etl.consumed_batch

-- name: pending_batches
-- OLTP, in the build's REPEATABLE READ snapshot: the loaded batches not
-- consumed yet (an explicit set: load ids commit out of order). $1 = the
-- consumed batch ids, $2 = the pack's OLTP schema (packs may share one
-- OLTP database).
SELECT coalesce(array_agg(load_id ORDER BY load_id), '{}')::bigint[]
FROM etl.load
WHERE status = 'loaded'
  AND schema_name = $2
  AND load_id <> ALL ($1::bigint[])

-- name: build_params
-- OLAP: this build's id and logical time. $1 = mode, $2 = dq_full.
INSERT INTO build_params (mode, dq_full) VALUES ($1::text, $2::boolean)
RETURNING build_id, build_time

-- name: build_batch
-- OLAP: the batches this build consumes. $1 = their ids.
INSERT INTO build_batch (batch_id) SELECT unnest($1::bigint[])

-- name: analyze_build_params
-- OLAP, after build_batch: temp tables are never auto-analyzed.
ANALYZE build_batch, build_params

-- name: create_stage
-- OLAP, incremental mode, before the COPYs (all tables in one round trip):
-- the temp table for the changed rows of {table}. {column_definitions} come
-- from the catalog (the chinook columns in table order, load_batch_id
-- last), like mirror.{table}'s.
CREATE TEMP TABLE stage_{table} ({column_definitions}) ON COMMIT DROP

-- name: stage_view
-- OLAP, full mode, per table once the reload committed it: every row is the
-- change set.
CREATE TEMP VIEW stage_{table} AS SELECT * FROM mirror.{table}

-- name: copy_out_changed
-- OLTP: the rows of the consumed batches ({batch_ids}: an integer list).
COPY (SELECT {columns} FROM {schema}.{table} WHERE load_batch_id IN ({batch_ids})) TO STDOUT (FORMAT binary)

-- name: copy_out_all
-- OLTP, full mode: every row.
COPY {schema}.{table} ({columns}) TO STDOUT (FORMAT binary)

-- name: copy_in_stage
-- OLAP, incremental mode: into the temp stage table.
COPY stage_{table} ({columns}) FROM STDIN (FORMAT binary)

-- name: copy_in_mirror
-- OLAP reload connection, full mode (after hold_indexes in
-- mirror_reload.sql): straight into the mirror. FREEZE: the table was
-- truncated in this transaction, so the rows can be written frozen (no
-- hint-bit rewrite of every page by the first reader, no anti-wraparound
-- vacuum later); a failed reload rolls the truncation back.
COPY mirror.{table} ({columns}) FROM STDIN (FORMAT binary, FREEZE)

-- name: upsert_mirror
-- OLAP, incremental mode, after the COPYs (all tables in one round trip):
-- bring stage_{table} into the mirror, count the rows written, and analyze
-- the stage for the build steps that join it (temp tables are never
-- auto-analyzed). A row is written only where some column really differs,
-- so a re-delivered, unchanged row changes nothing; the cost follows the
-- stage table (one primary-key probe per row). Filled from the catalog:
-- {columns} (load_batch_id included), {primary_key}, {assignments} (every
-- other column = EXCLUDED.<column>), {current} and {incoming} (those
-- columns as m.<column> and EXCLUDED.<column>).
WITH written AS (
    INSERT INTO mirror.{table} AS m ({columns})
    SELECT {columns} FROM stage_{table}
    ON CONFLICT ({primary_key}) DO UPDATE SET {assignments}
        WHERE ROW({current}) IS DISTINCT FROM ROW({incoming})
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'mirror.{table}', count(*) FROM written;
ANALYZE stage_{table};

-- name: count_mirror_rows
-- OLAP, full mode, once the reload is done: the rows it COPYed into each
-- mirror table are that table's rows changed (and its row count, which
-- 95_dq.sql reads instead of counting mirror.invoice_line again).
-- $1 = the chinook table name, $2 = the rows.
INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.' || $1::text, $2::bigint)

-- name: build_counts
-- OLAP, before COMMIT: rows changed per table.
SELECT table_name, sum(rows_changed)::bigint FROM build_counts GROUP BY 1 ORDER BY 1

-- name: dq_results
-- OLAP, before COMMIT: this build's data-quality results. $1 = build_id.
SELECT check_name, passed, detail FROM etl.dq_result WHERE build_id = $1::bigint ORDER BY check_name
