-- Append tables: a new version of an S3 key replaces exactly the rows the
-- key's earlier versions gave, loaded or still pending. $1 = bucket,
-- $2 = key, $3 = this load.
WITH earlier AS (
    SELECT load_id FROM etl.load
    WHERE bucket = $1 AND object_key = $2 AND load_id <> $3
),
forgotten AS (
    DELETE FROM etl.pending_row AS p
    USING earlier AS e
    WHERE p.schema_name = {schema_literal} AND p.table_name = {table_literal}
      AND p.load_id = e.load_id
)
DELETE FROM {target} AS t
USING earlier AS e
WHERE t.load_origin_id = e.load_id
