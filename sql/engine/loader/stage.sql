-- One file's valid rows, with the CSV line each came from (and, for an
-- append table, the load the row came from). The engine's own column is
-- prefixed `_starlift_`, a prefix pack columns may not use.
CREATE TEMPORARY TABLE {stage} (
    _starlift_line bigint NOT NULL,
    {column_definitions}
) ON COMMIT DROP
