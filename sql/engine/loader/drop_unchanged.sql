-- Upsert tables, first under the merge lock: a staged row equal to the
-- table's row of the same key, in every column the file carries, changes
-- nothing, so it leaves the stage before the orphan check and the merge.
-- An unchanged re-delivery then writes nothing (the merge's ON CONFLICT
-- would lock, and so rewrite, every row it matches) and keeps its rows'
-- load_batch_id, so the builder finds no change either.
-- `repeated`: an unchanged line shares its key with another line of the
-- file. The last line of a key must win, so the caller then removes the
-- earlier lines (dedupe.sql) and runs this again. The main query reads the
-- stage as it was before the DELETE (one snapshot), so it sees every line.
WITH unchanged AS (
    DELETE FROM {stage} AS s
    USING {target} AS target
    WHERE {key_match}
      AND ({target_values}) IS NOT DISTINCT FROM ({stage_values})
    RETURNING s._starlift_line, {stage_key}
)
SELECT count(*) AS unchanged,
       EXISTS (SELECT 1 FROM unchanged AS u JOIN {stage} AS o
               ON {repeat_match} AND o._starlift_line <> u._starlift_line) AS repeated
FROM unchanged
