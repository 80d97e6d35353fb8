SELECT o.order_id
FROM dw.fact_order o
WHERE o.order_id IN (SELECT order_id FROM affected.orders)
  AND o.amount < 0
