-- dw.dim_track has one row per OLTP track. Fails with one row: the two
-- counts.
-- Scope: a full build (or dq_full) counts both tables whole; an incremental
-- build counts the rows of the tracks in changed.track (a track's row is
-- only ever created for a changed track; an album, artist, genre or media
-- type change updates existing rows).
SELECT c.dim_track, c.mirror_track
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.dim_track)
                ELSE (SELECT count(*) FROM dw.dim_track d
                      WHERE d.track_id IN (SELECT track_id FROM changed.track))
           END AS dim_track,
           CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM mirror.track)
                ELSE (SELECT count(*) FROM mirror.track t
                      WHERE t.track_id IN (SELECT track_id FROM changed.track))
           END AS mirror_track
    FROM build_params p
) c
WHERE c.dim_track <> c.mirror_track
