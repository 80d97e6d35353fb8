-- dw.dim_customer has one current row per OLTP customer. Fails with one
-- row: the two counts.
-- Scope: a full build (or dq_full) counts both tables whole; an incremental
-- build the rows of the customers in changed.customers.
SELECT c.dim_customer_current, c.mirror_customers
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.dim_customer WHERE is_current)
                ELSE (SELECT count(*) FROM dw.dim_customer d
                      WHERE d.is_current
                        AND d.customer_number IN (SELECT customer_number FROM changed.customers))
           END AS dim_customer_current,
           CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM mirror.customers)
                ELSE (SELECT count(*) FROM mirror.customers m
                      WHERE m.customer_number IN (SELECT customer_number FROM changed.customers))
           END AS mirror_customers
    FROM build_params p
) c
WHERE c.dim_customer_current <> c.mirror_customers
