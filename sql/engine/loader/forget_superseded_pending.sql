-- A key that just loaded from a newer file no longer waits with an older version.
DELETE FROM etl.pending_row AS p
USING {stage} AS s
WHERE p.table_name = '{table}' AND p.row_key = {stage_row_key}
