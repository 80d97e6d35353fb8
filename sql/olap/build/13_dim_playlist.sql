-- star-builder, step 13: dw.dim_playlist and dw.bridge_playlist_track (type 1).
-- Driven by the change set only: changed playlists are upserted; new
-- playlist_track rows are bridged. OLTP never deletes rows and a
-- playlist_track row has no attributes of its own, so the bridge only grows;
-- playlist and track surrogate keys are stable, so existing bridge rows stay
-- valid when a playlist or track changes.
WITH ins AS (
    INSERT INTO dw.dim_playlist AS d (playlist_id, playlist_name)
    SELECT s.playlist_id, s.name
    FROM stage_playlist s
    ON CONFLICT (playlist_id) DO UPDATE SET
        playlist_name = EXCLUDED.playlist_name
    WHERE d.playlist_name IS DISTINCT FROM EXCLUDED.playlist_name
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_playlist', count(*) FROM ins;

-- Full mode: full_reset.sql dropped the bridge's indexes (80_restore_indexes
-- rebuilds them), so every row goes in with a plain INSERT; mirror's primary
-- key makes the pairs unique. The ON CONFLICT clause is added only in
-- incremental mode (EXECUTE): it cannot even be planned while the primary key
-- is dropped.
DO $$
DECLARE n bigint;
BEGIN
    EXECUTE format($q$
        INSERT INTO dw.bridge_playlist_track (playlist_key, track_key)
        SELECT p.playlist_key, t.track_key
        FROM stage_playlist_track s
        JOIN dw.dim_playlist p ON p.playlist_id = s.playlist_id
        JOIN dw.dim_track t ON t.track_id = s.track_id
        %s $q$,
        CASE WHEN (SELECT mode FROM build_params) = 'full' THEN '' ELSE 'ON CONFLICT DO NOTHING' END);
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.bridge_playlist_track', n);
END $$;
