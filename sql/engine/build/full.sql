-- star-builder, {"mode":"full"}: what the engine does around the models
-- besides the mirror reload (mirror_reload.sql). {tables} = every table the
-- pack's models write (schema-qualified, quoted); {bulk_tables} = those of
-- the models declared `full: bulk`, as a text array literal.

-- name: reset
-- Empty the warehouse (surrogate keys restart: they are meaningless), and
-- record and drop the indexes (primary keys included) of the bulk-loaded
-- tables: a sorted index build once the rows are in is several times
-- cheaper than maintaining a B-tree row by row. Kept: the mirror's SCD2
-- history and etl.*. DDL is transactional: a failed build rolls it back.
TRUNCATE {tables} RESTART IDENTITY;
INSERT INTO build_dropped_index (table_name, index_schema, index_name, constraint_name, definition)
SELECT i.indrelid::regclass,
       ns.nspname,
       ic.relname,
       con.conname,
       CASE WHEN con.oid IS NOT NULL THEN pg_get_constraintdef(con.oid)
            ELSE pg_get_indexdef(i.indexrelid) END
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace ns ON ns.oid = ic.relnamespace
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                           AND con.contype IN ('p', 'u', 'x')
WHERE i.indrelid = ANY ({bulk_tables}::text[]::regclass[]);
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT * FROM build_dropped_index ORDER BY table_name::text, index_name LOOP
        IF r.constraint_name IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.table_name, r.constraint_name);
        ELSE
            EXECUTE format('DROP INDEX %I.%I', r.index_schema, r.index_name);
        END IF;
    END LOOP;
END $$

-- name: restore_indexes
-- After the last model: recreate what reset dropped. Unique and primary
-- keys are validated as they are built, so a duplicate fails the build.
DO $$
DECLARE r record;
BEGIN
    FOR r IN DELETE FROM build_dropped_index RETURNING * LOOP
        IF r.constraint_name IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s',
                           r.table_name, r.constraint_name, r.definition);
        ELSE
            EXECUTE r.definition;
        END IF;
    END LOOP;
END $$

-- name: analyze
-- Fresh statistics for the rebuilt warehouse, so the tests and the next
-- incremental builds are planned with real row counts.
ANALYZE {tables}
