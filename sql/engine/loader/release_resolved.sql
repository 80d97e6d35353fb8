-- The staged pending rows that are still staged now have their parents: they
-- were merged, so they stop waiting.
DELETE FROM etl.pending_row AS p
USING {stage} AS s
WHERE p.schema_name = {schema_literal} AND p.table_name = {table_literal}
  AND p.row_key = {stage_row_key}
