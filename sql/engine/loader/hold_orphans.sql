-- Rows whose parent has not arrived yet wait in etl.pending_row instead of
-- failing. {orphan_condition} is true when any non-null foreign key has no
-- parent row (for a self reference: none in the table nor among the rows
-- still staged). Run until it moves no row. $1 = load id.
WITH orphans AS (
    DELETE FROM {stage} AS s
    WHERE {orphan_condition}
    RETURNING s.*
)
INSERT INTO etl.pending_row AS p (schema_name, table_name, row_key, row_data, load_id, line_no, missing)
SELECT {schema_literal},
       {table_literal},
       {row_key},
       to_jsonb(o) - '_starlift_line',
       $1,
       o._starlift_line,
       {missing_reason}
FROM orphans AS o
ON CONFLICT (schema_name, table_name, row_key) DO UPDATE
SET row_data = EXCLUDED.row_data,
    load_id = EXCLUDED.load_id,
    line_no = EXCLUDED.line_no,
    missing = EXCLUDED.missing,
    pending_since = now()
