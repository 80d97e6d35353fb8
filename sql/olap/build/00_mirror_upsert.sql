-- star-builder, step 00: bring the change set into the mirror, then append
-- new SCD2 customer versions.
--
-- Incremental mode: the Rust layer COPYed the changed rows into the temp
-- tables stage_<table>; they are upserted with INSERT … ON CONFLICT DO UPDATE,
-- and only where some column really differs, so re-delivering an unchanged
-- row changes nothing. Cost follows the stage tables and primary-key probes.
-- Full mode: full_reset.sql emptied the mirror, dropped its indexes and
-- turned stage_<table> into views over mirror.<table>; the Rust layer COPYed
-- every OLTP row straight into mirror.<table> and recorded the rows each
-- COPY loaded in build_counts. Nothing to upsert here.
-- Each table's two forms sit in a DO block because PL/pgSQL plans a
-- statement only when it runs: the ON CONFLICT form cannot even be planned
-- while the primary key is dropped.

-- Temp tables are never auto-analyzed, and a bulk-loaded mirror has no
-- statistics yet: give the planner real row counts.
DO $$
BEGIN
    IF (SELECT mode FROM build_params) = 'full' THEN
        ANALYZE mirror.artist, mirror.album, mirror.genre, mirror.media_type, mirror.track,
                mirror.playlist, mirror.playlist_track, mirror.employee, mirror.customer,
                mirror.invoice, mirror.invoice_line;
    ELSE
        ANALYZE stage_artist, stage_album, stage_genre, stage_media_type, stage_track,
                stage_playlist, stage_playlist_track, stage_employee, stage_customer,
                stage_invoice, stage_invoice_line;
    END IF;
END $$;

ANALYZE build_batch, build_params;

-- mirror.artist
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.artist AS m (artist_id, name, load_batch_id)
        SELECT artist_id, name, load_batch_id
        FROM stage_artist
        ON CONFLICT (artist_id) DO UPDATE SET
                name = EXCLUDED.name,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.name, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.name, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.artist', n);
    END IF;
END $$;

-- mirror.album
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.album AS m (album_id, title, artist_id, load_batch_id)
        SELECT album_id, title, artist_id, load_batch_id
        FROM stage_album
        ON CONFLICT (album_id) DO UPDATE SET
                title = EXCLUDED.title,
                artist_id = EXCLUDED.artist_id,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.title, m.artist_id, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.title, EXCLUDED.artist_id, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.album', n);
    END IF;
END $$;

-- mirror.genre
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.genre AS m (genre_id, name, load_batch_id)
        SELECT genre_id, name, load_batch_id
        FROM stage_genre
        ON CONFLICT (genre_id) DO UPDATE SET
                name = EXCLUDED.name,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.name, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.name, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.genre', n);
    END IF;
END $$;

-- mirror.media_type
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.media_type AS m (media_type_id, name, load_batch_id)
        SELECT media_type_id, name, load_batch_id
        FROM stage_media_type
        ON CONFLICT (media_type_id) DO UPDATE SET
                name = EXCLUDED.name,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.name, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.name, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.media_type', n);
    END IF;
END $$;

-- mirror.track
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.track AS m (track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price, load_batch_id)
        SELECT track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price, load_batch_id
        FROM stage_track
        ON CONFLICT (track_id) DO UPDATE SET
                name = EXCLUDED.name,
                album_id = EXCLUDED.album_id,
                media_type_id = EXCLUDED.media_type_id,
                genre_id = EXCLUDED.genre_id,
                composer = EXCLUDED.composer,
                milliseconds = EXCLUDED.milliseconds,
                bytes = EXCLUDED.bytes,
                unit_price = EXCLUDED.unit_price,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.name, m.album_id, m.media_type_id, m.genre_id, m.composer, m.milliseconds, m.bytes, m.unit_price, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.name, EXCLUDED.album_id, EXCLUDED.media_type_id, EXCLUDED.genre_id, EXCLUDED.composer, EXCLUDED.milliseconds, EXCLUDED.bytes, EXCLUDED.unit_price, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.track', n);
    END IF;
