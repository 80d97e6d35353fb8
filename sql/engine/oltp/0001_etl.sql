-- The load ledger, rejected rows and pending rows of oltp-loader.

CREATE SCHEMA IF NOT EXISTS etl;

-- One row per S3 object version the loader processed. load_id doubles as the
-- load batch id stamped on every chinook row the load changed.
CREATE TABLE etl.load (
    load_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bucket          text NOT NULL,
    object_key      text NOT NULL,
    version_id      text,
    etag            text NOT NULL,
    sequencer       text,
    size_bytes      bigint,
    table_name      text,
    status          text NOT NULL CHECK (status IN ('loaded', 'failed')),
    rows_read       bigint NOT NULL DEFAULT 0,
    rows_inserted   bigint NOT NULL DEFAULT 0,
    rows_updated    bigint NOT NULL DEFAULT 0,
    rows_unchanged  bigint NOT NULL DEFAULT 0,
    rows_rejected   bigint NOT NULL DEFAULT 0,
    rows_pending    bigint NOT NULL DEFAULT 0,
    rows_resolved   bigint NOT NULL DEFAULT 0,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    error           text,
    -- The same object content is processed once, whatever its outcome.
    CONSTRAINT load_object_version_key UNIQUE (bucket, object_key, etag)
);
CREATE INDEX load_object_key_idx ON etl.load (bucket, object_key);
CREATE INDEX load_status_idx ON etl.load (status, load_id);

-- Rows that failed validation: where, which column, why, and the raw record.
CREATE TABLE etl.rejected_row (
    load_id      bigint NOT NULL REFERENCES etl.load (load_id) ON DELETE CASCADE,
    line_no      bigint NOT NULL,
    column_name  text,
    reason       text NOT NULL,
    raw_record   text NOT NULL
);
CREATE INDEX rejected_row_load_id_idx ON etl.rejected_row (load_id, line_no);

-- Valid rows whose parent row has not arrived yet. Each load retries them in
-- foreign-key order; a row that resolves moves into its chinook table.
CREATE TABLE etl.pending_row (
    table_name   text NOT NULL,
    row_key      text NOT NULL,
    row_data     jsonb NOT NULL,
    load_id      bigint NOT NULL REFERENCES etl.load (load_id),
    line_no      bigint NOT NULL,
    missing      text NOT NULL,
    pending_since timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, row_key)
);
