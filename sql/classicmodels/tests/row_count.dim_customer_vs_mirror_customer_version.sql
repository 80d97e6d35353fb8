-- dw.dim_customer has one row per customer version of the SCD2 history
-- (mirror.customer_version). Fails with one row: the two counts.
-- Scope: a full build (or dq_full) counts both tables whole; an incremental
-- build the rows of the customers in changed.customers.
SELECT c.dim_customer, c.mirror_customer_version
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.dim_customer)
                ELSE (SELECT count(*) FROM dw.dim_customer d
                      WHERE d.customer_number IN (SELECT customer_number FROM changed.customers))
           END AS dim_customer,
           CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM mirror.customer_version)
                ELSE (SELECT count(*) FROM mirror.customer_version v
                      WHERE v.customer_number IN (SELECT customer_number FROM changed.customers))
           END AS mirror_customer_version
    FROM build_params p
) c
WHERE c.dim_customer <> c.mirror_customer_version
