-- Rows that violate one CHECK constraint of the table leave the stage as
-- rejects; the database evaluates the constraint's own expression, so the
-- loader never re-implements it. NULL passes, as in PostgreSQL.
DELETE FROM {stage}
WHERE ({expression}) IS FALSE
RETURNING _starlift_line, (to_jsonb({stage}) - '_starlift_line')::text AS raw_record
