-- The indexes of mirror tables that a full build's reload took off for its
-- bulk COPY and has not fully put back yet (sql/olap/build/mirror_reload.sql).
-- A full build reloads the large mirror tables in a transaction of their own
-- and builds their indexes in the next one, while the star schema is being
-- built from the rows; the build transaction attaches the key constraints
-- at its end. The definitions are kept here, committed with the reload, so
-- a build that dies in between leaves a record: the next build finishes the
-- indexes before it uses the mirror.
CREATE TABLE etl.mirror_index_pending (
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
