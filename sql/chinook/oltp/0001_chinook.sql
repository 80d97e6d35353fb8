-- The Chinook music-store schema, snake_case, as the OLTP system of record.
-- Every table carries load_batch_id: the etl.load row that last inserted or
-- changed it, so star-builder can copy only what changed since its last run.
-- This DDL is the loader's catalog: columns, types, keys, foreign keys,
-- CHECK constraints and load order are read back from PostgreSQL after it
-- is migrated (crates/domain/src/catalog/read.rs).

CREATE SCHEMA IF NOT EXISTS chinook;

CREATE TABLE chinook.artist (
    artist_id      integer PRIMARY KEY,
    name           text,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE chinook.album (
    album_id       integer PRIMARY KEY,
    title          text NOT NULL,
    artist_id      integer NOT NULL REFERENCES chinook.artist (artist_id),
    load_batch_id  bigint NOT NULL
);
CREATE INDEX album_artist_id_idx ON chinook.album (artist_id);

CREATE TABLE chinook.genre (
    genre_id       integer PRIMARY KEY,
    name           text,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE chinook.media_type (
    media_type_id  integer PRIMARY KEY,
    name           text,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE chinook.track (
    track_id       integer PRIMARY KEY,
    name           text NOT NULL,
    album_id       integer REFERENCES chinook.album (album_id),
    media_type_id  integer NOT NULL REFERENCES chinook.media_type (media_type_id),
    genre_id       integer REFERENCES chinook.genre (genre_id),
    composer       text,
    milliseconds   integer NOT NULL CHECK (milliseconds >= 0),
    bytes          bigint CHECK (bytes >= 0),
    unit_price     numeric(10, 2) NOT NULL CHECK (unit_price >= 0),
    load_batch_id  bigint NOT NULL
);
CREATE INDEX track_album_id_idx ON chinook.track (album_id);
CREATE INDEX track_media_type_id_idx ON chinook.track (media_type_id);
CREATE INDEX track_genre_id_idx ON chinook.track (genre_id);

CREATE TABLE chinook.playlist (
    playlist_id    integer PRIMARY KEY,
    name           text,
    load_batch_id  bigint NOT NULL
);

CREATE TABLE chinook.playlist_track (
    playlist_id    integer NOT NULL REFERENCES chinook.playlist (playlist_id),
    track_id       integer NOT NULL REFERENCES chinook.track (track_id),
    load_batch_id  bigint NOT NULL,
    PRIMARY KEY (playlist_id, track_id)
);
CREATE INDEX playlist_track_track_id_idx ON chinook.playlist_track (track_id);

CREATE TABLE chinook.employee (
    employee_id    integer PRIMARY KEY,
    last_name      text NOT NULL,
    first_name     text NOT NULL,
    title          text,
    reports_to     integer REFERENCES chinook.employee (employee_id),
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
CREATE INDEX employee_reports_to_idx ON chinook.employee (reports_to);

CREATE TABLE chinook.customer (
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
    support_rep_id integer REFERENCES chinook.employee (employee_id),
    load_batch_id  bigint NOT NULL
);
CREATE INDEX customer_support_rep_id_idx ON chinook.customer (support_rep_id);

CREATE TABLE chinook.invoice (
    invoice_id          integer PRIMARY KEY,
    customer_id         integer NOT NULL REFERENCES chinook.customer (customer_id),
    invoice_date        timestamp NOT NULL,
    billing_address     text,
    billing_city        text,
    billing_state       text,
    billing_country     text,
    billing_postal_code text,
    total               numeric(10, 2) NOT NULL CHECK (total >= 0),
    load_batch_id       bigint NOT NULL
);
CREATE INDEX invoice_customer_id_idx ON chinook.invoice (customer_id);

CREATE TABLE chinook.invoice_line (
    invoice_line_id integer PRIMARY KEY,
    invoice_id      integer NOT NULL REFERENCES chinook.invoice (invoice_id),
    track_id        integer NOT NULL REFERENCES chinook.track (track_id),
    unit_price      numeric(10, 2) NOT NULL CHECK (unit_price >= 0),
    quantity        integer NOT NULL CHECK (quantity > 0),
    load_batch_id   bigint NOT NULL
);
CREATE INDEX invoice_line_invoice_id_idx ON chinook.invoice_line (invoice_id);
CREATE INDEX invoice_line_track_id_idx ON chinook.invoice_line (track_id);

-- star-builder reads changed rows by batch.
CREATE INDEX artist_load_batch_id_idx ON chinook.artist (load_batch_id);
CREATE INDEX album_load_batch_id_idx ON chinook.album (load_batch_id);
CREATE INDEX genre_load_batch_id_idx ON chinook.genre (load_batch_id);
CREATE INDEX media_type_load_batch_id_idx ON chinook.media_type (load_batch_id);
CREATE INDEX track_load_batch_id_idx ON chinook.track (load_batch_id);
CREATE INDEX playlist_load_batch_id_idx ON chinook.playlist (load_batch_id);
CREATE INDEX playlist_track_load_batch_id_idx ON chinook.playlist_track (load_batch_id);
CREATE INDEX employee_load_batch_id_idx ON chinook.employee (load_batch_id);
CREATE INDEX customer_load_batch_id_idx ON chinook.customer (load_batch_id);
CREATE INDEX invoice_load_batch_id_idx ON chinook.invoice (load_batch_id);
CREATE INDEX invoice_line_load_batch_id_idx ON chinook.invoice_line (load_batch_id);
