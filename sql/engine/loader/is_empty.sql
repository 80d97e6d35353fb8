-- Whether {target} holds no row: a file merged into it can have no
-- unchanged row (drop_unchanged.sql is skipped), and a large one may build
-- the secondary indexes afterwards (bulk.sql).
SELECT NOT EXISTS (SELECT 1 FROM {target})
