-- star-builder: the statements the engine runs around the pack's models
-- (README.md in this directory is the contract). Split by
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

-- name: create_changed
-- OLAP, incremental mode, before the COPYs (all tables in one round trip):
-- the temp table for the changed rows of {table} (the models' changed.{table}).
-- {column_definitions} come from the catalog (the pack's columns in table
-- order, then the engine's), like mirror.{table}'s.
CREATE TEMP TABLE {changed} ({column_definitions}) ON COMMIT DROP

-- name: copy_out_changed
-- OLTP: the rows of the consumed batches ({batch_ids}: an integer list).
COPY (SELECT {columns} FROM {schema}.{table} WHERE load_batch_id IN ({batch_ids})) TO STDOUT (FORMAT binary)

-- name: copy_out_all
-- OLTP, full mode: every row.
COPY {schema}.{table} ({columns}) TO STDOUT (FORMAT binary)

-- name: copy_in_changed
-- OLAP, incremental mode: into the temp table of changed rows.
COPY {changed} ({columns}) FROM STDIN (FORMAT binary)

-- name: copy_in_mirror
-- OLAP reload connection, full mode (after hold_indexes in
-- mirror_reload.sql): straight into the mirror. FREEZE: the table was
-- truncated in this transaction, so the rows can be written frozen (no
-- hint-bit rewrite of every page by the first reader, no anti-wraparound
-- vacuum later); a failed reload rolls the truncation back.
COPY mirror.{table} ({columns}) FROM STDIN (FORMAT binary, FREEZE)

-- name: upsert_mirror
-- OLAP, incremental mode, after the COPYs (all tables in one round trip):
-- bring {changed} into the mirror, count the rows written, and analyze
-- the change set for the build steps that join it (temp tables are never
-- auto-analyzed). A row is written only where some column really differs,
-- so a re-delivered, unchanged row changes nothing; the cost follows the
-- change set (one primary-key probe per row). Filled from the catalog:
-- {columns} (load_batch_id included), {primary_key}, {assignments} (every
-- other column = EXCLUDED.<column>), {current} and {incoming} (those
-- columns as m.<column> and EXCLUDED.<column>).
WITH written AS (
    INSERT INTO mirror.{table} AS m ({columns})
    SELECT {columns} FROM {changed}
    ON CONFLICT ({primary_key}) DO UPDATE SET {assignments}
        WHERE ROW({current}) IS DISTINCT FROM ROW({incoming})
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT {mirror_label}, count(*) FROM written;
ANALYZE {changed};

-- name: replace_mirror_origins
-- OLAP, incremental mode, for a table without a primary key (an append
-- table): the loader replaces every row of a source file (load_origin_id)
-- at once, so the mirror does the same for the origins in the change set.
WITH gone AS (
    DELETE FROM mirror.{table} m
    WHERE m.load_origin_id IN (SELECT load_origin_id FROM {changed})
    RETURNING 1
), written AS (
    INSERT INTO mirror.{table} ({columns})
    SELECT {columns} FROM {changed}
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT {mirror_label}, (SELECT count(*) FROM gone) + (SELECT count(*) FROM written);
ANALYZE {changed};

-- name: count_mirror_rows
-- OLAP, full mode, once the reload is done: the rows it COPYed into each
-- mirror table are that table's rows changed (and its row count, which
-- tests may read instead of counting a large mirror table again).
-- $1 = the OLTP table name, $2 = the rows.
INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.' || $1::text, $2::bigint)

-- name: build_counts
-- OLAP, before COMMIT: rows changed per table.
SELECT table_name, sum(rows_changed)::bigint FROM build_counts GROUP BY 1 ORDER BY 1

-- name: dq_results
-- OLAP, before COMMIT: this build's data-quality results. $1 = build_id.
SELECT check_name, passed, detail FROM etl.dq_result WHERE build_id = $1::bigint ORDER BY check_name

-- name: pending_rows
-- OLTP: the rows the pending batches wrote (the plan's change-set size).
-- $1 = the batch ids.
SELECT coalesce(sum(rows_inserted + rows_updated + rows_resolved), 0)::bigint
FROM etl.load
WHERE load_id = ANY ($1::bigint[])

-- name: mirror_rows
-- OLAP: the rows of the mirror tables (planner statistics: cheap, close
-- enough for choosing a plan). $1 = the OLTP table names.
SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint
FROM pg_class c
WHERE c.relnamespace = 'mirror'::regnamespace AND c.relkind = 'r' AND c.relname = ANY ($1::text[])

-- name: record_build
-- OLAP, after the models: the build run and the OLTP load batches it
-- consumed (etl.build_run, etl.consumed_batch). dq_passed / dq_failed are
-- filled by dq_summary. A batch already consumed is left as it was.
INSERT INTO etl.build_run (
    build_id, mode, build_time, finished_at, batch_count, batch_ids, rows_changed)
SELECT p.build_id,
       p.mode,
       p.build_time,
       clock_timestamp(),
       (SELECT count(*) FROM build_batch),
       coalesce((SELECT array_agg(batch_id ORDER BY batch_id) FROM build_batch), '{}'),
       coalesce((SELECT jsonb_object_agg(table_name, rows_changed)
                 FROM (SELECT table_name, sum(rows_changed)::bigint AS rows_changed
                       FROM build_counts GROUP BY table_name) c), '{}')
FROM build_params p;
INSERT INTO etl.consumed_batch (batch_id, build_id, consumed_at)
SELECT b.batch_id, p.build_id, p.build_time
FROM build_batch b
CROSS JOIN build_params p
ON CONFLICT (batch_id) DO NOTHING

-- name: dq_summary
-- OLAP, after the tests: summarize them on the build run.
UPDATE etl.build_run r
SET dq_passed = d.failed = 0, dq_failed = d.failed
FROM (SELECT count(*) FILTER (WHERE NOT passed)::integer AS failed
      FROM etl.dq_result WHERE build_id = (SELECT build_id FROM build_params)) d
WHERE r.build_id = (SELECT build_id FROM build_params)
