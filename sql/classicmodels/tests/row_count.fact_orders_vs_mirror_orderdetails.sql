-- dw.fact_orders has as many rows as mirror.orderdetails (one per OLTP
-- order line). Fails with one row: the two counts.
-- Scope: the orders in affected.order. A full build (or dq_full) counts
-- whole tables (SCANS dw.fact_orders: a plain count); a full build takes
-- mirror.orderdetails's count from its reload (build_counts) instead of
-- counting it again.
SELECT c.fact_orders, c.mirror_orderdetails
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.fact_orders)
                ELSE (SELECT count(*) FROM affected.order a
                      JOIN dw.fact_orders f ON f.order_number = a.order_number)
           END AS fact_orders,
           CASE WHEN p.mode = 'full'
                THEN (SELECT sum(rows_changed)::bigint FROM build_counts
                      WHERE table_name = 'mirror.orderdetails')
                WHEN p.dq_full
                THEN (SELECT count(*) FROM mirror.orderdetails)
                ELSE (SELECT count(*) FROM affected.order a
                      JOIN mirror.orderdetails l ON l.order_number = a.order_number)
           END AS mirror_orderdetails
    FROM build_params p
) c
WHERE c.fact_orders IS DISTINCT FROM c.mirror_orderdetails
