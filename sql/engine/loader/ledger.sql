-- name: lock_object
-- Events for the same object are handled one at a time.
SELECT pg_advisory_xact_lock(hashtextextended($1, 1870))
-- name: lock_table_exclusive
-- A table a load writes ($1 = schema.table; crates/oltp-loader/src/locks.rs):
-- one load at a time, so a row that waits for a parent can never miss that
-- parent's arrival.
SELECT pg_advisory_xact_lock(hashtextextended($1, 5138716154329034051))
-- name: lock_table_shared
-- A parent of a table a load writes: loads that only read it share it.
SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 5138716154329034051))
-- name: mark_arriving
-- A load of table $1 (schema.table) is under way, from admission to commit
-- (crates/oltp-loader/src/arrivals.rs). Shared: loads of one table do not
-- exclude each other; nothing ever takes it exclusively.
SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 7301945821650393711))
-- name: arriving_tables
-- Which of the tables $1 (schema.table names) another session of this
-- database is loading now: its mark_arriving lock is granted.
SELECT t FROM unnest($1::text[]) AS t
WHERE EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid()
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.objsubid = 1
      AND l.classid = ((hashtextextended(t, 7301945821650393711) >> 32) & 4294967295)::oid
      AND l.objid = (hashtextextended(t, 7301945821650393711) & 4294967295)::oid
)
-- name: find_version
SELECT load_id, status FROM etl.load
WHERE bucket = $1 AND object_key = $2 AND etag = $3 AND resolves_for IS NULL AND status <> 'retried'
-- name: loaded_sequencers
SELECT sequencer FROM etl.load WHERE bucket = $1 AND object_key = $2 AND status = 'loaded' AND sequencer IS NOT NULL
-- name: start_load
INSERT INTO etl.load (bucket, object_key, version_id, etag, sequencer, size_bytes, schema_name, table_name, status, started_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'loaded', clock_timestamp())
RETURNING load_id
-- name: finish_load
UPDATE etl.load
SET rows_read = $2, rows_inserted = $3, rows_updated = $4, rows_unchanged = $5,
    rows_rejected = $6, rows_pending = $7, rows_resolved = $8, rows_replaced = $9,
    content_sha256 = $10, finished_at = clock_timestamp()
WHERE load_id = $1
-- name: fail_load
UPDATE etl.load
SET status = 'failed', error = $2, rows_read = 0, rows_inserted = 0, rows_updated = 0, rows_unchanged = 0,
    rows_rejected = 0, rows_pending = 0, rows_resolved = 0, rows_replaced = 0, finished_at = clock_timestamp()
WHERE load_id = $1
-- name: pending_exists
SELECT EXISTS (SELECT 1 FROM etl.pending_row WHERE schema_name = $1 AND table_name = $2)
-- name: create_rejected_stage
CREATE TEMPORARY TABLE rejected_stage (line_no bigint, column_name text, reason text, raw_record text) ON COMMIT DROP
-- name: known_versions
-- Reconcile: which of the listed keys' current versions the ledger holds.
-- $1 = bucket, $2 = the keys.
SELECT object_key, etag FROM etl.load
WHERE bucket = $1 AND object_key = ANY ($2::text[]) AND resolves_for IS NULL AND status <> 'retried'
-- name: start_resolution
-- A later transaction resolving pending rows for load $1: a ledger row of
-- its own (its load_id is the batch stamped on what it resolves).
INSERT INTO etl.load (bucket, object_key, version_id, etag, sequencer, size_bytes, schema_name, table_name, status, started_at, resolves_for)
SELECT bucket, object_key, version_id, etag, NULL, size_bytes, schema_name, NULL, 'loaded', clock_timestamp(), load_id
FROM etl.load WHERE load_id = $1
RETURNING load_id
-- name: finish_resolution
UPDATE etl.load SET rows_resolved = $2, finished_at = clock_timestamp() WHERE load_id = $1
-- name: last_object_load
-- Reconcile's resolution pass: the newest object load, which later
-- resolution rows name. NULL when nothing loaded yet.
SELECT max(load_id) FROM etl.load WHERE resolves_for IS NULL AND status = 'loaded'
-- name: same_content_loaded
-- The newest earlier load of the same content into table $2 of schema $1
-- ($3 = the content's SHA-256), and its rejected rows. $4 = this load.
SELECT load_id, rows_rejected FROM etl.load
WHERE schema_name = $1 AND table_name = $2 AND content_sha256 = $3
  AND status = 'loaded' AND resolves_for IS NULL AND load_id <> $4
ORDER BY load_id DESC
LIMIT 1
-- name: retire_failed
-- Reload: the failed rows of this object version ($1 bucket, $2 key, $3
-- ETag) step aside, kept as 'retried', so the version loads again.
UPDATE etl.load SET status = 'retried'
WHERE bucket = $1 AND object_key = $2 AND etag = $3 AND status = 'failed' AND resolves_for IS NULL