END $$;

-- mirror.playlist
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.playlist AS m (playlist_id, name, load_batch_id)
        SELECT playlist_id, name, load_batch_id
        FROM stage_playlist
        ON CONFLICT (playlist_id) DO UPDATE SET
                name = EXCLUDED.name,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.name, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.name, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.playlist', n);
    END IF;
END $$;

-- mirror.playlist_track
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.playlist_track AS m (playlist_id, track_id, load_batch_id)
        SELECT playlist_id, track_id, load_batch_id
        FROM stage_playlist_track
        ON CONFLICT (playlist_id, track_id) DO UPDATE SET
                load_batch_id = EXCLUDED.load_batch_id
            WHERE m.load_batch_id IS DISTINCT FROM EXCLUDED.load_batch_id;
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.playlist_track', n);
    END IF;
END $$;

-- mirror.employee
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.employee AS m (employee_id, last_name, first_name, title, reports_to, birth_date, hire_date, address, city, state, country, postal_code, phone, fax, email, load_batch_id)
        SELECT employee_id, last_name, first_name, title, reports_to, birth_date, hire_date, address, city, state, country, postal_code, phone, fax, email, load_batch_id
        FROM stage_employee
        ON CONFLICT (employee_id) DO UPDATE SET
                last_name = EXCLUDED.last_name,
                first_name = EXCLUDED.first_name,
                title = EXCLUDED.title,
                reports_to = EXCLUDED.reports_to,
                birth_date = EXCLUDED.birth_date,
                hire_date = EXCLUDED.hire_date,
                address = EXCLUDED.address,
                city = EXCLUDED.city,
                state = EXCLUDED.state,
                country = EXCLUDED.country,
                postal_code = EXCLUDED.postal_code,
                phone = EXCLUDED.phone,
                fax = EXCLUDED.fax,
                email = EXCLUDED.email,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.last_name, m.first_name, m.title, m.reports_to, m.birth_date, m.hire_date, m.address, m.city, m.state, m.country, m.postal_code, m.phone, m.fax, m.email, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.last_name, EXCLUDED.first_name, EXCLUDED.title, EXCLUDED.reports_to, EXCLUDED.birth_date, EXCLUDED.hire_date, EXCLUDED.address, EXCLUDED.city, EXCLUDED.state, EXCLUDED.country, EXCLUDED.postal_code, EXCLUDED.phone, EXCLUDED.fax, EXCLUDED.email, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.employee', n);
    END IF;
END $$;

-- mirror.customer
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.customer AS m (customer_id, first_name, last_name, company, address, city, state, country, postal_code, phone, fax, email, support_rep_id, load_batch_id)
        SELECT customer_id, first_name, last_name, company, address, city, state, country, postal_code, phone, fax, email, support_rep_id, load_batch_id
        FROM stage_customer
        ON CONFLICT (customer_id) DO UPDATE SET
                first_name = EXCLUDED.first_name,
                last_name = EXCLUDED.last_name,
                company = EXCLUDED.company,
                address = EXCLUDED.address,
                city = EXCLUDED.city,
                state = EXCLUDED.state,
                country = EXCLUDED.country,
                postal_code = EXCLUDED.postal_code,
                phone = EXCLUDED.phone,
                fax = EXCLUDED.fax,
                email = EXCLUDED.email,
                support_rep_id = EXCLUDED.support_rep_id,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.first_name, m.last_name, m.company, m.address, m.city, m.state, m.country, m.postal_code, m.phone, m.fax, m.email, m.support_rep_id, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.company, EXCLUDED.address, EXCLUDED.city, EXCLUDED.state, EXCLUDED.country, EXCLUDED.postal_code, EXCLUDED.phone, EXCLUDED.fax, EXCLUDED.email, EXCLUDED.support_rep_id, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.customer', n);
    END IF;
