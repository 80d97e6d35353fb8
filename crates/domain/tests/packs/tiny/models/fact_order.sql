-- reads: changed.orders, mirror.orders, affected.orders
-- reads: dw.dim_customer
-- writes: dw.fact_order
-- full: bulk

DELETE FROM dw.fact_order WHERE order_id IN (SELECT order_id FROM affected.orders);

INSERT INTO dw.fact_order (order_id, customer_key, amount)
SELECT o.order_id, c.customer_key, o.amount
FROM mirror.orders o
JOIN affected.orders a USING (order_id)
JOIN dw.dim_customer c
  ON c.customer_id = o.customer_id
 AND c.valid_from <= o.ordered_at AND c.valid_to > o.ordered_at;

-- changed.orders only feeds the count.
INSERT INTO build_counts VALUES ('dw.fact_order', (SELECT count(*) FROM changed.orders));
