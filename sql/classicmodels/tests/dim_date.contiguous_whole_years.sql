-- dw.dim_date covers whole calendar years without a gap or a repeat: each
-- day from 1 January of its first year to 31 December of its last, once.
-- Fails with the days missing from that span and the days present twice.
-- Scope: the whole dimension (one row per day, small).
SELECT d.day::date AS full_date, 'missing' AS problem
FROM (SELECT min(full_date) AS lo, max(full_date) AS hi FROM dw.dim_date) r
CROSS JOIN generate_series(date_trunc('year', r.lo::timestamp),
                           date_trunc('year', r.hi::timestamp) + interval '1 year - 1 day',
                           interval '1 day') AS d(day)
WHERE NOT EXISTS (SELECT 1 FROM dw.dim_date x WHERE x.full_date = d.day::date)
UNION ALL
SELECT full_date, format('%s rows', count(*))
FROM dw.dim_date
GROUP BY full_date
HAVING count(*) > 1
ORDER BY 1
