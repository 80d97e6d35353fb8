-- dw.dim_playlist has one row per OLTP playlist. Fails with one row: the
-- two counts.
-- Scope: both tables whole (small).
SELECT c.dim_playlist, c.mirror_playlist
FROM (
    SELECT (SELECT count(*) FROM dw.dim_playlist) AS dim_playlist,
           (SELECT count(*) FROM mirror.playlist) AS mirror_playlist
) c
WHERE c.dim_playlist <> c.mirror_playlist
