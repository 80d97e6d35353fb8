-- An order's total is the sum of its lines' amounts.
SELECT o.order_id, o.total, coalesce(sum(l.amount), 0) AS lines_total
FROM dw.fact_order o
LEFT JOIN dw.fact_order_line l ON l.order_id = o.order_id
GROUP BY o.order_id, o.total
HAVING o.total <> coalesce(sum(l.amount), 0)
