-- Stage the pending rows of one table for another try.
INSERT INTO {stage} (_starlift_line, {columns})
SELECT p.line_no, {r_columns}
FROM etl.pending_row AS p,
     LATERAL jsonb_populate_record(NULL::{stage}, p.row_data) AS r
WHERE p.schema_name = {schema_literal} AND p.table_name = {table_literal}
