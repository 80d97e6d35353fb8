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
