-- name: secondary_indexes
-- The indexes of table $1 (schema.table) that a large load into the empty
-- table drops before its merge and builds again after it, in this
-- transaction (crates/oltp-loader/src/bulk.rs): neither unique nor the
-- primary key nor an exclusion constraint's (they enforce constraints
-- during the merge), valid, and only when the loader may drop them (it
-- owns the table). Each with its name, quoted, and its definition.
SELECT format('%I.%I', n.nspname, c.relname) AS name,
       pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class t ON t.oid = i.indrelid
WHERE i.indrelid = $1::text::regclass
  AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
  AND i.indisvalid AND i.indisready
  AND pg_has_role(current_user, t.relowner, 'USAGE')
ORDER BY 1
