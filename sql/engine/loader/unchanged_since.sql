-- Upsert tables, a re-drop of content loaded before by load $1: true when no
-- load wrote {target} since (no row carries a later batch) and none of its
-- rows was held back since, so merging the same rows again changes nothing.
SELECT coalesce((SELECT max(load_batch_id) FROM {target}), 0) <= $1::bigint
   AND NOT EXISTS (SELECT 1 FROM etl.pending_row
                   WHERE schema_name = {schema_literal} AND table_name = {table_literal}
                     AND load_id > $1::bigint)
