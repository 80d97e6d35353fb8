-- The rejected rows of one load, from the spooled errors.csv. $1 = load id.
INSERT INTO etl.rejected_row (load_id, line_no, column_name, reason, raw_record)
SELECT $1, line_no, nullif(column_name, ''), reason, raw_record
FROM rejected_stage
