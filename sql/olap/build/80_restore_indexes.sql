-- star-builder, step 80: recreate the indexes and key constraints that
-- full_reset.sql dropped for the bulk load (nothing to do in incremental
-- mode). Unique and primary keys are validated as they are built, so a
-- duplicate fails the build here.
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
END $$;

-- Full mode also gives the rebuilt star schema fresh statistics (the mirror
-- got them in 00_customer_version.sql): the data-quality step below and the
-- next incremental builds are planned with real row counts instead of the
-- defaults of never-analyzed tables (which can double an incremental
-- build's time until autovacuum gets to them).
DO $$
BEGIN
    IF (SELECT mode FROM build_params) = 'full' THEN
        ANALYZE dw.dim_date, dw.dim_customer, dw.dim_employee, dw.dim_track, dw.dim_playlist,
                dw.bridge_playlist_track, dw.fact_sales, dw.fact_invoice_summary;
    END IF;
END $$;
