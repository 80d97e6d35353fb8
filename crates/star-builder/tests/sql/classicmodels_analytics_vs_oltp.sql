-- Every classicmodels analytics view against the same question answered
-- straight from the OLTP tables (classicmodels.*), for tests/classicmodels.rs.
-- `<name>:olap` runs on the OLAP database, `<name>:oltp` on the OLTP
-- database; both must return the same rows (compared as sorted text, so the
-- column types must render alike). Comment lines are dropped by the
-- splitter: keep comments out of the statements' bodies. Revenue is
-- quantity_ordered * price_each; orders count through their lines. The
-- OLTP keeps only the current customer, so the pairs marked "history" in
-- the test (sales reps, offices) only agree while no customer's sales rep
-- and no employee's office has changed.

-- name: revenue_by_month:olap
SELECT year, quarter, month, order_count, customer_count, line_count, quantity, revenue
FROM analytics.revenue_by_month WHERE order_count > 0
-- name: revenue_by_month:oltp
SELECT extract(year FROM o.order_date)::int, extract(quarter FROM o.order_date)::int,
       extract(month FROM o.order_date)::int, count(DISTINCT o.order_number),
       count(DISTINCT o.customer_number), count(*), sum(l.quantity_ordered),
       sum(l.quantity_ordered * l.price_each)::numeric(15,2)
FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number)
GROUP BY 1, 2, 3

-- name: revenue_by_month_dense:olap
SELECT count(*), sum(revenue), min(month_start), max(month_start), sum(order_count) FROM analytics.revenue_by_month
-- name: revenue_by_month_dense:oltp
WITH years AS (
    SELECT min(extract(year FROM d))::int AS lo, max(extract(year FROM d))::int AS hi
    FROM (SELECT order_date FROM classicmodels.orders UNION ALL SELECT required_date FROM classicmodels.orders
          UNION ALL SELECT shipped_date FROM classicmodels.orders
          UNION ALL SELECT payment_date FROM classicmodels.payments) x(d)
)
SELECT (12 * (hi - lo + 1))::bigint,
       (SELECT sum(quantity_ordered * price_each) FROM classicmodels.orderdetails)::numeric(15,2),
       make_date(lo, 1, 1), make_date(hi, 12, 1),
       (SELECT count(DISTINCT order_number) FROM classicmodels.orderdetails)
FROM years

-- name: revenue_by_month_year_to_date:olap
SELECT year, max(revenue_year_to_date) FROM analytics.revenue_by_month GROUP BY year HAVING sum(order_count) > 0
-- name: revenue_by_month_year_to_date:oltp
SELECT extract(year FROM o.order_date)::int, sum(l.quantity_ordered * l.price_each)::numeric(15,2)
FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number) GROUP BY 1

-- name: revenue_by_quarter:olap
SELECT year, quarter, year_quarter, order_count, customer_count, quantity, revenue,
       same_quarter_prior_year_revenue, year_over_year_pct
FROM analytics.revenue_by_quarter WHERE order_count > 0
-- name: revenue_by_quarter:oltp
WITH q AS (
    SELECT extract(year FROM o.order_date)::int AS year, extract(quarter FROM o.order_date)::int AS quarter,
           count(DISTINCT o.order_number) AS orders, count(DISTINCT o.customer_number) AS customers,
           sum(l.quantity_ordered) AS quantity, sum(l.quantity_ordered * l.price_each) AS revenue
    FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number) GROUP BY 1, 2
), first_year AS (
    SELECT min(extract(year FROM d))::int AS lo
    FROM (SELECT order_date FROM classicmodels.orders UNION ALL SELECT required_date FROM classicmodels.orders
          UNION ALL SELECT shipped_date FROM classicmodels.orders
          UNION ALL SELECT payment_date FROM classicmodels.payments) x(d)
), r AS (
    SELECT q.*,
           CASE WHEN q.year - 1 >= (SELECT lo FROM first_year)
                THEN coalesce((SELECT p.revenue FROM q p WHERE p.year = q.year - 1 AND p.quarter = q.quarter), 0)
           END::numeric(15,2) AS prior
    FROM q
)
SELECT year, quarter, year || '-Q' || quarter, orders, customers, quantity, revenue::numeric(15,2), prior,
       CASE WHEN prior > 0 THEN round(100 * (revenue / prior - 1), 2) END::numeric(8,2)
