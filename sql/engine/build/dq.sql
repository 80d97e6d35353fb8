-- star-builder: data-quality tests. Every test, generic ([[tests]] in
-- dataset.toml, rendered by starlift_domain::warehouse) or singular
-- (tests/<name>.sql), is a query returning the failing rows; this records
-- its result in etl.dq_result. {query} is the test's query, {check_name}
-- and {scope} are string literals.

-- name: run
-- The failing rows go into a temp table first: CREATE TABLE AS may scan in
-- parallel (a query under a CTE or an INSERT may not), and a passing test
-- writes nothing. They are counted and five of them kept as examples.
CREATE TEMP TABLE dq_failing ON COMMIT DROP AS
{query}
;
INSERT INTO etl.dq_result (build_id, check_name, passed, detail)
SELECT p.build_id, {check_name}, c.n = 0,
       CASE WHEN c.n = 0 THEN 'no failing rows'
            ELSE c.n || ' failing row' || CASE WHEN c.n = 1 THEN '' ELSE 's' END
                 || ', e.g. ' || e.list END
       || ' (' || {scope} || ')'
FROM build_params p,
     (SELECT count(*) AS n FROM dq_failing) c,
     (SELECT string_agg(example, '; ') AS list
      FROM (SELECT row_to_json(f)::text AS example FROM dq_failing f ORDER BY 1 LIMIT 5) x) e;
DROP TABLE dq_failing
