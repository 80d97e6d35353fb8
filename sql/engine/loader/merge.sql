-- Upsert tables: insert new rows, update rows whose values differ, leave
-- identical rows untouched; append tables: insert every row. What changed is
-- stamped with this load's batch id ($1). Only the columns the file carries
-- are written.
WITH merged AS (
    INSERT INTO {target} AS target ({insert_columns})
    SELECT {select_values} FROM {stage}
    {on_conflict}
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted,
       count(*) FILTER (WHERE NOT inserted) AS updated
FROM merged