FROM r

-- name: revenue_by_year:olap
SELECT year, order_count, customer_count, quantity, revenue, prior_year_revenue, growth_pct
FROM analytics.revenue_by_year WHERE order_count > 0
-- name: revenue_by_year:oltp
WITH y AS (
    SELECT extract(year FROM o.order_date)::int AS year, count(DISTINCT o.order_number) AS orders,
           count(DISTINCT o.customer_number) AS customers, sum(l.quantity_ordered) AS quantity,
           sum(l.quantity_ordered * l.price_each) AS revenue
    FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number) GROUP BY 1
), first_year AS (
    SELECT min(extract(year FROM d))::int AS lo
    FROM (SELECT order_date FROM classicmodels.orders UNION ALL SELECT required_date FROM classicmodels.orders
          UNION ALL SELECT shipped_date FROM classicmodels.orders
          UNION ALL SELECT payment_date FROM classicmodels.payments) x(d)
), r AS (
    SELECT y.*,
           CASE WHEN y.year - 1 >= (SELECT lo FROM first_year)
                THEN coalesce((SELECT p.revenue FROM y p WHERE p.year = y.year - 1), 0)
           END::numeric(15,2) AS prior
    FROM y
)
SELECT year, orders, customers, quantity, revenue::numeric(15,2), prior,
       CASE WHEN prior > 0 THEN round(100 * (revenue / prior - 1), 2) END::numeric(8,2)
FROM r

-- name: revenue_by_product_line:olap
SELECT revenue_rank, product_line, product_line_description, product_count, order_count, quantity, revenue,
       revenue_share_pct
FROM analytics.revenue_by_product_line
-- name: revenue_by_product_line:oltp
SELECT row_number() OVER (ORDER BY sum(l.quantity_ordered * l.price_each) DESC, sum(l.quantity_ordered) DESC,
                                   pl.product_line),
       pl.product_line, pl.text_description, count(DISTINCT p.product_code), count(DISTINCT l.order_number),
       sum(l.quantity_ordered), sum(l.quantity_ordered * l.price_each)::numeric(15,2),
       round(100 * sum(l.quantity_ordered * l.price_each) / sum(sum(l.quantity_ordered * l.price_each)) OVER (), 2)::numeric(6,2)
FROM classicmodels.orderdetails l JOIN classicmodels.products p USING (product_code)
JOIN classicmodels.productlines pl ON pl.product_line = p.product_line
GROUP BY pl.product_line, pl.text_description

-- name: revenue_by_country:olap
SELECT revenue_rank, country, customer_count, order_count, revenue, avg_order_value, revenue_share_pct
FROM analytics.revenue_by_country
-- name: revenue_by_country:oltp
SELECT row_number() OVER (ORDER BY sum(l.quantity_ordered * l.price_each) DESC, c.country), c.country,
       count(DISTINCT c.customer_number), count(DISTINCT o.order_number),
       sum(l.quantity_ordered * l.price_each)::numeric(15,2),
       round(sum(l.quantity_ordered * l.price_each) / count(DISTINCT o.order_number), 2)::numeric(15,2),
       round(100 * sum(l.quantity_ordered * l.price_each) / sum(sum(l.quantity_ordered * l.price_each)) OVER (), 2)::numeric(6,2)
FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number)
JOIN classicmodels.customers c USING (customer_number)
GROUP BY c.country

-- name: top_customers:olap
SELECT revenue_rank, customer_number, customer_name, contact_full_name, city, country, sales_rep_name,
       order_count, quantity, revenue, avg_order_value, first_order_date, last_order_date
