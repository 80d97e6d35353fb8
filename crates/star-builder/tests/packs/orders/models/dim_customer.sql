-- reads: scd2.customer
-- writes: dw.dim_customer

-- SCD type 2: the engine's versions, upserted by (customer_id, version_no)
-- so an existing version keeps its surrogate key.
WITH upserted AS (
    INSERT INTO dw.dim_customer (customer_id, version_no, name, city, valid_from, valid_to, is_current)
    SELECT customer_id, version_no, name, city, valid_from, valid_to, is_current
    FROM scd2.customer
    ON CONFLICT (customer_id, version_no) DO UPDATE
        SET name = EXCLUDED.name, city = EXCLUDED.city, valid_from = EXCLUDED.valid_from,
            valid_to = EXCLUDED.valid_to, is_current = EXCLUDED.is_current
        WHERE (dim_customer.name, dim_customer.city, dim_customer.valid_from,
               dim_customer.valid_to, dim_customer.is_current)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.city, EXCLUDED.valid_from,
                                EXCLUDED.valid_to, EXCLUDED.is_current)
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_customer', count(*) FROM upserted;
