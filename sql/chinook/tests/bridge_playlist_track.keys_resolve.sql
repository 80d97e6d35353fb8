-- dw.bridge_playlist_track bridges every OLTP playlist_track row to the
-- dimension rows of its natural keys, and every bridge row's keys resolve
-- (a playlist_key in dim_playlist, a track_key in dim_track). Fails with the
-- playlist_track rows without their bridge row (playlist_id, track_id) and
-- the bridge rows whose keys do not resolve (playlist_key, track_key).
-- Scope: the playlist_track rows in changed.playlist_track; the bridge rows
-- themselves only in a full build or with dq_full (dimension rows are never
-- deleted and keep their keys, so a bridge row that resolved still does).
SELECT s.playlist_id, s.track_id, NULL::bigint AS playlist_key, NULL::bigint AS track_key,
       'playlist_track row without a bridge row' AS problem
FROM changed.playlist_track s
LEFT JOIN dw.dim_playlist p ON p.playlist_id = s.playlist_id
LEFT JOIN dw.dim_track t ON t.track_id = s.track_id
LEFT JOIN dw.bridge_playlist_track b ON b.playlist_key = p.playlist_key AND b.track_key = t.track_key
WHERE b.playlist_key IS NULL
UNION ALL
SELECT NULL, NULL, b.playlist_key, b.track_key, 'bridge row with a key not in its dimension'
FROM dw.bridge_playlist_track b
WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
  AND (NOT EXISTS (SELECT 1 FROM dw.dim_playlist p WHERE p.playlist_key = b.playlist_key)
       OR NOT EXISTS (SELECT 1 FROM dw.dim_track t WHERE t.track_key = b.track_key))
ORDER BY 1, 2, 3, 4