FROM analytics.top_customers
-- name: top_customers:oltp
SELECT row_number() OVER (ORDER BY sum(l.quantity_ordered * l.price_each) DESC, c.customer_number),
       c.customer_number, c.customer_name, c.contact_first_name || ' ' || c.contact_last_name, c.city, c.country,
       min(e.first_name || ' ' || e.last_name), count(DISTINCT o.order_number), sum(l.quantity_ordered),
       sum(l.quantity_ordered * l.price_each)::numeric(15,2),
       round(sum(l.quantity_ordered * l.price_each) / count(DISTINCT o.order_number), 2)::numeric(15,2),
       min(o.order_date), max(o.order_date)
FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number)
JOIN classicmodels.customers c USING (customer_number)
LEFT JOIN classicmodels.employees e ON e.employee_number = c.sales_rep_employee_number
GROUP BY c.customer_number

-- name: sales_rep_performance:olap
SELECT revenue_rank, employee_number, full_name, job_title, office_code, office_city, manager_employee_number,
       manager_full_name, current_customers, customers_served, order_count, quantity, revenue, avg_order_value,
       revenue_share_pct
FROM analytics.sales_rep_performance
-- name: sales_rep_performance:oltp
WITH sales AS (
    SELECT coalesce(c.sales_rep_employee_number, -1) AS employee_number,
           count(DISTINCT c.customer_number) AS customers, count(DISTINCT o.order_number) AS orders,
           sum(l.quantity_ordered) AS quantity, sum(l.quantity_ordered * l.price_each) AS revenue
    FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number)
    JOIN classicmodels.customers c USING (customer_number)
    GROUP BY 1
), people AS (
    SELECT e.employee_number, e.first_name || ' ' || e.last_name AS full_name, e.job_title, e.office_code,
           f.city, e.reports_to, m.first_name || ' ' || m.last_name AS manager,
           (SELECT count(*) FROM classicmodels.customers c WHERE c.sales_rep_employee_number = e.employee_number) AS assigned
    FROM classicmodels.employees e
    JOIN classicmodels.offices f USING (office_code)
    LEFT JOIN classicmodels.employees m ON m.employee_number = e.reports_to
    UNION ALL
    SELECT -1, 'Unknown', NULL, NULL, NULL, NULL, NULL, 0
    WHERE EXISTS (SELECT 1 FROM sales WHERE employee_number = -1)
), r AS (
    SELECT p.*, coalesce(s.customers, 0) AS customers, coalesce(s.orders, 0) AS orders,
           coalesce(s.quantity, 0) AS quantity, coalesce(s.revenue, 0)::numeric(15,2) AS revenue
    FROM people p LEFT JOIN sales s USING (employee_number)
)
SELECT row_number() OVER (ORDER BY revenue DESC, employee_number), employee_number, full_name, job_title,
       office_code, city, reports_to, manager, assigned, customers, orders, quantity, revenue,
       CASE WHEN orders > 0 THEN round(revenue / orders, 2) END::numeric(15,2),
       round(100 * revenue / sum(revenue) OVER (), 2)::numeric(6,2)
FROM r

-- name: office_performance:olap
SELECT revenue_rank, office_code, city, state, country, territory, employee_count, sales_rep_count,
       customers_served, order_count, quantity, revenue, revenue_share_pct
FROM analytics.office_performance
-- name: office_performance:oltp
WITH sales AS (
    SELECT e.office_code, count(DISTINCT e.employee_number) AS reps, count(DISTINCT c.customer_number) AS customers,
           count(DISTINCT o.order_number) AS orders, sum(l.quantity_ordered) AS quantity,
           sum(l.quantity_ordered * l.price_each) AS revenue
    FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number)
    JOIN classicmodels.customers c USING (customer_number)
    JOIN classicmodels.employees e ON e.employee_number = c.sales_rep_employee_number
    GROUP BY e.office_code
), r AS (
    SELECT f.office_code, f.city, f.state, f.country, f.territory,
           (SELECT count(*) FROM classicmodels.employees e WHERE e.office_code = f.office_code) AS employees,
           coalesce(s.reps, 0) AS reps, coalesce(s.customers, 0) AS customers, coalesce(s.orders, 0) AS orders,
           coalesce(s.quantity, 0) AS quantity, coalesce(s.revenue, 0)::numeric(15,2) AS revenue
    FROM classicmodels.offices f LEFT JOIN sales s USING (office_code)
    WHERE EXISTS (SELECT 1 FROM classicmodels.employees e WHERE e.office_code = f.office_code)
)
SELECT row_number() OVER (ORDER BY revenue DESC, office_code), office_code, city, state, country, territory,
       employees, reps, customers, orders, quantity, revenue,
       round(100 * revenue / sum(revenue) OVER (), 2)::numeric(6,2)
