-- Every line of fact_orders carries its OLTP order's columns (customer,
-- status, order, required and shipped dates, days to ship, shipped late),
-- and every key resolves to its dimension row and agrees with the others:
-- the date keys are dim_date days, the product a dim_product
-- row, the customer key a version of the line's customer valid at the
-- order date (its UTC midnight), the employee key that version's sales rep
-- (-1 without one), the office that rep's current office, the customer
-- location that version's place and the office location the office's
-- place. Fails with the lines (order_number, product_code) and what is
-- wrong with them. NULL keys are no_null_keys's to report.
-- Scope: the orders in affected.order (every order in a full build or with
-- dq_full: then the whole table, with no join to affected.order). SCANS
-- dw.fact_orders once in a full build, hashing mirror.orders and the
-- (small) dimensions: every key in one pass rather than one relationships
-- test per key.
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH checked AS NOT MATERIALIZED (
    SELECT f.order_number, f.product_code,
           concat_ws(', ',
               CASE WHEN o.order_number IS NULL THEN 'no OLTP order' END,
               CASE WHEN ROW(f.customer_number, f.status, f.order_date_key, f.required_date_key,
                             f.shipped_date_key, f.days_to_ship, f.shipped_late)
                         IS DISTINCT FROM
                         ROW(o.customer_number, o.status, dw.date_key(o.order_date),
                             dw.date_key(o.required_date), dw.date_key(o.shipped_date),
                             o.shipped_date - o.order_date,
                             coalesce(o.shipped_date > o.required_date, false))
                     AND o.order_number IS NOT NULL
                    THEN 'order columns differ from the OLTP order''s' END,
               CASE WHEN f.order_date_key IS NOT NULL AND od.date_key IS NULL
                    THEN 'order_date_key ' || f.order_date_key || ' unresolved' END,
               CASE WHEN f.required_date_key IS NOT NULL AND rd.date_key IS NULL
                    THEN 'required_date_key ' || f.required_date_key || ' unresolved' END,
               CASE WHEN f.shipped_date_key IS NOT NULL AND sd.date_key IS NULL
                    THEN 'shipped_date_key ' || f.shipped_date_key || ' unresolved' END,
               CASE WHEN f.product_key IS NOT NULL AND p.product_key IS NULL
                    THEN 'product_key ' || f.product_key || ' unresolved' END,
               CASE WHEN f.product_key IS NOT NULL AND p.product_code <> f.product_code
                    THEN 'product_key of product ' || p.product_code END,
               CASE WHEN f.customer_key IS NOT NULL AND c.customer_key IS NULL
                    THEN 'customer_key ' || f.customer_key || ' unresolved' END,
               CASE WHEN c.customer_number <> f.customer_number
                    THEN 'customer_key of customer ' || c.customer_number END,
               CASE WHEN NOT (c.valid_from <= dw.utc_midnight(od.full_date)
                              AND c.valid_to > dw.utc_midnight(od.full_date))
                    THEN 'customer version ' || c.version_no || ' not valid at the order date' END,
               CASE WHEN f.employee_key IS NOT NULL AND e.employee_key IS NULL
                    THEN 'employee_key ' || f.employee_key || ' unresolved' END,
               CASE WHEN e.employee_number <> coalesce(c.sales_rep_employee_number, -1)
                    THEN 'employee ' || e.employee_number || ' is not the sales rep' END,
               CASE WHEN e.employee_key IS NOT NULL
                     AND ROW(f.office_code, f.office_location_key)
                         IS DISTINCT FROM ROW(e.office_code, e.office_location_key)
                    THEN 'office ' || coalesce(f.office_code, 'NULL') || ' is not the rep''s' END,
               CASE WHEN c.customer_key IS NOT NULL
                     AND f.customer_location_key IS DISTINCT FROM c.location_key
                    THEN 'customer_location_key is not the version''s place' END,
               CASE WHEN f.customer_location_key IS NOT NULL AND cl.location_key IS NULL
                    THEN 'customer_location_key ' || f.customer_location_key || ' unresolved' END,
               CASE WHEN f.office_location_key IS NOT NULL AND ol.location_key IS NULL
                    THEN 'office_location_key ' || f.office_location_key || ' unresolved' END
           ) AS problem
    FROM dw.fact_orders f
    LEFT JOIN mirror.orders o ON o.order_number = f.order_number
    LEFT JOIN dw.dim_date od ON od.date_key = f.order_date_key
    LEFT JOIN dw.dim_date rd ON rd.date_key = f.required_date_key
    LEFT JOIN dw.dim_date sd ON sd.date_key = f.shipped_date_key
    LEFT JOIN dw.dim_product p ON p.product_key = f.product_key
    LEFT JOIN dw.dim_customer c ON c.customer_key = f.customer_key
    LEFT JOIN dw.dim_employee e ON e.employee_key = f.employee_key
    LEFT JOIN dw.dim_location cl ON cl.location_key = f.customer_location_key
    LEFT JOIN dw.dim_location ol ON ol.location_key = f.office_location_key
)
SELECT x.*
FROM (SELECT * FROM checked OFFSET 0) x
WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
  AND x.problem <> ''
UNION ALL
SELECT x.*
FROM (SELECT k.* FROM affected.order a JOIN checked k ON k.order_number = a.order_number OFFSET 0) x
WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
  AND x.problem <> ''
ORDER BY 1, 2
