-- A key repeated within one file: the last line wins, earlier lines are
-- reported back as rejects naming the line that replaced them. Run only when
-- the merge reported a repeated key (SQLSTATE 21000), so clean files skip
-- the sort.
WITH ranked AS (
    SELECT line_no AS ranked_line,
           max(line_no) OVER (PARTITION BY {primary_key}) AS kept_line
    FROM {stage}
),
removed AS (
    DELETE FROM {stage} AS s
    USING ranked AS r
    WHERE s.line_no = r.ranked_line AND r.ranked_line <> r.kept_line
    RETURNING r.kept_line, s.*
)
SELECT line_no,
       kept_line,
       (to_jsonb(removed) - 'line_no' - 'kept_line')::text AS raw_record
FROM removed
ORDER BY line_no
