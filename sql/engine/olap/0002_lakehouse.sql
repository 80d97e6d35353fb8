-- The lakehouse export's state (crates/lakehouse): which parts of which dw
-- tables changed since their Parquet files on S3 were last written, and a
-- log of the exports. Idempotent.
--
-- Triggers that star-builder's export installs on every table the pack's
-- models write (sql/engine/lakehouse/export.sql) fill etl.lakehouse_dirty
-- in the transaction that changes the table, so a build and the record of
-- what it changed commit together; the export after the commit rewrites
-- those parts and clears the rows it exported, in its own transaction. An
-- export that fails leaves them: the next invocation exports them, whether
-- or not it has anything new to build.

CREATE SEQUENCE IF NOT EXISTS etl.lakehouse_export_seq;
COMMENT ON SEQUENCE etl.lakehouse_export_seq IS
    'Export ids: every export writes new object keys (part-<export_id>-<n>.parquet), so a retry never overwrites a file a manifest points at.';

CREATE TABLE IF NOT EXISTS etl.lakehouse_dirty (
    table_name  text        NOT NULL,
    year        integer     NOT NULL,
    month       integer     NOT NULL,
    marked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, year, month)
);
COMMENT ON TABLE etl.lakehouse_dirty IS
    'Parts of dw tables changed since their last Parquet export: a fact''s (year, month) partition, or (0, 0) for the whole table (a dimension, a TRUNCATE, a row without a partition date).';
COMMENT ON COLUMN etl.lakehouse_dirty.table_name IS 'schema.table, as the pack''s models name it (dw.fact_sales).';
COMMENT ON COLUMN etl.lakehouse_dirty.year IS 'The partition''s year; 0 with month 0: the whole table.';
COMMENT ON COLUMN etl.lakehouse_dirty.month IS 'The partition''s month, 1-12; 0 with year 0: the whole table.';
COMMENT ON COLUMN etl.lakehouse_dirty.marked_at IS 'When the first change to it since the last export committed (the transaction''s start).';

CREATE TABLE IF NOT EXISTS etl.lakehouse_export (
    export_id    bigint      PRIMARY KEY,
    build_id     bigint,
    finished_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    report       jsonb       NOT NULL
);
COMMENT ON TABLE etl.lakehouse_export IS
    'One row per completed lakehouse export (a failed one rolls back and leaves none).';
COMMENT ON COLUMN etl.lakehouse_export.build_id IS 'The latest committed build when the export ran.';
COMMENT ON COLUMN etl.lakehouse_export.report IS 'Per table: plan, files, rows, bytes, partitions rewritten.';

-- Statement-level trigger function: the whole table changed (TRUNCATE).
CREATE OR REPLACE FUNCTION etl.lakehouse_mark_table() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO etl.lakehouse_dirty (table_name, year, month)
    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 0, 0)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

-- Statement-level trigger function with transition tables, for INSERT,
-- UPDATE and DELETE. Arguments: the year and month SQL expressions of a
-- row `r` (empty for an unpartitioned table), then the transition tables'
-- names. A partitioned table: the partitions of the rows the statement
-- wrote or removed; another: the whole table, if any row changed (models
-- run statements that change nothing). Nothing to do once the whole table
-- is marked (a full build truncates first).
CREATE OR REPLACE FUNCTION etl.lakehouse_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    relation text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    changed boolean;
    i integer;
BEGIN
    IF EXISTS (SELECT 1 FROM etl.lakehouse_dirty d
               WHERE d.table_name = relation AND d.year = 0 AND d.month = 0) THEN
        RETURN NULL;
    END IF;
    FOR i IN 2 .. TG_NARGS - 1 LOOP
        IF TG_ARGV[0] = '' THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', TG_ARGV[i]) INTO changed;
            IF changed THEN
                INSERT INTO etl.lakehouse_dirty (table_name, year, month)
                VALUES (relation, 0, 0) ON CONFLICT DO NOTHING;
                RETURN NULL;
            END IF;
        ELSE
            EXECUTE format(
                'INSERT INTO etl.lakehouse_dirty (table_name, year, month)
                 SELECT DISTINCT %L, coalesce(p.y, 0), CASE WHEN p.y IS NULL OR p.m IS NULL THEN 0 ELSE p.m END
                 FROM (SELECT %s AS y, %s AS m FROM %I r) p
                 ON CONFLICT DO NOTHING',
                relation, TG_ARGV[0], TG_ARGV[1], TG_ARGV[i]);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
