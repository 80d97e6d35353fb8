-- A key repeated within one file: the last line wins, earlier lines are
-- reported back as rejects naming the line that replaced them.
WITH ranked AS (
    SELECT line_no,
           max(line_no) OVER (PARTITION BY {primary_key}) AS kept_line
    FROM {stage}
),
removed AS (
    DELETE FROM {stage} AS s
    USING ranked AS r
    WHERE s.line_no = r.line_no AND r.line_no <> r.kept_line
    RETURNING s.line_no, r.kept_line, s.*
)
SELECT line_no,
       kept_line,
       (to_jsonb(removed) - 'line_no' - 'kept_line')::text AS raw_record
FROM removed
ORDER BY line_no
