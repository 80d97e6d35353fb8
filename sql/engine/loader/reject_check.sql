-- Rows that violate one CHECK constraint of the table leave the stage as
-- rejects; the database evaluates the constraint's own expression, so the
-- loader never re-implements it. NULL passes, as in PostgreSQL.
DELETE FROM {stage}
WHERE ({expression}) IS FALSE
RETURNING line_no, (to_jsonb({stage}) - 'line_no')::text AS raw_record
