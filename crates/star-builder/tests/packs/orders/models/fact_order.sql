-- reads: affected.orders, mirror.orders, mirror.order_line
-- reads: dw.dim_customer, dw.dim_product
-- writes: dw.fact_order_line, dw.fact_order

-- Both facts are replaced per affected order. The customer is the version
-- valid when the order was placed (its time read as UTC).
WITH gone AS (
    DELETE FROM dw.fact_order_line f
    USING affected.orders a
    WHERE f.order_id = a.order_id
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.fact_order_line', count(*) FROM gone;

WITH gone AS (
    DELETE FROM dw.fact_order f
    USING affected.orders a
    WHERE f.order_id = a.order_id
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.fact_order', count(*) FROM gone;

WITH added AS (
    INSERT INTO dw.fact_order_line
        (order_id, line_no, ordered_at, customer_key, product_key, quantity, unit_price, amount)
    SELECT l.order_id, l.line_no, o.ordered_at, c.customer_key, p.product_key,
           l.quantity, l.unit_price, l.quantity * l.unit_price
    FROM affected.orders a
    JOIN mirror.orders o ON o.order_id = a.order_id
    JOIN mirror.order_line l ON l.order_id = a.order_id
    LEFT JOIN dw.dim_customer c
           ON c.customer_id = o.customer_id
          AND c.valid_from <= (o.ordered_at AT TIME ZONE 'UTC')
          AND c.valid_to > (o.ordered_at AT TIME ZONE 'UTC')
    LEFT JOIN dw.dim_product p ON p.product_id = l.product_id
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.fact_order_line', count(*) FROM added;

WITH added AS (
    INSERT INTO dw.fact_order
        (order_id, ordered_at, customer_key, status, line_count, quantity, total)
    SELECT o.order_id, o.ordered_at, c.customer_key, o.status,
           count(l.line_no), coalesce(sum(l.quantity), 0),
           coalesce(sum(l.quantity * l.unit_price), 0)
    FROM affected.orders a
    JOIN mirror.orders o ON o.order_id = a.order_id
    LEFT JOIN mirror.order_line l ON l.order_id = a.order_id
    LEFT JOIN dw.dim_customer c
           ON c.customer_id = o.customer_id
          AND c.valid_from <= (o.ordered_at AT TIME ZONE 'UTC')
          AND c.valid_to > (o.ordered_at AT TIME ZONE 'UTC')
    GROUP BY o.order_id, o.ordered_at, c.customer_key, o.status
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.fact_order', count(*) FROM added;
