-- view: top_customers
-- DuckDB's text of analytics.top_customers (../analytics/0001_views.sql),
-- for the lakehouse check (scripts/lakehouse_duckdb.py). DuckDB divides a
-- decimal in double precision, so round(revenue / order_count, 2) can land
-- a cent below PostgreSQL's exact result on a half-cent tie (38123.45 / 2);
-- here the average is rounded half away from zero in integer cents, as
-- PostgreSQL's numeric does. Same question, same rows.
CREATE OR REPLACE VIEW analytics.top_customers AS
WITH o AS (
    SELECT f.customer_number,
           count(DISTINCT f.order_number) AS order_count,
           sum(f.quantity_ordered)        AS quantity,
           sum(f.amount)                  AS revenue,
           min(f.order_date_key)          AS first_key,
           max(f.order_date_key)          AS last_key
    FROM dw.fact_orders f
    GROUP BY f.customer_number
)
SELECT row_number() OVER (ORDER BY o.revenue DESC, cur.customer_number) AS revenue_rank,
       cur.customer_number,
       cur.customer_name,
       cur.contact_full_name,
       cur.city,
       cur.country,
       rep.full_name                                       AS sales_rep_name,
       CAST(o.order_count AS bigint)                       AS order_count,
       CAST(o.quantity AS bigint)                          AS quantity,
       CAST(o.revenue AS numeric(15, 2))                   AS revenue,
       CAST(sign(o.revenue) * ((2 * abs(CAST(o.revenue * 100 AS hugeint)) + o.order_count) // (2 * o.order_count))
            AS numeric(15, 0)) * CAST(0.01 AS numeric(3, 2)) AS avg_order_value,
       fd.full_date                                        AS first_order_date,
       ld.full_date                                        AS last_order_date
FROM o
JOIN dw.dim_customer cur ON cur.customer_number = o.customer_number AND cur.is_current
LEFT JOIN dw.dim_employee rep ON rep.employee_number = cur.sales_rep_employee_number
LEFT JOIN dw.dim_date fd ON fd.date_key = o.first_key
LEFT JOIN dw.dim_date ld ON ld.date_key = o.last_key;