END $$;

-- mirror.invoice
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.invoice AS m (invoice_id, customer_id, invoice_date, billing_address, billing_city, billing_state, billing_country, billing_postal_code, total, load_batch_id)
        SELECT invoice_id, customer_id, invoice_date, billing_address, billing_city, billing_state, billing_country, billing_postal_code, total, load_batch_id
        FROM stage_invoice
        ON CONFLICT (invoice_id) DO UPDATE SET
                customer_id = EXCLUDED.customer_id,
                invoice_date = EXCLUDED.invoice_date,
                billing_address = EXCLUDED.billing_address,
                billing_city = EXCLUDED.billing_city,
                billing_state = EXCLUDED.billing_state,
                billing_country = EXCLUDED.billing_country,
                billing_postal_code = EXCLUDED.billing_postal_code,
                total = EXCLUDED.total,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.customer_id, m.invoice_date, m.billing_address, m.billing_city, m.billing_state, m.billing_country, m.billing_postal_code, m.total, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.customer_id, EXCLUDED.invoice_date, EXCLUDED.billing_address, EXCLUDED.billing_city, EXCLUDED.billing_state, EXCLUDED.billing_country, EXCLUDED.billing_postal_code, EXCLUDED.total, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.invoice', n);
    END IF;
END $$;

-- mirror.invoice_line
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        INSERT INTO mirror.invoice_line AS m (invoice_line_id, invoice_id, track_id, unit_price, quantity, load_batch_id)
        SELECT invoice_line_id, invoice_id, track_id, unit_price, quantity, load_batch_id
        FROM stage_invoice_line
        ON CONFLICT (invoice_line_id) DO UPDATE SET
                invoice_id = EXCLUDED.invoice_id,
                track_id = EXCLUDED.track_id,
                unit_price = EXCLUDED.unit_price,
                quantity = EXCLUDED.quantity,
                load_batch_id = EXCLUDED.load_batch_id
            WHERE ROW(m.invoice_id, m.track_id, m.unit_price, m.quantity, m.load_batch_id)
                  IS DISTINCT FROM ROW(EXCLUDED.invoice_id, EXCLUDED.track_id, EXCLUDED.unit_price, EXCLUDED.quantity, EXCLUDED.load_batch_id);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('mirror.invoice_line', n);
    END IF;
END $$;

-- mirror.customer_version: append a version for every incoming customer
-- whose type-2 attribute hash differs from its latest version (or who has no
-- version yet). first_seen_at = this build's time. In full mode stage_customer
-- is every customer and the kept history is compared against it, so an
-- unchanged customer gets no new version.
WITH incoming AS (
    SELECT s.*,
           mirror.customer_attr_hash(s.company, s.address, s.city, s.state, s.country,
                                     s.postal_code, s.support_rep_id) AS attr_hash
    FROM stage_customer s
), latest AS (
    SELECT DISTINCT ON (v.customer_id) v.customer_id, v.version_no, v.attr_hash
    FROM mirror.customer_version v
    WHERE v.customer_id IN (SELECT customer_id FROM stage_customer)
    ORDER BY v.customer_id, v.version_no DESC
), ins AS (
    INSERT INTO mirror.customer_version (
        customer_id, version_no, attr_hash, company, address, city, state, country,
        postal_code, support_rep_id, first_seen_at, first_seen_build_id, load_batch_id)
    SELECT c.customer_id, coalesce(l.version_no, 0) + 1, c.attr_hash, c.company, c.address,
           c.city, c.state, c.country, c.postal_code, c.support_rep_id,
           p.build_time, p.build_id, c.load_batch_id
    FROM incoming c
    CROSS JOIN build_params p
    LEFT JOIN latest l ON l.customer_id = c.customer_id
    WHERE l.attr_hash IS DISTINCT FROM c.attr_hash
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'mirror.customer_version', count(*) FROM ins;
