-- Insert new rows, update rows whose values differ, leave identical rows
-- untouched; what changed is stamped with this load's batch id ($1).
-- Only the columns the file carries are compared and updated.
WITH merged AS (
    INSERT INTO chinook.{table} AS target ({columns}, load_batch_id)
    SELECT {columns}, $1 FROM {stage}
    {on_conflict}
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted,
       count(*) FILTER (WHERE NOT inserted) AS updated
FROM merged
