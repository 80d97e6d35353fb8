-- reads: changed.track, changed.album, changed.artist, changed.genre, changed.media_type
-- reads: mirror.track, mirror.album, mirror.artist, mirror.genre, mirror.media_type
-- writes: dw.dim_track
--
-- dw.dim_track: type 1, denormalized with album, artist, genre and media type.
-- The tracks to write: the changed tracks, plus the tracks of changed
-- albums, of changed artists' albums, of changed genres and media types
-- (index probes on the track and album mirrors by parent id). Full mode:
-- every track. Upsert on the natural key; a row is rewritten only if
-- something differs, so surrogate keys stay stable and facts never need
-- re-pointing for it.
CREATE TEMP TABLE track_ids (track_id integer PRIMARY KEY) ON COMMIT DROP;

INSERT INTO track_ids
SELECT track_id FROM changed.track
WHERE (SELECT mode FROM build_params) <> 'full'
UNION
SELECT t.track_id
FROM changed.album s JOIN mirror.track t ON t.album_id = s.album_id
WHERE (SELECT mode FROM build_params) <> 'full'
UNION
SELECT t.track_id
FROM changed.artist s
JOIN mirror.album al ON al.artist_id = s.artist_id
JOIN mirror.track t ON t.album_id = al.album_id
WHERE (SELECT mode FROM build_params) <> 'full'
UNION
SELECT t.track_id
FROM changed.genre s JOIN mirror.track t ON t.genre_id = s.genre_id
WHERE (SELECT mode FROM build_params) <> 'full'
UNION
SELECT t.track_id
FROM changed.media_type s JOIN mirror.track t ON t.media_type_id = s.media_type_id
WHERE (SELECT mode FROM build_params) <> 'full';

ANALYZE track_ids;

-- One statement for both modes. Full mode (dim_track is empty): every
-- track, a plain INSERT, no change set and no conflicts to look for.
-- Incremental: the tracks above, upserted. GET DIAGNOSTICS counts the rows
-- (a RETURNING CTE would first store every row just to count them).
DO $$
DECLARE
    full_mode boolean := (SELECT mode FROM build_params) = 'full';
    n bigint;
BEGIN
    EXECUTE format($q$
        INSERT INTO dw.dim_track AS d (
            track_id, track_name, album_id, album_title, artist_id, artist_name,
            genre_id, genre_name, media_type_id, media_type_name, composer,
            milliseconds, bytes, unit_price)
        SELECT t.track_id, t.name, t.album_id, al.title, al.artist_id, ar.name,
               t.genre_id, g.name, t.media_type_id, mt.name, t.composer,
               t.milliseconds, t.bytes, t.unit_price
        FROM %s
        LEFT JOIN mirror.album al ON al.album_id = t.album_id
        LEFT JOIN mirror.artist ar ON ar.artist_id = al.artist_id
        LEFT JOIN mirror.genre g ON g.genre_id = t.genre_id
        LEFT JOIN mirror.media_type mt ON mt.media_type_id = t.media_type_id
        ORDER BY t.track_id
        %s $q$,
        CASE WHEN full_mode THEN 'mirror.track t'
             ELSE 'track_ids a JOIN mirror.track t ON t.track_id = a.track_id' END,
        CASE WHEN full_mode THEN '' ELSE $c$
        ON CONFLICT (track_id) DO UPDATE SET
            track_name = EXCLUDED.track_name,
            album_id = EXCLUDED.album_id,
            album_title = EXCLUDED.album_title,
            artist_id = EXCLUDED.artist_id,
            artist_name = EXCLUDED.artist_name,
            genre_id = EXCLUDED.genre_id,
            genre_name = EXCLUDED.genre_name,
            media_type_id = EXCLUDED.media_type_id,
            media_type_name = EXCLUDED.media_type_name,
            composer = EXCLUDED.composer,
            milliseconds = EXCLUDED.milliseconds,
            bytes = EXCLUDED.bytes,
            unit_price = EXCLUDED.unit_price
        WHERE ROW(d.track_name, d.album_id, d.album_title, d.artist_id, d.artist_name,
                  d.genre_id, d.genre_name, d.media_type_id, d.media_type_name, d.composer,
                  d.milliseconds, d.bytes, d.unit_price)
              IS DISTINCT FROM
              ROW(EXCLUDED.track_name, EXCLUDED.album_id, EXCLUDED.album_title, EXCLUDED.artist_id,
                  EXCLUDED.artist_name, EXCLUDED.genre_id, EXCLUDED.genre_name, EXCLUDED.media_type_id,
                  EXCLUDED.media_type_name, EXCLUDED.composer, EXCLUDED.milliseconds, EXCLUDED.bytes,
                  EXCLUDED.unit_price) $c$ END);
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.dim_track', n);
END $$;
