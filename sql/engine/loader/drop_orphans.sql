-- While retrying pending rows: rows whose parent is still missing stay
-- pending as they are. Run until it removes no row.
DELETE FROM {stage} AS s
WHERE {orphan_condition}
