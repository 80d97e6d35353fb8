-- The OLAP database's engine schemas: `etl` (build runs, consumed OLTP load
-- batches, data-quality results, mirror indexes a reload holds) and
-- `mirror` (star-builder generates its tables from the pack's OLTP catalog;
-- sql/engine/build/mirror.sql). A pack's warehouse lives in schemas of its
-- own (sql/<pack>/warehouse/). Idempotent (IF NOT EXISTS), so a database
-- built by the round-1 `olap` migrations upgrades in place.
--
-- When OLTP and OLAP share one database this schema also holds the loader's
-- tables (etl.load, etl.rejected_row, etl.pending_row); the names here do
-- not collide with them.

CREATE SCHEMA IF NOT EXISTS mirror;
COMMENT ON SCHEMA mirror IS
    'Bronze layer: copies of the OLTP pack tables (generated from its catalog), refreshed from the load batches star-builder has not consumed yet, plus the SCD2 history of declared dimensions (<dimension>_version).';

CREATE SCHEMA IF NOT EXISTS etl;

CREATE SEQUENCE IF NOT EXISTS etl.build_id_seq;
COMMENT ON SEQUENCE etl.build_id_seq IS
    'Build ids; the default of build_params.build_id (sql/engine/build/setup.sql).';

CREATE TABLE IF NOT EXISTS etl.build_run (
    build_id       bigint PRIMARY KEY,
    mode           text NOT NULL CHECK (mode IN ('incremental', 'full')),
    build_time     timestamptz NOT NULL,
    finished_at    timestamptz NOT NULL,
    batch_count    integer NOT NULL,
    batch_ids      bigint[] NOT NULL,
    rows_changed   jsonb NOT NULL,
    dq_passed      boolean,
    dq_failed      integer
);
COMMENT ON TABLE etl.build_run IS
    'One row per committed star-builder build (a failed build rolls back and leaves none).';
COMMENT ON COLUMN etl.build_run.build_id IS 'From etl.build_id_seq.';
COMMENT ON COLUMN etl.build_run.mode IS 'How the build ran: incremental or full (an incremental request with a large change set runs full).';
COMMENT ON COLUMN etl.build_run.build_time IS 'The build''s logical time: valid_from of the SCD2 versions it created.';
COMMENT ON COLUMN etl.build_run.finished_at IS 'Wall-clock time the build''s SQL finished.';
COMMENT ON COLUMN etl.build_run.batch_count IS 'Number of OLTP load batches consumed.';
COMMENT ON COLUMN etl.build_run.batch_ids IS 'The OLTP load batches (etl.load.load_id) consumed, ascending.';
COMMENT ON COLUMN etl.build_run.rows_changed IS 'Rows changed per table, {"dw.fact_sales": n, …}.';
COMMENT ON COLUMN etl.build_run.dq_passed IS 'All data-quality tests passed.';
COMMENT ON COLUMN etl.build_run.dq_failed IS 'Number of failed data-quality tests.';

CREATE TABLE IF NOT EXISTS etl.consumed_batch (
    batch_id     bigint PRIMARY KEY,
    build_id     bigint NOT NULL REFERENCES etl.build_run (build_id),
    consumed_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS consumed_batch_build_id_idx ON etl.consumed_batch (build_id);
COMMENT ON TABLE etl.consumed_batch IS
    'OLTP load batches (etl.load.load_id on the OLTP side) already copied into the mirror. Load ids commit out of order and rolled-back loads leave gaps, so this is an explicit set, not a watermark.';
COMMENT ON COLUMN etl.consumed_batch.batch_id IS 'OLTP etl.load.load_id.';
COMMENT ON COLUMN etl.consumed_batch.build_id IS 'The build that consumed it.';
COMMENT ON COLUMN etl.consumed_batch.consumed_at IS 'build_time of that build.';

CREATE TABLE IF NOT EXISTS etl.dq_result (
    build_id    bigint NOT NULL REFERENCES etl.build_run (build_id),
    check_name  text NOT NULL,
    passed      boolean NOT NULL,
    detail      text NOT NULL,
    checked_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (build_id, check_name)
);
COMMENT ON TABLE etl.dq_result IS
    'Data-quality test results, one row per test per build (the pack''s [[tests]] and tests/*.sql).';
COMMENT ON COLUMN etl.dq_result.build_id IS 'The build whose result this is.';
COMMENT ON COLUMN etl.dq_result.check_name IS 'Stable test name.';
COMMENT ON COLUMN etl.dq_result.passed IS 'True if the test found no failing row.';
COMMENT ON COLUMN etl.dq_result.detail IS 'Failing-row count, up to five examples, and the scope tested.';
COMMENT ON COLUMN etl.dq_result.checked_at IS 'When the test ran.';
-- The indexes of mirror tables a full build's reload took off for its bulk
-- COPY and has not put back yet (sql/engine/build/mirror_reload.sql); the
-- next build finishes them first.
CREATE TABLE IF NOT EXISTS etl.mirror_index_pending (
    table_name        text NOT NULL,
    index_name        name NOT NULL,
    index_definition  text NOT NULL,
    constraint_name   name,
    constraint_type   text CHECK (constraint_type IN ('PRIMARY KEY', 'UNIQUE')),
    held_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, index_name),
    CHECK ((constraint_name IS NULL) = (constraint_type IS NULL))
);
COMMENT ON TABLE etl.mirror_index_pending IS
    'Indexes of mirror tables dropped for a full build''s reload and not yet rebuilt (or, for a key, not yet attached as its constraint); empty between builds.';
COMMENT ON COLUMN etl.mirror_index_pending.table_name IS 'The mirror table, schema-qualified (mirror.invoice_line).';
COMMENT ON COLUMN etl.mirror_index_pending.index_name IS 'The index (a key constraint''s index is named like the constraint).';
COMMENT ON COLUMN etl.mirror_index_pending.index_definition IS 'pg_get_indexdef of the index: the CREATE INDEX that rebuilds it.';
COMMENT ON COLUMN etl.mirror_index_pending.constraint_name IS 'The primary-key or unique constraint the index backs, if any.';
COMMENT ON COLUMN etl.mirror_index_pending.constraint_type IS 'PRIMARY KEY or UNIQUE, for ALTER TABLE … ADD CONSTRAINT … USING INDEX.';
COMMENT ON COLUMN etl.mirror_index_pending.held_at IS 'When the reload dropped it.';
