-- OLAP bookkeeping in schema `etl`: build runs, consumed OLTP load batches
-- and data-quality results. When OLTP and OLAP share one database this
-- schema also holds the loader's tables (etl.load, etl.rejected_row,
-- etl.pending_row); the names here do not collide with them.

CREATE SCHEMA IF NOT EXISTS etl;

CREATE SEQUENCE etl.build_id_seq;
COMMENT ON SEQUENCE etl.build_id_seq IS
    'Build ids; the default of build_params.build_id (sql/olap/build/setup.sql).';

CREATE TABLE etl.build_run (
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
COMMENT ON COLUMN etl.build_run.mode IS 'incremental or full.';
COMMENT ON COLUMN etl.build_run.build_time IS 'The build''s logical time: valid_from of customer versions it created.';
COMMENT ON COLUMN etl.build_run.finished_at IS 'Wall-clock time the build''s SQL finished.';
COMMENT ON COLUMN etl.build_run.batch_count IS 'Number of OLTP load batches consumed.';
COMMENT ON COLUMN etl.build_run.batch_ids IS 'The OLTP load batches (etl.load.load_id) consumed, ascending.';
COMMENT ON COLUMN etl.build_run.rows_changed IS 'Rows changed per table, {"dw.fact_sales": n, …}.';
COMMENT ON COLUMN etl.build_run.dq_passed IS 'All data-quality checks passed.';
COMMENT ON COLUMN etl.build_run.dq_failed IS 'Number of failed data-quality checks.';

CREATE TABLE etl.consumed_batch (
    batch_id     bigint PRIMARY KEY,
    build_id     bigint NOT NULL REFERENCES etl.build_run (build_id),
    consumed_at  timestamptz NOT NULL
);
CREATE INDEX consumed_batch_build_id_idx ON etl.consumed_batch (build_id);
COMMENT ON TABLE etl.consumed_batch IS
    'OLTP load batches (etl.load.load_id on the OLTP side) already copied into the mirror. Load ids commit out of order and rolled-back loads leave gaps, so this is an explicit set, not a watermark.';
COMMENT ON COLUMN etl.consumed_batch.batch_id IS 'OLTP etl.load.load_id.';
COMMENT ON COLUMN etl.consumed_batch.build_id IS 'The build that consumed it.';
COMMENT ON COLUMN etl.consumed_batch.consumed_at IS 'build_time of that build.';

CREATE TABLE etl.dq_result (
    build_id    bigint NOT NULL REFERENCES etl.build_run (build_id),
    check_name  text NOT NULL,
    passed      boolean NOT NULL,
    detail      text NOT NULL,
    checked_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (build_id, check_name)
);
COMMENT ON TABLE etl.dq_result IS
    'Data-quality check results, one row per check per build (sql/olap/build/95_dq.sql).';
COMMENT ON COLUMN etl.dq_result.build_id IS 'The build whose result this is.';
COMMENT ON COLUMN etl.dq_result.check_name IS 'Stable check identifier.';
COMMENT ON COLUMN etl.dq_result.passed IS 'True if the check passed.';
COMMENT ON COLUMN etl.dq_result.detail IS 'Human-readable counts / offending keys and the scope checked.';
COMMENT ON COLUMN etl.dq_result.checked_at IS 'When the check ran.';
