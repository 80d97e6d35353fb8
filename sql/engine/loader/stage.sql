-- One file's valid rows, with the CSV line each came from (and, for an
-- append table, the load the row came from).
CREATE TEMPORARY TABLE {stage} (
    line_no bigint NOT NULL,
    {column_definitions}
) ON COMMIT DROP
