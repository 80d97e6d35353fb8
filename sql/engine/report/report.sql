-- starlift-report: the statements the dashboard report runs around the
-- pack's analytics views (crates/report). Split by `-- name:` lines
-- (starlift_domain::sql::named_statements). "OLAP" / "OLTP" says which
-- connection runs the statement. The charts' own queries are generated
-- from dashboard.toml: quoted names of the analytics schema, cast to text.

-- name: analytics_columns
-- OLAP: every (view, column) of the analytics schema, to check the
-- dashboard against before it is queried.
SELECT c.table_name::text, c.column_name::text
FROM information_schema.columns c
WHERE c.table_schema = 'analytics'

-- name: build
-- OLAP: the build the report is for ($1), or the latest when $1 is NULL.
SELECT b.build_id, b.mode, b.finished_at, b.batch_count, b.dq_passed, b.dq_failed
FROM etl.build_run b
WHERE b.build_id = coalesce($1::bigint, (SELECT max(build_id) FROM etl.build_run))

-- name: dq
-- OLAP: that build's data-quality results, failures first.
SELECT r.check_name, r.passed, r.detail
FROM etl.dq_result r
WHERE r.build_id = $1::bigint
ORDER BY r.passed, r.check_name

-- name: last_load
-- OLTP: the newest file loaded into the pack's schema ($1), and how many.
SELECT max(l.finished_at), count(*)
FROM etl.load l
WHERE l.schema_name = $1::text AND l.status = 'loaded'
