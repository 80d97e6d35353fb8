-- star-builder: data-quality tests. Every test, generic ([[tests]] in
-- dataset.toml, rendered by starlift_domain::warehouse) or singular
-- (tests/<name>.sql), is a query returning the failing rows; this records
-- its result in etl.dq_result. {query} is the test's query, {check_name}
-- and {scope} are string literals.

-- name: run
-- The failing rows are materialized once (a tuplestore that spills to disk
-- if there are many), counted, and five of them kept as examples.
WITH failing AS MATERIALIZED (
{query}
), examples AS (
    SELECT string_agg(example, '; ') AS list
    FROM (SELECT row_to_json(f)::text AS example FROM failing f ORDER BY 1 LIMIT 5) e
), counted AS (
    SELECT count(*) AS n FROM failing
)
INSERT INTO etl.dq_result (build_id, check_name, passed, detail)
SELECT p.build_id, {check_name}, c.n = 0,
       CASE WHEN c.n = 0 THEN 'no failing rows'
            ELSE c.n || ' failing row' || CASE WHEN c.n = 1 THEN '' ELSE 's' END
                 || ', e.g. ' || e.list END
       || ' (' || {scope} || ')'
FROM build_params p, counted c, examples e
