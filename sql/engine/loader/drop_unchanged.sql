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
-- Only a file with both kinds of lines can have a repeat. Then the keys on
-- more than one line are found by grouping, and counted (not EXISTS, which
-- the planner runs as a nested loop over the stage, expecting an early
-- match: quadratic when there is none).
WITH counts AS (
    SELECT (SELECT count(*) FROM {stage}) AS staged,
           (SELECT count(*) FROM {changed_stage}) AS changed
)
SELECT staged - changed AS unchanged,
       CASE WHEN changed = 0 OR changed = staged THEN false
       ELSE (
           SELECT count(*)
           FROM {changed_stage} AS c
           JOIN {target} AS target ON {changed_key_match}
           JOIN (
               SELECT {key_columns} FROM {stage}
               GROUP BY {key_columns} HAVING count(*) > 1
           ) AS o ON {repeat_match}
       ) > 0
       END AS repeated
FROM counts;
DROP TABLE {stage};
ALTER TABLE {changed_stage} RENAME TO {stage}
