-- OLAP bronze layer: schema `mirror`, an incremental copy of the OLTP
-- `chinook` tables. Same columns, types and primary keys as
-- sql/oltp/0001_chinook.sql (load_batch_id included), no foreign keys: rows
-- arrive per changed batch, and the OLTP side already enforces references.
--
-- star-builder COPYs the changed rows into temp tables stage_<table> (created
-- by sql/olap/build/setup.sql as LIKE mirror.<table>) and
-- sql/olap/build/00_mirror_upsert.sql upserts them here. The stage tables
-- carry the change set, so nothing queries the mirror by load_batch_id and
-- there is deliberately no index on it (one less index to maintain on the
-- largest tables). The secondary indexes below are the ones the incremental
-- build probes: children by parent id, to propagate a parent's change.
--
-- OLTP and OLAP may share one database, so nothing here touches `chinook`.

CREATE SCHEMA IF NOT EXISTS mirror;
COMMENT ON SCHEMA mirror IS
    'Bronze layer: incremental copies of the OLTP chinook tables, refreshed from the load batches star-builder has not consumed yet, plus customer attribute history (customer_version).';

CREATE TABLE mirror.artist (
    artist_id      integer PRIMARY KEY,
    name           text,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE mirror.album (
    album_id       integer PRIMARY KEY,
    title          text NOT NULL,
    artist_id      integer NOT NULL,
    load_batch_id  bigint NOT NULL
);
CREATE INDEX album_artist_id_idx ON mirror.album (artist_id);

CREATE TABLE mirror.genre (
    genre_id       integer PRIMARY KEY,
    name           text,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE mirror.media_type (
    media_type_id  integer PRIMARY KEY,
    name           text,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE mirror.track (
    track_id       integer PRIMARY KEY,
    name           text NOT NULL,
    album_id       integer,
    media_type_id  integer NOT NULL,
    genre_id       integer,
    composer       text,
    milliseconds   integer NOT NULL,
    bytes          bigint,
    unit_price     numeric(10, 2) NOT NULL,
    load_batch_id  bigint NOT NULL
);
CREATE INDEX track_album_id_idx ON mirror.track (album_id);
CREATE INDEX track_media_type_id_idx ON mirror.track (media_type_id);
CREATE INDEX track_genre_id_idx ON mirror.track (genre_id);

CREATE TABLE mirror.playlist (
    playlist_id    integer PRIMARY KEY,
    name           text,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE mirror.playlist_track (
    playlist_id    integer NOT NULL,
    track_id       integer NOT NULL,
    load_batch_id  bigint NOT NULL,
    PRIMARY KEY (playlist_id, track_id)
);

CREATE TABLE mirror.employee (
    employee_id    integer PRIMARY KEY,
    last_name      text NOT NULL,
    first_name     text NOT NULL,
    title          text,
    reports_to     integer,
    birth_date     timestamp,
    hire_date      timestamp,
    address        text,
    city           text,
    state          text,
    country        text,
    postal_code    text,
    phone          text,
    fax            text,
    email          text,
    load_batch_id  bigint NOT NULL
);
CREATE INDEX employee_reports_to_idx ON mirror.employee (reports_to);

CREATE TABLE mirror.customer (
    customer_id    integer PRIMARY KEY,
    first_name     text NOT NULL,
    last_name      text NOT NULL,
    company        text,
    address        text,
    city           text,
    state          text,
    country        text,
    postal_code    text,
    phone          text,
    fax            text,
    email          text NOT NULL,
    support_rep_id integer,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE mirror.invoice (
    invoice_id          integer PRIMARY KEY,
    customer_id         integer NOT NULL,
    invoice_date        timestamp NOT NULL,
    billing_address     text,
    billing_city        text,
    billing_state       text,
    billing_country     text,
    billing_postal_code text,
    total               numeric(10, 2) NOT NULL,
    load_batch_id       bigint NOT NULL
);
CREATE INDEX invoice_customer_id_idx ON mirror.invoice (customer_id);

CREATE TABLE mirror.invoice_line (
    invoice_line_id integer PRIMARY KEY,
    invoice_id      integer NOT NULL,
    track_id        integer NOT NULL,
    unit_price      numeric(10, 2) NOT NULL,
    quantity        integer NOT NULL,
    load_batch_id   bigint NOT NULL
);
CREATE INDEX invoice_line_invoice_id_idx ON mirror.invoice_line (invoice_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['artist', 'album', 'genre', 'media_type', 'track', 'playlist',
                             'playlist_track', 'employee', 'customer', 'invoice', 'invoice_line'] LOOP
        EXECUTE format('COMMENT ON TABLE mirror.%I IS %L', t,
            format('Copy of OLTP chinook.%s (same columns and key), upserted from the changed rows of each load batch; load_batch_id = the OLTP load that last changed the row.', t));
    END LOOP;
END $$;

-- Customer history for SCD type 2. The OLTP side keeps only the current row,
-- so the history lives here: one row per distinct version of a customer's
-- type-2 tracked attributes, appended by 00_mirror_upsert.sql whenever an
-- incoming customer row hashes differently from that customer's latest
-- version. dw.dim_customer is derived from this table, which is why a full
-- rebuild (sql/olap/build/full_reset.sql) truncates the rest of the mirror
-- and dw but keeps customer_version: {"mode":"full"} then re-derives exactly
-- the history the incremental builds recorded.
CREATE TABLE mirror.customer_version (
    customer_id          integer NOT NULL,
    version_no           integer NOT NULL CHECK (version_no >= 1),
    attr_hash            uuid NOT NULL,
    company              text,
    address              text,
    city                 text,
    state                text,
    country              text,
    postal_code          text,
    support_rep_id       integer,
    first_seen_at        timestamptz NOT NULL,
    first_seen_build_id  bigint NOT NULL,
    load_batch_id        bigint NOT NULL,
    PRIMARY KEY (customer_id, version_no)
);
COMMENT ON TABLE mirror.customer_version IS
    'SCD2 history of each customer''s tracked attributes (company, address, city, state, country, postal_code, support_rep_id). Append-only; never truncated by a full rebuild.';
COMMENT ON COLUMN mirror.customer_version.attr_hash IS
    'md5 of the tracked attributes as a row value (mirror.customer_attr_hash); a new version is appended when it changes.';
COMMENT ON COLUMN mirror.customer_version.first_seen_at IS
    'build_time of the build that first saw this version; becomes dim_customer.valid_from for every version but the first (which is valid from -infinity).';
COMMENT ON COLUMN mirror.customer_version.first_seen_build_id IS
    'etl.build_run.build_id of the build that appended this version.';
COMMENT ON COLUMN mirror.customer_version.load_batch_id IS
    'OLTP load batch of the customer row this version was taken from.';

-- The SCD2 change-detection hash of a customer's tracked attributes. The text
-- form of a row value tells NULL from '' and quotes separators, so distinct
-- attribute tuples hash distinctly.
CREATE FUNCTION mirror.customer_attr_hash(
    company text, address text, city text, state text, country text,
    postal_code text, support_rep_id integer
) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT md5(ROW(company, address, city, state, country, postal_code, support_rep_id)::text)::uuid $$;
COMMENT ON FUNCTION mirror.customer_attr_hash(text, text, text, text, text, text, integer) IS
    'SCD2 change-detection hash over the tracked customer attributes.';
