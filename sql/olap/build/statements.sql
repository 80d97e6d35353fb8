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
-- consumed batch ids.
SELECT coalesce(array_agg(load_id ORDER BY load_id), '{}')::bigint[]
FROM etl.load
WHERE status = 'loaded'
  AND load_id <> ALL ($1::bigint[])

-- name: build_params
-- OLAP: this build's id and logical time. $1 = mode, $2 = dq_full.
INSERT INTO build_params (mode, dq_full) VALUES ($1::text, $2::boolean)
RETURNING build_id, build_time

-- name: build_batch
-- OLAP: the batches this build consumes. $1 = their ids.
INSERT INTO build_batch (batch_id) SELECT unnest($1::bigint[])

-- name: copy_out_changed
-- OLTP: the rows of the consumed batches ({batch_ids}: an integer list).
COPY (SELECT {columns} FROM chinook.{table} WHERE load_batch_id IN ({batch_ids})) TO STDOUT (FORMAT binary)

-- name: copy_out_all
-- OLTP, full mode: every row.
COPY chinook.{table} ({columns}) TO STDOUT (FORMAT binary)

-- name: copy_in_stage
-- OLAP, incremental mode: into the temp stage table.
COPY stage_{table} ({columns}) FROM STDIN (FORMAT binary)

-- name: copy_in_mirror
-- OLAP, full mode (after full_reset.sql): straight into the mirror. FREEZE:
-- the tables were truncated in this transaction, so the rows can be written
-- frozen (no hint-bit rewrite of every page by the first reader, no
-- anti-wraparound vacuum later); a failed build rolls the truncation back.
COPY mirror.{table} ({columns}) FROM STDIN (FORMAT binary, FREEZE)

-- name: count_copied
-- OLAP, full mode, after each COPY into the mirror: the rows it loaded are
-- that table's rows changed (00_mirror_upsert.sql counts nothing in full
-- mode). $1 = the chinook table name, $2 = the rows the COPY loaded.
INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.' || $1::text, $2::bigint)

-- name: build_counts
-- OLAP, before COMMIT: rows changed per table.
SELECT table_name, sum(rows_changed)::bigint FROM build_counts GROUP BY 1 ORDER BY 1

-- name: dq_results
-- OLAP, before COMMIT: this build's data-quality results. $1 = build_id.
SELECT check_name, passed, detail FROM etl.dq_result WHERE build_id = $1::bigint ORDER BY check_name