FROM r

-- name: order_status_funnel:olap
SELECT stage, status, order_count, shipped_orders, quantity, revenue, order_share_pct, revenue_share_pct
FROM analytics.order_status_funnel
-- name: order_status_funnel:oltp
WITH o AS (
    SELECT o.order_number, o.status, o.shipped_date, sum(l.quantity_ordered) AS quantity,
           sum(l.quantity_ordered * l.price_each) AS revenue
    FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number)
    GROUP BY o.order_number
)
SELECT coalesce(array_position(ARRAY['In Process', 'On Hold', 'Shipped', 'Disputed', 'Resolved', 'Cancelled'], status), 7),
       status, count(*), count(shipped_date), sum(quantity), sum(revenue)::numeric(15,2),
       round(100.0 * count(*) / sum(count(*)) OVER (), 2)::numeric(6,2),
       round(100 * sum(revenue) / sum(sum(revenue)) OVER (), 2)::numeric(6,2)
FROM o GROUP BY status

-- name: shipping_delays:olap
SELECT year, month, year_month, order_count, shipped_orders, unshipped_orders, avg_days_to_ship,
       max_days_to_ship, late_orders, late_pct
FROM analytics.shipping_delays
-- name: shipping_delays:oltp
SELECT extract(year FROM order_date)::int, extract(month FROM order_date)::int, to_char(order_date, 'YYYY-MM'),
       count(*), count(shipped_date), count(*) - count(shipped_date),
       round(avg(shipped_date - order_date), 2)::numeric(8,2), max(shipped_date - order_date),
       count(*) FILTER (WHERE shipped_date > required_date),
       CASE WHEN count(shipped_date) > 0
            THEN round(100.0 * count(*) FILTER (WHERE shipped_date > required_date) / count(shipped_date), 2)
       END::numeric(6,2)
FROM classicmodels.orders o
WHERE EXISTS (SELECT 1 FROM classicmodels.orderdetails l WHERE l.order_number = o.order_number)
GROUP BY 1, 2, 3

-- name: shipping_punctuality:olap
SELECT year, month, year_month, order_count, on_time_orders, late_orders, unshipped_orders,
       avg_days_to_ship, late_pct
FROM analytics.shipping_punctuality
-- name: shipping_punctuality:oltp
SELECT extract(year FROM order_date)::int, extract(month FROM order_date)::int, to_char(order_date, 'YYYY-MM'),
       count(*),
       count(*) FILTER (WHERE shipped_date <= required_date),
       count(*) FILTER (WHERE shipped_date > required_date),
       count(*) FILTER (WHERE shipped_date IS NULL),
       round(avg(shipped_date - order_date), 2)::numeric(8,2),
       CASE WHEN count(shipped_date) > 0
            THEN round(100.0 * count(*) FILTER (WHERE shipped_date > required_date) / count(shipped_date), 2)
       END::numeric(6,2)
FROM classicmodels.orders o
WHERE EXISTS (SELECT 1 FROM classicmodels.orderdetails l WHERE l.order_number = o.order_number)
GROUP BY 1, 2, 3

-- name: customer_balance:olap
SELECT customer_number, customer_name, country, credit_limit, ordered, paid, payment_count, balance,
       credit_used_pct, over_credit_limit
