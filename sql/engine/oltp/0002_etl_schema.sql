-- Packs: one OLTP database may hold several data sets, so every etl row
-- says which schema and table it is about. Rows from before packs were
-- Chinook's (the only data set then); new rows always name their schema.

ALTER TABLE etl.load ADD COLUMN schema_name text;
UPDATE etl.load SET schema_name = 'chinook' WHERE table_name IS NOT NULL;

ALTER TABLE etl.pending_row ADD COLUMN schema_name text;
UPDATE etl.pending_row SET schema_name = 'chinook';
ALTER TABLE etl.pending_row ALTER COLUMN schema_name SET NOT NULL;
ALTER TABLE etl.pending_row DROP CONSTRAINT pending_row_pkey;
ALTER TABLE etl.pending_row ADD PRIMARY KEY (schema_name, table_name, row_key);
CREATE INDEX pending_row_load_id_idx ON etl.pending_row (load_id);

-- Append tables: rows a new version of the same key replaced.
ALTER TABLE etl.load ADD COLUMN rows_replaced bigint NOT NULL DEFAULT 0;
