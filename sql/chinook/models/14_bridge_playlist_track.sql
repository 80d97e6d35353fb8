-- reads: changed.playlist_track, dw.dim_playlist, dw.dim_track
-- writes: dw.bridge_playlist_track
-- full: bulk
--
-- dw.bridge_playlist_track: the new playlist_track rows are bridged. OLTP
-- never deletes rows and a playlist_track row has no attributes of its own,
-- so the bridge only grows; playlist and track surrogate keys are stable, so
-- existing bridge rows stay valid when a playlist or track changes.
-- Full mode: the table is empty and has no indexes (full: bulk), so every
-- row goes in with a plain INSERT; the OLTP primary key makes the pairs
-- unique. The ON CONFLICT clause is added only in incremental mode
-- (EXECUTE): it cannot even be planned while the primary key is dropped.
DO $$
DECLARE n bigint;
BEGIN
    EXECUTE format($q$
        INSERT INTO dw.bridge_playlist_track (playlist_key, track_key)
        SELECT p.playlist_key, t.track_key
        FROM changed.playlist_track s
        JOIN dw.dim_playlist p ON p.playlist_id = s.playlist_id
        JOIN dw.dim_track t ON t.track_id = s.track_id
        %s $q$,
        CASE WHEN (SELECT mode FROM build_params) = 'full' THEN '' ELSE 'ON CONFLICT DO NOTHING' END);
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.bridge_playlist_track', n);
END $$;
