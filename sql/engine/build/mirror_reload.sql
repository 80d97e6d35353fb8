-- star-builder, {"mode":"full"}: the mirror reload, run on a second OLAP
-- connection (the reload connection) while the build transaction builds the
-- star schema (README.md in this directory, "Full mode"). Split by
-- `-- name:` lines like statements.sql; {table} is a catalog table name.
--
-- Per table, in the order the build files first read them, one
-- transaction: hold_indexes (which ends with the TRUNCATE), COPY FREEZE
-- (copy_in_mirror in statements.sql), analyze, COMMIT; the build
-- transaction then reads the table. Then build_indexes in one more
-- transaction, while the build transaction runs its fact statements
-- (CREATE INDEX and reads do not block each other), and finally the build
-- transaction attaches the key constraints (attach_constraints): ALTER
-- TABLE … ADD CONSTRAINT on this connection would have to wait for the
-- build transaction's own reads.

-- name: settings
-- Reload connection, once, as setup.sql sets up the build transaction:
-- memory for the index builds; quick statistics (the reload analyzes each
-- table only so that the build's next statements are planned with real row
-- counts; the rows it wrote count as changes since that ANALYZE, so
-- autovacuum re-analyzes them with the server's default target later); one
-- process per index build (they run beside the build transaction's fact
-- statements, which have the longer way to go, so parallel workers would
-- only take CPU from them); and a bound on lock waits, so that a lock the
-- build transaction should never hold is an error instead of a hang.
SET maintenance_work_mem = '256MB';
SET default_statistics_target = 10;
SET max_parallel_maintenance_workers = 0;
SET lock_timeout = '5min'

-- name: hold_indexes
-- Record the indexes of mirror.{table} in etl.mirror_index_pending and drop
-- them, so the COPY writes the heap only (a sorted index build afterwards is
-- several times cheaper than maintaining the B-trees row by row), then empty
-- the table. Committed with the reload: should the build die before the
-- indexes are back, the next build finishes them first. An index recorded
-- already (by a reload that died) is kept as recorded.
INSERT INTO etl.mirror_index_pending (table_name, index_name, index_definition, constraint_name, constraint_type)
SELECT {mirror_label},
       ic.relname,
       pg_get_indexdef(i.indexrelid),
       con.conname,
       CASE con.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' END
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                           AND con.contype IN ('p', 'u')
WHERE i.indrelid = {mirror_label}::regclass
ON CONFLICT (table_name, index_name) DO NOTHING;
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT p.index_name, con.conname
             FROM etl.mirror_index_pending p
             JOIN pg_class ic ON ic.relname = p.index_name
                             AND ic.relnamespace = 'mirror'::regnamespace
             LEFT JOIN pg_constraint con ON con.conindid = ic.oid AND con.contype IN ('p', 'u')
             WHERE p.table_name = {mirror_label}
    LOOP
        IF r.conname IS NOT NULL THEN
            EXECUTE format('ALTER TABLE mirror.{table} DROP CONSTRAINT %I', r.conname);
        ELSE
            EXECUTE format('DROP INDEX mirror.%I', r.index_name);
        END IF;
    END LOOP;
END $$;
TRUNCATE mirror.{table}

-- name: analyze
-- Statistics for the build steps that read mirror.{table} next.
ANALYZE mirror.{table}

-- name: build_indexes
-- Build the recorded indexes that do not exist yet; forget the plain ones.
-- A key's index stays recorded until attach_constraints attaches its
-- constraint. The reload runs it after the last table; an incremental build
-- runs it (and attach_constraints) first of all, to finish what a full build
-- that died left behind (usually there is nothing to do).
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT * FROM etl.mirror_index_pending ORDER BY table_name, index_name LOOP
        IF to_regclass(format('mirror.%I', r.index_name)) IS NULL THEN
            EXECUTE r.index_definition;
        END IF;
    END LOOP;
    DELETE FROM etl.mirror_index_pending WHERE constraint_name IS NULL;
END $$

-- name: attach_constraints
-- After build_indexes: attach the key constraints to their indexes (a
-- catalog change: the index is built and the key columns are NOT NULL
-- already) and forget the records. A full build's transaction runs it after
-- the reload, since ALTER TABLE on the reload connection would wait for
-- that transaction's own reads.
DO $$
DECLARE r record;
BEGIN
    FOR r IN DELETE FROM etl.mirror_index_pending RETURNING * LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s USING INDEX %I',
                       r.table_name, r.constraint_name, r.constraint_type, r.index_name);
    END LOOP;
END $$
