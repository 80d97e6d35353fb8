-- The orders test pack's analytics views.

CREATE SCHEMA IF NOT EXISTS analytics;

CREATE VIEW analytics.revenue_by_city AS
SELECT c.city,
       count(*) AS orders,
       sum(f.total) AS revenue
FROM dw.fact_order f
JOIN dw.dim_customer c ON c.customer_key = f.customer_key
GROUP BY c.city;
