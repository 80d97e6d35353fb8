-- reads: changed.playlist
-- writes: dw.dim_playlist
--
-- dw.dim_playlist: type 1, driven by the change set only (full mode: every
-- playlist). Upserted on the natural key, so its unique index stays in a
-- full build too (no "full: bulk"); the bridge to the tracks is the next
-- model's.
WITH ins AS (
    INSERT INTO dw.dim_playlist AS d (playlist_id, playlist_name)
    SELECT s.playlist_id, s.name
    FROM changed.playlist s
    ON CONFLICT (playlist_id) DO UPDATE SET
        playlist_name = EXCLUDED.playlist_name
    WHERE d.playlist_name IS DISTINCT FROM EXCLUDED.playlist_name
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_playlist', count(*) FROM ins;
