-- dw.bridge_playlist_track has one row per OLTP playlist_track row. Fails
-- with one row: the two counts.
-- Scope: a full build (or dq_full) counts both tables whole; an incremental
-- build counts the rows of changed.playlist_track and those of them that
-- have their bridge row (through the dimension rows of their natural keys).
SELECT c.bridge_playlist_track, c.mirror_playlist_track
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.bridge_playlist_track)
                ELSE (SELECT count(b.playlist_key)
                      FROM changed.playlist_track s
                      LEFT JOIN dw.dim_playlist pl ON pl.playlist_id = s.playlist_id
                      LEFT JOIN dw.dim_track t ON t.track_id = s.track_id
                      LEFT JOIN dw.bridge_playlist_track b
                             ON b.playlist_key = pl.playlist_key AND b.track_key = t.track_key)
           END AS bridge_playlist_track,
           CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM mirror.playlist_track)
                ELSE (SELECT count(*) FROM changed.playlist_track)
           END AS mirror_playlist_track
    FROM build_params p
) c
WHERE c.bridge_playlist_track <> c.mirror_playlist_track
