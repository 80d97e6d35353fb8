-- Pack classicmodels, analytics migration 0001: schema `analytics`, views
-- over the dw star schema that answer the business questions. Idempotent
-- (CREATE OR REPLACE VIEW). Conventions:
--   * money is numeric(15,2) (a scale-1000 data set passes ten billion);
--     shares and rates are percentages numeric(6,2), rounded;
--   * revenue = what the order lines are worth: quantity_ordered *
--     price_each (fact_orders.amount), over orders of every status;
--   * an order is counted through its lines (the fact's grain);
--   * every ranking has a *_rank column computed with row_number() over a
--     total order (ties broken by the next measure, then the natural key), so
--     "ORDER BY <x>_rank" is deterministic;
--   * a customer is the natural customer_number, across all SCD2 versions;
--     its descriptive columns come from the current version; a country is
--     the customer's at the order date (the version's place);
--   * a sales rep is credited with the orders of the customer versions they
--     were the rep of at the order date; an office with its reps' orders.

CREATE SCHEMA IF NOT EXISTS analytics;
COMMENT ON SCHEMA analytics IS
    'Business views over the dw star schema of classicmodels (revenue over time, product lines, geography, customers, sales reps and offices, order status, shipping, balances, margins).';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_month AS
WITH months AS (
    SELECT year, quarter, month, month_start, year_month, month_name
    FROM dw.dim_date
    WHERE day_of_month = 1
), sales AS (
    SELECT d.month_start,
           count(DISTINCT f.order_number)    AS order_count,
           count(DISTINCT f.customer_number) AS customer_count,
           count(*)                          AS line_count,
           sum(f.quantity_ordered)           AS quantity,
           sum(f.amount)                     AS revenue
    FROM dw.fact_orders f
    JOIN dw.dim_date d ON d.date_key = f.order_date_key
    GROUP BY d.month_start
)
SELECT m.year,
       m.quarter,
       m.month,
       m.month_start,
       m.year_month,
       m.month_name,
       coalesce(s.order_count, 0)::bigint     AS order_count,
       coalesce(s.customer_count, 0)::bigint  AS customer_count,
       coalesce(s.line_count, 0)::bigint      AS line_count,
       coalesce(s.quantity, 0)::bigint        AS quantity,
       coalesce(s.revenue, 0)::numeric(15, 2) AS revenue,
       sum(coalesce(s.revenue, 0)) OVER (PARTITION BY m.year ORDER BY m.month)::numeric(15, 2)
                                              AS revenue_year_to_date
FROM months m
LEFT JOIN sales s ON s.month_start = m.month_start;
COMMENT ON VIEW analytics.revenue_by_month IS
    'Revenue per calendar month of the order date. Dense over dim_date''s years, zeros for months without orders. Grain: month.';
COMMENT ON COLUMN analytics.revenue_by_month.month_start IS 'First day of the month.';
COMMENT ON COLUMN analytics.revenue_by_month.year_month IS 'YYYY-MM.';
COMMENT ON COLUMN analytics.revenue_by_month.revenue_year_to_date IS 'Running revenue from January of the same year.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_quarter AS
WITH quarters AS (
    SELECT DISTINCT year, quarter, year_quarter FROM dw.dim_date
), sales AS (
    SELECT d.year, d.quarter,
           count(DISTINCT f.order_number)    AS order_count,
           count(DISTINCT f.customer_number) AS customer_count,
           sum(f.quantity_ordered)           AS quantity,
           sum(f.amount)                     AS revenue
    FROM dw.fact_orders f
    JOIN dw.dim_date d ON d.date_key = f.order_date_key
    GROUP BY d.year, d.quarter
), q AS (
    SELECT q.year, q.quarter, q.year_quarter,
           coalesce(s.order_count, 0)::bigint     AS order_count,
           coalesce(s.customer_count, 0)::bigint  AS customer_count,
           coalesce(s.quantity, 0)::bigint        AS quantity,
           coalesce(s.revenue, 0)::numeric(15, 2) AS revenue
    FROM quarters q
    LEFT JOIN sales s ON s.year = q.year AND s.quarter = q.quarter
)
SELECT q.year,
       q.quarter,
       q.year_quarter,
       q.order_count,
       q.customer_count,
       q.quantity,
       q.revenue,
       lag(q.revenue, 4) OVER (ORDER BY q.year, q.quarter) AS same_quarter_prior_year_revenue,
       CASE WHEN lag(q.revenue, 4) OVER (ORDER BY q.year, q.quarter) > 0
            THEN round(100 * (q.revenue / lag(q.revenue, 4) OVER (ORDER BY q.year, q.quarter) - 1), 2)
       END::numeric(8, 2)                                  AS year_over_year_pct
