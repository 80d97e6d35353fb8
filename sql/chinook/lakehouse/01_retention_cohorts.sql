-- view: retention_cohorts
-- DuckDB's text of analytics.retention_cohorts (../analytics/0001_views.sql),
-- for the lakehouse check (scripts/lakehouse_duckdb.py): DuckDB has no
-- make_interval(months => n) or to_char, and its generate_series in FROM
-- names its column generate_series. Same question, same rows.
CREATE OR REPLACE VIEW analytics.retention_cohorts AS
WITH activity AS (
    SELECT DISTINCT c.customer_id, d.month_start
    FROM dw.fact_invoice_summary s
    JOIN dw.dim_customer c ON c.customer_key = s.customer_key
    JOIN dw.dim_date d ON d.date_key = s.date_key
), firsts AS (
    SELECT customer_id, min(month_start) AS cohort_month
    FROM activity
    GROUP BY customer_id
), cohorts AS (
    SELECT cohort_month, count(*) AS cohort_size
    FROM firsts
    GROUP BY cohort_month
), last_month AS (
    SELECT max(month_start) AS month_start FROM activity
), grid AS (
    SELECT c.cohort_month, c.cohort_size, s.n AS months_since_first,
           CAST(c.cohort_month + to_months(CAST(s.n AS integer)) AS date) AS activity_month
    FROM cohorts c
    CROSS JOIN last_month l
    CROSS JOIN LATERAL (
        SELECT unnest(generate_series(0, CAST((date_part('year', l.month_start) - date_part('year', c.cohort_month)) * 12
            + date_part('month', l.month_start) - date_part('month', c.cohort_month) AS integer))) AS n
    ) s
), active AS (
    SELECT f.cohort_month, a.month_start, count(*) AS active_customers
    FROM activity a
    JOIN firsts f ON f.customer_id = a.customer_id
    GROUP BY f.cohort_month, a.month_start
)
SELECT g.cohort_month,
       strftime(g.cohort_month, '%Y-%m')            AS cohort,
       CAST(g.cohort_size AS bigint)                AS cohort_size,
       g.months_since_first,
       g.activity_month,
       CAST(coalesce(a.active_customers, 0) AS bigint) AS active_customers,
       CAST(round(100.0 * coalesce(a.active_customers, 0) / g.cohort_size, 2) AS numeric(6, 2)) AS retention_pct
FROM grid g
LEFT JOIN active a ON a.cohort_month = g.cohort_month AND a.month_start = g.activity_month;
