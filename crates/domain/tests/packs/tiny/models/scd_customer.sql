-- The customer dimension: one row per version (file name sorts after the
-- fact on purpose: the header, not the name, puts it first).
-- reads: scd2.customer
-- writes: dw.dim_customer

INSERT INTO dw.dim_customer
    (customer_id, version_no, name, city, valid_from, valid_to, is_current)
SELECT customer_id, version_no, name, city, valid_from, valid_to, is_current
FROM scd2.customer
ON CONFLICT (customer_id, version_no) DO UPDATE
SET name = excluded.name, valid_to = excluded.valid_to, is_current = excluded.is_current;

INSERT INTO build_counts VALUES ('dw.dim_customer', (SELECT count(*) FROM scd2.customer));