FROM q;
COMMENT ON VIEW analytics.revenue_by_quarter IS
    'Revenue per calendar quarter of the order date (every quarter of dim_date, zeros without orders), with the same quarter of the prior year. Grain: quarter.';
COMMENT ON COLUMN analytics.revenue_by_quarter.year_quarter IS 'YYYY-Qn.';
COMMENT ON COLUMN analytics.revenue_by_quarter.same_quarter_prior_year_revenue IS 'Revenue of the same quarter a year earlier (NULL in the first year).';
COMMENT ON COLUMN analytics.revenue_by_quarter.year_over_year_pct IS 'Percent change against the same quarter of the prior year; NULL when that had no revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_year AS
WITH years AS (
    SELECT DISTINCT year FROM dw.dim_date
), sales AS (
    SELECT d.year,
           count(DISTINCT f.order_number)    AS order_count,
           count(DISTINCT f.customer_number) AS customer_count,
           sum(f.quantity_ordered)           AS quantity,
           sum(f.amount)                     AS revenue
    FROM dw.fact_orders f
    JOIN dw.dim_date d ON d.date_key = f.order_date_key
    GROUP BY d.year
), y AS (
    SELECT y.year,
           coalesce(s.order_count, 0)::bigint     AS order_count,
           coalesce(s.customer_count, 0)::bigint  AS customer_count,
           coalesce(s.quantity, 0)::bigint        AS quantity,
           coalesce(s.revenue, 0)::numeric(15, 2) AS revenue
    FROM years y
    LEFT JOIN sales s ON s.year = y.year
)
SELECT y.year,
       y.order_count,
       y.customer_count,
       y.quantity,
       y.revenue,
       lag(y.revenue) OVER (ORDER BY y.year) AS prior_year_revenue,
       CASE WHEN lag(y.revenue) OVER (ORDER BY y.year) > 0
            THEN round(100 * (y.revenue / lag(y.revenue) OVER (ORDER BY y.year) - 1), 2)
       END::numeric(8, 2)                    AS growth_pct
FROM y;
COMMENT ON VIEW analytics.revenue_by_year IS
    'Revenue per calendar year of the order date (every year of dim_date, zeros without orders), with the prior year and growth. Grain: year.';
