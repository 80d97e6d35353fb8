-- The loader's set-based integrity (crates/oltp-loader/src/trusted.rs): for
-- the tables listed by eligible_tables, a file's merge runs with the
-- per-row foreign-key triggers switched off for this transaction only,
-- because the loader has already checked every staged row's parents
-- set-based (hold_orphans.sql) while holding lock_parents.sql, which keeps
-- any other writer from removing or changing a parent until it commits.
-- Other sessions keep their triggers: they still cannot break a key.

-- name: eligible_tables
-- The tables of schema $1 whose merge may skip the triggers: they have a
-- foreign key, every one of them MATCH SIMPLE to a table of the same schema
-- (what hold_orphans.sql checks), no trigger of their own (a user trigger
-- would be skipped too), and no foreign key of another table points at
-- columns other than their primary key (the merge may update those).
SELECT c.relname::text
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1::text AND c.relkind = 'r'
  AND EXISTS (SELECT 1 FROM pg_constraint f WHERE f.conrelid = c.oid AND f.contype = 'f')
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint f
      JOIN pg_class parent ON parent.oid = f.confrelid
      WHERE f.conrelid = c.oid AND f.contype = 'f'
        AND (f.confmatchtype <> 's' OR parent.relnamespace <> n.oid))
  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint f
      WHERE f.confrelid = c.oid AND f.contype = 'f'
        AND NOT coalesce(f.confkey <@ (SELECT p.conkey FROM pg_constraint p
                                       WHERE p.conrelid = c.oid AND p.contype = 'p'), false))
ORDER BY 1

-- name: skip_fk_triggers
-- Needs superuser, or (PostgreSQL 15+) GRANT SET ON PARAMETER
-- session_replication_role to the loader's role.
SET LOCAL session_replication_role = replica

-- name: fire_fk_triggers
SET LOCAL session_replication_role = origin
