-- Stage pending rows of one table for another try: those whose parents are
-- there now ({resolvable}, over the row as r; `true` for a self-referencing
-- table, whose rows may wait for each other: drop_orphans sorts them out),
-- at most $1 of them (NULL: all), so one transaction's work stays bounded.
INSERT INTO {stage} (_starlift_line, {columns})
SELECT p.line_no, {r_columns}
FROM etl.pending_row AS p,
     LATERAL jsonb_populate_record(NULL::{stage}, p.row_data) AS r
WHERE p.schema_name = {schema_literal} AND p.table_name = {table_literal}
  AND {resolvable}
LIMIT $1::bigint