COMMENT ON COLUMN analytics.revenue_by_year.prior_year_revenue IS 'Revenue of the previous year (NULL for the first).';
COMMENT ON COLUMN analytics.revenue_by_year.growth_pct IS 'Percent change against the prior year; NULL when the prior year had no revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_product_line AS
WITH l AS (
    SELECT p.product_line,
           min(p.product_line_description)   AS product_line_description,
           count(DISTINCT p.product_code)    AS product_count,
           count(DISTINCT f.order_number)    AS order_count,
           sum(f.quantity_ordered)           AS quantity,
           sum(f.amount)                     AS revenue
    FROM dw.fact_orders f
    JOIN dw.dim_product p ON p.product_key = f.product_key
    GROUP BY p.product_line
)
SELECT row_number() OVER (ORDER BY l.revenue DESC, l.quantity DESC, l.product_line) AS revenue_rank,
       l.product_line,
       l.product_line_description,
       l.product_count::bigint          AS product_count,
       l.order_count::bigint            AS order_count,
       l.quantity::bigint               AS quantity,
       l.revenue::numeric(15, 2)        AS revenue,
       CASE WHEN sum(l.revenue) OVER () > 0
            THEN round(100 * l.revenue / sum(l.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM l;
COMMENT ON VIEW analytics.revenue_by_product_line IS
    'Product lines that sold, ranked by revenue; ties broken by quantity, then the line''s name. Grain: product line (the product''s current line).';
COMMENT ON COLUMN analytics.revenue_by_product_line.revenue_rank IS '1 = highest revenue (ties: more units, then product line).';
COMMENT ON COLUMN analytics.revenue_by_product_line.product_line_description IS 'The line''s text description.';
COMMENT ON COLUMN analytics.revenue_by_product_line.product_count IS 'Products of the line that sold.';
COMMENT ON COLUMN analytics.revenue_by_product_line.revenue_share_pct IS 'Percent of total revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_country AS
WITH c AS (
    SELECT l.country,
           count(DISTINCT f.customer_number) AS customer_count,
           count(DISTINCT f.order_number)    AS order_count,
           sum(f.amount)                     AS revenue
    FROM dw.fact_orders f
    JOIN dw.dim_location l ON l.location_key = f.customer_location_key
    GROUP BY l.country
)
SELECT row_number() OVER (ORDER BY c.revenue DESC, c.country) AS revenue_rank,
       c.country,
       c.customer_count::bigint                              AS customer_count,
       c.order_count::bigint                                 AS order_count,
       c.revenue::numeric(15, 2)                             AS revenue,
       round(c.revenue / c.order_count, 2)::numeric(15, 2)   AS avg_order_value,
       CASE WHEN sum(c.revenue) OVER () > 0
            THEN round(100 * c.revenue / sum(c.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM c;
COMMENT ON VIEW analytics.revenue_by_country IS
    'Revenue per customer country (the customer''s address at the order date), ranked; ties broken by country name. Grain: country.';
COMMENT ON COLUMN analytics.revenue_by_country.revenue_rank IS '1 = highest revenue (ties: country name).';
COMMENT ON COLUMN analytics.revenue_by_country.customer_count IS 'Distinct customers who ordered from the country.';
COMMENT ON COLUMN analytics.revenue_by_country.avg_order_value IS 'revenue / order_count, rounded to cents.';
COMMENT ON COLUMN analytics.revenue_by_country.revenue_share_pct IS 'Percent of total revenue.';

-- ---------------------------------------------------------------------------
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
       o.order_count::bigint                               AS order_count,
       o.quantity::bigint                                  AS quantity,
       o.revenue::numeric(15, 2)                           AS revenue,
       round(o.revenue / o.order_count, 2)::numeric(15, 2) AS avg_order_value,
       fd.full_date                                        AS first_order_date,
       ld.full_date                                        AS last_order_date
FROM o
JOIN dw.dim_customer cur ON cur.customer_number = o.customer_number AND cur.is_current
LEFT JOIN dw.dim_employee rep ON rep.employee_number = cur.sales_rep_employee_number
LEFT JOIN dw.dim_date fd ON fd.date_key = o.first_key
LEFT JOIN dw.dim_date ld ON ld.date_key = o.last_key;
COMMENT ON VIEW analytics.top_customers IS
    'Customers who ordered, ranked by revenue; ties broken by customer_number. Current name, city, country and sales rep. Grain: customer. ORDER BY revenue_rank.';
COMMENT ON COLUMN analytics.top_customers.revenue_rank IS '1 = highest revenue (ties: lower customer_number).';
COMMENT ON COLUMN analytics.top_customers.sales_rep_name IS 'Current sales rep''s full name (NULL without one).';
COMMENT ON COLUMN analytics.top_customers.avg_order_value IS 'revenue / order_count, rounded to cents.';
COMMENT ON COLUMN analytics.top_customers.first_order_date IS 'Date of the first order.';
COMMENT ON COLUMN analytics.top_customers.last_order_date IS 'Date of the last order.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.sales_rep_performance AS
WITH sales AS (
    SELECT f.employee_key,
           count(DISTINCT f.customer_number) AS customers_served,
           count(DISTINCT f.order_number)    AS order_count,
           sum(f.quantity_ordered)           AS quantity,
           sum(f.amount)                     AS revenue
    FROM dw.fact_orders f
    GROUP BY f.employee_key
), assigned AS (
    SELECT sales_rep_employee_number, count(*) AS current_customers
    FROM dw.dim_customer
    WHERE is_current AND sales_rep_employee_number IS NOT NULL
    GROUP BY sales_rep_employee_number
), e AS (
    SELECT e.employee_number, e.full_name, e.job_title, e.office_code, e.office_city,
           e.manager_employee_number, e.manager_full_name,
           coalesce(a.current_customers, 0)::bigint  AS current_customers,
           coalesce(s.customers_served, 0)::bigint   AS customers_served,
           coalesce(s.order_count, 0)::bigint        AS order_count,
           coalesce(s.quantity, 0)::bigint           AS quantity,
           coalesce(s.revenue, 0)::numeric(15, 2)    AS revenue
    FROM dw.dim_employee e
    LEFT JOIN sales s ON s.employee_key = e.employee_key
    LEFT JOIN assigned a ON a.sales_rep_employee_number = e.employee_number
    WHERE e.employee_key <> -1 OR s.order_count > 0
)
SELECT row_number() OVER (ORDER BY e.revenue DESC, e.employee_number) AS revenue_rank,
       e.employee_number,
       e.full_name,
       e.job_title,
       e.office_code,
       e.office_city,
       e.manager_employee_number,
       e.manager_full_name,
       e.current_customers,
       e.customers_served,
       e.order_count,
       e.quantity,
       e.revenue,
       CASE WHEN e.order_count > 0 THEN round(e.revenue / e.order_count, 2) END::numeric(15, 2) AS avg_order_value,
       CASE WHEN sum(e.revenue) OVER () > 0
            THEN round(100 * e.revenue / sum(e.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM e;
COMMENT ON VIEW analytics.sales_rep_performance IS
    'Sales-rep performance: every employee (and the unknown member -1 if customers without a rep ordered) with the orders of the customer versions whose sales rep they were at the order date. Ranked by revenue, ties by employee_number. Grain: employee.';
COMMENT ON COLUMN analytics.sales_rep_performance.revenue_rank IS '1 = highest revenue (ties: lower employee_number).';
COMMENT ON COLUMN analytics.sales_rep_performance.current_customers IS 'Customers whose current version has this sales rep.';
COMMENT ON COLUMN analytics.sales_rep_performance.customers_served IS 'Distinct customers whose orders were credited to the rep.';
COMMENT ON COLUMN analytics.sales_rep_performance.revenue IS 'Revenue of the orders credited to the rep.';
COMMENT ON COLUMN analytics.sales_rep_performance.avg_order_value IS 'revenue / order_count; NULL without orders.';
COMMENT ON COLUMN analytics.sales_rep_performance.revenue_share_pct IS 'Percent of total revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.office_performance AS
WITH offices AS (
    SELECT office_code,
           min(office_city)      AS city,
           min(office_state)     AS state,
           min(office_country)   AS country,
           min(office_territory) AS territory,
           count(*)              AS employee_count
    FROM dw.dim_employee
    WHERE employee_key <> -1
    GROUP BY office_code
), sales AS (
    SELECT f.office_code,
           count(DISTINCT f.employee_key)    AS sales_rep_count,
           count(DISTINCT f.customer_number) AS customers_served,
           count(DISTINCT f.order_number)    AS order_count,
           sum(f.quantity_ordered)           AS quantity,
           sum(f.amount)                     AS revenue
    FROM dw.fact_orders f
    WHERE f.office_code IS NOT NULL
    GROUP BY f.office_code
), o AS (
    SELECT o.office_code, o.city, o.state, o.country, o.territory,
           o.employee_count::bigint                  AS employee_count,
           coalesce(s.sales_rep_count, 0)::bigint    AS sales_rep_count,
           coalesce(s.customers_served, 0)::bigint   AS customers_served,
           coalesce(s.order_count, 0)::bigint        AS order_count,
           coalesce(s.quantity, 0)::bigint           AS quantity,
           coalesce(s.revenue, 0)::numeric(15, 2)    AS revenue
    FROM offices o
    LEFT JOIN sales s ON s.office_code = o.office_code
)
SELECT row_number() OVER (ORDER BY o.revenue DESC, o.office_code) AS revenue_rank,
       o.*,
       CASE WHEN sum(o.revenue) OVER () > 0
            THEN round(100 * o.revenue / sum(o.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM o;
COMMENT ON VIEW analytics.office_performance IS
    'Office performance: every office with employees, with the orders credited to its sales reps (the rep''s current office). Ranked by revenue, ties by office_code. Grain: office.';
COMMENT ON COLUMN analytics.office_performance.revenue_rank IS '1 = highest revenue (ties: office_code).';
COMMENT ON COLUMN analytics.office_performance.office_code IS 'OLTP office_code.';
COMMENT ON COLUMN analytics.office_performance.territory IS 'Sales territory.';
COMMENT ON COLUMN analytics.office_performance.employee_count IS 'Employees working at the office.';
COMMENT ON COLUMN analytics.office_performance.sales_rep_count IS 'Employees of the office credited with orders.';
COMMENT ON COLUMN analytics.office_performance.customers_served IS 'Distinct customers whose orders were credited to the office.';
COMMENT ON COLUMN analytics.office_performance.revenue IS 'Revenue of the orders credited to the office''s reps.';
COMMENT ON COLUMN analytics.office_performance.revenue_share_pct IS 'Percent of the revenue credited to an office (orders of customers without a rep are in no office).';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.order_status_funnel AS
WITH o AS (
    SELECT f.order_number,
           min(f.status)          AS status,
           sum(f.quantity_ordered) AS quantity,
           sum(f.amount)          AS revenue,
           bool_or(f.shipped_date_key IS NOT NULL) AS shipped
    FROM dw.fact_orders f
    GROUP BY f.order_number
), s AS (
    SELECT status,
           count(*)                       AS order_count,
           count(*) FILTER (WHERE shipped) AS shipped_orders,
           sum(quantity)                  AS quantity,
           sum(revenue)                   AS revenue
    FROM o
    GROUP BY status
)
SELECT CASE s.status
           WHEN 'In Process' THEN 1
           WHEN 'On Hold' THEN 2
           WHEN 'Shipped' THEN 3
           WHEN 'Disputed' THEN 4
           WHEN 'Resolved' THEN 5
           WHEN 'Cancelled' THEN 6
           ELSE 7
       END                                       AS stage,
       s.status,
       s.order_count::bigint                     AS order_count,
       s.shipped_orders::bigint                  AS shipped_orders,
       s.quantity::bigint                        AS quantity,
       s.revenue::numeric(15, 2)                 AS revenue,
       round(100.0 * s.order_count / sum(s.order_count) OVER (), 2)::numeric(6, 2) AS order_share_pct,
       CASE WHEN sum(s.revenue) OVER () > 0
            THEN round(100 * s.revenue / sum(s.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM s;
COMMENT ON VIEW analytics.order_status_funnel IS
    'Orders per status, in the order an order moves through them (stage: In Process, On Hold, Shipped, then the after-shipping outcomes Disputed and Resolved, then Cancelled; any other status last). Grain: status. ORDER BY stage, status.';
COMMENT ON COLUMN analytics.order_status_funnel.stage IS '1 In Process, 2 On Hold, 3 Shipped, 4 Disputed, 5 Resolved, 6 Cancelled, 7 any other status.';
COMMENT ON COLUMN analytics.order_status_funnel.status IS 'Order status.';
COMMENT ON COLUMN analytics.order_status_funnel.shipped_orders IS 'Orders of the status with a shipped date.';
COMMENT ON COLUMN analytics.order_status_funnel.order_share_pct IS 'Percent of all orders.';
COMMENT ON COLUMN analytics.order_status_funnel.revenue_share_pct IS 'Percent of total revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.shipping_delays AS
WITH o AS (
    SELECT f.order_number,
           min(f.order_date_key) AS order_date_key,
           min(f.days_to_ship)   AS days_to_ship,
           bool_or(f.shipped_late) AS shipped_late
    FROM dw.fact_orders f
    GROUP BY f.order_number
)
SELECT d.year,
       d.month,
       d.year_month,
       count(*)::bigint                                       AS order_count,
       count(o.days_to_ship)::bigint                          AS shipped_orders,
       (count(*) - count(o.days_to_ship))::bigint             AS unshipped_orders,
       round(avg(o.days_to_ship), 2)::numeric(8, 2)           AS avg_days_to_ship,
       max(o.days_to_ship)                                    AS max_days_to_ship,
       count(*) FILTER (WHERE o.shipped_late)::bigint         AS late_orders,
       CASE WHEN count(o.days_to_ship) > 0
            THEN round(100.0 * count(*) FILTER (WHERE o.shipped_late) / count(o.days_to_ship), 2)
       END::numeric(6, 2)                                     AS late_pct
FROM o
JOIN dw.dim_date d ON d.date_key = o.order_date_key
GROUP BY d.year, d.month, d.year_month;
COMMENT ON VIEW analytics.shipping_delays IS
    'Shipping delays per month of the order date (months with orders): orders shipped and not, days from order to shipping, orders shipped after their required date. Grain: month.';
COMMENT ON COLUMN analytics.shipping_delays.year_month IS 'YYYY-MM of the order date.';
COMMENT ON COLUMN analytics.shipping_delays.shipped_orders IS 'Orders with a shipped date.';
COMMENT ON COLUMN analytics.shipping_delays.unshipped_orders IS 'Orders without a shipped date.';
COMMENT ON COLUMN analytics.shipping_delays.avg_days_to_ship IS 'Mean days from order to shipping over the shipped orders.';
COMMENT ON COLUMN analytics.shipping_delays.max_days_to_ship IS 'Longest days from order to shipping.';
COMMENT ON COLUMN analytics.shipping_delays.late_orders IS 'Orders shipped after their required date.';
COMMENT ON COLUMN analytics.shipping_delays.late_pct IS 'Percent of the shipped orders shipped late.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.customer_balance AS
WITH ordered AS (
    SELECT f.customer_number, sum(f.amount) AS ordered
    FROM dw.fact_orders f
    WHERE f.status <> 'Cancelled'
    GROUP BY f.customer_number
), paid AS (
    SELECT p.customer_number, sum(p.amount) AS paid, count(*) AS payment_count
    FROM dw.fact_payments p
    GROUP BY p.customer_number
), b AS (
    SELECT cur.customer_number, cur.customer_name, cur.country, cur.credit_limit,
           coalesce(o.ordered, 0)::numeric(15, 2)                       AS ordered,
           coalesce(p.paid, 0)::numeric(15, 2)                          AS paid,
           coalesce(p.payment_count, 0)::bigint                         AS payment_count,
           (coalesce(o.ordered, 0) - coalesce(p.paid, 0))::numeric(15, 2) AS balance
    FROM dw.dim_customer cur
    LEFT JOIN ordered o ON o.customer_number = cur.customer_number
    LEFT JOIN paid p ON p.customer_number = cur.customer_number
    WHERE cur.is_current
)
SELECT b.customer_number,
       b.customer_name,
       b.country,
       b.credit_limit,
       b.ordered,
       b.paid,
       b.payment_count,
       b.balance,
       CASE WHEN b.credit_limit > 0
            THEN round(100 * b.balance / b.credit_limit, 2) END::numeric(8, 2) AS credit_used_pct,
       (b.balance > coalesce(b.credit_limit, 0))                               AS over_credit_limit
FROM b;
COMMENT ON VIEW analytics.customer_balance IS
    'Every customer''s balance: the value of their orders that were not cancelled, minus what they paid, against their current credit limit. Grain: customer.';
COMMENT ON COLUMN analytics.customer_balance.credit_limit IS 'Current credit limit (NULL if none is set).';
COMMENT ON COLUMN analytics.customer_balance.ordered IS 'Revenue of the customer''s orders, cancelled ones excluded.';
COMMENT ON COLUMN analytics.customer_balance.paid IS 'Sum of the customer''s payments.';
COMMENT ON COLUMN analytics.customer_balance.payment_count IS 'Payments.';
COMMENT ON COLUMN analytics.customer_balance.balance IS 'ordered - paid (negative: paid in advance).';
COMMENT ON COLUMN analytics.customer_balance.credit_used_pct IS '100 * balance / credit_limit; NULL without a positive credit limit.';
COMMENT ON COLUMN analytics.customer_balance.over_credit_limit IS 'The balance exceeds the credit limit (a missing limit counts as 0).';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.product_margin AS
WITH s AS (
    SELECT f.product_key,
           count(DISTINCT f.order_number) AS order_count,
           sum(f.quantity_ordered)        AS quantity,
           sum(f.amount)                  AS revenue
    FROM dw.fact_orders f
    GROUP BY f.product_key
), m AS (
    SELECT p.product_code, p.product_name, p.product_line, p.product_vendor,
           p.buy_price, p.msrp, p.list_margin,
           coalesce(s.order_count, 0)::bigint                  AS order_count,
           coalesce(s.quantity, 0)::bigint                     AS quantity,
           coalesce(s.revenue, 0)::numeric(15, 2)              AS revenue,
           (coalesce(s.quantity, 0) * p.buy_price)::numeric(15, 2) AS cost
    FROM dw.dim_product p
    LEFT JOIN s ON s.product_key = p.product_key
)
SELECT row_number() OVER (ORDER BY m.revenue - m.cost DESC, m.revenue DESC, m.product_code) AS margin_rank,
       m.product_code,
       m.product_name,
       m.product_line,
       m.product_vendor,
       m.buy_price,
       m.msrp,
       m.list_margin,
       CASE WHEN m.msrp > 0 THEN round(100 * m.list_margin / m.msrp, 2) END::numeric(6, 2) AS list_margin_pct,
       m.order_count,
       m.quantity,
       m.revenue,
       CASE WHEN m.quantity > 0 THEN round(m.revenue / m.quantity, 2) END::numeric(12, 2) AS avg_price_paid,
       m.cost,
       (m.revenue - m.cost)::numeric(15, 2)                                                AS gross_margin,
       CASE WHEN m.revenue > 0 THEN round(100 * (m.revenue - m.cost) / m.revenue, 2) END::numeric(8, 2) AS gross_margin_pct,
       CASE WHEN m.quantity > 0 AND m.msrp > 0
            THEN round(100 * (1 - m.revenue / (m.quantity * m.msrp)), 2) END::numeric(8, 2) AS discount_vs_msrp_pct
FROM m;
COMMENT ON VIEW analytics.product_margin IS
    'Product margins: list price (MSRP) against the current buy price, and what customers actually paid: units, revenue, cost at the buy price, gross margin, the average discount off MSRP. Every product (zeros when unsold). Ranked by gross margin. Grain: product.';
COMMENT ON COLUMN analytics.product_margin.margin_rank IS '1 = highest gross margin (ties: more revenue, then product_code).';
COMMENT ON COLUMN analytics.product_margin.buy_price IS 'Current buy price (cost of a unit).';
COMMENT ON COLUMN analytics.product_margin.msrp IS 'Current MSRP (list price).';
COMMENT ON COLUMN analytics.product_margin.list_margin IS 'msrp - buy_price.';
COMMENT ON COLUMN analytics.product_margin.list_margin_pct IS '100 * list_margin / msrp.';
COMMENT ON COLUMN analytics.product_margin.revenue IS 'Sum of the line amounts (price paid).';
COMMENT ON COLUMN analytics.product_margin.avg_price_paid IS 'revenue / units sold; NULL when unsold.';
COMMENT ON COLUMN analytics.product_margin.cost IS 'units sold * current buy price.';
COMMENT ON COLUMN analytics.product_margin.gross_margin IS 'revenue - cost.';
COMMENT ON COLUMN analytics.product_margin.gross_margin_pct IS '100 * gross_margin / revenue; NULL without revenue.';
COMMENT ON COLUMN analytics.product_margin.discount_vs_msrp_pct IS 'How far below MSRP customers paid on average: 100 * (1 - revenue / (units * msrp)).';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.sales_overview AS
SELECT (SELECT coalesce(sum(amount), 0) FROM dw.fact_orders)::numeric(15, 2)        AS total_revenue,
       (SELECT count(DISTINCT order_number) FROM dw.fact_orders)                     AS order_count,
       (SELECT count(*) FROM dw.fact_orders)                                         AS line_count,
       (SELECT coalesce(sum(quantity_ordered), 0) FROM dw.fact_orders)::bigint       AS quantity,
       (SELECT count(*) FROM dw.dim_customer WHERE is_current)                       AS customer_count,
       (SELECT count(DISTINCT customer_number) FROM dw.fact_orders)                  AS customers_with_orders,
       (SELECT count(*) FROM dw.dim_customer
        WHERE is_current AND sales_rep_employee_number IS NULL)                      AS customers_without_rep,
       (SELECT coalesce(sum(amount), 0) FROM dw.fact_payments)::numeric(15, 2)       AS payments_total,
       (SELECT count(*) FROM dw.fact_payments)                                       AS payment_count,
       (SELECT full_date FROM dw.dim_date
        WHERE date_key = (SELECT min(order_date_key) FROM dw.fact_orders))           AS first_order_date,
       (SELECT full_date FROM dw.dim_date
        WHERE date_key = (SELECT max(order_date_key) FROM dw.fact_orders))           AS last_order_date;
COMMENT ON VIEW analytics.sales_overview IS
    'Headline numbers in one row: revenue, orders, lines, units, customers (with orders, without a sales rep), payments, date range. Grain: the whole warehouse.';
COMMENT ON COLUMN analytics.sales_overview.total_revenue IS 'Sum of quantity_ordered * price_each over every order line.';
COMMENT ON COLUMN analytics.sales_overview.customer_count IS 'Customers (current dim_customer rows).';
COMMENT ON COLUMN analytics.sales_overview.customers_with_orders IS 'Customers with at least one order line.';
COMMENT ON COLUMN analytics.sales_overview.customers_without_rep IS 'Customers whose current version has no sales rep.';
COMMENT ON COLUMN analytics.sales_overview.payments_total IS 'Sum of every payment.';
COMMENT ON COLUMN analytics.sales_overview.payment_count IS 'Payments.';
COMMENT ON COLUMN analytics.sales_overview.first_order_date IS 'Date of the first order.';
COMMENT ON COLUMN analytics.sales_overview.last_order_date IS 'Date of the last order.';

-- ---------------------------------------------------------------------------
-- Column docs shared by several views; the columns specific to one view are
-- documented next to it above.
DO $$
DECLARE r record;
BEGIN
    FOR r IN
        SELECT c.table_name, c.column_name, d.doc
        FROM information_schema.columns c
        JOIN (VALUES
            ('year', 'Calendar year.'),
            ('quarter', 'Quarter 1-4.'),
            ('month', 'Month number 1-12.'),
            ('month_name', 'English month name.'),
            ('order_count', 'Distinct orders (through their lines).'),
            ('customer_count', 'Distinct customers (customer_number).'),
            ('line_count', 'Order lines.'),
            ('quantity', 'Units ordered.'),
            ('revenue', 'Sum of quantity_ordered * price_each.'),
            ('customer_number', 'OLTP customer_number (natural key, all SCD2 versions together).'),
            ('customer_name', 'Current customer name.'),
            ('contact_full_name', 'Current contact''s full name.'),
            ('city', 'City.'),
            ('state', 'State / region.'),
            ('country', 'Country.'),
            ('employee_number', 'OLTP employee_number (-1 = unknown member).'),
            ('full_name', 'Full name.'),
            ('job_title', 'Job title.'),
            ('office_city', 'City of the office.'),
            ('manager_employee_number', 'Manager''s employee_number.'),
            ('manager_full_name', 'Manager''s full name.'),
            ('product_code', 'OLTP product_code.'),
            ('product_name', 'Product name.'),
            ('product_line', 'Product line.'),
            ('product_vendor', 'Vendor.')
        ) AS d(column_name, doc) ON d.column_name = c.column_name
        JOIN pg_class k ON k.relname = c.table_name
        JOIN pg_namespace n ON n.oid = k.relnamespace AND n.nspname = c.table_schema
        WHERE c.table_schema = 'analytics'
          AND col_description(k.oid, c.ordinal_position) IS NULL
    LOOP
        EXECUTE format('COMMENT ON COLUMN analytics.%I.%I IS %L', r.table_name, r.column_name, r.doc);
    END LOOP;
END $$;
