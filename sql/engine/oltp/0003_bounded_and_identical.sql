-- Bounded work per invocation: pending rows whose parents arrived are
-- resolved in transactions of bounded size. The first is the arriving
-- file's own; each later one gets a ledger row of its own (its load_id is
-- the batch stamped on the rows it resolved) that names the load it
-- continues in resolves_for and repeats that load's object. Only object
-- loads are unique per object version.

ALTER TABLE etl.load ADD COLUMN resolves_for bigint REFERENCES etl.load (load_id);

-- Replays: an operator may load again an object version that failed (the
-- cause fixed elsewhere: the pack, the database); its failed row is kept
-- for the record as 'retried'.
ALTER TABLE etl.load DROP CONSTRAINT load_status_check;
ALTER TABLE etl.load ADD CONSTRAINT load_status_check CHECK (status IN ('loaded', 'failed', 'retried'));

ALTER TABLE etl.load DROP CONSTRAINT load_object_version_key;
CREATE UNIQUE INDEX load_object_version_key ON etl.load (bucket, object_key, etag)
    WHERE resolves_for IS NULL AND status <> 'retried';

-- A re-drop of content already loaded (same bytes, same CSV options, same
-- table) into a table no load has changed since costs no merge: the
-- content's SHA-256 identifies it.
ALTER TABLE etl.load ADD COLUMN content_sha256 text;
CREATE INDEX load_content_idx ON etl.load (schema_name, table_name, content_sha256)
    WHERE content_sha256 IS NOT NULL;
