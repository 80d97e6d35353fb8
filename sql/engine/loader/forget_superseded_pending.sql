-- A key that just loaded from a newer file no longer waits with an older
-- version (upsert tables; an append table's rows have no key to supersede).
DELETE FROM etl.pending_row AS p
USING {stage} AS s
WHERE p.schema_name = {schema_literal} AND p.table_name = {table_literal}
  AND p.row_key = {stage_row_key}
