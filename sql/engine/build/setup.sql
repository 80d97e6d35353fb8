-- star-builder, step 0 (run once per build, inside the build transaction,
-- after the migrations): the temp tables the build reads and writes. All are
-- ON COMMIT DROP, so a cached connection starts every build clean.
--
-- The Rust layer then fills build_params (one row: build_id from
-- etl.build_id_seq, mode, build_time = now() = the transaction start,
-- dq_full) and build_batch (the OLTP load batches this build consumes), and
-- brings the change set in (README.md in this directory). Nothing here
-- touches a mirror table: in a full build the reload connection truncates
-- them while this transaction is open.

-- Temp views a build on this connection may have left (views cannot be
-- ON COMMIT DROP).
DO $$
DECLARE v text;
BEGIN
    FOR v IN SELECT relname FROM pg_class
             WHERE relnamespace = pg_my_temp_schema() AND relkind = 'v' AND relname LIKE 'changed\_%'
    LOOP
        EXECUTE format('DROP VIEW pg_temp.%I', v);
    END LOOP;
END $$;

-- Planner and executor settings for this transaction only: memory for the hash joins and
-- aggregates of a full build's millions of rows and for the index builds
-- after a full load; and SSD-like random I/O costs (RDS storage), so that
-- an incremental build probes indexes for a 1% change set instead of
-- scanning the large tables.
SET LOCAL work_mem = '64MB';
SET LOCAL maintenance_work_mem = '256MB';
SET LOCAL random_page_cost = 1.1;
-- No JIT: an incremental build is many small statements, some with large
-- cost estimates for branches that never run (whole-warehouse tests), and compiling them costs far more than running them; a full
-- build measured the same with and without it.
SET LOCAL jit = off;
-- Quick statistics: the build ANALYZEs what it just wrote (a full build's
-- mirror and star schema, the small temp tables) only so that its own next
-- statements are planned with real row counts and key distributions; a 3,000-row
-- sample (target 10) does that at a tenth of the default cost. Autovacuum
-- re-analyzes the written tables with the server's default target after the
-- commit (the rows written here count as changes since that ANALYZE).
SET LOCAL default_statistics_target = 10;

CREATE TEMP TABLE build_params (
    build_id    bigint      NOT NULL DEFAULT nextval('etl.build_id_seq'),
    mode        text        NOT NULL DEFAULT 'incremental' CHECK (mode IN ('incremental', 'full')),
    build_time  timestamptz NOT NULL DEFAULT now(),
    dq_full     boolean     NOT NULL DEFAULT false
) ON COMMIT DROP;
CREATE UNIQUE INDEX build_params_one_row ON build_params ((true));

CREATE TEMP TABLE build_batch (
    batch_id bigint PRIMARY KEY
) ON COMMIT DROP;

-- Every build step appends (table_name, rows_changed); a table may get
-- several rows (e.g. closed + inserted versions): sum them per table.
CREATE TEMP TABLE build_counts (
    table_name    text   NOT NULL,
    rows_changed  bigint NOT NULL
) ON COMMIT DROP;

-- Warehouse indexes a full build dropped for its bulk-loaded tables
-- (full_reset in statements.sql); restore_indexes recreates them (empty in
-- incremental mode).
CREATE TEMP TABLE build_dropped_index (
    table_name       regclass NOT NULL,
    index_schema     name     NOT NULL,
    index_name       name     NOT NULL,
    constraint_name  name,
    definition       text     NOT NULL
) ON COMMIT DROP;