FROM analytics.customer_balance
-- name: customer_balance:oltp
WITH b AS (
    SELECT c.customer_number, c.customer_name, c.country, c.credit_limit,
           coalesce((SELECT sum(l.quantity_ordered * l.price_each)
                     FROM classicmodels.orders o JOIN classicmodels.orderdetails l USING (order_number)
                     WHERE o.customer_number = c.customer_number AND o.status <> 'Cancelled'), 0) AS ordered,
           coalesce((SELECT sum(amount) FROM classicmodels.payments p WHERE p.customer_number = c.customer_number), 0) AS paid,
           (SELECT count(*) FROM classicmodels.payments p WHERE p.customer_number = c.customer_number) AS payments
    FROM classicmodels.customers c
)
SELECT customer_number, customer_name, country, credit_limit, ordered::numeric(15,2), paid::numeric(15,2),
       payments, (ordered - paid)::numeric(15,2),
       CASE WHEN credit_limit > 0 THEN round(100 * (ordered - paid) / credit_limit, 2) END::numeric(8,2),
       (ordered - paid) > coalesce(credit_limit, 0)
FROM b

-- name: product_margin:olap
SELECT margin_rank, product_code, product_name, product_line, product_vendor, buy_price, msrp, list_margin,
       list_margin_pct, order_count, quantity, revenue, avg_price_paid, cost, gross_margin, gross_margin_pct,
       discount_vs_msrp_pct
FROM analytics.product_margin
-- name: product_margin:oltp
WITH m AS (
    SELECT p.product_code, p.product_name, p.product_line, p.product_vendor, p.buy_price, p.msrp,
           (SELECT count(DISTINCT l.order_number) FROM classicmodels.orderdetails l WHERE l.product_code = p.product_code) AS orders,
           coalesce((SELECT sum(l.quantity_ordered) FROM classicmodels.orderdetails l WHERE l.product_code = p.product_code), 0) AS quantity,
           coalesce((SELECT sum(l.quantity_ordered * l.price_each) FROM classicmodels.orderdetails l WHERE l.product_code = p.product_code), 0)::numeric(15,2) AS revenue
    FROM classicmodels.products p
)
SELECT row_number() OVER (ORDER BY revenue - quantity * buy_price DESC, revenue DESC, product_code),
       product_code, product_name, product_line, product_vendor, buy_price, msrp, msrp - buy_price,
       CASE WHEN msrp > 0 THEN round(100 * (msrp - buy_price) / msrp, 2) END::numeric(6,2),
       orders, quantity, revenue,
       CASE WHEN quantity > 0 THEN round(revenue / quantity, 2) END::numeric(12,2),
       (quantity * buy_price)::numeric(15,2), (revenue - quantity * buy_price)::numeric(15,2),
       CASE WHEN revenue > 0 THEN round(100 * (revenue - quantity * buy_price) / revenue, 2) END::numeric(8,2),
       CASE WHEN quantity > 0 AND msrp > 0 THEN round(100 * (1 - revenue / (quantity * msrp)), 2) END::numeric(8,2)
FROM m

-- name: sales_overview:olap
SELECT total_revenue, order_count, line_count, quantity, customer_count, customers_with_orders,
       customers_without_rep, payments_total, payment_count, first_order_date, last_order_date
FROM analytics.sales_overview
-- name: sales_overview:oltp
SELECT (SELECT sum(quantity_ordered * price_each) FROM classicmodels.orderdetails)::numeric(15,2),
       (SELECT count(DISTINCT order_number) FROM classicmodels.orderdetails),
       (SELECT count(*) FROM classicmodels.orderdetails),
       (SELECT sum(quantity_ordered) FROM classicmodels.orderdetails),
       (SELECT count(*) FROM classicmodels.customers),
       (SELECT count(DISTINCT o.customer_number) FROM classicmodels.orders o
        WHERE EXISTS (SELECT 1 FROM classicmodels.orderdetails l WHERE l.order_number = o.order_number)),
       (SELECT count(*) FROM classicmodels.customers WHERE sales_rep_employee_number IS NULL),
       (SELECT sum(amount) FROM classicmodels.payments)::numeric(15,2),
       (SELECT count(*) FROM classicmodels.payments),
       (SELECT min(o.order_date) FROM classicmodels.orders o
        WHERE EXISTS (SELECT 1 FROM classicmodels.orderdetails l WHERE l.order_number = o.order_number)),
       (SELECT max(o.order_date) FROM classicmodels.orders o
        WHERE EXISTS (SELECT 1 FROM classicmodels.orderdetails l WHERE l.order_number = o.order_number))
