-- A key repeated within one file: the last line wins, earlier lines are
-- reported back as rejects naming the line that replaced them. Run only when
-- the merge reported a repeated key (SQLSTATE 21000), so clean files skip
-- the sort.
WITH ranked AS (
    SELECT _starlift_line AS ranked_line,
           max(_starlift_line) OVER (PARTITION BY {primary_key}) AS kept_line
    FROM {stage}
),
removed AS (
    DELETE FROM {stage} AS s
    USING ranked AS r
    WHERE s._starlift_line = r.ranked_line AND r.ranked_line <> r.kept_line
    RETURNING r.kept_line, s.*
)
SELECT _starlift_line AS line_no,
       kept_line,
       (to_jsonb(removed) - '_starlift_line' - 'kept_line')::text AS raw_record
FROM removed
ORDER BY _starlift_line
