-- Upsert tables, first under the merge lock: staged rows equal to the
-- table's row of the same key, in every column the file carries, change
-- nothing, so they leave the stage before the orphan check and the merge.
-- An unchanged re-delivery then writes nothing (the merge's ON CONFLICT
-- would lock, and so rewrite, every row it matches) and keeps its rows'
-- load_batch_id, so the builder finds no change either. The changed rows
-- are copied into a new stage (one join, no per-row delete of the many
-- unchanged ones) that takes the old one's name. Run as one simple query;
-- its SELECT returns:
--   unchanged: the rows that left;
--   repeated:  a changed row's key is also on another line of the file
--              (one that may have been unchanged: the last line of a key
--              must win, so the caller rolls back, removes the earlier
--              lines with dedupe.sql and runs this again).
CREATE TEMPORARY TABLE {changed_stage} ON COMMIT DROP AS
SELECT s.* FROM {stage} AS s
WHERE NOT EXISTS (
    SELECT 1 FROM {target} AS target
    WHERE {key_match}
      AND ({target_values}) IS NOT DISTINCT FROM ({stage_values})
);
SELECT (SELECT count(*) FROM {stage}) - (SELECT count(*) FROM {changed_stage}) AS unchanged,
       EXISTS (
           SELECT 1
           FROM {changed_stage} AS c
           JOIN {target} AS target ON {changed_key_match}
           JOIN {stage} AS o ON {repeat_match} AND o._starlift_line <> c._starlift_line
       ) AS repeated;
DROP TABLE {stage};
ALTER TABLE {changed_stage} RENAME TO {stage}
