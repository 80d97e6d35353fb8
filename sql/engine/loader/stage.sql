-- One file's valid rows, with the CSV line each came from.
CREATE TEMPORARY TABLE {stage} (
    line_no bigint NOT NULL,
    {column_definitions}
) ON COMMIT DROP
