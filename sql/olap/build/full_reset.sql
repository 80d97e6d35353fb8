-- star-builder, {"mode":"full"} only: run right after setup.sql (and the
-- build_params / build_batch inserts). It empties the star schema and drops
-- the indexes of its bulk-loaded tables (80_restore_indexes.sql recreates
-- them). The mirror is reloaded on the reload connection
-- (mirror_reload.sql), so nothing here touches a mirror table.
--
-- Kept on purpose:
--   mirror.customer_version  the SCD2 history. The OLTP side only has the
--                            current customer row, so history that is dropped
--                            could never be rebuilt; keeping it makes a full
--                            build produce the same dim_customer (and the
--                            same fact -> version pointers) as the
--                            incremental builds did.
--   etl.*                    build runs, consumed batches, DQ results.
-- Surrogate keys restart (they are meaningless). The unknown employee member
-- is re-created by 12_dim_employee.sql.
TRUNCATE
    dw.dim_date, dw.dim_customer, dw.dim_employee, dw.dim_track, dw.dim_playlist,
    dw.bridge_playlist_track, dw.fact_sales, dw.fact_invoice_summary
RESTART IDENTITY;

-- Bulk load: drop the indexes (primary keys included) of the tables that a
-- full build fills with plain INSERTs (in full mode 13_dim_playlist.sql
-- bridges with a plain INSERT too), and let 80_restore_indexes.sql build
-- them once the data is in (a sorted index build is several times cheaper
-- than maintaining a B-tree row by row). Not touched: the dimensions that
-- are upserted (ON CONFLICT needs their unique indexes). DDL is
-- transactional: a failed build rolls the drops back.
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
WHERE i.indrelid = ANY (ARRAY[
    'dw.dim_customer', 'dw.bridge_playlist_track', 'dw.fact_sales',
    'dw.fact_invoice_summary']::regclass[]);

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
END $$;
